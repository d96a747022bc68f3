"""Gates the policies services call before money moves: risk acknowledgements and callback holds.

Kept apart from elder_mode.services (which calls back into policies) so that the import graph
stays one-way: policies → elder_mode.rules.
"""

import uuid
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts import tasks as sms_tasks
from core.errors import ErrorCode, ServiceError
from core.masking import mask_phone
from core.tasks import enqueue_on_commit

from .models import CallbackTask, RiskChallenge, TrustedContact
from .selectors import customer_is_elderly


def risk_ack_consume(
    *, user, customer, operation: str, challenge_id: str | None, now: datetime, consume: bool = True
) -> None:
    """For elderly customers, spend a challenge of this user and operation, read long enough.
    With `consume=False` it only checks (before a step that commits on its own, like an OTP).

    Call inside the operation's transaction: a refusal later in the operation rolls the
    acknowledgement back, so the customer does not have to read the notices again.
    """
    if customer is None or not customer_is_elderly(customer):
        return
    if not challenge_id:
        raise ServiceError(
            ErrorCode.RISK_ACK_REQUIRED,
            _("Please read the anti-fraud notices before you continue."),
            field="riskAcknowledgement",
        )
    invalid = ServiceError(
        ErrorCode.INVALID,
        _("This acknowledgement is not valid; please read the notices again."),
        field="riskAcknowledgement",
    )
    try:
        key = uuid.UUID(str(challenge_id))
    except ValueError:
        raise invalid from None
    challenges = RiskChallenge.objects.filter(pk=key, user=user)
    challenge = (challenges.select_for_update() if consume else challenges).first()
    if (
        challenge is None
        or challenge.operation != operation
        or challenge.used_at
        or challenge.expires_at <= now
    ):
        raise invalid
    if (now - challenge.issued_at).total_seconds() < challenge.min_read_seconds:
        raise ServiceError(
            ErrorCode.RISK_ACK_TOO_SOON,
            _("Please take at least %(seconds)d seconds to read the notices.")
            % {"seconds": challenge.min_read_seconds},
            field="riskAcknowledgement",
        )
    if consume:
        challenge.used_at = now
        challenge.save(update_fields=["used_at"])


def payout_hold_reasons(*, customer, amount: Decimal, bank_account, now: datetime) -> list[str]:
    """Why an elderly customer's payout waits for a staff callback; empty when it need not."""
    if not customer_is_elderly(customer):
        return []
    reasons = []
    if amount >= settings.ELDER_HOLD_AMOUNT:
        reasons.append("ELDER_LARGE_PAYOUT")
    if now - bank_account.added_at < settings.ELDER_HOLD_NEW_ACCOUNT_AGE:
        reasons.append("ELDER_NEW_ACCOUNT")
    return reasons


def callback_open(*, request, customer, reasons: list[str], amount: Decimal, now: datetime) -> CallbackTask:
    """Queue the callback for staff and tell the customer's trusted contact, if any, by SMS."""
    task = CallbackTask.objects.create(
        request=request,
        customer=customer,
        reasons=reasons,
        amount=amount,
        created_at=now,
        due_by=now + settings.CALLBACK_DEADLINE,
    )
    contact = TrustedContact.objects.filter(customer=customer).first()
    if contact is not None:
        text = str(
            _(
                "Nuanxin: a payout for %(name)s (%(phone)s) is on hold until we have called them to confirm. "
                "If something seems wrong, please contact them."
            )
        ) % {"name": customer.name, "phone": mask_phone(customer.user.phone)}
        phone = contact.phone
        enqueue_on_commit(sms_tasks.sms_send, phone=phone, text=text)
    return task
