"""Chat operations over the websocket the apps already hold; broadcasts that go missing."""

import itertools
import logging
from unittest import mock

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from strawberry import relay

from chat.models import Message, SenderKind
from chat.services import messages
from config.asgi import application
from tests.conftest import access_token

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("thread_connections_closed")]
EVENTS = (
    "subscription E($id: ID!) { chatEvents(conversationId: $id, afterSeq: 0) { type message { seq body } } }"
)
SEND = """
mutation S($input: SendChatMessageInput!) {
  sendChatMessage(input: $input) { message { seq body } errors { field code message } }
}
"""
_ids = itertools.count(1)


class BrokenLayer:
    """A channel layer whose Redis is down."""

    async def group_send(self, group, message):
        raise ConnectionError("redis is down")


@pytest.fixture
def chat(active_chat, customer, staff_a):
    gid = str(relay.GlobalID("Conversation", str(active_chat.pk)))
    return active_chat, gid, access_token(customer.user), access_token(staff_a.user)


async def _connect(token: str, language: bytes | None = None) -> WebsocketCommunicator:
    headers = [(b"accept-language", language)] if language else []
    ws = WebsocketCommunicator(
        application, "/graphql/", subprotocols=["graphql-transport-ws"], headers=headers
    )
    connected, _ = await ws.connect()
    assert connected
    await ws.send_json_to({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    assert (await ws.receive_json_from(timeout=5))["type"] == "connection_ack"
    return ws


async def _operation(ws, query: str, variables: dict) -> dict:
    op_id = str(next(_ids))
    await ws.send_json_to(
        {"id": op_id, "type": "subscribe", "payload": {"query": query, "variables": variables}}
    )
    message = await ws.receive_json_from(timeout=5)
    assert message["type"] == "next" and message["id"] == op_id, message
    assert (await ws.receive_json_from(timeout=5)) == {"id": op_id, "type": "complete"}
    return message["payload"]


async def _next_message(ws) -> dict:
    while True:
        event = await ws.receive_json_from(timeout=5)
        assert event["type"] == "next", event
        data = event["payload"]["data"]["chatEvents"]
        if data["type"] == "MESSAGE":
            return data["message"]


async def test_staff_reply_over_the_websocket_reaches_the_customers_subscription(chat):
    conversation, gid, customer_token, staff_token = chat
    customer = await _connect(customer_token)
    await customer.send_json_to(
        {"id": "sub", "type": "subscribe", "payload": {"query": EVENTS, "variables": {"id": gid}}}
    )
    greeting = await _next_message(customer)  # the bot's greeting, replayed
    staff = await _connect(staff_token)

    payload = await _operation(
        staff, SEND, {"input": {"conversationId": gid, "body": "您好，我来帮您", "clientMessageId": "c-1"}}
    )
    again = await _operation(
        staff, SEND, {"input": {"conversationId": gid, "body": "您好，我来帮您", "clientMessageId": "c-1"}}
    )

    assert payload["data"]["sendChatMessage"] == {
        "message": {"seq": greeting["seq"] + 1, "body": "您好，我来帮您"},
        "errors": [],
    }
    assert again == payload  # the client's retry stores nothing new
    assert await _next_message(customer) == {"seq": greeting["seq"] + 1, "body": "您好，我来帮您"}
    assert await database_sync_to_async(Message.objects.filter(conversation=conversation).count)() == 2
    await customer.disconnect()
    await staff.disconnect()


async def test_websocket_operations_answer_in_the_handshakes_language_and_hide_foreign_chats(chat, elder):
    conversation, gid, _customer_token, _staff_token = chat
    intruder = await database_sync_to_async(access_token)(elder.user)
    english = await _connect(intruder, b"en-US,en;q=0.9")
    chinese = await _connect(intruder)
    missing = str(relay.GlobalID("Conversation", "999999"))

    foreign_en = await _operation(english, SEND, {"input": {"conversationId": gid, "body": "hi"}})
    missing_en = await _operation(english, SEND, {"input": {"conversationId": missing, "body": "hi"}})
    foreign_zh = await _operation(chinese, SEND, {"input": {"conversationId": gid, "body": "hi"}})

    assert foreign_en == missing_en
    assert foreign_en["data"]["sendChatMessage"]["errors"] == [
        {"field": "conversationId", "code": "NOT_FOUND", "message": "Not found."}
    ]
    assert foreign_zh["data"]["sendChatMessage"]["errors"][0]["message"] == "未找到。"
    assert await database_sync_to_async(Message.objects.filter(conversation=conversation).count)() == 1
    await english.disconnect()
    await chinese.disconnect()


async def test_staff_not_assigned_cannot_reply_over_the_websocket(chat, staff_b):
    _conversation, gid, _customer_token, _staff_token = chat
    other = await _connect(await database_sync_to_async(access_token)(staff_b.user), b"en")
    payload = await _operation(other, SEND, {"input": {"conversationId": gid, "body": "hello"}})
    # Another person's chat looks exactly like a missing one.
    assert payload["data"]["sendChatMessage"] == {
        "message": None,
        "errors": [{"field": "conversationId", "code": "NOT_FOUND", "message": "Not found."}],
    }
    await other.disconnect()


async def test_a_lost_broadcast_is_filled_from_the_store_in_order(chat):
    conversation, gid, customer_token, _staff_token = chat
    customer = await _connect(customer_token)
    await customer.send_json_to(
        {"id": "sub", "type": "subscribe", "payload": {"query": EVENTS, "variables": {"id": gid}}}
    )
    greeting = await _next_message(customer)

    def send(body: str) -> None:
        messages.message_send(
            conversation_id=conversation.pk,
            sender=conversation.assigned_staff,
            kind=SenderKind.STAFF,
            body=body,
            client_message_id=None,
        )

    with mock.patch("chat.events.send_on_commit"):  # this one's broadcast never happens
        await database_sync_to_async(send)("lost")
    await database_sync_to_async(send)("after")

    assert await _next_message(customer) == {"seq": greeting["seq"] + 1, "body": "lost"}
    assert await _next_message(customer) == {"seq": greeting["seq"] + 2, "body": "after"}
    await customer.disconnect()


def test_a_failed_broadcast_does_not_fail_the_committed_message(gql, chat, caplog):
    conversation, gid, _customer_token, staff_token = chat

    with (
        mock.patch("core.broadcast.get_channel_layer", return_value=BrokenLayer()),
        caplog.at_level(logging.ERROR, logger="core.broadcast"),
    ):
        result = gql(SEND, {"input": {"conversationId": gid, "body": "还在吗"}}, token=staff_token)

    assert result["data"]["sendChatMessage"]["errors"] == []
    assert Message.objects.filter(conversation=conversation, body="还在吗").exists()
    assert f"broadcast to chat.conversation.{conversation.pk} failed" in caplog.text


async def test_a_failed_broadcast_over_the_websocket_does_not_fail_the_message(chat, caplog):
    conversation, gid, _customer_token, staff_token = chat
    staff = await _connect(staff_token)

    with (
        mock.patch("core.broadcast.get_channel_layer", return_value=BrokenLayer()),
        caplog.at_level(logging.ERROR, logger="core.broadcast"),
    ):
        payload = await _operation(staff, SEND, {"input": {"conversationId": gid, "body": "还在吗"}})

    assert payload["data"]["sendChatMessage"]["errors"] == []
    stored = Message.objects.filter(conversation=conversation, body="还在吗").exists
    assert await database_sync_to_async(stored)()
    assert f"broadcast to chat.conversation.{conversation.pk} failed" in caplog.text
    await staff.disconnect()


async def test_a_socket_keeps_no_database_connection_object_of_its_own(chat, monkeypatch):
    """Code on the event loop that asked `connection.vendor` (the audit's user, db_async) created a
    connection object in the socket's task context, which the socket then kept (~3 KB each)."""
    import asyncio

    from django.db.backends.base.base import BaseDatabaseWrapper

    _conversation, gid, customer_token, _staff = chat
    original = BaseDatabaseWrapper.__init__
    on_the_loop = []

    def created(self, *args, **kwargs):
        try:
            asyncio.get_running_loop()
            on_the_loop.append(self)
        except RuntimeError:  # a worker thread's connection: closed after each hop
            pass
        original(self, *args, **kwargs)

    monkeypatch.setattr(BaseDatabaseWrapper, "__init__", created)
    customer = await _connect(customer_token)
    await customer.send_json_to(
        {"id": "sub", "type": "subscribe", "payload": {"query": EVENTS, "variables": {"id": gid}}}
    )
    await _next_message(customer)
    await customer.disconnect()

    assert on_the_loop == []
