"""The staff workbench as staff use it, in headless Chromium against real uvicorn processes on
PostgreSQL and Redis, with the business clock frozen inside service hours (tests.clock). Each
screen is saved under test-output/workbench/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chat.models import ChatNote, Conversation, ConversationStatus, Message
from chat.services import messages, queue
from operations.models import Availability, StaffPresence, StaffSkill, Task, TaskKind, TaskStatus
from operations.services import presence, sla
from policies.models import AuditEvent, ServicingRequest
from tests.operations.helpers import held_request, review_request
from tests.servers import asgi_server_set

from .conftest import Desk, customer_socket, off_loop, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def queued_chat(customer, topic="保单贷款"):
    conversation = messages.conversation_start(customer=customer, topic=topic)
    queue.human_request(conversation=conversation)
    return Conversation.objects.get(pk=conversation.pk)


def busy_desk(desk, customer_busy):
    """The desk agent already holds one chat with room for one: a new chat waits for her to take it."""
    StaffSkill.objects.filter(user=desk.user, skill="CHAT").update(capacity=1)
    first = messages.conversation_start(customer=customer_busy, topic="续期缴费")
    Conversation.objects.filter(pk=first.pk).update(
        status=ConversationStatus.ACTIVE, assigned_staff=desk.user, assigned_at=timezone.now()
    )


def staff_bodies(events):
    return [
        e["message"]["body"]
        for e in events
        if e["type"] == "MESSAGE" and e["message"]["senderKind"] == "STAFF"
    ]


def test_a_desk_agent_takes_a_queued_chat_replies_with_a_canned_answer_and_closes_it(
    open_desk, server, desk, customer, elder
):
    # Given: an agent already busy with one chat, and a customer waiting with a topic
    busy_desk(desk, elder)
    conversation = queued_chat(customer)
    with customer_socket(server.port, customer.user, conversation.pk) as received:
        page = open_desk("desk", desk.user.phone)
        page.shot("1-login-done")
        page.go_online()
        # The waiting chat shows who (masked) and why, never an id
        waiting = page.page.get_by_test_id("queued-chat")
        waiting.get_by_text("王**").wait_for()
        waiting.get_by_text("保单贷款").wait_for()
        page.shot("2-queue")

        # When: she accepts it, picks the greeting from the searchable canned replies and sends it
        waiting.get_by_test_id("accept").click()
        page.page.get_by_test_id("chat-title").get_by_text("王**").wait_for()
        page.page.get_by_test_id("transcript").get_by_text("陈静").wait_for()  # "…is here to help"
        page.page.get_by_test_id("canned-search").fill("问候")
        page.page.get_by_test_id("canned-response").first.click()
        page.page.get_by_test_id("send").click()
        page.page.locator(".msg.STAFF").wait_for()
        # A private note for colleagues: stored, never sent to the customer
        page.page.get_by_test_id("mode-note").click()
        page.page.get_by_test_id("reply").fill("客户想了解贷款利率")
        page.page.get_by_test_id("send").click()
        page.page.get_by_test_id("note").wait_for()
        page.shot("3-chat")

        # Then: the customer's app received the reply over its websocket
        wait_until(lambda: staff_bodies(received))
        assert staff_bodies(received) == ["您好，我是暖心客服，很高兴为您服务。"]
        assert ChatNote.objects.get(conversation=conversation).body == "客户想了解贷款利率"
        # The note never reached the customer's socket, as a message or as an event of its own
        assert "NOTE" not in {e["type"] for e in received}
        assert "客户想了解贷款利率" not in [e["message"]["body"] for e in received if e.get("message")]

        # And she closes it with a reason
        page.page.get_by_test_id("close-reason").select_option("RESOLVED")
        page.page.get_by_test_id("close").click()
        page.page.get_by_test_id("toast").get_by_text("会话已结束").wait_for()
        page.shot("4-closed")
    conversation.refresh_from_db()
    assert (conversation.status, conversation.close_reason) == (ConversationStatus.CLOSED, "RESOLVED")
    assert Message.objects.filter(conversation=conversation, sender_kind="STAFF").count() == 1


def test_a_socket_cut_by_the_server_reconnects_and_shows_what_was_sent_meanwhile_once(
    open_desk, server, desk, customer
):
    # Given: the agent is in a chat
    conversation = messages.conversation_start(customer=customer, topic="理赔")
    Conversation.objects.filter(pk=conversation.pk).update(
        status=ConversationStatus.ACTIVE, assigned_staff=desk.user, assigned_at=timezone.now()
    )
    page = open_desk("reconnect", desk.user.phone)
    page.go_online()
    page.page.get_by_test_id("chat-item").click()
    page.page.get_by_test_id("transcript").get_by_text("暖心").first.wait_for()

    # When: the server goes away and comes back, and the customer writes twice meanwhile
    server.stop()
    page.page.locator("[data-testid=connection][data-state=down]").wait_for()
    for body in ("我还在等", "请问多久能到账"):
        off_loop(
            messages.message_send,
            conversation_id=conversation.pk,
            sender=customer.user,
            kind="CUSTOMER",
            body=body,
            client_message_id=None,
        )
    # A reply written while the socket is down is shown as not sent, and kept
    page.page.get_by_test_id("reply").fill("稍等，正在处理")
    page.page.get_by_test_id("reply").press("Enter")
    page.page.get_by_test_id("send-failed").wait_for()
    page.shot("1-disconnected")
    server.restart()

    # Then: the page reconnects by itself and replays from its last seq: each message once
    page.page.locator("body[data-ws-connects='2']").wait_for(timeout=60000)
    transcript = page.page.get_by_test_id("transcript")
    transcript.get_by_text("请问多久能到账").wait_for()
    assert transcript.get_by_text("我还在等").count() == 1
    assert transcript.get_by_text("请问多久能到账").count() == 1
    seqs = page.page.locator("[data-testid=message]").evaluate_all(
        "els => els.map(e => Number(e.dataset.seq))"
    )
    assert (
        seqs
        == sorted(set(seqs))
        == list(range(1, Message.objects.filter(conversation=conversation).count() + 1))
    )
    # The reply that failed went out once on its own after reconnecting; a new one goes too (Enter)
    transcript.get_by_text("稍等，正在处理").wait_for()
    assert page.page.get_by_test_id("send-failed").count() == 0
    page.page.get_by_test_id("reply").fill("马上为您查询")
    page.page.get_by_test_id("reply").press("Enter")
    transcript.get_by_text("马上为您查询").wait_for()
    page.shot("2-reconnected")
    staff = Message.objects.filter(conversation=conversation, sender_kind="STAFF").order_by("seq")
    assert [m.body for m in staff] == ["稍等，正在处理", "马上为您查询"]


def test_the_agent_keeps_working_past_the_access_tokens_expiry(postgres, redis_url, browser, desk, customer):
    from chat.demo import seed_chat

    seed_chat()
    conversation = messages.conversation_start(customer=customer, topic="保全")
    Conversation.objects.filter(pk=conversation.pk).update(
        status=ConversationStatus.ACTIVE, assigned_staff=desk.user, assigned_at=timezone.now()
    )
    # Tokens that last 6 seconds: the page must refresh them and reopen its socket on its own.
    with asgi_server_set(1, ACCESS_TOKEN_SECONDS="6") as (server,):
        page = Desk(browser, server.port, "token").login(desk.user.phone)
        try:
            page.go_online()
            page.page.get_by_test_id("chat-item").click()
            # The first token is refreshed before it ends, and the socket the old one opened is closed
            # (4401) when it ends and reopened with the new one.
            page.page.locator("body[data-token-generation='3']").wait_for(timeout=30000)
            page.page.locator("body[data-ws-connects='3']").wait_for(timeout=30000)
            assert page.page.get_by_test_id("login").is_hidden()
            page.page.get_by_test_id("reply").fill("您的保全申请已受理")
            page.page.get_by_test_id("send").click()
            page.page.locator(".msg.STAFF").wait_for()
            page.shot("1-still-working")
            assert page.errors == []
        finally:
            page.close()
    assert Message.objects.filter(conversation=conversation, sender_kind="STAFF").count() == 1


def test_a_reviewer_approves_a_review_and_a_callback_officer_confirms_a_held_payout(
    open_desk, server, reviewer, customer, elder
):
    # Given: a loan waiting for review and an elderly customer's payout held for a callback
    request = review_request(customer)
    held = held_request(elder)
    assert (request.status, held.status) == ("PENDING_REVIEW", "HELD_FOR_CALLBACK")
    # Waiting since a minute ago (the server's clock may trail this process's by a moment)
    Task.objects.update(available_from=timezone.now() - timedelta(minutes=1))
    page = open_desk("reviewer", reviewer.user.phone)
    page.go_online()  # the pool gives her both

    # When: she opens the review: the request, its reasons, and approves it
    tasks = page.page.get_by_test_id("my-tasks")
    tasks.locator("[data-kind=SERVICING_REVIEW]").click()
    subject = page.page.get_by_test_id("task-subject")
    subject.get_by_text("保单贷款").wait_for()
    subject.get_by_text("24").first.wait_for()  # "verified less than 24 hours ago"
    page.page.get_by_test_id("customer-name").get_by_text("王**").wait_for()
    page.shot("1-review")
    page.page.get_by_test_id("outcome-REJECT").click()
    page.page.get_by_test_id("task-error").get_by_text("原因").wait_for()  # a rejection needs its reason
    page.page.get_by_test_id("outcome-APPROVE").click()
    page.page.get_by_test_id("toast").get_by_text("任务已完成").wait_for()

    # Then: the request is decided by a person
    wait_until(lambda: ServicingRequest.objects.get(pk=request.pk).status != "PENDING_REVIEW")
    request.refresh_from_db()
    assert request.status in ("APPROVED", "COMPLETED") and request.decided_by == reviewer.user

    # When: she moves to her next task from the keyboard (Alt+N): the callback, whose number is
    # hidden until she starts the call
    page.page.keyboard.press("Alt+n")
    page.page.get_by_test_id("task-title").get_by_text("付款前回访").wait_for()
    number = page.page.get_by_test_id("call-number")
    number.get_by_text("开始通话").wait_for()
    assert elder.user.phone not in number.inner_text()
    page.shot("2-callback")
    page.page.get_by_test_id("start-call").click()
    number.get_by_text(elder.user.phone).wait_for()
    page.shot("3-calling")
    page.page.get_by_test_id("outcome-CONFIRMED").click()
    page.page.get_by_test_id("toast").get_by_text("任务已完成").wait_for()
    page.shot("4-done")

    # Then: the payout is released (the toast above may still be the review's: wait for the record),
    # and the look at the number is in the audit trail
    wait_until(lambda: ServicingRequest.objects.get(pk=held.pk).status != "HELD_FOR_CALLBACK")
    held.refresh_from_db()
    assert held.status not in ("HELD_FOR_CALLBACK", "CANCELLED", "REJECTED")
    assert AuditEvent.objects.filter(
        actor=reviewer.user, action="customer.view", object_id=str(elder.pk), after__viewed="callback phone"
    ).exists()
    assert not Task.objects.filter(assignee=reviewer.user, status=TaskStatus.ASSIGNED).exists()


def test_a_supervisor_sees_a_task_turn_at_risk_and_reassigns_it(
    open_desk, server, supervisor, reviewer_b, customer
):
    # Given: a review nobody online could take, 80% through its SLA
    request = review_request(customer)
    task = Task.objects.get(subject_id=request.pk, kind=TaskKind.SERVICING_REVIEW)
    now = timezone.now()
    Task.objects.filter(pk=task.pk).update(
        at_risk_from=now - timedelta(minutes=1), due_at=now + timedelta(minutes=30)
    )
    page = open_desk("supervisor", supervisor.user.phone)
    page.go_online()
    StaffPresence.objects.filter(user=reviewer_b.user).update(
        status=Availability.ONLINE, last_heartbeat_at=now
    )
    page.page.get_by_test_id("view-board").click()
    page.page.get_by_test_id("board-kinds").wait_for()

    # When: the SLA watch flags it
    assert off_loop(sla.sla_flags_announce, now=timezone.now())["at_risk"] == 1

    # Then: the supervisor is told at once and sees it on the board
    page.page.get_by_test_id("toast").get_by_text("即将超时").wait_for()
    row = page.page.get_by_test_id("board-task")
    row.get_by_text("王**").wait_for()
    page.shot("1-at-risk")

    # When: she reassigns it to the reviewer who is online
    row.get_by_test_id("reassign-to").select_option(label="林晓")
    row.get_by_test_id("reassign").click()
    page.page.get_by_test_id("toast").get_by_text("已改派").wait_for()
    page.page.get_by_test_id("board-task").get_by_role("cell", name="林晓", exact=True).wait_for()
    page.shot("2-reassigned")
    task.refresh_from_db()
    assert (task.status, task.assignee) == (TaskStatus.ASSIGNED, reviewer_b.user)


def test_closing_the_page_makes_the_agent_offline_and_the_chat_goes_back_to_the_pool(
    open_desk, server, desk, customer
):
    conversation = messages.conversation_start(customer=customer, topic="退保")
    Conversation.objects.filter(pk=conversation.pk).update(
        status=ConversationStatus.ACTIVE, assigned_staff=desk.user, assigned_at=timezone.now()
    )
    page = open_desk("close-page", desk.user.phone)
    page.go_online()
    page.page.get_by_test_id("chat-item").wait_for()
    page.shot("1-online")
    beat = StaffPresence.objects.get(user=desk.user).last_heartbeat_at
    assert off_loop(presence.presence_sweep, now=beat + timedelta(seconds=30)) == 0  # alive while open

    # When: the page is closed, its socket closes and its heartbeats stop: her silence counts from 35 s
    # before the close, so the sweep (every 10 s) finds her 25–35 s after it, well within a minute
    page.close()
    silent = wait_until(
        lambda: (row := StaffPresence.objects.get(user=desk.user).last_heartbeat_at) < beat and row
    )
    assert beat - silent >= timedelta(seconds=15)
    assert off_loop(presence.presence_sweep, now=silent + timedelta(seconds=59)) == 0
    assert off_loop(presence.presence_sweep, now=silent + timedelta(seconds=61)) == 1

    state = StaffPresence.objects.get(user=desk.user)
    conversation.refresh_from_db()
    assert state.status == Availability.OFFLINE
    assert (conversation.status, conversation.assigned_staff) == (ConversationStatus.QUEUED, None)
    assert conversation.priority == 2  # the front of the queue
