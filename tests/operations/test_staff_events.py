"""Over the staff websocket: work entering the pool is heard at once by everyone with its skill; the
person given a task hears TASK_ASSIGNED; supervisors hear every task change and SLA risk; colleagues
hear neither the assignment nor the risk, and staff without the skill hear nothing of it."""

import itertools

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from operations.services import presence, sla, tasks
from tests.conftest import access_token
from tests.policies.gql import gid

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("thread_connections_closed")]
STAFF_EVENTS = "subscription { staffEvents { type taskId taskKind taskStatus overdue } }"
_ids = itertools.count(1)


async def _subscribe(user):
    token = await database_sync_to_async(access_token)(user)
    ws = WebsocketCommunicator(application, "/graphql/", subprotocols=["graphql-transport-ws"])
    assert (await ws.connect())[0]
    await ws.send_json_to({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    assert (await ws.receive_json_from(timeout=5))["type"] == "connection_ack"
    await ws.send_json_to({"id": str(next(_ids)), "type": "subscribe", "payload": {"query": STAFF_EVENTS}})
    return ws


async def _events(ws, count: int, task_id: str) -> list[dict]:
    """The next `count` events about `task_id` (a shared Redis may carry other tasks' events)."""
    received = []
    while len(received) < count:
        message = await ws.receive_json_from(timeout=5)
        assert message["type"] == "next", message
        event = message["payload"]["data"]["staffEvents"]
        if event["taskId"] == task_id:
            received.append(event)
    return received


def _raise(customer):
    return tasks.task_raise(
        kind="SERVICING_REVIEW", subject_type="SERVICING_REQUEST", subject_id=1, customer=customer
    )


async def test_assignment_and_sla_risk_reach_the_right_people(
    customer, reviewer, reviewer_b, supervisor, desk
):
    await database_sync_to_async(presence.presence_set)(user=reviewer.user, status="ONLINE")
    mine = await _subscribe(reviewer.user)
    boss = await _subscribe(supervisor.user)
    colleague = await _subscribe(reviewer_b.user)
    other_skill = await _subscribe(desk.user)

    task = await database_sync_to_async(_raise)(customer)
    await database_sync_to_async(sla.sla_flags_announce)(now=task.at_risk_from)

    task_id = gid("Task", task)
    assert await _events(mine, 3, task_id) == [
        {"type": "TASK_UPDATED", "taskId": task_id, "taskKind": "SERVICING_REVIEW", "taskStatus": "OPEN", "overdue": None},
        {"type": "TASK_ASSIGNED", "taskId": task_id, "taskKind": "SERVICING_REVIEW", "taskStatus": None, "overdue": None},
        {"type": "SLA_AT_RISK", "taskId": task_id, "taskKind": "SERVICING_REVIEW", "taskStatus": None, "overdue": False},
    ]  # fmt: skip
    seen = await _events(boss, 3, task_id)
    assert [(e["type"], e["taskStatus"]) for e in seen] == [
        ("TASK_UPDATED", "OPEN"), ("TASK_UPDATED", "ASSIGNED"), ("SLA_AT_RISK", None)
    ]  # fmt: skip
    # A colleague with the skill heard that it waited, nothing after
    assert [(e["type"], e["taskStatus"]) for e in await _events(colleague, 1, task_id)] == [
        ("TASK_UPDATED", "OPEN")
    ]
    for ws in (colleague, other_skill):
        while not await ws.receive_nothing(timeout=0.3):
            event = (await ws.receive_json_from())["payload"]["data"]["staffEvents"]
            assert event["taskId"] != task_id, event
    for ws in (mine, boss, colleague, other_skill):
        await ws.disconnect()
