"""Daily policy jobs. Each works in batches, logs its progress, and changes nothing when run
twice for the same business day (every step selects only rows still needing the change)."""

import logging
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef

from core.money import ZERO, business_today

from ..calculations import current_cash_value, loan_interest
from ..models import (
    UNPAID_PREMIUM,
    Benefit,
    BenefitKind,
    BenefitStatus,
    LoanStatus,
    Policy,
    PolicyLoan,
    PolicyStatus,
    PolicyStatusChange,
    PremiumDue,
    Product,
)

logger = logging.getLogger(__name__)
BATCH = 2000
LIVE = (PolicyStatus.IN_FORCE, PolicyStatus.GRACE)


def _batches(ids: list[int]):
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def policies_transition(*, queryset, to_status: str, reason: str, day: date, job: str) -> int:
    """Move the policies of `queryset` to `to_status` and record each transition."""
    ids = list(queryset.exclude(status=to_status).values_list("pk", flat=True).order_by("pk"))
    moved = 0
    for batch in _batches(ids):
        with transaction.atomic():
            rows = list(
                Policy.objects.select_for_update()
                .filter(pk__in=batch)
                .filter(pk__in=queryset.values("pk"))
                .exclude(status=to_status)
                .values_list("pk", "status")
            )
            Policy.objects.filter(pk__in=[pk for pk, _ in rows]).update(
                status=to_status, status_changed_on=day
            )
            PolicyStatusChange.objects.bulk_create(
                PolicyStatusChange(
                    policy_id=pk, from_status=status, to_status=to_status, reason=reason, business_date=day
                )
                for pk, status in rows
            )
        moved += len(rows)
        logger.info("%s: %s/%s policies → %s", job, moved, len(ids), to_status)
    return moved


def premiums_lapse(*, day: date) -> dict:
    """Unpaid premium past due → GRACE; still unpaid after the grace days → SUSPENDED; paid up → IN_FORCE."""
    overdue = PremiumDue.objects.filter(policy=OuterRef("pk"), status__in=UNPAID_PREMIUM, due_date__lt=day)
    to_grace = policies_transition(
        queryset=Policy.objects.filter(status=PolicyStatus.IN_FORCE).filter(Exists(overdue)),
        to_status=PolicyStatus.GRACE,
        reason="PREMIUM_OVERDUE",
        day=day,
        job="premiums_lapse",
    )
    to_suspended = 0
    for product in Product.objects.all():
        cutoff = day - timedelta(days=product.grace_days)
        expired = PremiumDue.objects.filter(
            policy=OuterRef("pk"), status__in=UNPAID_PREMIUM, due_date__lte=cutoff
        )
        to_suspended += policies_transition(
            queryset=Policy.objects.filter(status=PolicyStatus.GRACE, product=product).filter(
                Exists(expired)
            ),
            to_status=PolicyStatus.SUSPENDED,
            reason="GRACE_PERIOD_ENDED",
            day=day,
            job="premiums_lapse",
        )
    reinstated = policies_transition(
        queryset=Policy.objects.filter(status=PolicyStatus.GRACE).exclude(Exists(overdue)),
        to_status=PolicyStatus.IN_FORCE,
        reason="PREMIUM_PAID",
        day=day,
        job="premiums_lapse",
    )
    return {"grace": to_grace, "suspended": to_suspended, "reinstated": reinstated}


def loan_roll_over(loan: PolicyLoan, *, day: date) -> int:
    """At each term end up to `day`, add unpaid interest to principal and start a new term."""
    rolled = 0
    while loan.due_on is not None and loan.due_on <= day:
        interest = loan_interest(loan, loan.due_on)
        loan.outstanding_principal += interest
        loan.accrued_interest = ZERO
        loan.interest_from = loan.due_on
        loan.due_on = loan.due_on + timedelta(days=loan.term_days)
        loan.rollovers += 1
        rolled += 1
    return rolled


def loans_roll_over(*, day: date) -> int:
    ids = list(
        PolicyLoan.objects.filter(status=LoanStatus.ACTIVE, due_on__lte=day)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    done = 0
    for batch in _batches(ids):
        with transaction.atomic():
            loans = list(
                PolicyLoan.objects.select_for_update().filter(
                    pk__in=batch, status=LoanStatus.ACTIVE, due_on__lte=day
                )
            )
            for loan in loans:
                loan_roll_over(loan, day=day)
            PolicyLoan.objects.bulk_update(
                loans, ["outstanding_principal", "accrued_interest", "interest_from", "due_on", "rollovers"]
            )
        done += len(loans)
        logger.info("loans_roll_over: %s/%s loans", done, len(ids))
    return done


def loans_exceed_cash_value(*, day: date) -> int:
    """Policies whose loans plus interest reach their cash value are SUSPENDED."""
    candidates = Policy.objects.filter(status__in=LIVE, loans__status=LoanStatus.ACTIVE).distinct()
    ids = list(candidates.values_list("pk", flat=True).order_by("pk"))
    suspend = []
    for batch in _batches(ids):
        for policy in Policy.objects.filter(pk__in=batch).prefetch_related("cash_values", "loans"):
            owed = sum(
                (
                    loan.outstanding_principal + loan_interest(loan, day)
                    for loan in policy.loans.all()
                    if loan.status == LoanStatus.ACTIVE
                ),
                ZERO,
            )
            if owed >= current_cash_value(policy, day, policy.cash_values.all()):
                suspend.append(policy.pk)
    return policies_transition(
        queryset=Policy.objects.filter(pk__in=suspend, status__in=LIVE),
        to_status=PolicyStatus.SUSPENDED,
        reason="LOANS_REACH_CASH_VALUE",
        day=day,
        job="loans_exceed_cash_value",
    )


def policies_mature(*, day: date) -> int:
    """Policies reaching maturity are MATURED and their maturity benefit becomes AVAILABLE."""
    maturing = Policy.objects.filter(status__in=LIVE, maturity_date__lte=day)
    rows = list(maturing.values_list("pk", "sum_assured", "maturity_date"))
    moved = policies_transition(
        queryset=maturing, to_status=PolicyStatus.MATURED, reason="MATURITY", day=day, job="policies_mature"
    )
    for batch_start in range(0, len(rows), BATCH):
        Benefit.objects.bulk_create(
            [
                Benefit(
                    policy_id=pk,
                    kind=BenefitKind.MATURITY,
                    amount=amount,
                    available_from=matures,
                    status=BenefitStatus.AVAILABLE,
                )
                for pk, amount, matures in rows[batch_start : batch_start + BATCH]
            ],
            ignore_conflicts=True,
        )
    return moved


def benefits_make_available(*, day: date) -> int:
    count = Benefit.objects.filter(
        status=BenefitStatus.SCHEDULED, available_from__lte=day, policy__status__in=LIVE
    ).update(status=BenefitStatus.AVAILABLE)
    logger.info("benefits_make_available: %s benefits", count)
    return count


def policy_daily_jobs(*, day: date | None = None) -> dict:
    day = day or business_today()
    logger.info("policy daily jobs for %s", day)
    return {
        "benefits_available": benefits_make_available(day=day),
        "loans_rolled_over": loans_roll_over(day=day),
        "premiums": premiums_lapse(day=day),
        "suspended_for_loans": loans_exceed_cash_value(day=day),
        "matured": policies_mature(day=day),
    }
