"""Elder mode actions: the accessibility profile, risk notice challenges, trusted contacts, callbacks."""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.services import phone_validate
from core.errors import ErrorCode, ServiceError
from policies.services import decisions

from .models import (
    AccessibilityProfile,
    CallbackStatus,
    CallbackTask,
    Dialect,
    RiskChallenge,
    RiskNotice,
    RiskOperation,
    TrustedContact,
)

MIN_SCALE, MAX_SCALE = Decimal("1.00"), Decimal("2.00")


def accessibility_update(*, user, **changes) -> AccessibilityProfile:
    """Change some settings; fields left as None stay as they are."""
    profile, _created = AccessibilityProfile.objects.get_or_create(user=user)
    scale = changes.get("font_scale")
    if scale is not None:
        try:
            scale = Decimal(str(scale)).quantize(Decimal("0.01"))
        except InvalidOperation:
            scale = None
        if scale is None or not MIN_SCALE <= scale <= MAX_SCALE:
            raise ServiceError(
                ErrorCode.INVALID, _("Font scale must be between 1.0 and 2.0."), field="fontScale"
            )
        changes["font_scale"] = scale
    dialect = changes.get("dialect")
    if dialect is not None and dialect not in Dialect.values:
        raise ServiceError(ErrorCode.INVALID, _("Unknown dialect."), field="dialect")
    fields = [name for name, value in changes.items() if value is not None]
    for name in fields:
        setattr(profile, name, changes[name])
    if fields:
        profile.save(update_fields=[*fields, "updated_at"])
    return profile


def risk_challenge_issue(*, user, operation: str, now: datetime | None = None) -> RiskChallenge:
    """Issue the active notices of an operation as a single-use challenge."""
    if operation not in RiskOperation.values:
        raise ServiceError(ErrorCode.INVALID, _("Unknown operation."), field="operation")
    now = now or timezone.now()
    with transaction.atomic():
        challenge = RiskChallenge.objects.create(
            user=user,
            operation=operation,
            issued_at=now,
            min_read_seconds=settings.RISK_MIN_READ_SECONDS,
            expires_at=now + settings.RISK_CHALLENGE_LIFETIME,
        )
        challenge.notices.set(RiskNotice.objects.filter(operation=operation, active=True))
    return challenge


def trusted_contact_set(*, customer, name: str, phone: str) -> TrustedContact:
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise ServiceError(ErrorCode.INVALID, _("Enter the contact's name."), field="name")
    phone = phone_validate(phone)
    if phone == customer.user.phone:
        raise ServiceError(ErrorCode.INVALID, _("The trusted contact must be someone else."), field="phone")
    contact, _created = TrustedContact.objects.update_or_create(
        customer=customer, defaults={"name": name, "phone": phone}
    )
    return contact


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
