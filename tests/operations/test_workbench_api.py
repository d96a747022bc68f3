"""What the workbench adds to the pool's API: starting a call reveals the number to the task's holder
only (audited), the caller's own profile, the supervisors' list of unfinished work, server time."""

import pytest
from django.utils import timezone

from operations.models import Task, TaskKind, TaskStatus
from operations.services import tasks
from policies.models import AuditEvent
from tests.accounts.factories import AgentFactory, StaffFactory
from tests.conftest import GraphQLClient, access_token
from tests.policies.gql import gid

from .conftest import online
from .helpers import held_request, review_request

pytestmark = pytest.mark.django_db

START_CALL = """mutation S($input: TaskInput!) { startCall(input: $input) { phone task { id } errors { code field message } } }"""
PROFILE = "query { myStaffProfile { displayName roles skills languages supervisor presence { status } } }"
BOARD_TASKS = """query B($atRisk: Boolean!) { boardTasks(atRisk: $atRisk, first: 20) {
  edges { node { id kind atRisk assignee { displayName } } } } }"""
HEARTBEAT = "mutation { heartbeat { serverTime presence { status } errors { code } } }"


def _client(user) -> GraphQLClient:
    client = GraphQLClient()
    client.token = access_token(user)
    return client


def _callback_task(elder):
    request = held_request(elder)
    return Task.objects.get(subject_id=request.pk, kind=TaskKind.ELDER_CALLBACK)


def test_starting_a_call_reveals_the_number_only_to_the_holder_and_audits_the_look(
    reviewer, reviewer_b, elder
):
    task = _callback_task(elder)
    other = StaffFactory(user__phone="13700000071", roles=["callback"])
    online(reviewer)
    tasks.task_accept(user=reviewer.user, task=task)
    variables = {"input": {"taskId": gid("Task", task.pk)}}

    # Another callback officer (who may see the task) is refused; nothing is revealed or audited
    refused = _client(other.user)(START_CALL, variables)["data"]["startCall"]
    assert refused["phone"] is None and [e["code"] for e in refused["errors"]] == ["NOT_ELIGIBLE"]
    assert not AuditEvent.objects.filter(action="customer.view", actor=other.user).exists()

    # A reviewer without the callback role: the task looks missing
    missing = _client(reviewer_b.user)(START_CALL, variables)["data"]["startCall"]
    assert [e["code"] for e in missing["errors"]] == ["NOT_FOUND"]

    # The holder gets the customer's number; the look is audited and counts as the first action
    started = _client(reviewer.user)(START_CALL, variables)["data"]["startCall"]
    assert started["errors"] == [] and started["phone"] == elder.user.phone
    look = AuditEvent.objects.get(action="customer.view", actor=reviewer.user, object_id=str(elder.pk))
    assert look.after == {"viewed": "callback phone"}
    task.refresh_from_db()
    assert task.first_action_at is not None


def test_a_left_message_callback_dials_the_number_the_customer_left(reviewer, customer):
    from chat.models import LeftMessage
    from chat.services import messages, queue

    conversation = messages.conversation_start(customer=customer)
    queue.leave_message(conversation=conversation, body="请回电", callback_phone="13912345678")
    assert LeftMessage.objects.get().callback_phone == "13912345678"
    task = Task.objects.get(kind=TaskKind.LEFT_MESSAGE_CALLBACK)
    online(reviewer)
    tasks.task_accept(user=reviewer.user, task=task)
    started = _client(reviewer.user)(START_CALL, {"input": {"taskId": gid("Task", task.pk)}})["data"][
        "startCall"
    ]
    assert started["phone"] == "13912345678"


def test_a_review_has_no_call_to_start(reviewer, customer):
    request = review_request(customer)
    task = Task.objects.get(subject_id=request.pk, kind=TaskKind.SERVICING_REVIEW)
    online(reviewer)
    tasks.task_accept(user=reviewer.user, task=task)
    result = _client(reviewer.user)(START_CALL, {"input": {"taskId": gid("Task", task.pk)}}, lang="en")
    payload = result["data"]["startCall"]
    assert payload["phone"] is None
    assert payload["errors"] == [
        {"code": "NOT_ELIGIBLE", "field": "taskId", "message": "This task has no call to make."}
    ]


def test_start_call_is_for_staff_only(customer, elder):
    task = _callback_task(elder)
    variables = {"input": {"taskId": gid("Task", task.pk)}}
    agent = AgentFactory(user__phone="13900000071")
    for client in (_client(customer.user), _client(agent.user), GraphQLClient()):
        result = client(START_CALL, variables)
        assert result["data"] is None and result["errors"][0]["extensions"]["code"] in (
            "FORBIDDEN",
            "UNAUTHENTICATED",
        )


def test_my_staff_profile_says_who_i_am_in_the_pool(reviewer):
    online(reviewer)
    me = _client(reviewer.user)(PROFILE)["data"]["myStaffProfile"]
    assert me == {
        "displayName": "黄嘉欣",
        "roles": ["callback", "reviewer"],
        "skills": ["CALLBACK", "REVIEW"],
        "languages": ["MANDARIN"],
        "supervisor": False,
        "presence": {"status": "ONLINE"},
    }


def test_the_heartbeat_answers_the_servers_clock(reviewer):
    online(reviewer)
    beat = _client(reviewer.user)(HEARTBEAT)["data"]["heartbeat"]
    assert beat["presence"] == {"status": "ONLINE"}
    from datetime import datetime

    assert abs((datetime.fromisoformat(beat["serverTime"]) - timezone.now()).total_seconds()) < 5


def test_board_tasks_lists_unfinished_work_at_risk_for_supervisors_only(
    supervisor, reviewer, customer, elder
):
    at_risk = Task.objects.get(subject_id=review_request(customer).pk, kind=TaskKind.SERVICING_REVIEW)
    calm = _callback_task(elder)
    Task.objects.filter(pk=at_risk.pk).update(at_risk_from=timezone.now())
    done = tasks.task_raise(kind=TaskKind.QA_REVIEW, subject_type="TASK", subject_id=99, customer=customer)
    Task.objects.filter(pk=done.pk).update(status=TaskStatus.CANCELLED, completed_at=timezone.now())

    boss = _client(supervisor.user)
    every = boss(BOARD_TASKS, {"atRisk": False})["data"]["boardTasks"]["edges"]
    assert {e["node"]["id"] for e in every} == {gid("Task", at_risk.pk), gid("Task", calm.pk)}
    risky = boss(BOARD_TASKS, {"atRisk": True})["data"]["boardTasks"]["edges"]
    assert [e["node"]["id"] for e in risky] == [gid("Task", at_risk.pk)]

    refused = _client(reviewer.user)(BOARD_TASKS, {"atRisk": False})
    assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
