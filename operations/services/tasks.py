"""A task's life: raised with its cause, taken, completed (which drives its subject's service),
released, reassigned, and closed when its subject is settled by any other path."""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode, ServiceError

from .. import events, selectors, signals
from ..models import KIND_SKILL, OPEN_STATUSES, StaffPresence, Task, TaskOutcome, TaskStatus
from . import dispatch, qa
from .calendar import sla_deadlines
from .completion import CALL_KINDS, completion_for

# A callback nobody answered is tried again this much later.
RETRY_AFTER = timedelta(hours=1)
MAX_NOTE = 500


def task_raise(
    *,
    kind: str,
    subject_type: str,
    subject_id: int,
    customer,
    title: str = "",
    language: str | None = None,
    subject_handler=None,
    now: datetime | None = None,
) -> Task:
    """Raise a task in the caller's transaction (its cause's); the one already open for the same
    subject and kind is returned instead of a second. It is dispatched once the cause commits."""
    now = now or timezone.now()
    existing = Task.objects.filter(
        kind=kind, subject_type=subject_type, subject_id=subject_id, status__in=OPEN_STATUSES
    ).first()
    if existing is not None:
        return existing
    due_at, at_risk_from = sla_deadlines(kind, now)
    spoken, elderly = selectors.customer_profile_for_work(customer, now)
    task = Task(
        kind=kind,
        skill=KIND_SKILL[kind],
        subject_type=subject_type,
        subject_id=subject_id,
        customer=customer,
        title=title[:200],
        language=language or spoken,
        priority=1 if elderly else 0,
        elderly=elderly,
        created_at=now,
        available_from=now,
        due_at=due_at,
        at_risk_from=at_risk_from,
        subject_handler=subject_handler,
    )
    try:
        with transaction.atomic():
            task.save()
    except IntegrityError:
        # Raised concurrently by another path of the same cause: the database kept one.
        return Task.objects.get(
            kind=kind, subject_type=subject_type, subject_id=subject_id, status__in=OPEN_STATUSES
        )
    events.task_waiting(task)
    transaction.on_commit(lambda: dispatch.task_assign(task_id=task.pk))
    return task


def subject_settled(
    *,
    subject_type: str,
    subject_id: int,
    by=None,
    outcome: str = "",
    cancelled: bool = False,
    kinds=None,
    now: datetime | None = None,
) -> list[Task]:
    """The subject was settled (by a task, the admin, the customer or a job): its open tasks close,
    once. `kinds` limits which (a request released from a callback goes on to a review)."""
    now = now or timezone.now()
    open_tasks = Task.objects.select_for_update().filter(
        subject_type=subject_type, subject_id=subject_id, status__in=OPEN_STATUSES
    )
    if kinds is not None:
        open_tasks = open_tasks.filter(kind__in=list(kinds))
    closed = []
    for task in open_tasks:
        task.status = TaskStatus.CANCELLED if cancelled else TaskStatus.DONE
        task.outcome = "" if cancelled else outcome
        task.completed_at = now
        task.completed_by = by
        task.first_action_at = task.first_action_at or (now if by is not None else None)
        task.save(update_fields=["status", "outcome", "completed_at", "completed_by", "first_action_at"])
        events.task_updated(task)
        if not cancelled and by is not None:
            qa.qa_sample(task=task, now=now)
        closed.append(task)
    if closed:
        transaction.on_commit(dispatch.pool_dispatch)
    return closed


def _locked(task_id: int) -> Task:
    return Task.objects.select_for_update().get(pk=task_id)


def task_accept(*, user, task: Task, now: datetime | None = None) -> Task:
    """Take an open task from the pool (within one's skills and capacity), or acknowledge one that
    was given to you."""
    now = now or timezone.now()
    with transaction.atomic():
        # Presence first, then the task: the order every path that holds both takes.
        presence = StaffPresence.objects.select_for_update().filter(user=user).first()
        task = _locked(task.pk)
        if task.status == TaskStatus.ASSIGNED and task.assignee_id == user.pk:
            if task.first_action_at is None:
                task.first_action_at = now
                task.save(update_fields=["first_action_at"])
            return task
        if task.status != TaskStatus.OPEN:
            raise ServiceError(ErrorCode.NOT_ELIGIBLE, _("This task has already been taken."), field="taskId")
        if task.subject_handler_id == user.pk:
            raise ServiceError(ErrorCode.NOT_ELIGIBLE, _("You cannot review your own work."), field="taskId")
        if presence is None or not selectors.staff_can_take(user=user, task=task):
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE, _("You do not handle this kind of task."), field="taskId"
            )
        if not dispatch.has_room(user=user, skill=task.skill):
            raise ServiceError(
                ErrorCode.LIMIT_EXCEEDED,
                _("You already hold as many tasks of this kind as your capacity allows."),
                field="taskId",
            )
        dispatch.give(task, user=user, now=now)
        task.first_action_at = now
        task.save(update_fields=["first_action_at"])
        presence.last_assigned_at = now
        presence.save(update_fields=["last_assigned_at"])
    return task


