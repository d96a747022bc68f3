"""Daily jobs: each transition, recorded, and a second run for the same day changes nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from policies.models import (
    AuditEvent,
    Benefit,
    BenefitKind,
    BenefitLoanOffset,
    BenefitStatus,
    LoanStatus,
    PolicyStatus,
    PolicyStatusChange,
    PremiumStatus,
)
from policies.services.jobs import maturity_benefits_create, policy_daily_jobs

from .factories import BenefitFactory, LoanFactory, PolicyFactory, PremiumFactory

DAY = date(2026, 11, 21)


def _snapshot():
    from policies.models import Policy, PolicyLoan

    return (
        list(Policy.objects.order_by("pk").values_list("pk", "status")),
        list(
            PolicyLoan.objects.order_by("pk").values_list(
                "outstanding_principal", "accrued_interest", "interest_from", "due_on"
            )
        ),
        list(Benefit.objects.order_by("pk").values_list("pk", "status", "amount")),
        PolicyStatusChange.objects.count(),
    )


def _twice(day=DAY):
    first = policy_daily_jobs(day=day)
    before = _snapshot()
    policy_daily_jobs(day=day)
    assert _snapshot() == before
    return first


def test_overdue_premium_puts_the_policy_in_grace(owner):
    overdue = PolicyFactory(holder=owner)
    PremiumFactory(policy=overdue, due_date=DAY - timedelta(days=1))
    due_today = PolicyFactory(holder=owner)
    PremiumFactory(policy=due_today, due_date=DAY)

    result = _twice()

    overdue.refresh_from_db()
    due_today.refresh_from_db()
    assert (overdue.status, due_today.status) == (PolicyStatus.GRACE, PolicyStatus.IN_FORCE)
    assert result["premiums"]["grace"] == 1
    change = PolicyStatusChange.objects.get(policy=overdue)
    assert (change.from_status, change.to_status, change.reason, change.business_date) == (
        "IN_FORCE",
        "GRACE",
        "PREMIUM_OVERDUE",
        DAY,
    )


def test_grace_ends_after_60_days_and_paying_reinstates(owner):
    lapsing = PolicyFactory(holder=owner, status=PolicyStatus.GRACE)
    PremiumFactory(policy=lapsing, due_date=DAY - timedelta(days=60))
    still_in_grace = PolicyFactory(holder=owner, status=PolicyStatus.GRACE)
    PremiumFactory(policy=still_in_grace, due_date=DAY - timedelta(days=59))
    paid = PolicyFactory(holder=owner, status=PolicyStatus.GRACE)
    PremiumFactory(policy=paid, due_date=DAY - timedelta(days=30), status=PremiumStatus.PAID)

    _twice()

    for policy, status in ((lapsing, "SUSPENDED"), (still_in_grace, "GRACE"), (paid, "IN_FORCE")):
        policy.refresh_from_db()
        assert policy.status == status


def test_loan_rolls_over_at_term_end_with_interest_capitalised(owner):
    # 10,000.00 at 5% for its 182-day term: 249.32 interest joins the principal.
    loan = LoanFactory(
        policy=PolicyFactory(holder=owner, cash_values__amount="50000.00"),
        principal=Decimal("10000.00"),
        disbursed_on=DAY - timedelta(days=182),
    )
    not_yet = LoanFactory(policy=PolicyFactory(holder=owner), disbursed_on=DAY - timedelta(days=181))

    result = _twice()

    loan.refresh_from_db()
    assert result["loans_rolled_over"] == 1
    assert loan.outstanding_principal == Decimal("10249.32")
    assert (loan.accrued_interest, loan.interest_from, loan.due_on, loan.rollovers) == (
        Decimal("0.00"),
        DAY,
        DAY + timedelta(days=182),
        1,
    )
    not_yet.refresh_from_db()
    assert not_yet.rollovers == 0


def test_loans_reaching_cash_value_suspend_the_policy(owner):
    at_limit = PolicyFactory(holder=owner, cash_values__amount="10000.00")
    LoanFactory(
        policy=at_limit, principal=Decimal("9959.07"), disbursed_on=DAY - timedelta(days=30)
    )  # + 40.93 = 10,000.00
    below = PolicyFactory(holder=owner, cash_values__amount="10000.00")
    LoanFactory(policy=below, principal=Decimal("9959.06"), disbursed_on=DAY - timedelta(days=30))  # 9,999.99

    _twice()

    at_limit.refresh_from_db()
    below.refresh_from_db()
    assert (at_limit.status, below.status) == (PolicyStatus.SUSPENDED, PolicyStatus.IN_FORCE)
    assert PolicyStatusChange.objects.get(policy=at_limit).reason == "LOANS_REACH_CASH_VALUE"


def test_maturity_makes_the_benefit_available(owner):
    maturing = PolicyFactory(holder=owner, maturity_date=DAY, sum_assured=Decimal("80000.00"))
    later = PolicyFactory(holder=owner, maturity_date=DAY + timedelta(days=1))

    _twice()

    maturing.refresh_from_db()
    later.refresh_from_db()
    assert (maturing.status, later.status) == (PolicyStatus.MATURED, PolicyStatus.IN_FORCE)
    benefit = Benefit.objects.get(policy=maturing)
    assert (benefit.kind, benefit.amount, benefit.status) == (
        BenefitKind.MATURITY,
        Decimal("80000.00"),
        "AVAILABLE",
    )


def test_scheduled_survival_benefit_becomes_available_on_its_day(owner):
    policy = PolicyFactory(holder=owner)
    due = BenefitFactory(policy=policy, available_from=DAY, status=BenefitStatus.SCHEDULED)
    later = BenefitFactory(
        policy=policy, available_from=DAY + timedelta(days=1), status=BenefitStatus.SCHEDULED
    )

    _twice()

    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == (BenefitStatus.AVAILABLE, BenefitStatus.SCHEDULED)


@pytest.mark.django_db
def test_command_runs_the_jobs_for_a_given_day(owner, capsys):
    policy = PolicyFactory(holder=owner, maturity_date=date(2026, 12, 1))
    call_command("run_policy_jobs", "--date", "2026-12-01")
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.MATURED
    assert "matured" in capsys.readouterr().out


@pytest.mark.django_db
def test_daily_schedule_is_installed_and_editable():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="policies.tasks.policy_daily_jobs")
    assert task.enabled and task.crontab.timezone.key == "Asia/Shanghai"


def test_maturity_settles_the_policy_loans_out_of_the_benefit_to_the_fen(owner):
    maturing = PolicyFactory(
        holder=owner, maturity_date=DAY, sum_assured=Decimal("80000.00"), cash_values__amount="80000.00"
    )
    # 10,000.00 at 5% for 73 days: 100.00 of interest.
    older = LoanFactory(
        policy=maturing, principal=Decimal("10000.00"), interest_from=DAY - timedelta(days=73)
    )
    # 2,000.00 with 12.34 of interest carried from a rollover, none accrued since.
    newer = LoanFactory(
        policy=maturing, principal=Decimal("2000.00"), accrued_interest=Decimal("12.34"), interest_from=DAY
    )

    _twice()

    benefit = Benefit.objects.get(policy=maturing)
    assert (benefit.amount, benefit.loan_offset) == (Decimal("67887.66"), Decimal("12112.34"))
    lines = {o.loan_id: (o.interest, o.principal) for o in BenefitLoanOffset.objects.filter(benefit=benefit)}
    assert lines == {
        older.pk: (Decimal("100.00"), Decimal("10000.00")),
        newer.pk: (Decimal("12.34"), Decimal("2000.00")),
    }
    for loan in (older, newer):
        loan.refresh_from_db()
        assert (loan.status, loan.outstanding_principal, loan.accrued_interest) == (
            LoanStatus.REPAID,
            Decimal("0.00"),
            Decimal("0.00"),
        )
    assert AuditEvent.objects.filter(action="policy_loan.settled_from_maturity_benefit").count() == 2


def test_a_benefit_smaller_than_the_loans_pays_interest_first_and_leaves_the_rest_owed(owner):
    # Matured by a run that stopped before its benefit was written: the next run catches up.
    policy = PolicyFactory(
        holder=owner, maturity_date=DAY, sum_assured=Decimal("1500.00"), status=PolicyStatus.MATURED
    )
    loan = LoanFactory(
        policy=policy, principal=Decimal("2000.00"), accrued_interest=Decimal("30.00"), interest_from=DAY
    )

    assert maturity_benefits_create(day=DAY) == 1
    assert maturity_benefits_create(day=DAY) == 0

    benefit = Benefit.objects.get(policy=policy)
    assert (benefit.amount, benefit.loan_offset) == (Decimal("0.00"), Decimal("1500.00"))
    assert benefit.status == BenefitStatus.PAID  # nothing left to claim
    loan.refresh_from_db()
    assert (loan.status, loan.accrued_interest, loan.outstanding_principal) == (
        LoanStatus.ACTIVE,
        Decimal("0.00"),
        Decimal("530.00"),
    )
