"""Staff act only on chats assigned to them (supervisors excepted); anything else looks missing."""

import pytest
from django.contrib.auth.models import Group
from strawberry import relay

from chat.models import Conversation, ConversationStatus
from chat.services import messages
from tests.conftest import GraphQLClient

OPS = {
    "closeChat": "mutation($id: ID!) { closeChat(input: {conversationId: $id}) { errors { code } } }",
    "markChatRead": "mutation($id: ID!) { markChatRead(input: {conversationId: $id, seq: 1}) { errors { code } } }",
    "sendTyping": "mutation($id: ID!) { sendTyping(input: {conversationId: $id}) { errors { code } } }",
    "sendChatMessage": 'mutation($id: ID!) { sendChatMessage(input: {conversationId: $id, body: "hi"}) { errors { code } } }',
}
MISSING = str(relay.GlobalID("Conversation", "999999"))


def _codes(client, op, gid):
    return [e["code"] for e in client(OPS[op], {"id": gid})["data"][op]["errors"]]


@pytest.fixture
def bot_chat(customer):
    return messages.conversation_start(customer=customer)


@pytest.mark.parametrize("op", OPS)
def test_staff_cannot_touch_a_customers_bot_chat_or_anothers_chat(op, bot_chat, active_chat, staff_b, clock):
    client = GraphQLClient()
    client.login("13700000082")  # staff_b: neither chat is theirs
    missing = _codes(client, op, MISSING)
    assert missing == ["NOT_FOUND"]
    for conversation in (bot_chat, active_chat):
        gid = str(relay.GlobalID("Conversation", str(conversation.pk)))
        assert _codes(client, op, gid) == missing
    assert Conversation.objects.get(pk=bot_chat.pk).status == ConversationStatus.BOT
    assert Conversation.objects.get(pk=active_chat.pk).status == ConversationStatus.ACTIVE


def test_a_supervisor_may_act_on_any_chat(active_chat, staff_b, clock):
    staff_b.user.groups.add(Group.objects.get_or_create(name="supervisor")[0])
    client = GraphQLClient()
    client.login("13700000082")
    gid = str(relay.GlobalID("Conversation", str(active_chat.pk)))
    assert _codes(client, "closeChat", gid) == []
    assert Conversation.objects.get(pk=active_chat.pk).status == ConversationStatus.CLOSED
