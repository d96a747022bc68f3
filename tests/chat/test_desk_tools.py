"""The desk's tools for a chat: private notes (never the customer's), closing with a reason,
transferring to a colleague who speaks the customer's language, and who the chat is with."""

import pytest
from strawberry import relay

from chat.models import ChatNote, Conversation, ConversationStatus, Message
from operations.models import Availability, StaffPresence
from tests.accounts.factories import StaffFactory
from tests.conftest import GraphQLClient, access_token

pytestmark = pytest.mark.django_db

ADD_NOTE = """mutation N($input: AddChatNoteInput!) { addChatNote(input: $input) {
  note { id body authorName } errors { code field message } } }"""
NOTES = "query Q($id: ID!) { chatNotes(conversationId: $id) { body authorName } }"
MESSAGES = "query M($id: ID!) { chatMessages(conversationId: $id) { seq body } }"
CLOSE = """mutation C($input: CloseChatInput!) { closeChat(input: $input) {
  conversation { status closeReason } errors { code field } } }"""
TRANSFER = """mutation T($input: TransferChatInput!) { transferChat(input: $input) {
  conversation { id } errors { code field message } } }"""
CHAT = "query C($id: ID!) { node(id: $id) { ... on Conversation { topic customer { maskedName elderly language } } } }"


def _as(user) -> GraphQLClient:
    client = GraphQLClient()
    client.token = access_token(user)
    return client


def _gid(conversation) -> str:
    return str(relay.GlobalID("Conversation", str(conversation.pk)))


def test_a_private_note_is_for_staff_and_never_enters_the_customers_transcript(
    active_chat, staff_a, staff_b, customer
):
    last_seq = Conversation.objects.get(pk=active_chat.pk).last_seq
    added = _as(staff_a.user)(
        ADD_NOTE, {"input": {"conversationId": _gid(active_chat), "body": " 客户情绪激动，先安抚 "}}
    )
    assert added["data"]["addChatNote"]["errors"] == []
    assert added["data"]["addChatNote"]["note"]["body"] == "客户情绪激动，先安抚"
    assert added["data"]["addChatNote"]["note"]["authorName"] == "陈静"

    # Staff read it; the transcript and its seq are untouched
    assert _as(staff_a.user)(NOTES, {"id": _gid(active_chat)})["data"]["chatNotes"] == [
        {"body": "客户情绪激动，先安抚", "authorName": "陈静"}
    ]
    assert Conversation.objects.get(pk=active_chat.pk).last_seq == last_seq
    bodies = [
        m["body"] for m in _as(customer.user)(MESSAGES, {"id": _gid(active_chat)})["data"]["chatMessages"]
    ]
    assert "客户情绪激动，先安抚" not in bodies

    # The customer cannot ask for notes; a colleague without the chat cannot write one
    refused = _as(customer.user)(NOTES, {"id": _gid(active_chat)})
    assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    other = _as(staff_b.user)(ADD_NOTE, {"input": {"conversationId": _gid(active_chat), "body": "x"}})
    assert [e["code"] for e in other["data"]["addChatNote"]["errors"]] == ["NOT_FOUND"]
    assert ChatNote.objects.count() == 1


@pytest.mark.parametrize("body", ["", "   ", "x" * 1001, "坏\x07字符"])
def test_a_bad_note_is_refused_with_a_reason_and_nothing_stored(active_chat, staff_a, body):
    result = _as(staff_a.user)(ADD_NOTE, {"input": {"conversationId": _gid(active_chat), "body": body}})
    errors = result["data"]["addChatNote"]["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID", "body")] and errors[0]["message"]
    assert not ChatNote.objects.exists()


def test_closing_keeps_the_reason_chosen(active_chat, staff_a):
    result = _as(staff_a.user)(
        CLOSE, {"input": {"conversationId": _gid(active_chat), "reason": "OUT_OF_SCOPE"}}
    )
    assert result["data"]["closeChat"] == {
        "conversation": {"status": "CLOSED", "closeReason": "OUT_OF_SCOPE"},
        "errors": [],
    }
    assert Conversation.objects.get(pk=active_chat.pk).close_reason == "OUT_OF_SCOPE"


def test_closing_defaults_to_resolved_and_idle_is_the_systems_reason_only(active_chat, staff_a):
    idle = _as(staff_a.user)(CLOSE, {"input": {"conversationId": _gid(active_chat), "reason": "IDLE"}})
    assert [(e["code"], e["field"]) for e in idle["data"]["closeChat"]["errors"]] == [("INVALID", "reason")]
    assert Conversation.objects.get(pk=active_chat.pk).status == ConversationStatus.ACTIVE
    plain = _as(staff_a.user)(CLOSE, {"input": {"conversationId": _gid(active_chat)}})
    assert plain["data"]["closeChat"]["conversation"]["closeReason"] == "RESOLVED"


def test_transfer_to_a_language_goes_to_a_free_speaker_of_it(active_chat, staff_a, staff_b):
    cantonese = StaffFactory(
        user__phone="13700000083", name="何敏", roles=["desk"], roles__languages=("zh", "yue")
    )
    StaffPresence.objects.filter(user__in=[staff_b.user, cantonese.user]).update(status=Availability.ONLINE)
    result = _as(staff_a.user)(
        TRANSFER, {"input": {"conversationId": _gid(active_chat), "toLanguage": "CANTONESE"}}
    )
    assert result["data"]["transferChat"]["errors"] == []
    conversation = Conversation.objects.get(pk=active_chat.pk)
    assert (conversation.status, conversation.assigned_staff) == (ConversationStatus.ACTIVE, cantonese.user)
    assert Message.objects.filter(conversation=conversation, body__contains="何敏").exists()


def test_transfer_to_a_language_nobody_free_speaks_is_refused(active_chat, staff_a, staff_b):
    StaffPresence.objects.filter(user=staff_b.user).update(status=Availability.ONLINE)
    result = _as(staff_a.user)(
        TRANSFER, {"input": {"conversationId": _gid(active_chat), "toLanguage": "MINNAN"}}, lang="en"
    )
    errors = result["data"]["transferChat"]["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_ELIGIBLE", "toLanguage")]
    assert errors[0]["message"] == "Nobody who speaks that language is free on the desk right now."
    assert Conversation.objects.get(pk=active_chat.pk).assigned_staff == staff_a.user


@pytest.mark.parametrize("target", [{}, {"toStaffId": "Q29sbGVhZ3VlOjE=", "toLanguage": "ENGLISH"}])
def test_transfer_needs_exactly_one_target(active_chat, staff_a, target):
    result = _as(staff_a.user)(TRANSFER, {"input": {"conversationId": _gid(active_chat), **target}})
    assert [e["code"] for e in result["data"]["transferChat"]["errors"]] == ["INVALID"]


def test_staff_see_who_a_chat_is_with_and_customers_do_not_get_that_field(active_chat, staff_a, customer):
    seen = _as(staff_a.user)(CHAT, {"id": _gid(active_chat)})["data"]["node"]
    assert seen["customer"]["maskedName"].endswith("*") and seen["customer"]["maskedName"] != customer.name
    assert seen["customer"]["language"] == "MANDARIN" and seen["customer"]["elderly"] is False
    assert _as(customer.user)(CHAT, {"id": _gid(active_chat)})["data"]["node"]["customer"] is None
