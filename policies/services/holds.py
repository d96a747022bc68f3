"""Elder callbacks before held payouts: staff record the call, and a hold nobody confirmed in time is
cancelled. Elder mode supplies the rules and the callback rows; the decisions are policies'."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode, ServiceError
from elder_mode.models import CallbackStatus, CallbackTask

from . import decisions


def callback_record(*, task_id: int, staff, confirmed: bool, note: str = "") -> CallbackTask:
    """Staff record the call: confirmed lets the payout go on, refused cancels it."""
    with transaction.atomic():
        task = CallbackTask.objects.select_for_update().get(pk=task_id)
        if task.status != CallbackStatus.OPEN:
            raise ServiceError(ErrorCode.NOT_ELIGIBLE, _("This callback has already been recorded."))
        task.status = CallbackStatus.CONFIRMED if confirmed else CallbackStatus.REFUSED
        task.handled_by = staff
        task.handled_at = timezone.now()
        task.note = note[:255]
        task.save(update_fields=["status", "handled_by", "handled_at", "note"])
        if confirmed:
            decisions.held_request_release(request_id=task.request_id, staff=staff)
        else:
            decisions.held_request_cancel(request_id=task.request_id, staff=staff, reason="CALLBACK_REFUSED")
    return task


def callback_attempt_record(*, task_id: int, staff, note: str = "") -> CallbackTask:
    """A call nobody answered: the hold stays, and the attempt is noted for the next caller."""
    with transaction.atomic():
        task = CallbackTask.objects.select_for_update().get(pk=task_id)
        if task.status != CallbackStatus.OPEN:
            raise ServiceError(ErrorCode.NOT_ELIGIBLE, _("This callback has already been recorded."))
        stamp = timezone.localtime().strftime("%m-%d %H:%M")
        task.note = f"{task.note} [{stamp}] {note or '—'}".strip()[-255:]
        task.save(update_fields=["note"])
    return task


def callbacks_expire(*, now: datetime | None = None) -> int:
    """Daily: holds nobody confirmed within 5 days are cancelled, and the customer told."""
    now = now or timezone.now()
    expired = 0
    for task_id in CallbackTask.objects.filter(status=CallbackStatus.OPEN, due_by__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            task = CallbackTask.objects.select_for_update().get(pk=task_id)
            if task.status != CallbackStatus.OPEN:
                continue
            task.status = CallbackStatus.EXPIRED
            task.handled_at = now
            task.save(update_fields=["status", "handled_at"])
            decisions.held_request_cancel(request_id=task.request_id, staff=None, reason="CALLBACK_EXPIRED")
        expired += 1
    return expired
