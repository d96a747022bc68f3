"""HTTP through the ASGI application: the middleware chain and view run in one hop to a thread."""

import asyncio
import json

import pytest
from channels.testing import HttpCommunicator

from config.asgi import application, django_asgi_app

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_middleware_chain_is_built_synchronous():
    # Built for ASGI, Django would adapt each middleware on its own: two thread switches apiece.
    assert not asyncio.iscoroutinefunction(django_asgi_app._middleware_chain)


async def test_graphql_over_asgi_keeps_the_middlewares_work():
    body = json.dumps({"query": "{ myPolicies { totalCount } }"}).encode()
    communicator = HttpCommunicator(
        application,
        "POST",
        "/graphql/",
        body=body,
        headers=[
            (b"content-type", b"application/json"),
            (b"accept-language", b"en"),
            (b"host", b"testserver"),
            (b"x-request-id", b"req-12345678"),
        ],
    )
    response = await communicator.get_response(timeout=10)
    headers = dict(response["headers"])

    assert response["status"] == 200
    assert headers[b"X-Request-ID"] == b"req-12345678"  # RequestIdMiddleware
    assert headers[b"X-Frame-Options"] == b"DENY"  # XFrameOptionsMiddleware
    errors = json.loads(response["body"])["errors"]
    assert [(e["message"], e["extensions"]["code"]) for e in errors] == [
        ("Please log in.", "UNAUTHENTICATED")
    ]
