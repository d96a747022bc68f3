import json
import os

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client, TestCase

from accounts.sms import MemorySmsBackend
from tests.clock import BUSINESS_NOW

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


@pytest.fixture(autouse=True)
def business_clock():
    """Every test runs at BUSINESS_NOW (ticking), never at the wall clock's time; tests needing another
    moment travel there (a nested travel wins)."""
    with time_machine.travel(BUSINESS_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _clean_side_channels():
    from operations.services.calendar import calendar_cache_clear

    MemorySmsBackend.outbox.clear()
    cache.clear()
    # The business calendar is cached per process; a test's rolled-back edits must not outlive it.
    calendar_cache_clear()
    yield
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def sms_outbox():
    return MemorySmsBackend.outbox


def _need(what: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not configured")
    pytest.skip(f"needs {what}")


@pytest.fixture
def postgres(db):
    """Tests of locking and concurrency: PostgreSQL only, and never silently skipped in CI."""
    if connection.vendor != "postgresql":
        _need("PostgreSQL (DATABASE_URL)")


@pytest.fixture
def redis_url(settings):
    if not settings.REDIS_URL:
        _need("Redis (REDIS_URL)")
    return settings.REDIS_URL


class GraphQLClient:
    """Posts GraphQL over HTTP as the apps do; `token` and `lang` set the headers."""

    def __init__(self):
        self.client = Client(REMOTE_ADDR="10.1.2.3")
        self.token: str | None = None

    def post_raw(self, body, *, token=None, lang=None, content_type="application/json", **headers):
        if token or self.token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token or self.token}"
        if lang:
            headers["HTTP_ACCEPT_LANGUAGE"] = lang
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        # Each request commits in production, so run what services deferred to on_commit.
        with TestCase.captureOnCommitCallbacks(execute=True):
            return self.client.post("/graphql/", data=data, content_type=content_type, **headers)

    def __call__(self, query: str, variables: dict | None = None, **kwargs) -> dict:
        response = self.post_raw({"query": query, "variables": variables or {}}, **kwargs)
        assert response.status_code == 200, response.content
        return response.json()

    def login(self, phone: str, password: str = "demo12345") -> dict:
        result = self(LOGIN, {"input": {"phone": phone, "password": password}})
        payload = result["data"]["login"]
        assert payload["errors"] == [], payload
        self.token = payload["accessToken"]
        return payload


LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) {
    accessToken refreshToken expiresAt
    viewer { id role displayName maskedPhone }
    errors { field code message }
  }
}
"""


@pytest.fixture
def gql(db):
    return GraphQLClient()


@pytest.fixture
async def thread_connections_closed():
    """For websocket tests: connections opened in sync_to_async's worker thread would outlive the
    test database."""
    yield
    from channels.db import database_sync_to_async
    from django.db import connections

    await database_sync_to_async(connections.close_all)()


def access_token(user) -> str:
    from accounts.services import _session_start

    return _session_start(user=user, client_ip="127.0.0.1", user_agent="test").access_token


def error_codes(result: dict) -> list[str]:
    return [error["extensions"]["code"] for error in result.get("errors") or []]
