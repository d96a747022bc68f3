"""Handing out the pool: the next task (overdue first, then elderly customers, then the earliest
deadline) goes to the online person with its skill and room for it who has been idle longest, a
speaker of the customer's language or dialect first.

Two dispatchers (processes, workers) never hand one task to two people: a task is taken with
SKIP LOCKED, and a person's row is locked while their capacity is checked and used.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .. import events, selectors, signals
from ..models import StaffPresence, Task, TaskStatus

logger = logging.getLogger(__name__)
CANDIDATES = 5  # people tried per task before it waits for the next dispatch


def has_room(*, user, skill: str) -> bool:
    capacity = selectors.skill_capacity(user=user, skill=skill)
    return capacity is not None and selectors.active_task_count(user=user, skill=skill) < capacity


def give(task: Task, *, user, now: datetime) -> None:
    """Assign a locked open task to `user` (whose presence row the caller holds)."""
    task.status = TaskStatus.ASSIGNED
    task.assignee = user
    task.assigned_at = now
    task.save(update_fields=["status", "assignee", "assigned_at"])
    events.task_assigned(task)
    signals.task_assigned.send(sender="operations", task=task)


def take_back(task: Task, *, front: bool = False) -> None:
    """Return a locked assigned task to the pool; `front` puts it before everything not overdue."""
    task.status = TaskStatus.OPEN
    task.assignee = None
    task.assigned_at = None
    if front:
        task.priority = 2
    task.save(update_fields=["status", "assignee", "assigned_at", "priority"])


def _assign_locked(task: Task, now: datetime, exclude_user_id: int | None = None) -> bool:
    """Give a task this transaction holds to the best free person; False when nobody is free."""
    for presence in selectors.free_staff_for(task=task, now=now, exclude_user_id=exclude_user_id)[
        :CANDIDATES
    ]:
        # Another dispatcher is giving this person something: try the next one rather than wait.
        locked = (
            StaffPresence.objects.select_for_update(skip_locked=True)
            .filter(pk=presence.pk, status="ONLINE")
            .select_related("user")
            .first()
        )
        if locked is None or not has_room(user=locked.user, skill=task.skill):
            continue
        give(task, user=locked.user, now=now)
        locked.last_assigned_at = now
        locked.save(update_fields=["last_assigned_at"])
        return True
    return False


def task_assign(*, task_id: int, exclude_user_id: int | None = None, now: datetime | None = None) -> bool:
    """Try to hand one open task out now (right after it is raised or released)."""
    now = now or timezone.now()
    with transaction.atomic():
        task = (
            Task.objects.select_for_update(skip_locked=True)
            .filter(pk=task_id, status=TaskStatus.OPEN, available_from__lte=now)
            .first()
        )
        return task is not None and _assign_locked(task, now, exclude_user_id)


def pool_dispatch(*, now: datetime | None = None, limit: int = 500, record: list | None = None) -> int:
    """Hand out open tasks in pool order until nobody fits or `limit` are given. Returns how many
    (and appends each task id given to `record`, for audits of concurrent dispatchers)."""
    now = now or timezone.now()
    assigned = 0
    stuck_skills: set[str] = set()
    passed: set[int] = set()
    while assigned < limit:
        with transaction.atomic():
            task = (
                selectors.pool_order(
                    Task.objects.filter(status=TaskStatus.OPEN, available_from__lte=now)
                    .exclude(skill__in=stuck_skills)
                    .exclude(pk__in=passed),
                    now=now,
                )
                .select_for_update(skip_locked=True, of=("self",))
                .first()
            )
            if task is None:
                break
            if _assign_locked(task, now):
                assigned += 1
                if record is not None:
                    record.append(task.pk)
                continue
        # Nobody free for it. A QA review may be stuck on its own handler alone: skip just that task.
        if task.subject_handler_id and selectors.free_staff_for(task=task, now=now).exists():
            passed.add(task.pk)
        else:
            stuck_skills.add(task.skill)
    if assigned:
        logger.info("pool dispatch assigned %d tasks", assigned)
    return assigned
