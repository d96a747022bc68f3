"""Presence kept by the heartbeat: silence returns a person's tasks and chats to the front of the
pool. The SLA watch flags at-risk and overdue work once and tells supervisors."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from chat.models import Conversation, ConversationStatus
from chat.services import messages, queue
from operations import events
from operations.models import Availability, StaffPresence, StaffSkill, Task, TaskStatus
from operations.services import dispatch, presence, sla, tasks
from tests.conftest import GraphQLClient

from .conftest import online

pytestmark = pytest.mark.django_db

HEARTBEAT = "mutation { heartbeat { presence { status lastHeartbeatAt } errors { code } } }"
AVAILABILITY = "mutation A($s: Availability!) { setAvailability(input: {status: $s}) { presence { status } errors { code } } }"


def _review(customer, subject_id=1):
    return tasks.task_raise(
        kind="SERVICING_REVIEW", subject_type="SERVICING_REQUEST", subject_id=subject_id, customer=customer
    )


def test_the_heartbeat_keeps_a_person_online_and_silence_makes_them_offline(reviewer, customer):
    client = GraphQLClient()
    client.login(reviewer.user.phone)
    client(AVAILABILITY, {"s": "ONLINE"})
    _review(customer)
    dispatch.pool_dispatch()
    task = Task.objects.get()
    assert task.assignee == reviewer.user

    beat = client(HEARTBEAT)["data"]["heartbeat"]
    assert beat["presence"]["status"] == "ONLINE"
    assert presence.presence_sweep(now=timezone.now() + timedelta(seconds=59)) == 0

    assert presence.presence_sweep(now=timezone.now() + timedelta(seconds=61)) == 1

    assert StaffPresence.objects.get(user=reviewer.user).status == Availability.OFFLINE
    task.refresh_from_db()
    assert (task.status, task.assignee, task.priority) == (TaskStatus.OPEN, None, 2)  # front of the pool
    # The workbench learns it on its next heartbeat, and the selector shows the true state.
    assert client(HEARTBEAT)["data"]["heartbeat"]["presence"]["status"] == "OFFLINE"


def test_silence_returns_chats_to_the_front_of_the_queue(desk, customer, django_capture_on_commit_callbacks):
    online(desk)
    conversation = messages.conversation_start(customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        queue.human_request(conversation=conversation)
    assert Conversation.objects.get(pk=conversation.pk).assigned_staff == desk.user

    with django_capture_on_commit_callbacks(execute=True):
        presence.presence_sweep(now=timezone.now() + timedelta(seconds=61))

    conversation.refresh_from_db()
    assert (conversation.status, conversation.assigned_staff, conversation.priority) == (
        ConversationStatus.QUEUED, None, 2
    )  # fmt: skip


def test_returned_work_goes_to_the_next_person_first(reviewer, reviewer_b, customer):
    online(reviewer)
    _review(customer, 1)
    dispatch.pool_dispatch()
    later = _review(customer, 2)
    # Due sooner than the handed-back task: only the hand-back puts that one first.
    Task.objects.filter(pk=later.pk).update(due_at=later.due_at - timedelta(hours=1))
    # reviewer's last heartbeat was 61 s ago; reviewer_b (one task at a time) has just come online.
    online(reviewer, at=timezone.now() - timedelta(seconds=61))
    online(reviewer_b)
    StaffSkill.objects.filter(user=reviewer_b.user).update(capacity=1)

    assert presence.presence_sweep() == 1
    dispatch.pool_dispatch()

    held = Task.objects.get(assignee=reviewer_b.user)
    assert held.subject_id == 1 and held.priority == 2
    assert Task.objects.get(pk=later.pk).status == TaskStatus.OPEN


def test_choosing_offline_hands_work_back_at_once(reviewer, customer):
    online(reviewer)
    _review(customer)
    dispatch.pool_dispatch()

    presence.presence_set(user=reviewer.user, status="OFFLINE")

    assert Task.objects.get().status == TaskStatus.OPEN


def test_the_sla_watch_flags_each_task_once_and_tells_supervisors(customer):
    task = _review(customer)
    with mock.patch.object(events, "event_send_on_commit") as send:
        assert sla.sla_flags_announce(now=task.at_risk_from - timedelta(seconds=1)) == {
            "at_risk": 0,
            "overdue": 0,
        }
        assert sla.sla_flags_announce(now=task.at_risk_from) == {"at_risk": 1, "overdue": 0}
        assert sla.sla_flags_announce(now=task.at_risk_from + timedelta(minutes=1)) == {
            "at_risk": 0,
            "overdue": 0,
        }
        assert sla.sla_flags_announce(now=task.due_at) == {"at_risk": 0, "overdue": 1}

    sent = [(call.args[0], call.args[1]) for call in send.call_args_list]
    assert sent == [
        (events.SUPERVISORS, events.SlaAtRiskEvent(task_id=task.pk, task_kind=task.kind, overdue=False)),
        (events.SUPERVISORS, events.SlaAtRiskEvent(task_id=task.pk, task_kind=task.kind, overdue=True)),
    ]


def test_the_pool_jobs_are_scheduled_every_few_seconds():
    from django_celery_beat.models import PeriodicTask

    from core.schedules import periodic_tasks_install

    periodic_tasks_install()

    jobs = {
        job.task: (job.interval.every, job.interval.period)
        for job in PeriodicTask.objects.filter(task__startswith="operations.").select_related("interval")
    }
    assert jobs == {
        "operations.tasks.presence_sweep": (10, "seconds"),
        "operations.tasks.sla_flags_announce": (30, "seconds"),
        "operations.tasks.pool_dispatch": (30, "seconds"),
    }


def test_a_closed_socket_starts_the_silence_so_a_closed_page_is_offline_well_within_a_minute(reviewer):
    online(reviewer)
    closed_at = timezone.now()
    assert presence.socket_gone(user_id=reviewer.user.pk, now=closed_at) == 1
    # 25 s of grace (more than the 20 s heartbeat: another tab or a reconnecting page keeps the person)
    assert presence.presence_sweep(now=closed_at + timedelta(seconds=24)) == 0
    assert presence.presence_sweep(now=closed_at + timedelta(seconds=26)) == 1
    assert StaffPresence.objects.get(user=reviewer.user).status == Availability.OFFLINE


def test_another_tab_heartbeating_after_a_socket_closed_keeps_the_person(reviewer):
    online(reviewer)
    closed_at = timezone.now()
    presence.socket_gone(user_id=reviewer.user.pk, now=closed_at)
    presence.heartbeat(user=reviewer.user, now=closed_at + timedelta(seconds=20))
    assert presence.presence_sweep(now=closed_at + timedelta(seconds=70)) == 0
    # A socket closing never brings a silence forward that already began earlier
    quiet = StaffPresence.objects.get(user=reviewer.user).last_heartbeat_at
    assert presence.socket_gone(user_id=reviewer.user.pk, now=quiet) == 1
    assert presence.socket_gone(user_id=reviewer.user.pk, now=quiet) == 0


@pytest.mark.django_db(transaction=True)
async def test_the_staff_websocket_closing_is_heard(reviewer, thread_connections_closed):
    from channels.db import database_sync_to_async
    from channels.testing import WebsocketCommunicator

    from config.asgi import application
    from tests.conftest import access_token

    await database_sync_to_async(online)(reviewer)
    token = await database_sync_to_async(access_token)(reviewer.user)
    ws = WebsocketCommunicator(application, "/graphql/", subprotocols=["graphql-transport-ws"])
    assert (await ws.connect())[0]
    await ws.send_json_to({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    assert (await ws.receive_json_from(timeout=5))["type"] == "connection_ack"
    before = (await database_sync_to_async(StaffPresence.objects.get)(user=reviewer.user)).last_heartbeat_at
    await ws.disconnect()
    after = (await database_sync_to_async(StaffPresence.objects.get)(user=reviewer.user)).last_heartbeat_at
    assert before - after >= timedelta(seconds=30)  # silent since 35 s before the close
