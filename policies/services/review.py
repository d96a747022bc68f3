"""Automatic review of payouts: what automation may not approve, fraud signals, elder callback
holds, and the automation figures shown in the admin."""

from datetime import datetime, timedelta

from django.conf import settings

from elder_mode import rules as elder_rules

from ..models import RequestStatus, RequestType, ServicingRequest
from ..selectors import automation_stats  # noqa: F401  (the admin's figure, defined with the reads)
from .common import request_decide, request_route

MONEY_MOVING = (RequestType.POLICY_LOAN, RequestType.LOAN_REPAYMENT, RequestType.BENEFIT_CLAIM)
RAPID_WINDOW = timedelta(minutes=10)
RAPID_ATTEMPTS = 3
PHONE_CHANGE_WINDOW = timedelta(days=7)


def payout_review_reasons(*, policy, bank_account, amount, request_type: str, now: datetime) -> list[str]:
    """What keeps automation from approving a payout; empty means it may approve."""
    reasons = []
    if request_type == RequestType.POLICY_LOAN and amount > settings.LOAN_AUTO_APPROVE_LIMIT:
        reasons.append("AMOUNT_ABOVE_AUTO_LIMIT")
    if bank_account.verified_at is None or now - bank_account.verified_at < settings.PAYOUT_ACCOUNT_MIN_AGE:
        reasons.append("ACCOUNT_RECENTLY_VERIFIED")
    if policy.complaint_open:
        reasons.append("OPEN_COMPLAINT")
    return reasons


# The reason codes that are signs of fraud (the workbench shows them as warnings to the reviewer).
FRAUD_SIGNALS = ("PHONE_CHANGED_RECENTLY", "RAPID_ATTEMPTS", "HOLDER_NAME_MISMATCH")


def fraud_signals(*, customer, bank_account, now: datetime) -> list[str]:
    """Signals of fraud on any customer's payout; each sends the request to a reviewer."""
    signals = []
    recent_contact_changes = ServicingRequest.objects.filter(
        customer=customer,
        type=RequestType.CONTACT_CHANGE,
        status=RequestStatus.COMPLETED,
        completed_at__gte=now - PHONE_CHANGE_WINDOW,
    ).values_list("summary", flat=True)
    if any("phone" in (summary or {}).get("fields", []) for summary in recent_contact_changes):
        signals.append("PHONE_CHANGED_RECENTLY")
    attempts = ServicingRequest.objects.filter(
        customer=customer, type__in=MONEY_MOVING, submitted_at__gte=now - RAPID_WINDOW
    ).count()
    if attempts >= RAPID_ATTEMPTS:  # this request included
        signals.append("RAPID_ATTEMPTS")
    if bank_account.holder_name.strip() != customer.name.strip():
        signals.append("HOLDER_NAME_MISMATCH")
    return signals


def payout_route(*, request: ServicingRequest, customer, policy, bank_account, amount, now: datetime) -> str:
    """Decide a payout request: held for an elder callback, sent to review, or approved automatically.

    Returns the status. A held request keeps its review reasons so that a confirmed callback
    still goes to a reviewer when automation could not have approved it.
    """
    review = payout_review_reasons(
        policy=policy, bank_account=bank_account, amount=amount, request_type=request.type, now=now
    )
    signals = fraud_signals(customer=customer, bank_account=bank_account, now=now)
    holds = elder_rules.payout_hold_reasons(
        customer=customer, amount=amount, bank_account=bank_account, now=now
    )
    request.summary = {**request.summary, "review_reasons": [*review, *signals]}
    request.save(update_fields=["summary"])
    if holds:
        request_route(
            request,
            status=RequestStatus.HELD_FOR_CALLBACK,
            reasons=holds,
            risk_flags=[*signals, *holds],
        )
        elder_rules.callback_open(request=request, customer=customer, reasons=holds, amount=amount, now=now)
    elif review or signals:
        request_route(
            request,
            status=RequestStatus.PENDING_REVIEW,
            reasons=[*review, *signals],
            risk_flags=signals,
        )
    else:
        # Recorded at the time the rules finished: the decision time the scoreboard reports.
        request_decide(request, status=RequestStatus.AUTO_APPROVED)
    return request.status
