"""Who gets the next task: order (overdue, elderly, earliest due), skills, language, capacity, idle
longest; and two dispatchers on real PostgreSQL connections never give one task to two people."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from chat.models import Conversation, ConversationStatus
from chat.services import messages, queue
from elder_mode.models import AccessibilityProfile
from operations.models import StaffPresence, StaffSkill, Task, TaskKind, TaskStatus
from operations.services import dispatch, tasks
from tests.accounts.factories import CustomerFactory, StaffFactory

from .conftest import online

pytestmark = pytest.mark.django_db


def _raise(customer, subject_id, kind=TaskKind.SERVICING_REVIEW, **fields) -> Task:
    task = tasks.task_raise(
        kind=kind, subject_type="SERVICING_REQUEST", subject_id=subject_id, customer=customer
    )
    if fields:
        Task.objects.filter(pk=task.pk).update(**fields)
        task.refresh_from_db()
    return task


def test_the_pool_hands_out_overdue_first_then_elderly_then_the_earliest_due(customer, elder, reviewer):
    now = timezone.now()
    later = _raise(customer, 1, due_at=now + timedelta(hours=3))
    sooner = _raise(customer, 2, due_at=now + timedelta(hours=1))
    elderly = _raise(elder, 3, due_at=now + timedelta(hours=5))
    overdue = _raise(customer, 4, due_at=now - timedelta(minutes=1))
    StaffSkill.objects.filter(user=reviewer.user, skill="REVIEW").update(capacity=1)
    online(reviewer)

    order = []
    for _ in range(4):
        dispatch.pool_dispatch()
        held = Task.objects.get(assignee=reviewer.user, status=TaskStatus.ASSIGNED)
        order.append(held.pk)
        Task.objects.filter(pk=held.pk).update(status=TaskStatus.DONE, completed_at=now)

    assert elderly.priority == 1
    assert order == [overdue.pk, elderly.pk, sooner.pk, later.pk]


def test_only_people_with_the_skill_and_the_role_get_a_task(customer, desk, underwriter, reviewer):
    online(desk, underwriter)
    task = _raise(customer, 1)

    assert dispatch.pool_dispatch() == 0  # desk and underwriter cannot review
    online(reviewer)
    assert dispatch.pool_dispatch() == 1
    task.refresh_from_db()
    assert task.assignee == reviewer.user


def test_capacity_is_respected(customer, reviewer):
    StaffSkill.objects.filter(user=reviewer.user, skill="REVIEW").update(capacity=2)
    online(reviewer)
    for subject in range(1, 5):
        _raise(customer, subject)

    dispatch.pool_dispatch()

    assert Task.objects.filter(assignee=reviewer.user).count() == 2
    assert Task.objects.filter(status=TaskStatus.OPEN).count() == 2


def test_the_one_idle_longest_gets_the_next_task(
    customer, reviewer, reviewer_b, django_capture_on_commit_callbacks
):
    online(reviewer, reviewer_b)
    StaffPresence.objects.filter(user=reviewer.user).update(
        last_assigned_at=timezone.now() - timedelta(minutes=1)
    )
    StaffPresence.objects.filter(user=reviewer_b.user).update(
        last_assigned_at=timezone.now() - timedelta(minutes=9)
    )

    with django_capture_on_commit_callbacks(execute=True):  # each is handed out once raised
        first = _raise(customer, 1)
    with django_capture_on_commit_callbacks(execute=True):
        second = _raise(customer, 2)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.assignee == reviewer_b.user  # idle nine minutes
    assert second.assignee == reviewer.user  # then the other, now idle longest


def test_a_cantonese_speaking_customers_task_goes_to_the_cantonese_speaker_first(
    db, django_capture_on_commit_callbacks
):
    mandarin = StaffFactory(user__phone="13700000071", roles=["reviewer"], roles__languages=("zh",))
    cantonese = StaffFactory(user__phone="13700000072", roles=["reviewer"], roles__languages=("zh", "yue"))
    online(mandarin, cantonese)
    # The Mandarin speaker has been idle longer: only the language puts the other first.
    StaffPresence.objects.filter(user=mandarin.user).update(last_assigned_at=None)
    StaffPresence.objects.filter(user=cantonese.user).update(last_assigned_at=timezone.now())
    guangzhou = CustomerFactory(user__phone="13800000071")
    AccessibilityProfile.objects.update_or_create(user=guangzhou.user, defaults={"dialect": "CANTONESE"})

    with django_capture_on_commit_callbacks(execute=True):
        task = _raise(guangzhou, 1)

    task.refresh_from_db()
    assert (task.language, task.assignee) == ("yue", cantonese.user)


def test_a_cantonese_speaking_customers_chat_goes_to_the_cantonese_speaker_first(
    db, django_capture_on_commit_callbacks
):
    mandarin = StaffFactory(user__phone="13700000073", roles=["desk"], roles__languages=("zh",))
    cantonese = StaffFactory(user__phone="13700000074", roles=["desk"], roles__languages=("zh", "yue"))
    online(mandarin, cantonese)
    StaffPresence.objects.filter(user=mandarin.user).update(last_assigned_at=None)
    StaffPresence.objects.filter(user=cantonese.user).update(last_assigned_at=timezone.now())
    guangzhou = CustomerFactory(user__phone="13800000072")
    AccessibilityProfile.objects.update_or_create(user=guangzhou.user, defaults={"dialect": "CANTONESE"})
    conversation = messages.conversation_start(customer=guangzhou)

    with django_capture_on_commit_callbacks(execute=True):
        queue.human_request(conversation=conversation)

    conversation.refresh_from_db()
    assert (conversation.status, conversation.assigned_staff) == (ConversationStatus.ACTIVE, cantonese.user)


def test_chats_go_only_to_the_desk(customer, reviewer, django_capture_on_commit_callbacks):
    online(reviewer)
    conversation = messages.conversation_start(customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        queue.human_request(conversation=conversation)
    assert Conversation.objects.get(pk=conversation.pk).status == ConversationStatus.QUEUED


def test_a_qa_review_never_goes_to_the_person_whose_work_it_reviews(
    customer, supervisor, django_capture_on_commit_callbacks
):
    other_qa = StaffFactory(user__phone="13700000075", roles=["qa"])
    online(supervisor, other_qa)
    done = _raise(
        customer, 1, status=TaskStatus.DONE, completed_at=timezone.now(), completed_by=supervisor.user
    )
    with django_capture_on_commit_callbacks(execute=True):
        review = tasks.task_raise(
            kind=TaskKind.QA_REVIEW, subject_type="TASK", subject_id=done.pk, customer=customer,
            subject_handler=supervisor.user,
        )  # fmt: skip
    review.refresh_from_db()
    assert review.assignee == other_qa.user


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_racing_never_give_one_task_to_two_people(postgres):
    """Two processes' worth of dispatchers (own connections) hand out 200 tasks to 20 people."""
    customer = CustomerFactory(user__phone="13800000073")
    people = [StaffFactory(user__phone=f"1370000{n:04d}", roles=["reviewer"]) for n in range(100, 120)]
    StaffSkill.objects.filter(user__in=[p.user for p in people]).update(capacity=10)
    for subject in range(1, 201):
        _raise(customer, subject)  # nobody online yet: all wait in the pool
    online(*people)
    barrier = threading.Barrier(2)

    def run() -> int:
        try:
            barrier.wait(timeout=30)
            return dispatch.pool_dispatch(limit=1000)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(lambda _: run(), range(2)))

    assert sum(counts) == 200
    assert Task.objects.filter(status=TaskStatus.ASSIGNED).count() == 200
    per_person = [Task.objects.filter(assignee=p.user, status=TaskStatus.ASSIGNED).count() for p in people]
    assert max(per_person) <= 10 and sum(per_person) == 200
