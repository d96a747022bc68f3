"""Automatic review rules of payouts, and the automation figures shown in the admin."""

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from ..models import RequestStatus, RequestType, ServicingRequest


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


def automation_stats(queryset=None) -> dict:
    """Share of decided requests approved by automation, and the median time to a decision."""
    qs = queryset if queryset is not None else ServicingRequest.objects.all()
    decided = qs.filter(decided_at__isnull=False)
    total = decided.count()
    automatic = decided.filter(decided_by__isnull=True).exclude(status=RequestStatus.CANCELLED).count()
    durations = sorted(
        (decided_at - submitted_at).total_seconds()
        for submitted_at, decided_at in decided.values_list("submitted_at", "decided_at")[:100_000]
    )
    median = None
    if durations:
        middle = len(durations) // 2
        median = durations[middle] if len(durations) % 2 else (durations[middle - 1] + durations[middle]) / 2
    return {
        "decided": total,
        "automatic": automatic,
        "automation_rate": automatic / total if total else None,
        "median_decision_seconds": median,
        "at": timezone.now(),
    }
