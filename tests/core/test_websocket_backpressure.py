"""A busy socket is slowed down, not refused: queries and mutations past the in-flight limit wait for a
slot (the socket is not read meanwhile); live subscriptions have a limit of their own."""

import asyncio
import threading

import pytest
from channels.testing import WebsocketCommunicator

from config.asgi import application
from core.graphql.ws_handler import ThreadedOperationsHandler
from tests.accounts.factories import CustomerFactory
from tests.conftest import access_token

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("thread_connections_closed")]
VIEWER = "query V { viewer { id } }"
HEARTBEAT = "subscription H { viewerHeartbeat(intervalSeconds: 5) { at } }"


@pytest.fixture
def held(monkeypatch):
    """Queries start but do not finish until `held.gate` is set; `held.handlers` lists the
    socket handler of each started one."""
    gate = threading.Event()
    handlers: list = []
    original = ThreadedOperationsHandler._execute

    def execute(self, operation):
        handlers.append(self)
        assert gate.wait(timeout=30)
        return original(self, operation)

    monkeypatch.setattr(ThreadedOperationsHandler, "_execute", execute)
    yield type("Held", (), {"gate": gate, "handlers": handlers})
    gate.set()


async def _connect() -> WebsocketCommunicator:
    token = await asyncio.to_thread(lambda: access_token(CustomerFactory().user))
    ws = WebsocketCommunicator(application, "/graphql/", subprotocols=["graphql-transport-ws"])
    assert (await ws.connect())[0]
    await ws.send_json_to({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    assert (await ws.receive_json_from(timeout=5))["type"] == "connection_ack"
    return ws


async def _until(condition) -> None:
    async def poll():
        while not condition():
            await asyncio.sleep(0)  # yields to the loop until the condition holds (bounded below)

    await asyncio.wait_for(poll(), timeout=10)


async def _results(ws, count: int, ids=None) -> dict[str, list[str]]:
    """The message types each operation id received, until `count` operations completed (only
    those of `ids` if given: live subscriptions send beats meanwhile)."""
    seen: dict[str, list[str]] = {}
    done = 0
    while done < count:
        message = await ws.receive_json_from(timeout=10)
        if ids is not None and message["id"] not in ids:
            continue
        seen.setdefault(message["id"], []).append(message["type"])
        done += message["type"] in ("complete", "error")
    return seen


async def _first(ws, operation_id: str) -> dict:
    while True:
        message = await ws.receive_json_from(timeout=10)
        if message["id"] == operation_id:
            return message


async def test_queries_past_the_limit_wait_for_a_slot_instead_of_being_refused(postgres, settings, held):
    # PostgreSQL: operations run in a pool of threads (SQLite's run one at a time in one thread).
    settings.GRAPHQL_WS_IN_FLIGHT = 3
    ws = await _connect()
    for n in range(8):
        await ws.send_json_to({"id": str(n), "type": "subscribe", "payload": {"query": VIEWER}})

    await _until(lambda: len(held.handlers) == 3)
    handler = held.handlers[0]
    assert len(handler.operations) == 3  # the fourth waits for a slot; the socket is not read
    assert handler._slots.locked()
    held.gate.set()

    seen = await _results(ws, 8)
    assert seen == {str(n): ["next", "complete"] for n in range(8)}
    assert len(held.handlers) == 8
    await ws.disconnect()


async def test_more_than_strawberrys_hundred_operations_may_be_in_flight(held):
    ws = await _connect()
    for n in range(105):
        await ws.send_json_to({"id": str(n), "type": "subscribe", "payload": {"query": VIEWER}})

    # All 105 taken (strawberry alone refused the 101st: "Subscription limit reached").
    await _until(lambda: held.handlers and len(held.handlers[0].operations) == 105)
    held.gate.set()

    seen = await _results(ws, 105)
    assert seen == {str(n): ["next", "complete"] for n in range(105)}
    await ws.disconnect()


async def test_live_subscriptions_have_their_own_limit_with_a_translated_refusal(settings):
    settings.GRAPHQL_WS_SUBSCRIPTIONS = 2
    ws = await _connect()
    for n in ("a", "b"):
        await ws.send_json_to({"id": n, "type": "subscribe", "payload": {"query": HEARTBEAT}})
        assert (await ws.receive_json_from(timeout=5))["type"] == "next"

    await ws.send_json_to({"id": "c", "type": "subscribe", "payload": {"query": HEARTBEAT}})
    refused = await _first(ws, "c")
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert refused["payload"][0]["message"] == "此连接上的实时订阅过多。"

    # Queries are not subscriptions: they still run.
    await ws.send_json_to({"id": "q", "type": "subscribe", "payload": {"query": VIEWER}})
    assert await _results(ws, 1, ids={"q"}) == {"q": ["next", "complete"]}

    # One ended frees its place.
    await ws.send_json_to({"id": "a", "type": "complete"})
    await ws.send_json_to({"id": "d", "type": "subscribe", "payload": {"query": HEARTBEAT}})
    assert (await _first(ws, "d"))["type"] == "next"
    await ws.disconnect()
