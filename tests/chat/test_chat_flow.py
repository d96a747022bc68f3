"""Chat through the API: bot, hand-off, queue order, assignment, transfer, offline, idle close, rating."""

from datetime import timedelta

import pytest

from chat.models import Conversation, LeftMessage, Message, StaffPresence
from chat.services import messages
from chat.services.lifecycle import chats_close_idle
from operations.models import StaffSkill
from tests.conftest import GraphQLClient, error_codes

from .conftest import OPEN_HOURS

START = 'mutation { startChat(input: {topic: "loan"}) { conversation { id status } errors { code } } }'
SEND = """
mutation S($input: SendChatMessageInput!) { sendChatMessage(input: $input) { message { id seq senderKind body } errors { field code } } }
"""
HUMAN = """
mutation H($id: ID!) { requestHumanAgent(input: {conversationId: $id}) {
  conversation { status queuePosition estimatedWaitSeconds } errors { code message } } }
"""
MESSAGES = "query M($id: ID!, $after: Int) { chatMessages(conversationId: $id, afterSeq: $after) { seq senderKind body botConfidence } }"
AVAILABILITY = "mutation A($s: Availability!, $c: Int) { setAvailability(input: {status: $s, capacity: $c}) { presence { status capacity } errors { code } } }"
ACTIVE = "query { myActiveChats { id status } staffQueue { id } }"
ACCEPT = "mutation A($id: ID!) { acceptChat(input: {conversationId: $id}) { conversation { status } errors { code } } }"
CLOSE = "mutation C($id: ID!) { closeChat(input: {conversationId: $id}) { conversation { status } errors { code } } }"
RATE = 'mutation R($id: ID!, $s: Int!) { rateChat(input: {conversationId: $id, score: $s, comment: "很好"}) { conversation { rating } errors { field code } } }'
LEAVE = """
mutation L($id: ID!) { leaveMessage(input: {conversationId: $id, body: "请回电，关于贷款", callbackPhone: "13800000081"}) {
  conversation { status } errors { field code } } }
"""


def _client(phone):
    client = GraphQLClient()
    client.login(phone)
    return client


def _start(client):
    return client(START)["data"]["startChat"]["conversation"]["id"]


def _send(client, conversation_id, body, client_id=None):
    return client(
        SEND, {"input": {"conversationId": conversation_id, "body": body, "clientMessageId": client_id}}
    )["data"]["sendChatMessage"]


def test_bot_greets_answers_with_confidence_and_offers_a_person(customer, clock):
    client = _client("13800000081")
    cid = _start(client)
    _send(client, cid, "我想申请保单贷款")
    _send(client, cid, "今天天气怎么样")

    messages = client(MESSAGES, {"id": cid})["data"]["chatMessages"]

    assert [m["seq"] for m in messages] == [1, 2, 3, 4, 5]
    assert [m["senderKind"] for m in messages] == ["BOT", "CUSTOMER", "BOT", "CUSTOMER", "BOT"]
    assert "保单贷款" in messages[2]["body"] and messages[2]["botConfidence"] >= 0.6
    assert "转人工" in messages[4]["body"] and messages[4]["botConfidence"] < 0.6
    assert [m["seq"] for m in client(MESSAGES, {"id": cid, "after": 3})["data"]["chatMessages"]] == [4, 5]


def test_same_client_message_id_stores_one_message(customer, clock):
    client = _client("13800000081")
    cid = _start(client)
    first = _send(client, cid, "你好", client_id="c-1")
    second = _send(client, cid, "你好", client_id="c-1")
    assert first["message"] == second["message"]
    assert Message.objects.filter(sender_kind="CUSTOMER").count() == 1


def test_transfer_to_a_person_by_saying_so_and_queue_position(customer, clock):
    client = _client("13800000081")
    cid = _start(client)
    _send(client, cid, "转人工")
    conversation = Conversation.objects.get()
    assert conversation.status == "QUEUED"
    payload = client(HUMAN, {"id": cid})["data"]["requestHumanAgent"]
    assert (
        payload["conversation"]["queuePosition"] == 1 and payload["conversation"]["estimatedWaitSeconds"] > 0
    )


def test_elderly_customer_who_came_later_goes_first_and_idle_staff_gets_it(
    customer, elder, staff_a, staff_b, clock
):
    younger = _client("13800000081")
    older = _client("13800000082")
    first = _start(younger)
    younger(HUMAN, {"id": first})
    clock.shift(timedelta(minutes=1))
    second = _start(older)
    queued = older(HUMAN, {"id": second})["data"]["requestHumanAgent"]["conversation"]
    assert queued["queuePosition"] == 1
    assert Conversation.objects.get(pk=Conversation.objects.order_by("pk").first().pk).status == "QUEUED"

    a, b = _client("13700000081"), _client("13700000082")
    StaffPresence.objects.filter(user=staff_b.user).update(
        status="ONLINE", last_heartbeat_at=OPEN_HOURS, last_assigned_at=OPEN_HOURS - timedelta(minutes=5)
    )
    StaffSkill.objects.filter(user=staff_b.user, skill="CHAT").update(capacity=1)
    a(
        AVAILABILITY, {"s": "ONLINE", "c": 1}
    )  # never assigned: idle longest, gets the first (the elderly) chat

    by_customer = {c.customer.user.phone: c for c in Conversation.objects.select_related("customer__user")}
    assert (
        by_customer["13800000082"].status == "ACTIVE"
        and by_customer["13800000082"].assigned_staff == staff_a.user
    )
    assert (
        by_customer["13800000081"].status == "ACTIVE"
        and by_customer["13800000081"].assigned_staff == staff_b.user
    )
    assert len(a(ACTIVE)["data"]["myActiveChats"]) == 1 and len(b(ACTIVE)["data"]["myActiveChats"]) == 1


