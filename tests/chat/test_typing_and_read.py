"""Typing and read events reach the other side; read positions are stored and never go backwards;
the human answer time includes the customer's wait in the queue."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone
from strawberry import relay

from chat.models import Conversation
from chat.selectors import chat_stats
from chat.services import messages

from .test_websocket_operations import _connect, _operation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("thread_connections_closed")]
EVENTS = """
subscription E($id: ID!) {
  chatEvents(conversationId: $id, afterSeq: 2) { type senderKind readSeq }
}
"""
TYPING = "mutation T($id: ID!) { sendTyping(input: {conversationId: $id}) { ok errors { code } } }"
READ = "mutation R($id: ID!, $seq: Int!) { markChatRead(input: {conversationId: $id, seq: $seq}) { ok errors { code } } }"


@pytest.fixture
def chat(active_chat, customer, staff_a):
    from tests.conftest import access_token

    for body in ("第一条", "第二条"):
        messages.message_send(
            conversation_id=active_chat.pk,
            sender=staff_a.user,
            kind="STAFF",
            body=body,
            client_message_id=None,
        )
    gid = str(relay.GlobalID("Conversation", str(active_chat.pk)))
    return active_chat, gid, access_token(customer.user), access_token(staff_a.user)


async def _next_event(ws, *, skip_messages: bool = True) -> dict:
    """The next event; replayed or live MESSAGE events are passed over unless asked for."""
    while True:
        message = await ws.receive_json_from(timeout=5)
        assert message["type"] == "next", message
        event = message["payload"]["data"]["chatEvents"]
        if not (skip_messages and event["type"] == "MESSAGE"):
            return event


async def test_typing_and_reading_reach_the_other_side_and_the_position_is_kept(chat):
    conversation, gid, customer_token, staff_token = chat
    staff = await _connect(staff_token)
    await staff.send_json_to(
        {"id": "s", "type": "subscribe", "payload": {"query": EVENTS, "variables": {"id": gid}}}
    )
    # The replay of the last message says the subscription is listening (it listens, then replays).
    assert (await _next_event(staff, skip_messages=False))["type"] == "MESSAGE"
    customer = await _connect(customer_token)

    assert (await _operation(customer, TYPING, {"id": gid}))["data"]["sendTyping"]["ok"] is True
    assert await _next_event(staff) == {"type": "TYPING", "senderKind": "CUSTOMER", "readSeq": None}

    await _operation(customer, READ, {"id": gid, "seq": 3})
    assert await _next_event(staff) == {"type": "READ", "senderKind": "CUSTOMER", "readSeq": 3}
    # an older position (a late frame from another device) does not move it back
    await _operation(customer, READ, {"id": gid, "seq": 1})
    assert await _next_event(staff) == {"type": "READ", "senderKind": "CUSTOMER", "readSeq": 3}
    # nor can it pass the last message
    await _operation(customer, READ, {"id": gid, "seq": 500})

    stored = await database_sync_to_async(Conversation.objects.get)(pk=conversation.pk)
    assert (stored.customer_read_seq, stored.staff_read_seq, stored.last_seq) == (3, 0, 3)
    await staff.disconnect()
    await customer.disconnect()


def test_answer_time_counts_from_asking_for_a_person(customer, staff_a):
    conversation = messages.conversation_start(customer=customer)
    asked = timezone.now()
    Conversation.objects.filter(pk=conversation.pk).update(
        status="ACTIVE",
        queued_at=asked,
        assigned_at=asked + timedelta(seconds=60),
        first_staff_reply_at=asked + timedelta(seconds=90),
        assigned_staff=staff_a.user,
    )
    assert chat_stats()["median_answer_seconds"] == 90
