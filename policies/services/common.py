"""What every servicing action shares: requests and their decisions, the audit trail, idempotency."""

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import ClassVar, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode, ServiceError
from core.masking import mask_text
from core.speech import amount_spoken, speakable

from ..models import AuditEvent, IdempotencyRecord, RequestStatus, ServicingRequest
from ..signals import request_completed
from .pool import request_tasks_follow

MAX_IDEMPOTENCY_KEY = 255
OutcomeT = TypeVar("OutcomeT", bound="Outcome")

REASON_TEXT = {
    "AMOUNT_ABOVE_AUTO_LIMIT": _("The amount is above what automation may approve."),
    "ACCOUNT_RECENTLY_VERIFIED": _("The bank account was verified less than 24 hours ago."),
    "OPEN_COMPLAINT": _("The policy has an open complaint."),
    "PAYOUT_FAILED": _("The bank could not complete the payment."),
    "COLLECTION_FAILED": _("The bank could not take the payment from this account."),
    "REVIEWER_REJECTED": _("Rejected by a reviewer."),
    "CUSTOMER_CANCELLED": _("Cancelled by the customer."),
    "NOT_HOLDER": _("Only the policyholder can do this."),
    "POLICY_STATUS": _("The policy is not in force."),
    "NOT_LOANABLE": _("This product does not allow policy loans."),
    "COOLING_OFF": _("The policy is still in its cooling-off period."),
    "PENDING_REQUEST": _("A loan request on this policy is still being processed."),
    "BELOW_MINIMUM": _("The amount available is below the minimum loan."),
    "PHONE_CHANGED_RECENTLY": _("The contact phone was changed in the last 7 days."),
    "RAPID_ATTEMPTS": _("Several money transactions were attempted within 10 minutes."),
    "HOLDER_NAME_MISMATCH": _("The bank account holder is not the customer."),
    "ELDER_LARGE_PAYOUT": _("A payout of 50,000 yuan or more: we will call you to confirm."),
    "ELDER_NEW_ACCOUNT": _("A payout to an account added in the last 72 hours: we will call you to confirm."),
    "CALLBACK_REFUSED": _("You did not confirm the payout on our call."),
    "CALLBACK_EXPIRED": _("We could not confirm the payout with you within 5 days."),
}


# Why a request ended (as opposed to why it was held or sent to review on its way).
ENDING_REASONS = {
    "PAYOUT_FAILED",
    "COLLECTION_FAILED",
    "REVIEWER_REJECTED",
    "CUSTOMER_CANCELLED",
    "CALLBACK_REFUSED",
    "CALLBACK_EXPIRED",
}


def reason_text(code: str) -> str:
    return str(REASON_TEXT.get(code, code))


def reasons_now(request: ServicingRequest) -> list[str]:
    """The reasons that explain the request's current status: why it waits for a person, or why it
    ended; none once it went through."""
    if request.status in (RequestStatus.PENDING_REVIEW, RequestStatus.HELD_FOR_CALLBACK):
        return [code for code in request.reasons if code not in ENDING_REASONS]
    if request.status in (RequestStatus.REJECTED, RequestStatus.CANCELLED):
        return [code for code in request.reasons if code in ENDING_REASONS][-1:]
    return []


def request_sentence(request: ServicingRequest, language: str) -> str:
    """The request's outcome in one plain sentence for a speech engine."""
    with translation.override(language):
        text = _("Your %(type)s request: %(status)s.") % {
            "type": request.get_type_display(),
            "status": request.get_status_display(),
        }
        if request.amount is not None:
            text += " " + str(_("Amount: %(amount)s.") % {"amount": amount_spoken(request.amount, language)})
        for code in reasons_now(request):
            text += " " + reason_text(code)
        return speakable(str(text), language)


def request_open(
    *, customer, type: str, policy=None, amount=None, summary: dict | None = None, now: datetime | None = None
) -> ServicingRequest:
    return ServicingRequest.objects.create(
        customer=customer,
        type=type,
        policy=policy,
        amount=amount,
        summary=summary or {},
        submitted_at=now or timezone.now(),
    )


ROUTED = (RequestStatus.PENDING_REVIEW, RequestStatus.HELD_FOR_CALLBACK)
FINISHED = (RequestStatus.COMPLETED, RequestStatus.REJECTED, RequestStatus.CANCELLED)


def _not_before_submission(request: ServicingRequest, now: datetime | None) -> datetime:
    # A caller's `now` read before the request row was created must not put a decision first.
    return max(now or timezone.now(), request.submitted_at)


def request_route(
    request: ServicingRequest,
    *,
    status: str,
    reasons: list[str],
    risk_flags: list[str] | None = None,
    routed_by=None,
    now: datetime | None = None,
) -> ServicingRequest:
    """Send the request to a person (review or callback): not a decision, and never automated."""
    assert status in ROUTED, status
    now = _not_before_submission(request, now)
    request.status = status
    request.reasons = list(reasons)
    request.risk_flags = list(risk_flags or request.risk_flags)
    request.routed_at = request.routed_at or now
    if routed_by is not None:
        request.decided_by = routed_by
    request.save(update_fields=["status", "reasons", "risk_flags", "routed_at", "decided_by"])
    request_tasks_follow(request, by=routed_by)
    return request


