"""Elder mode actions: the accessibility profile, risk notice challenges, trusted contacts. (Callbacks
change servicing requests, so they are policies' to record: policies.services.holds.)"""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.services import phone_validate
from core.errors import ErrorCode, ServiceError

from .models import (
    AccessibilityProfile,
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
