"""Servicing requests in the national pool: a request waiting for a person is a task (a review or
an elder callback), and the task closes whichever path settles the request. Completing a task
drives the same services the admin uses (registered in apps.PoliciesConfig.ready)."""

from elder_mode.models import CallbackTask
from operations.models import SubjectType, TaskKind, TaskOutcome
from operations.services import tasks

from ..models import RequestStatus, ServicingRequest

WENT_THROUGH = (RequestStatus.APPROVED, RequestStatus.AUTO_APPROVED, RequestStatus.COMPLETED)


def _subject(request: ServicingRequest) -> dict:
    return {"subject_type": SubjectType.SERVICING_REQUEST, "subject_id": request.pk}


def request_tasks_follow(request: ServicingRequest, *, by=None) -> None:
    """Keep the request's tasks in step with its status, in the transaction that changed it."""
    if request.routed_at is None:
        return  # never went to a person: no task was ever raised (automation's fast path)
    if request.status == RequestStatus.PENDING_REVIEW:
        # Released from a callback: the call is done, a reviewer is next.
        tasks.subject_settled(
            **_subject(request), kinds=[TaskKind.ELDER_CALLBACK], by=by, outcome=TaskOutcome.CONFIRMED
        )
        tasks.task_raise(kind=TaskKind.SERVICING_REVIEW, customer=request.customer, **_subject(request))
    elif request.status == RequestStatus.HELD_FOR_CALLBACK:
        tasks.task_raise(kind=TaskKind.ELDER_CALLBACK, customer=request.customer, **_subject(request))
    else:
        went_through = request.status in WENT_THROUGH
        # Nobody decided it (the customer withdrew, a deadline passed): the work is cancelled.
        cancelled = by is None
        tasks.subject_settled(
            **_subject(request),
            kinds=[TaskKind.SERVICING_REVIEW],
            by=by,
            outcome=TaskOutcome.APPROVE if went_through else TaskOutcome.REJECT,
            cancelled=cancelled,
        )
        tasks.subject_settled(
            **_subject(request),
            kinds=[TaskKind.ELDER_CALLBACK],
            by=by,
            outcome=TaskOutcome.CONFIRMED if went_through else TaskOutcome.REFUSED,
            cancelled=cancelled,
        )


def review_task_complete(*, task, outcome: str, note: str, user) -> None:
    from .decisions import servicing_request_approve, servicing_request_reject

    if outcome == TaskOutcome.APPROVE:
        servicing_request_approve(request_id=task.subject_id, reviewer=user)
    else:
        servicing_request_reject(request_id=task.subject_id, reviewer=user, note=note)


def callback_task_complete(*, task, outcome: str, note: str, user) -> None:
    from .holds import callback_attempt_record, callback_record

    callback = CallbackTask.objects.get(request_id=task.subject_id)
    if outcome == TaskOutcome.UNREACHABLE:
        callback_attempt_record(task_id=callback.pk, staff=user, note=note)
    else:
        callback_record(
            task_id=callback.pk, staff=user, confirmed=outcome == TaskOutcome.CONFIRMED, note=note
        )
