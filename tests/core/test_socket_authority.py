"""A websocket's authority ends with its token or its session: logout, revocation and expiry close
it (4403, 4401), across processes through the channel layer, and every operation re-checks."""

import asyncio
import json

import pytest
import websockets
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from accounts import services as account_services
from accounts.models import AuthSession
from config.asgi import application
from tests.accounts.factories import CustomerFactory
from tests.conftest import GraphQLClient
from tests.servers import asgi_servers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("thread_connections_closed")]
VIEWER = "query { viewer { role } }"


def _session(phone: str):
    customer = CustomerFactory(user__phone=phone)
    return account_services._session_start(user=customer.user, client_ip="127.0.0.1", user_agent="t")


async def _connect(token: str) -> WebsocketCommunicator:
    ws = WebsocketCommunicator(application, "/graphql/", subprotocols=["graphql-transport-ws"])
    assert (await ws.connect())[0]
    await ws.send_json_to({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    assert (await ws.receive_json_from(timeout=10))["type"] == "connection_ack"
    return ws


async def _closed_with(ws: WebsocketCommunicator) -> int:
    while True:
        output = await ws.receive_output(timeout=15)
        if output["type"] == "websocket.close":
            return output["code"]


def test_logout_closes_the_sessions_open_sockets():
    pair = _session("13800000091")

    async def scenario():
        ws = await _connect(pair.access_token)
        # logout from the app's HTTP request: committed, then announced to the session's sockets
        await database_sync_to_async(GraphQLClient())("mutation { logout { ok } }", token=pair.access_token)
        return await _closed_with(ws)

    assert async_to_sync(scenario)() == 4403


def test_an_operation_after_revocation_is_refused_and_the_socket_closed():
    pair = _session("13800000092")

    async def scenario():
        ws = await _connect(pair.access_token)
        # revoked without any announcement reaching this socket (a lost broadcast, a direct edit)
        await database_sync_to_async(AuthSession.objects.update)(revoked_at=timezone.now())
        await ws.send_json_to({"id": "1", "type": "subscribe", "payload": {"query": VIEWER}})
        refused = await ws.receive_json_from(timeout=10)
        return refused, await _closed_with(ws)

    refused, code = async_to_sync(scenario)()
    assert refused["type"] == "error" and refused["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert code == 4403


def test_a_socket_closes_when_its_token_expires(settings):
    from datetime import timedelta

    settings.ACCESS_TOKEN_LIFETIME = timedelta(seconds=2)
    pair = _session("13800000093")

    async def scenario():
        ws = await _connect(pair.access_token)
        return await _closed_with(ws)

    assert async_to_sync(scenario)() == 4401


@pytest.fixture
def server(redis_url, postgres):
    with asgi_servers(1, REDIS_URL=redis_url, ACCESS_TOKEN_SECONDS="4") as (port,):
        yield port


def test_logout_and_expiry_close_sockets_served_by_another_process(server):
    logged_out = _session("13800000094")
    expiring = _session("13800000095")
    session_id = AuthSession.objects.get(user=logged_out.user).pk

    async def connect(token):
        ws = await websockets.connect(
            f"ws://127.0.0.1:{server}/graphql/", subprotocols=["graphql-transport-ws"]
        )
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        )
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "connection_ack"
        return ws

    async def close_code(ws):
        try:
            while True:
                await asyncio.wait_for(ws.recv(), 20)
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None

    async def scenario():
        first, second = await connect(logged_out.access_token), await connect(expiring.access_token)
        # this process logs the first session out; the server process hears it through Redis
        await database_sync_to_async(account_services.logout)(user=logged_out.user, session_id=session_id)
        return await close_code(first), await close_code(second)

    assert async_to_sync(scenario)() == (4403, 4401)
