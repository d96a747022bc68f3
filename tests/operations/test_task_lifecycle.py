"""Each kind of task is raised by its cause and closed, once, by every path that settles its subject."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from chat.models import LeftMessage
from chat.services import messages, queue
from elder_mode.models import CallbackStatus, CallbackTask
from operations.models import SubjectType, Task, TaskKind, TaskStatus
from operations.services import tasks
from operations.services.dispatch import pool_dispatch
from policies.models import RequestStatus, ServicingRequest
from policies.services.decisions import servicing_request_cancel
from policies.services.holds import callbacks_expire
from tests.conftest import GraphQLClient
from tests.policies.gql import gid

from .conftest import online
from .helpers import held_request, review_request

pytestmark = pytest.mark.django_db

COMPLETE = """
mutation C($input: CompleteTaskInput!) {
  completeTask(input: $input) { task { id status outcome note } errors { field code message } }
}
"""
ACCEPT = "mutation A($input: TaskInput!) { acceptTask(input: $input) { task { id status } errors { code } } }"


def _task(request, kind=TaskKind.SERVICING_REVIEW):
    return Task.objects.get(kind=kind, subject_type=SubjectType.SERVICING_REQUEST, subject_id=request.pk)


def _as(staff) -> GraphQLClient:
    client = GraphQLClient()
    client.login(staff.user.phone)
    return client


def test_a_request_sent_to_review_raises_one_review_task_in_the_same_transaction(customer):
    request = review_request(customer)

    task = _task(request)
    assert request.status == RequestStatus.PENDING_REVIEW
    assert (task.status, task.skill, task.customer, task.elderly) == (
        TaskStatus.OPEN,
        "REVIEW",
        customer,
        False,
    )
    # 10:00 Saturday: the office opens Monday 09:00; two business hours later.
    assert timezone.localtime(task.due_at).isoformat() == "2026-11-23T11:00:00+08:00"


def test_the_database_keeps_one_open_task_per_subject_and_kind(customer):
    task = _task(review_request(customer))
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(
            kind=task.kind, skill=task.skill, subject_type=task.subject_type, subject_id=task.subject_id,
            customer=customer, due_at=task.due_at, at_risk_from=task.at_risk_from,
        )  # fmt: skip
    # Raising again through the service returns the open one.
    again = tasks.task_raise(
        kind=task.kind, subject_type=task.subject_type, subject_id=task.subject_id, customer=customer
    )
    assert again.pk == task.pk and Task.objects.count() == 1


def test_completing_a_review_task_approves_the_request_exactly_as_the_admin_does(customer, reviewer):
    request = review_request(customer)
    online(reviewer)
    pool_dispatch()
    task = _task(request)
    assert (task.status, task.assignee) == (TaskStatus.ASSIGNED, reviewer.user)

    result = _as(reviewer)(COMPLETE, {"input": {"taskId": gid("Task", task), "outcome": "APPROVE"}})

    payload = result["data"]["completeTask"]
    assert payload["errors"] == [] and payload["task"]["status"] == "DONE"
    request.refresh_from_db()
    assert request.status in (RequestStatus.APPROVED, RequestStatus.COMPLETED)
    assert request.decided_by == reviewer.user and request.routed_at is not None
    task.refresh_from_db()
    assert (task.outcome, task.completed_by, task.status) == ("APPROVE", reviewer.user, TaskStatus.DONE)
    assert Task.objects.filter(kind=TaskKind.SERVICING_REVIEW).count() == 1


def test_a_rejection_needs_its_reason_and_records_it(customer, reviewer):
    request = review_request(customer)
    online(reviewer)
    pool_dispatch()
    task = _task(request)
    client = _as(reviewer)

    refused = client(COMPLETE, {"input": {"taskId": gid("Task", task), "outcome": "REJECT"}})
    done = client(
        COMPLETE, {"input": {"taskId": gid("Task", task), "outcome": "REJECT", "note": "账户持有人不符"}}
    )

    assert refused["data"]["completeTask"]["errors"] == [
        {"field": "note", "code": "INVALID", "message": "请填写原因。"}
    ]
    assert done["data"]["completeTask"]["task"]["outcome"] == "REJECT"
    request.refresh_from_db()
    assert request.status == RequestStatus.REJECTED
    assert request.summary["reviewer_note"] == "账户持有人不符"


def test_a_wrong_outcome_for_the_kind_is_refused_and_nothing_changes(customer, reviewer):
    request = review_request(customer)
    online(reviewer)
    pool_dispatch()
    task = _task(request)

    result = _as(reviewer)(COMPLETE, {"input": {"taskId": gid("Task", task), "outcome": "CONFIRMED"}})

    assert result["data"]["completeTask"]["errors"][0]["code"] == "INVALID"
    task.refresh_from_db()
    request.refresh_from_db()
    assert (task.status, request.status) == (TaskStatus.ASSIGNED, RequestStatus.PENDING_REVIEW)


def test_the_admin_approving_a_request_closes_its_review_task_once(customer, reviewer):
    request = review_request(customer)
    task = _task(request)
    browser = Client()
    browser.force_login(reviewer.user)  # a reviewer, not a superuser

    response = browser.post(
        "/admin/policies/servicingrequest/",
        {"action": "approve", "_selected_action": [request.pk]},
        follow=True,
    )

    assert response.status_code == 200
    request.refresh_from_db()
    task.refresh_from_db()
    assert request.status in (RequestStatus.APPROVED, RequestStatus.COMPLETED)
    assert (task.status, task.outcome, task.completed_by) == (TaskStatus.DONE, "APPROVE", reviewer.user)
    assert Task.objects.filter(kind=TaskKind.SERVICING_REVIEW).count() == 1


def test_the_customer_withdrawing_cancels_the_task(customer):
    request = review_request(customer)

    servicing_request_cancel(request=request, actor=customer.user)

    task = _task(request)
    assert (task.status, task.outcome, task.completed_by) == (TaskStatus.CANCELLED, "", None)


def test_a_held_payout_raises_a_callback_task_and_confirming_it_releases_the_payout(elder, reviewer):
    request = held_request(elder)
    task = _task(request, TaskKind.ELDER_CALLBACK)
    assert (task.skill, task.elderly, task.priority) == ("CALLBACK", True, 1)
    online(reviewer)
    pool_dispatch()

    result = _as(reviewer)(COMPLETE, {"input": {"taskId": gid("Task", task), "outcome": "CONFIRMED"}})

    assert result["data"]["completeTask"]["errors"] == []
    request.refresh_from_db()
    assert request.status in (RequestStatus.APPROVED, RequestStatus.COMPLETED)
    assert CallbackTask.objects.get(request=request).status == CallbackStatus.CONFIRMED


def test_a_refused_callback_cancels_the_payout(elder, reviewer):
    request = held_request(elder)
    online(reviewer)
    pool_dispatch()
    task = _task(request, TaskKind.ELDER_CALLBACK)

    _as(reviewer)(COMPLETE, {"input": {"taskId": gid("Task", task), "outcome": "REFUSED"}})

    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED
    assert CallbackTask.objects.get(request=request).status == CallbackStatus.REFUSED


def test_an_unreachable_customer_keeps_the_hold_and_the_call_is_tried_again_later(elder, reviewer):
    request = held_request(elder)
    online(reviewer)
    pool_dispatch()
    task = _task(request, TaskKind.ELDER_CALLBACK)

    result = _as(reviewer)(
        COMPLETE, {"input": {"taskId": gid("Task", task), "outcome": "UNREACHABLE", "note": "无人接听"}}
    )

    assert result["data"]["completeTask"]["task"]["status"] == "OPEN"
    task.refresh_from_db()
    request.refresh_from_db()
    assert request.status == RequestStatus.HELD_FOR_CALLBACK
    assert (task.status, task.assignee, task.attempts) == (TaskStatus.OPEN, None, 1)
    assert task.available_from > timezone.now() + timedelta(minutes=55)
    assert "无人接听" in CallbackTask.objects.get(request=request).note
    assert pool_dispatch() == 0  # not before its retry time
    assert pool_dispatch(now=timezone.now() + timedelta(hours=1, minutes=1)) == 1


def test_an_expired_hold_cancels_its_callback_task(elder):
    request = held_request(elder)

    callbacks_expire(now=timezone.now() + timedelta(days=6))

    task = _task(request, TaskKind.ELDER_CALLBACK)
    assert task.status == TaskStatus.CANCELLED
    assert ServicingRequest.objects.get(pk=request.pk).status == RequestStatus.CANCELLED


def test_a_confirmed_callback_with_review_reasons_goes_on_to_a_review_task(elder, reviewer):
    # To an account verified an hour ago: held for the elder's callback, and a reviewer's look due too.
    request = held_request(elder, amount="1000.00", account_age=timedelta(hours=1))
    assert request.summary["review_reasons"] == ["ACCOUNT_RECENTLY_VERIFIED"]
    online(reviewer)
    pool_dispatch()
    callback = _task(request, TaskKind.ELDER_CALLBACK)

    _as(reviewer)(COMPLETE, {"input": {"taskId": gid("Task", callback), "outcome": "CONFIRMED"}})

    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING_REVIEW
    assert _task(request, TaskKind.ELDER_CALLBACK).status == TaskStatus.DONE
    assert _task(request).status in (TaskStatus.OPEN, TaskStatus.ASSIGNED)


def test_a_left_message_raises_a_callback_task_and_completing_it_marks_the_message_handled(
    customer, reviewer, django_capture_on_commit_callbacks
):
    conversation = messages.conversation_start(customer=customer)
    queue.leave_message(conversation=conversation, body="请回电", callback_phone="13800000061")
    task = Task.objects.get(kind=TaskKind.LEFT_MESSAGE_CALLBACK)
    assert (task.subject_type, task.subject_id) == (SubjectType.CONVERSATION, conversation.pk)
    online(reviewer)
    pool_dispatch()

    result = _as(reviewer)(
        COMPLETE, {"input": {"taskId": gid("Task", task), "outcome": "RESOLVED", "note": "已回电解答"}}
    )

    assert result["data"]["completeTask"]["errors"] == []
    left = LeftMessage.objects.get()
    assert (left.handled_by, left.outcome, left.note) == (reviewer.user, "RESOLVED", "已回电解答")


def test_marking_a_left_message_handled_in_the_admin_closes_its_task(customer, reviewer):
    conversation = messages.conversation_start(customer=customer)
    left = queue.leave_message(conversation=conversation, body="请回电", callback_phone="13800000061")
    browser = Client()
    browser.force_login(reviewer.user)  # role `callback`

    browser.post("/admin/chat/leftmessage/", {"action": "mark_handled", "_selected_action": [left.pk]})

    task = Task.objects.get(kind=TaskKind.LEFT_MESSAGE_CALLBACK)
    assert (task.status, task.completed_by) == (TaskStatus.DONE, reviewer.user)
    left.refresh_from_db()
    assert left.handled_by == reviewer.user


def test_a_new_handlers_finished_task_is_sampled_for_quality_and_the_score_counts_for_them(
    customer, reviewer, supervisor
):
    request = review_request(customer)
    online(reviewer)
    pool_dispatch()
    _as(reviewer)(COMPLETE, {"input": {"taskId": gid("Task", _task(request)), "outcome": "APPROVE"}})
    qa = Task.objects.get(kind=TaskKind.QA_REVIEW)
    assert (qa.subject_type, qa.subject_id, qa.subject_handler) == (
        SubjectType.TASK, _task(request).pk, reviewer.user
    )  # fmt: skip
    online(supervisor)
    pool_dispatch()
    qa.refresh_from_db()
    assert qa.assignee == supervisor.user  # role `qa`
    client = _as(supervisor)

    no_score = client(COMPLETE, {"input": {"taskId": gid("Task", qa), "outcome": "PASS"}})
    scored = client(COMPLETE, {"input": {"taskId": gid("Task", qa), "outcome": "PASS", "score": 92}})

    assert no_score["data"]["completeTask"]["errors"][0]["field"] == "score"
    assert scored["data"]["completeTask"]["errors"] == []
    assert _task(request).qa_score == 92


def test_recording_the_callback_in_the_admin_closes_its_task_once(elder, reviewer):
    request = held_request(elder)
    callback = CallbackTask.objects.get(request=request)
    browser = Client()
    browser.force_login(reviewer.user)  # role `callback`

    browser.post("/admin/elder_mode/callbacktask/", {"action": "refuse", "_selected_action": [callback.pk]})

    task = _task(request, TaskKind.ELDER_CALLBACK)
    assert (task.status, task.outcome, task.completed_by) == (TaskStatus.DONE, "REFUSED", reviewer.user)
    assert ServicingRequest.objects.get(pk=request.pk).status == RequestStatus.CANCELLED
    assert Task.objects.filter(kind=TaskKind.ELDER_CALLBACK).count() == 1
