"""Daily policy jobs. Each works in batches, logs its progress, and changes nothing when run
twice for the same business day (every step selects only rows still needing the change)."""

import logging
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.audit import history_context
from core.money import ZERO, business_today

from ..calculations import current_cash_value, loan_interest, repayment_split
from ..models import (
    UNPAID_PREMIUM,
    Benefit,
    BenefitKind,
    BenefitLoanOffset,
    BenefitStatus,
    LoanStatus,
    Policy,
    PolicyLoan,
    PolicyStatus,
    PolicyStatusChange,
    PremiumDue,
    Product,
)
from .common import audit_record

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
    moved = policies_transition(
        queryset=maturing, to_status=PolicyStatus.MATURED, reason="MATURITY", day=day, job="policies_mature"
    )
    maturity_benefits_create(day=day)
    return moved


def maturity_benefits_create(*, day: date) -> int:
    """The maturity benefit of every matured policy that has none yet: the sum assured, less the
    policy loans still owed on the maturity date, which it settles (interest first).

    Keyed on "matured without a benefit", so a run cut off after the status change catches up the
    next day, and a second run creates nothing.
    """
    has_benefit = Benefit.objects.filter(policy=OuterRef("pk"), kind=BenefitKind.MATURITY)
    missing = Policy.objects.filter(status=PolicyStatus.MATURED, maturity_date__lte=day).exclude(
        Exists(has_benefit)
    )
    ids = list(missing.values_list("pk", flat=True).order_by("pk"))
    created = 0
    for batch in _batches(ids):
        with transaction.atomic():
            policies = list(
                missing.filter(pk__in=batch).select_for_update().only("pk", "sum_assured", "maturity_date")
            )
            loans: dict[int, list[PolicyLoan]] = {}
            for loan in (
                PolicyLoan.objects.select_for_update()
                .filter(policy_id__in=[p.pk for p in policies], status=LoanStatus.ACTIVE)
                .order_by("policy_id", "due_on", "pk")
            ):
                loans.setdefault(loan.policy_id, []).append(loan)
            benefits = [
                Benefit(
                    policy_id=p.pk,
                    kind=BenefitKind.MATURITY,
                    amount=p.sum_assured,
                    available_from=p.maturity_date,
                    status=BenefitStatus.AVAILABLE,
                )
                for p in policies
            ]
            Benefit.objects.bulk_create(benefits)
            for policy, benefit in zip(policies, benefits, strict=True):
                if policy.pk in loans:
                    _settle_loans_from(benefit, loans[policy.pk], on=policy.maturity_date)
        created += len(policies)
        logger.info("maturity_benefits_create: %s/%s benefits", created, len(ids))
    return created


def _settle_loans_from(benefit: Benefit, loans: list[PolicyLoan], *, on: date) -> None:
    """Pay the policy's loans out of its benefit, interest first, as far as the benefit goes."""
    left = benefit.amount
    offsets = []
    for loan in loans:
        interest = loan_interest(loan, on)
        to_interest, to_principal = repayment_split(
            interest=interest, principal=loan.outstanding_principal, amount=left
        )
        if not to_interest and not to_principal:
            break
        before = {"outstanding_principal": loan.outstanding_principal, "interest": interest}
        left -= to_interest + to_principal
        loan.accrued_interest = interest - to_interest
        loan.outstanding_principal -= to_principal
        loan.interest_from = on
        if not loan.outstanding_principal and not loan.accrued_interest:
            loan.status = LoanStatus.REPAID
        loan.save(update_fields=["accrued_interest", "outstanding_principal", "interest_from", "status"])
        offsets.append(
            BenefitLoanOffset(benefit=benefit, loan=loan, interest=to_interest, principal=to_principal)
        )
        audit_record(
            actor=None,
            action="policy_loan.settled_from_maturity_benefit",
            obj=loan,
            before=before,
            after={"interest": to_interest, "principal": to_principal, "status": loan.status},
        )
    BenefitLoanOffset.objects.bulk_create(offsets)
    benefit.loan_offset = benefit.amount - left
    benefit.amount = left
    if not left:  # all of it went to the loans: nothing for the customer to claim
        benefit.status, benefit.paid_at = BenefitStatus.PAID, timezone.now()
    benefit.save(update_fields=["amount", "loan_offset", "status", "paid_at"])


def benefits_make_available(*, day: date) -> int:
    count = Benefit.objects.filter(
        status=BenefitStatus.SCHEDULED, available_from__lte=day, policy__status__in=LIVE
    ).update(status=BenefitStatus.AVAILABLE)
    logger.info("benefits_make_available: %s benefits", count)
    return count


def policy_daily_jobs(*, day: date | None = None) -> dict:
    day = day or business_today()
    logger.info("policy daily jobs for %s", day)
    # Their bulk updates reach the trigger audit trail under the job's name and business day.
    with history_context(job="policy_daily_jobs", business_day=day.isoformat()):
        return {
            "benefits_available": benefits_make_available(day=day),
            "loans_rolled_over": loans_roll_over(day=day),
            "premiums": premiums_lapse(day=day),
            "suspended_for_loans": loans_exceed_cash_value(day=day),
            "matured": policies_mature(day=day),
        }