def task_complete(
    *, user, task: Task, outcome: str, note: str = "", score: int | None = None, now: datetime | None = None
) -> Task:
    """Finish one's task with the outcome its kind allows; this drives the subject's own service
    (approving a request, releasing a held payout…) in the same transaction."""
    now = now or timezone.now()
    note = (note or "").strip()
    completion = completion_for(task.kind)
    if outcome not in completion.outcomes:
        raise ServiceError(
            ErrorCode.INVALID, _("This outcome does not apply to this kind of task."), field="outcome"
        )
    if outcome in completion.note_required and not note:
        raise ServiceError(ErrorCode.INVALID, _("Please give the reason."), field="note")
    if len(note) > MAX_NOTE:
        raise ServiceError(ErrorCode.INVALID, _("A note can have at most 500 characters."), field="note")
    if outcome in completion.score_required and (score is None or not 0 <= score <= 100):
        raise ServiceError(ErrorCode.INVALID, _("Please give a score from 0 to 100."), field="score")
    with transaction.atomic():
        task = _locked(task.pk)
        if task.status != TaskStatus.ASSIGNED or task.assignee_id != user.pk:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE, _("Only a task assigned to you can be completed."), field="taskId"
            )
        task.first_action_at = task.first_action_at or now
        task.attempts += 1 if outcome == TaskOutcome.UNREACHABLE else 0
        retry = outcome == TaskOutcome.UNREACHABLE and (
            completion.max_attempts is None or task.attempts < completion.max_attempts
        )
        task.note = note
        if retry:
            # Back to the pool for another call later; the subject stays as it is.
            task.status = TaskStatus.OPEN
            task.assignee = None
            task.assigned_at = None
            task.available_from = now + RETRY_AFTER
        else:
            task.status = TaskStatus.DONE
            task.outcome = outcome
            task.completed_at = now
            task.completed_by = user
        task.save()
        if completion.run is not None:
            completion.run(task=task, outcome=outcome, note=note, user=user)
        if task.kind == "QA_REVIEW":
            qa.qa_score_record(task=task, score=score)
        elif not retry:
            qa.qa_sample(task=task, now=now)
        if not retry:
            signals.task_finished.send(sender="operations", task=task)
        events.task_updated(task)
        transaction.on_commit(dispatch.pool_dispatch)
    return task


def task_release(*, user, task: Task, now: datetime | None = None) -> Task:
    """Hand one's task back to the pool (someone else may take it at once)."""
    with transaction.atomic():
        task = _locked(task.pk)
        if task.status != TaskStatus.ASSIGNED or task.assignee_id != user.pk:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE, _("Only a task assigned to you can be released."), field="taskId"
            )
        dispatch.take_back(task)
        events.task_updated(task)
        transaction.on_commit(lambda: dispatch.task_assign(task_id=task.pk, exclude_user_id=user.pk))
    return task


def task_reassign(*, by, task: Task, to_user, now: datetime | None = None) -> Task:
    """A supervisor moves an unfinished task to a colleague who has its skill and is online."""
    now = now or timezone.now()
    with transaction.atomic():
        presence = StaffPresence.objects.select_for_update().filter(user=to_user).first()
        task = _locked(task.pk)
        if task.status not in OPEN_STATUSES:
            raise ServiceError(ErrorCode.NOT_ELIGIBLE, _("This task is already finished."), field="taskId")
        if not selectors.staff_can_take(user=to_user, task=task) or presence is None:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE,
                _("That colleague does not handle this kind of task."),
                field="toStaffId",
            )
        if presence.status != "ONLINE":
            raise ServiceError(ErrorCode.NOT_ELIGIBLE, _("That colleague is not online."), field="toStaffId")
        if task.assignee_id == to_user.pk:
            return task
        if task.status == TaskStatus.ASSIGNED:
            dispatch.take_back(task)
        dispatch.give(task, user=to_user, now=now)
        presence.last_assigned_at = now
        presence.save(update_fields=["last_assigned_at"])
    return task


def task_call_start(*, user, task: Task, now: datetime | None = None) -> str:
    """The holder of a callback task starts the call: the number to dial, shown only now, and the
    look written to the audit trail like any other look at the customer's details."""
    now = now or timezone.now()
    with transaction.atomic():
        task = _locked(task.pk)
        if task.status != TaskStatus.ASSIGNED or task.assignee_id != user.pk:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE, _("Only a task assigned to you can be worked on."), field="taskId"
            )
        if task.kind not in CALL_KINDS:
            raise ServiceError(ErrorCode.NOT_ELIGIBLE, _("This task has no call to make."), field="taskId")
        completion = completion_for(task.kind)
        number = completion.call_number(task) if completion.call_number else ""
        number = number or task.customer.user.phone
        if task.first_action_at is None:
            task.first_action_at = now
            task.save(update_fields=["first_action_at"])
        signals.customer_viewed.send(
            sender="operations", viewer=user, customer=task.customer, what="callback phone"
        )
    return number
