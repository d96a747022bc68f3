"""chatEvents over graphql-transport-ws: replay from afterSeq, then live; nothing lost, nothing twice."""

import gc
import itertools

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from graphql.execution.collect_fields import FieldDetails
from strawberry import relay

from chat.models import SenderKind
from chat.services import messages, queue, staff
from config.asgi import application
from tests.conftest import access_token

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("thread_connections_closed")]
EVENTS = """
subscription E($id: ID!, $after: Int!) {
  chatEvents(conversationId: $id, afterSeq: $after) { type message { seq senderKind body } status queuePosition }
}
"""
STAFF_EVENTS = "subscription { staffEvents { type conversationId } }"
_ids = itertools.count(1)


@pytest.fixture
def chat(active_chat, customer, staff_a):
    return active_chat, access_token(customer.user), staff_a.user


async def _subscribe(token: str, query: str, variables: dict):
    ws = WebsocketCommunicator(application, "/graphql/", subprotocols=["graphql-transport-ws"])
    connected, _ = await ws.connect()
    assert connected
    await ws.send_json_to({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    assert (await ws.receive_json_from(timeout=5))["type"] == "connection_ack"
    await ws.send_json_to(
        {"id": str(next(_ids)), "type": "subscribe", "payload": {"query": query, "variables": variables}}
    )
    return ws


async def _next_event(ws) -> dict:
    message = await ws.receive_json_from(timeout=5)
    assert message["type"] == "next", message
    return message["payload"]["data"]


def _send(conversation, sender, body):
    return messages.message_send(
        conversation_id=conversation.pk,
        sender=sender,
        kind=SenderKind.STAFF,
        body=body,
        client_message_id=None,
    )


async def test_replays_after_seq_then_streams_live(chat):
    conversation, token, staff = chat
    for n in range(3):
        await database_sync_to_async(_send)(conversation, staff, f"m{n}")  # seqs 2, 3, 4
    gid = str(relay.GlobalID("Conversation", str(conversation.pk)))

    ws = await _subscribe(token, EVENTS, {"id": gid, "after": 2})
    replayed = [(await _next_event(ws))["chatEvents"]["message"]["seq"] for _ in range(2)]
    await database_sync_to_async(_send)(conversation, staff, "live")
    live = (await _next_event(ws))["chatEvents"]

    assert replayed == [3, 4]
    assert (live["type"], live["message"]["seq"], live["message"]["body"]) == ("MESSAGE", 5, "live")
    await ws.disconnect()


async def test_a_long_subscription_does_not_grow_with_each_event(chat):
    conversation, token, staff = chat
    gid = str(relay.GlobalID("Conversation", str(conversation.pk)))
    ws = await _subscribe(token, EVENTS, {"id": gid, "after": conversation.last_seq})

    def live_field_details() -> int:
        gc.collect()
        return sum(type(o) is FieldDetails for o in gc.get_objects())

    async def deliver(count: int) -> None:
        for n in range(count):
            await database_sync_to_async(_send)(conversation, staff, f"m{n}")
            await _next_event(ws)

    await deliver(20)
    before = live_field_details()
    await deliver(200)
    grown = live_field_details() - before
    await ws.disconnect()

    # graphql-core kept each event's collected fields (five FieldDetails here) for the whole
    # subscription: 1,000 more after 200 events. See core.graphql.executor.
    assert grown < 20, grown


async def test_500_messages_with_the_connection_dropped_every_50_lose_nothing(chat):
    conversation, token, staff = chat
    gid = str(relay.GlobalID("Conversation", str(conversation.pk)))
    received: list[int] = []
    last_seq = 0
    sent = 0
    for _round in range(10):
        ws = await _subscribe(token, EVENTS, {"id": gid, "after": last_seq})
        # Half of the round arrives while connected…
        for _ in range(25):
            await database_sync_to_async(_send)(conversation, staff, f"n{sent}")
            sent += 1
        expected_last = conversation.last_seq + sent
        while last_seq < expected_last:
            event = (await _next_event(ws))["chatEvents"]
            if event["type"] == "MESSAGE":
                received.append(event["message"]["seq"])
                last_seq = event["message"]["seq"]
        # …then the connection drops and the other half is sent while nobody listens.
        await ws.disconnect()
        for _ in range(25):
            await database_sync_to_async(_send)(conversation, staff, f"n{sent}")
            sent += 1
    ws = await _subscribe(token, EVENTS, {"id": gid, "after": last_seq})
    total = conversation.last_seq + sent
    while last_seq < total:
        event = (await _next_event(ws))["chatEvents"]
        received.append(event["message"]["seq"])
        last_seq = event["message"]["seq"]
    await ws.disconnect()

    assert sent == 500
    assert received == list(range(1, total + 1))  # the greeting, then all 500: 0 lost, 0 duplicated, in order


async def _staff_listening(ws) -> None:
    """Probe the desk's group until the subscription hears it (it registers after a database hop),
    then drain the probes: what follows is heard."""
    from channels.layers import get_channel_layer

    from chat import events

    layer = get_channel_layer()
    probe = {"type": events.CHANNEL_TYPE, "event": events.encode(events.QueueChangedEvent())}
    for _ in range(100):
        await layer.group_send(events.STAFF_ALL, probe)
        if not await ws.receive_nothing(timeout=0.1):
            break
    else:
        raise AssertionError("the subscription never listened")
    while not await ws.receive_nothing(timeout=0.2):
        await ws.receive_json_from()


async def test_staff_events_announce_assignments(customer, staff_a):
    token = await database_sync_to_async(access_token)(staff_a.user)
    ws = await _subscribe(token, STAFF_EVENTS, {})
    await _staff_listening(ws)
    await database_sync_to_async(staff.availability_set)(user=staff_a.user, status="ONLINE", capacity=2)
    conversation = await database_sync_to_async(messages.conversation_start)(customer=customer)
    await database_sync_to_async(queue.human_request)(conversation=conversation)
    events = [(await _next_event(ws))["staffEvents"] for _ in range(2)]
    assert {e["type"] for e in events} == {"ASSIGNED", "QUEUE_CHANGED"}
    await ws.disconnect()


async def test_another_customers_conversation_is_refused(chat, elder):
    conversation, _token_owner, _staff = chat
    intruder = await database_sync_to_async(access_token)(elder.user)
    ws = await _subscribe(
        intruder, EVENTS, {"id": str(relay.GlobalID("Conversation", str(conversation.pk))), "after": 0}
    )
    foreign = await ws.receive_json_from(timeout=5)
    await ws.disconnect()
    ws = await _subscribe(intruder, EVENTS, {"id": str(relay.GlobalID("Conversation", "999999")), "after": 0})
    missing = await ws.receive_json_from(timeout=5)
    await ws.disconnect()

    assert foreign["payload"] == missing["payload"]
    assert foreign["payload"] == {
        "data": None,
        "errors": [{"message": "未找到。", "extensions": {"code": "NOT_FOUND"}}],
    }