def request_decide(
    request: ServicingRequest,
    *,
    status: str,
    reasons: list[str] | None = None,
    risk_flags: list[str] | None = None,
    decided_by=None,
    now: datetime | None = None,
) -> ServicingRequest:
    """Record the decision: by automation when `decided_by` is None and no person was involved."""
    assert status not in ROUTED, status
    now = _not_before_submission(request, now)
    request.status = status
    request.reasons = list(reasons or request.reasons)
    request.risk_flags = list(risk_flags or request.risk_flags)
    request.decided_by = decided_by
    request.decided_at = now
    if status in FINISHED:
        request.completed_at = now
    request.save(
        update_fields=["status", "reasons", "risk_flags", "decided_by", "decided_at", "completed_at"]
    )
    request_tasks_follow(request, by=decided_by)
    if status == RequestStatus.COMPLETED:
        request_completed.send(sender="policies", request=request)
    return request


def request_withdraw(request: ServicingRequest, *, reasons: list[str], now: datetime | None = None) -> None:
    """The customer cancels before a decision: finished, but decided by nobody."""
    request.status = RequestStatus.CANCELLED
    request.reasons = [*request.reasons, *reasons]
    request.completed_at = _not_before_submission(request, now)
    request.save(update_fields=["status", "reasons", "completed_at"])
    request_tasks_follow(request)


def request_complete(
    request: ServicingRequest, *, status: str = RequestStatus.COMPLETED, reasons=None
) -> None:
    request.status = status
    request.completed_at = _not_before_submission(request, None)
    if request.decided_at is None:
        # Finished by the system without a decision step of its own (a failed payout).
        request.decided_at = request.completed_at
    if reasons:
        request.reasons = [*request.reasons, *reasons]
    request.save(update_fields=["status", "completed_at", "decided_at", "reasons"])
    if status == RequestStatus.COMPLETED:
        request_completed.send(sender="policies", request=request)


def _masked(data: dict) -> dict:
    return {key: mask_text(str(value)) if value is not None else None for key, value in data.items()}


def audit_record(
    *, actor, action: str, obj, before: dict | None = None, after: dict | None = None
) -> AuditEvent:
    """Append to the audit trail; values pass through the personal-data mask."""
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        object_type=type(obj).__name__,
        object_id=str(obj.pk),
        before=_masked(before or {}),
        after=_masked(after or {}),
    )


def _fingerprint(operation: str, payload: dict) -> str:
    canonical = json.dumps(
        {"operation": operation, **payload}, sort_keys=True, default=str, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_key_validate(key: str) -> str:
    key = (key or "").strip()
    if not key or len(key) > MAX_IDEMPOTENCY_KEY:
        raise ServiceError(
            ErrorCode.INVALID, _("The idempotency key must be 1 to 255 characters."), field="idempotencyKey"
        )
    return key


class Outcome:
    """What a money-moving action produced, typed: the model instances themselves on the first run,
    restored from their ids on a replay. Subclasses are dataclasses whose fields are model instances
    (or None); MODELS names each field's model."""

    MODELS: ClassVar[dict[str, type]] = {}

    def record(self) -> dict:
        return {name: getattr(getattr(self, name), "pk", None) for name in self.MODELS}

    @classmethod
    def restore(cls, record: dict):
        return cls(
            **{
                name: model.objects.filter(pk=record[name]).first() if record.get(name) else None
                for name, model in cls.MODELS.items()
            }
        )


def idempotent(
    *, user, key: str, operation: str, payload: dict, run: Callable[[], OutcomeT], outcome: type[OutcomeT]
) -> OutcomeT:
    """Run `run` once per (user, key): a replay with the same input gets the stored result,
    other input IDEMPOTENCY_CONFLICT, and a replay while the first still runs IN_PROGRESS.

    The key is claimed in its own committed transaction so that concurrent replays see it;
    a refusal releases it, so the client may correct the input and retry with the same key.
    """
    key = idempotency_key_validate(key)
    fingerprint = _fingerprint(operation, payload)
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                user=user, key=key, operation=operation, request_hash=fingerprint
            )
    except IntegrityError:
        record = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if record is None:
            raise ServiceError(ErrorCode.IN_PROGRESS, _("This request is still being processed.")) from None
        if record.request_hash != fingerprint:
            raise ServiceError(
                ErrorCode.IDEMPOTENCY_CONFLICT,
                _("This idempotency key was already used for a different request."),
                field="idempotencyKey",
            ) from None
        if record.state == IdempotencyRecord.State.IN_PROGRESS:
            raise ServiceError(ErrorCode.IN_PROGRESS, _("This request is still being processed.")) from None
        return outcome.restore(record.result)
    try:
        with transaction.atomic():
            result = run()
            IdempotencyRecord.objects.filter(pk=record.pk).update(
                state=IdempotencyRecord.State.DONE, result=result.record()
            )
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        raise
    return result
