"""Subscriptions over graphql-transport-ws on /graphql/, authenticated in connection_init."""

import base64

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections

from accounts import services
from accounts.models import AuthSession
from config.asgi import application
from tests.accounts.factories import CustomerFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def _close_thread_connections():
    yield
    # Connections opened in sync_to_async's worker thread would outlive the test database.
    await database_sync_to_async(connections.close_all)()


HEARTBEAT = "subscription { viewerHeartbeat(intervalSeconds: 5) { at viewerId } }"


@pytest.fixture
def access_token():
    customer = CustomerFactory(user__phone="13800000021")
    pair = services._session_start(user=customer.user, client_ip="127.0.0.1", user_agent="test")
    return pair.access_token, customer.user


async def _connect(payload):
    communicator = WebsocketCommunicator(application, "/graphql/", subprotocols=["graphql-transport-ws"])
    connected, subprotocol = await communicator.connect()
    assert connected and subprotocol == "graphql-transport-ws"
    await communicator.send_json_to({"type": "connection_init", "payload": payload})
    return communicator


async def test_valid_token_gets_the_subscription(access_token):
    token, user = access_token
    communicator = await _connect({"authorization": f"Bearer {token}"})

    assert await communicator.receive_json_from(timeout=5) == {"type": "connection_ack"}
    await communicator.send_json_to({"id": "1", "type": "subscribe", "payload": {"query": HEARTBEAT}})
    message = await communicator.receive_json_from(timeout=5)

    assert message["type"] == "next" and message["id"] == "1"
    beat = message["payload"]["data"]["viewerHeartbeat"]
    assert beat["at"]
    assert base64.b64decode(beat["viewerId"]).decode() == f"Viewer:{user.pk}"
    await communicator.send_json_to({"id": "1", "type": "complete"})
    await communicator.disconnect()


@pytest.mark.parametrize(
    "payload", [{}, {"authorization": ""}, {"authorization": "Bearer nonsense"}, {"token": "x"}]
)
async def test_missing_or_bad_token_closes_the_connection(access_token, payload):
    communicator = await _connect(payload)

    closed = await communicator.receive_output(timeout=5)

    assert closed["type"] == "websocket.close"
    assert closed["code"] == 4403


async def test_subscribe_before_init_is_closed(access_token):
    communicator = WebsocketCommunicator(application, "/graphql/", subprotocols=["graphql-transport-ws"])
    await communicator.connect()
    await communicator.send_json_to({"id": "1", "type": "subscribe", "payload": {"query": HEARTBEAT}})
    closed = await communicator.receive_output(timeout=5)
    assert closed["type"] == "websocket.close" and closed["code"] == 4401


async def test_revoked_session_token_is_refused(access_token):
    token, user = access_token
    await database_sync_to_async(AuthSession.objects.filter(user=user).update)(
        revoked_at="2026-01-01T00:00:00Z"
    )
    communicator = await _connect({"authorization": f"Bearer {token}"})
    closed = await communicator.receive_output(timeout=5)
    assert closed["type"] == "websocket.close" and closed["code"] == 4403