def test_capacity_limits_assignment_and_accept_from_the_queue(customer, elder, staff_a, clock):
    a = _client("13700000081")
    a(AVAILABILITY, {"s": "ONLINE", "c": 1})
    for phone in ("13800000081", "13800000082"):
        client = _client(phone)
        client(HUMAN, {"id": _start(client)})
    assert Conversation.objects.filter(status="ACTIVE").count() == 1
    waiting = a(ACTIVE)["data"]["staffQueue"]
    assert len(waiting) == 1
    assert a(ACCEPT, {"id": waiting[0]["id"]})["data"]["acceptChat"]["conversation"]["status"] == "ACTIVE"


def test_going_offline_returns_chats_to_the_front_of_the_queue(customer, elder, staff_a, clock):
    a = _client("13700000081")
    a(AVAILABILITY, {"s": "ONLINE", "c": 1})
    younger = _client("13800000081")
    younger(HUMAN, {"id": _start(younger)})
    assert Conversation.objects.get().status == "ACTIVE"
    clock.shift(timedelta(minutes=1))
    older = _client("13800000082")
    older(HUMAN, {"id": _start(older)})

    a(AVAILABILITY, {"s": "OFFLINE"})

    returned = Conversation.objects.get(customer=customer)
    assert returned.status == "QUEUED" and returned.assigned_staff is None
    from chat.selectors import queue_position

    assert queue_position(returned) == 1  # ahead of the elderly customer who was waiting


def test_transfer_between_staff(customer, staff_a, staff_b, clock):
    a, b = _client("13700000081"), _client("13700000082")
    a(AVAILABILITY, {"s": "ONLINE", "c": 2})
    client = _client("13800000081")
    cid = _start(client)
    client(HUMAN, {"id": cid})
    b(AVAILABILITY, {"s": "ONLINE", "c": 2})
    from strawberry import relay

    to = str(relay.GlobalID("Viewer", str(staff_b.user.pk)))
    moved = a(
        "mutation T($id: ID!, $to: ID!) { transferChat(input: {conversationId: $id, toStaffId: $to}) { conversation { status } errors { code } } }",
        {"id": cid, "to": to},
    )
    assert moved["data"]["transferChat"]["errors"] == []
    assert Conversation.objects.get().assigned_staff == staff_b.user
    # The staff member replies; the customer sees it in order.
    assert _send(b, cid, "您好，我是刘洋")["message"]["senderKind"] == "STAFF"
    # The chat is no longer theirs: it looks missing to them, like any chat not theirs.
    assert _send(a, cid, "我已不负责")["errors"][0]["code"] == "NOT_FOUND"


def test_idle_chat_closes_and_asks_for_a_rating(customer, clock):
    client = _client("13800000081")
    cid = _start(client)
    clock.shift(timedelta(minutes=9, seconds=59))
    assert chats_close_idle() == 0
    clock.shift(timedelta(seconds=1))
    assert chats_close_idle() == 1
    conversation = Conversation.objects.get()
    assert (conversation.status, conversation.close_reason) == ("CLOSED", "IDLE")
    last = conversation.messages.order_by("-seq").first()
    assert last.sender_kind == "SYSTEM" and "1到5" in last.body
    client.login("13800000081")
    assert client(RATE, {"id": cid, "s": 5})["data"]["rateChat"]["conversation"]["rating"] == 5
    assert client(RATE, {"id": cid, "s": 6})["data"]["rateChat"]["errors"] == [
        {"field": "score", "code": "INVALID"}
    ]


def test_outside_service_hours_leave_a_message(customer, clock):
    clock.move_to(OPEN_HOURS.replace(hour=21, minute=0))
    client = _client("13800000081")
    cid = _start(client)
    refused = client(HUMAN, {"id": cid})["data"]["requestHumanAgent"]
    assert refused["errors"][0]["code"] == "OUTSIDE_SERVICE_HOURS"
    assert Conversation.objects.get().status == "BOT"
    bot = _send(client, cid, "转人工")
    assert bot["errors"] == [] and Conversation.objects.get().status == "BOT"

    left = client(LEAVE, {"id": cid})["data"]["leaveMessage"]
    assert left["conversation"]["status"] == "LEFT_MESSAGE"
    ticket = LeftMessage.objects.get()
    assert (ticket.callback_phone, ticket.body) == ("13800000081", "请回电，关于贷款")


