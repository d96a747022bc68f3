"""The role matrix: every task operation as each group, another group, a customer, an agent and
anonymously. Another role's task answers exactly like a missing one."""

import pytest

from operations.models import Task, TaskKind, TaskStatus
from operations.services import tasks
from tests.accounts.factories import AgentFactory, StaffFactory
from tests.conftest import GraphQLClient
from tests.policies.gql import gid

from .conftest import online

pytestmark = pytest.mark.django_db

ACCEPT = "mutation A($input: TaskInput!) { acceptTask(input: $input) { task { id status } errors { code field } } }"
RELEASE = (
    "mutation R($input: TaskInput!) { releaseTask(input: $input) { task { id status } errors { code } } }"
)
COMPLETE = """mutation C($input: CompleteTaskInput!) {
  completeTask(input: $input) { task { status } errors { code field } } }"""
REASSIGN = """mutation R($input: ReassignTaskInput!) {
  reassignTask(input: $input) { task { assignee { colleagueId } } errors { code field } } }"""
QUEUE = "query { taskQueue(first: 50) { edges { node { id kind } } } }"
MINE = "query { myTasks(first: 50) { edges { node { id kind status } } } }"
BOARD = "query { operationsBoard { kinds { kind open } staff { displayName } } }"
HEARTBEAT = "mutation { heartbeat { presence { status } errors { code } } }"

# Which kind each role takes (the supervisor sees every kind but takes none of them).
ROLE_KIND = {
    "desk": None,
    "reviewer": TaskKind.SERVICING_REVIEW,
    "callback": TaskKind.ELDER_CALLBACK,
    "underwriter": TaskKind.UNDERWRITING,
    "qa": TaskKind.QA_REVIEW,
    "supervisor": None,
}
KINDS = [TaskKind.SERVICING_REVIEW, TaskKind.ELDER_CALLBACK, TaskKind.UNDERWRITING, TaskKind.QA_REVIEW]


@pytest.fixture
def pool(customer):
    return {
        kind: tasks.task_raise(kind=kind, subject_type="TASK", subject_id=n, customer=customer)
        for n, kind in enumerate(KINDS, start=1)
    }


def _client(phone: str) -> GraphQLClient:
    client = GraphQLClient()
    client.login(phone)
    return client


def _staff(role: str, n: int):
    return StaffFactory(user__phone=f"137000009{n:02d}", roles=[role])


@pytest.mark.parametrize("role", list(ROLE_KIND))
def test_each_role_sees_and_takes_only_its_own_kinds(role, pool):
    person = _staff(role, list(ROLE_KIND).index(role))
    online(person)
    client = _client(person.user.phone)

    queue = {edge["node"]["kind"] for edge in client(QUEUE)["data"]["taskQueue"]["edges"]}
    outcomes = {
        kind: client(ACCEPT, {"input": {"taskId": gid("Task", task)}})["data"]["acceptTask"]
        for kind, task in pool.items()
    }

    own = ROLE_KIND[role]
    if role == "supervisor":
        assert queue == set(KINDS)  # sees all …
        assert {o["errors"][0]["code"] for o in outcomes.values()} == {"NOT_ELIGIBLE"}  # … takes none
    else:
        assert queue == ({own} if own else set())
        for kind, outcome in outcomes.items():
            if kind == own:
                assert outcome["errors"] == [] and outcome["task"]["status"] == "ASSIGNED"
            else:
                assert outcome["errors"] == [{"code": "NOT_FOUND", "field": "taskId"}]  # as if missing
    missing = client(ACCEPT, {"input": {"taskId": gid("Task", 999999)}})["data"]["acceptTask"]["errors"]
    assert missing == [{"code": "NOT_FOUND", "field": "taskId"}]


def test_only_the_holder_completes_or_releases_and_only_a_supervisor_reassigns(pool):
    holder, colleague, boss = _staff("reviewer", 10), _staff("reviewer", 11), _staff("supervisor", 12)
    online(holder, colleague, boss)
    review = pool[TaskKind.SERVICING_REVIEW]
    _client(holder.user.phone)(ACCEPT, {"input": {"taskId": gid("Task", review)}})
    other = _client(colleague.user.phone)
    variables = {"input": {"taskId": gid("Task", review), "toStaffId": gid("Colleague", colleague.user)}}

    not_mine = other(COMPLETE, {"input": {"taskId": gid("Task", review), "outcome": "APPROVE"}})
    not_mine_release = other(RELEASE, {"input": {"taskId": gid("Task", review)}})
    by_peer = other(REASSIGN, variables)
    by_boss = _client(boss.user.phone)(REASSIGN, variables)

    assert not_mine["data"]["completeTask"]["errors"] == [{"code": "NOT_ELIGIBLE", "field": "taskId"}]
    assert not_mine_release["data"]["releaseTask"]["errors"] == [{"code": "NOT_ELIGIBLE"}]
    assert by_peer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert by_boss["data"]["reassignTask"]["errors"] == []
    assert Task.objects.get(pk=review.pk).assignee == colleague.user


def test_a_task_cannot_be_reassigned_to_someone_without_its_role(pool):
    boss, desk_person = _staff("supervisor", 13), _staff("desk", 14)
    online(desk_person)
    variables = {
        "input": {
            "taskId": gid("Task", pool[TaskKind.UNDERWRITING]),
            "toStaffId": gid("Colleague", desk_person.user),
        }
    }

    result = _client(boss.user.phone)(REASSIGN, variables)

    assert result["data"]["reassignTask"]["errors"] == [{"code": "NOT_ELIGIBLE", "field": "toStaffId"}]
    assert Task.objects.get(pk=pool[TaskKind.UNDERWRITING].pk).status == TaskStatus.OPEN


def test_the_board_is_for_supervisors(pool):
    boss, reviewer = _staff("supervisor", 15), _staff("reviewer", 16)
    online(boss, reviewer)

    board = _client(boss.user.phone)(BOARD)["data"]["operationsBoard"]
    refused = _client(reviewer.user.phone)(BOARD)

    counts = {row["kind"]: row["open"] for row in board["kinds"]}
    assert counts["SERVICING_REVIEW"] == counts["UNDERWRITING"] == 1 and counts["FEEDBACK_FOLLOW_UP"] == 0
    assert {row["displayName"] for row in board["staff"]} >= {boss.name, reviewer.name}
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("who", ["customer", "agent", "anonymous"])
def test_customers_agents_and_the_anonymous_reach_no_task_operation(who, pool, customer):
    client = GraphQLClient()
    if who == "customer":
        client.login(customer.user.phone)
    elif who == "agent":
        agent = AgentFactory(user__phone="13900000091")
        client.login(agent.user.phone)
    expected = "UNAUTHENTICATED" if who == "anonymous" else "FORBIDDEN"
    task_id = {"input": {"taskId": gid("Task", pool[TaskKind.SERVICING_REVIEW])}}
    operations = [
        (QUEUE, None), (MINE, None), (BOARD, None), (HEARTBEAT, None), (ACCEPT, task_id), (RELEASE, task_id),
        (COMPLETE, {"input": {**task_id["input"], "outcome": "APPROVE"}}),
        (REASSIGN, {"input": {**task_id["input"], "toStaffId": gid("Colleague", 1)}}),
        ("query C($id: ID!) { customer360(customerId: $id) { maskedName } }", {"id": gid("Customer", customer)}),
    ]  # fmt: skip
    for query, variables in operations:
        result = client(query, variables)
        assert result["errors"][0]["extensions"]["code"] == expected, query
    assert Task.objects.get(pk=pool[TaskKind.SERVICING_REVIEW].pk).status == TaskStatus.OPEN