def test_another_customers_conversation_is_not_found(customer, elder, clock):
    owner = _client("13800000081")
    cid = _start(owner)
    intruder = _client("13800000082")
    assert _send(intruder, cid, "hi")["errors"] == [{"field": "conversationId", "code": "NOT_FOUND"}]
    assert error_codes(intruder(MESSAGES, {"id": cid})) == ["NOT_FOUND"]
    assert intruder(HUMAN, {"id": cid})["data"]["requestHumanAgent"]["errors"][0]["code"] == "NOT_FOUND"


def test_customers_cannot_use_staff_operations(customer, clock):
    client = _client("13800000081")
    assert error_codes(client(AVAILABILITY, {"s": "ONLINE"})) == ["FORBIDDEN"]
    assert set(error_codes(client(ACTIVE))) == {"FORBIDDEN"}
    cid = _start(client)
    assert error_codes(client(CLOSE, {"id": cid})) == ["FORBIDDEN"]


def test_rate_bot_answer(customer, clock):
    client = _client("13800000081")
    cid = _start(client)
    _send(client, cid, "贷款怎么还")
    bot = Message.objects.filter(sender_kind="BOT").order_by("-seq").first()
    from strawberry import relay

    result = client(
        "mutation R($id: ID!) { rateBotAnswer(input: {messageId: $id, helpful: true}) { ok errors { code } } }",
        {"id": str(relay.GlobalID("ChatMessage", str(bot.pk)))},
    )
    assert result["data"]["rateBotAnswer"]["ok"] is True
    bot.refresh_from_db()
    assert bot.helpful is True


def test_admin_shows_transcripts_and_figures(customer, staff_a, clock):
    from django.contrib.auth.models import Permission
    from django.test import Client

    from chat.selectors import chat_stats

    bot_only = _client("13800000081")
    cid = _start(bot_only)
    _send(bot_only, cid, "贷款怎么还")
    clock.shift(timedelta(minutes=10))
    assert chats_close_idle() == 1
    a = _client("13700000081")
    a(AVAILABILITY, {"s": "ONLINE", "c": 1})
    helped = _client("13800000081")
    other = _start(helped)
    helped(HUMAN, {"id": other})
    clock.shift(timedelta(seconds=30))
    _send(a, other, "您好")
    a(CLOSE, {"id": other})
    helped(RATE, {"id": other, "s": 4})

    stats = chat_stats()
    assert stats == {"bot_resolution_rate": 0.5, "median_answer_seconds": 30.0, "average_rating": 4.0}

    staff_a.user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_conversation", "view_message"])
    )
    browser = Client()
    browser.force_login(staff_a.user)
    assert "50%" in browser.get("/admin/chat/conversation/").content.decode()
    detail = browser.get(
        f"/admin/chat/conversation/{Conversation.objects.order_by('pk').first().pk}/change/"
    ).content.decode()
    assert "贷款怎么还" in detail


def test_waiting_in_the_queue_is_not_idle(customer, staff_a, clock):
    client = _client("13800000081")
    cid = _start(client)
    client(HUMAN, {"id": cid})
    clock.shift(timedelta(minutes=30))
    assert chats_close_idle() == 0 and Conversation.objects.get().status == "QUEUED"

    a = _client("13700000081")
    a(AVAILABILITY, {"s": "ONLINE", "c": 1})  # assigned now, after 30 minutes in the queue
    assert chats_close_idle() == 0 and Conversation.objects.get().status == "ACTIVE"
    clock.shift(timedelta(minutes=10))
    assert chats_close_idle() == 1


@pytest.mark.parametrize(
    ("body", "client_id", "field"),
    [
        ("hello\x07there", None, "body"),
        ("ok\x1b[31m", None, "body"),
        ("fine", "x" * 10_000, "clientMessageId"),
    ],
)
def test_control_characters_and_oversized_client_ids_are_refused(customer, clock, body, client_id, field):
    from chat.models import Message
    from core.errors import ServiceError

    conversation = messages.conversation_start(customer=customer)
    with pytest.raises(ServiceError) as refused:
        messages.message_send(
            conversation_id=conversation.pk,
            sender=customer.user,
            kind="CUSTOMER",
            body=body,
            client_message_id=client_id,
        )
    assert refused.value.errors[0].field == field and refused.value.code.value == "INVALID"
    assert Message.objects.filter(conversation=conversation).count() == 1  # the greeting only


def test_line_breaks_and_tabs_are_fine_in_a_message(customer, clock):
    conversation = messages.conversation_start(customer=customer)
    message = messages.message_send(
        conversation_id=conversation.pk,
        sender=customer.user,
        kind="CUSTOMER",
        body="第一行\n\t第二行",
        client_message_id="c-" + "9" * 62,
    )
    assert message.body == "第一行\n\t第二行"
