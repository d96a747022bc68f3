"""The daily scan raises each of the six kinds at each stage, resolves passed ones, and is idempotent."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from policies.models import BenefitKind, BenefitStatus, LoanStatus, PolicyStatus, PremiumStatus
from reminders.models import Reminder, ReminderStatus
from reminders.services.scan import reminder_scan
from tests.policies.factories import (
    BankAccountFactory,
    BenefitFactory,
    LoanFactory,
    PolicyFactory,
    PremiumFactory,
)

DAY = date(2026, 11, 21)


def _snapshot():
    return list(Reminder.objects.order_by("pk").values_list("pk", "kind", "stage", "due_date", "status"))


def _scan(day=DAY):
    """Scan twice: the second run of the same day must change nothing."""
    result = reminder_scan(day=day, system_push=False)
    before = _snapshot()
    again = reminder_scan(day=day, system_push=False)
    assert again.changes == 0 and _snapshot() == before
    return result


def _reminders(kind):
    return list(
        Reminder.objects.filter(kind=kind).order_by("stage").values_list("stage", "status", "due_date")
    )


@pytest.mark.parametrize(("days_left", "stage"), [(30, 30), (8, 30), (7, 7), (2, 7), (1, 1)])
def test_renewal_premium_due_stages(owner, agent, account, days_left, stage):
    policy = PolicyFactory(holder=owner, servicing_agent=agent, renewal_account=account)
    PremiumFactory(policy=policy, due_date=DAY + timedelta(days=days_left))
    _scan()
    reminder = Reminder.objects.get(kind="RENEWAL_PREMIUM_DUE")
    assert (reminder.stage, reminder.agent, reminder.customer, reminder.amount) == (
        stage,
        agent,
        owner,
        Decimal("1200.00"),
    )


def test_renewal_not_raised_beyond_30_days(owner, account):
    PremiumFactory(
        policy=PolicyFactory(holder=owner, renewal_account=account), due_date=DAY + timedelta(days=31)
    )
    _scan()
    assert not Reminder.objects.filter(kind="RENEWAL_PREMIUM_DUE").exists()


def test_later_stage_supersedes_the_earlier_one_and_payment_resolves(owner, account):
    premium = PremiumFactory(
        policy=PolicyFactory(holder=owner, renewal_account=account), due_date=DAY + timedelta(days=8)
    )
    _scan(DAY)
    _scan(DAY + timedelta(days=1))
    assert _reminders("RENEWAL_PREMIUM_DUE") == [
        (7, "OPEN", premium.due_date),
        (30, "EXPIRED", premium.due_date),
    ]
    premium.status = PremiumStatus.PAID
    premium.save()
    result = _scan(DAY + timedelta(days=2))
    assert result.resolved["RENEWAL_PREMIUM_DUE"] == 1
    assert Reminder.objects.get(stage=7).status == ReminderStatus.RESOLVED


@pytest.mark.parametrize(("days_left", "stage"), [(15, 15), (4, 15), (3, 3), (1, 3), (0, 0), (-2, 0)])
def test_loan_repayment_due_stages(owner, days_left, stage):
    LoanFactory(policy=PolicyFactory(holder=owner), disbursed_on=DAY - timedelta(days=182 - days_left))
    _scan()
    assert [r[0] for r in _reminders("LOAN_REPAYMENT_DUE")] == [stage]


def test_loan_reminder_resolves_when_repaid(owner):
    loan = LoanFactory(policy=PolicyFactory(holder=owner), disbursed_on=DAY - timedelta(days=180))
    _scan()
    loan.status = LoanStatus.REPAID
    loan.save()
    _scan(DAY + timedelta(days=1))
    assert _reminders("LOAN_REPAYMENT_DUE")[0][1] == "RESOLVED"


@pytest.mark.parametrize(
    ("benefit_kind", "kind"),
    [(BenefitKind.MATURITY, "MATURITY_BENEFIT"), (BenefitKind.SURVIVAL, "SURVIVAL_BENEFIT")],
)
def test_benefit_reminders_raised_and_resolved_when_claimed(owner, benefit_kind, kind):
    benefit = BenefitFactory(
        policy=PolicyFactory(holder=owner), kind=benefit_kind, available_from=DAY - timedelta(days=3)
    )
    BenefitFactory(
        policy=PolicyFactory(holder=owner),
        kind=benefit_kind,
        available_from=DAY + timedelta(days=1),
        status=BenefitStatus.SCHEDULED,
    )
    _scan()
    assert _reminders(kind) == [(0, "OPEN", benefit.available_from)]
    benefit.status = BenefitStatus.CLAIMED
    benefit.save()
    _scan(DAY + timedelta(days=1))
    assert _reminders(kind)[0][1] == "RESOLVED"


def test_lapse_risk_when_grace_ends_within_15_days(owner):
    ending = PolicyFactory(holder=owner, status=PolicyStatus.GRACE)
    PremiumFactory(policy=ending, due_date=DAY - timedelta(days=45))  # grace ends in 15 days
    not_yet = PolicyFactory(holder=owner, status=PolicyStatus.GRACE)
    PremiumFactory(policy=not_yet, due_date=DAY - timedelta(days=44))  # 16 days
    _scan()
    assert list(Reminder.objects.filter(kind="LAPSE_RISK").values_list("policy_id", "stage")) == [
        (ending.pk, 15)
    ]
    ending.status = PolicyStatus.IN_FORCE
    ending.save()
    _scan(DAY + timedelta(days=1))
    assert Reminder.objects.get(policy=ending, kind="LAPSE_RISK").status == ReminderStatus.RESOLVED


def test_lapse_risk_when_loans_reach_90_percent_of_cash_value(owner):
    near = PolicyFactory(holder=owner, cash_values__amount="10000.00")
    loan = LoanFactory(policy=near, principal=Decimal("9000.00"), disbursed_on=DAY)
    below = PolicyFactory(holder=owner, cash_values__amount="10000.00")
    LoanFactory(policy=below, principal=Decimal("8999.99"), disbursed_on=DAY)
    _scan()
    assert list(Reminder.objects.filter(kind="LAPSE_RISK").values_list("policy_id", "due_date")) == [
        (near.pk, loan.due_on)
    ]
    loan.outstanding_principal = Decimal("5000.00")
    loan.save()
    _scan(DAY + timedelta(days=1))
    assert Reminder.objects.get(policy=near, kind="LAPSE_RISK").status == ReminderStatus.RESOLVED


def test_lapse_risk_counts_interest_to_the_fen_and_the_current_years_cash_value(owner):
    """Interest since `interest_from` counts (8,900.00 + 243.84 ≥ 9,000.00) and the cash value is
    the current policy year's (a larger later year's does not hide the risk)."""
    with_interest = PolicyFactory(holder=owner, cash_values__amount="10000.00")
    LoanFactory(policy=with_interest, principal=Decimal("8900.00"), disbursed_on=DAY - timedelta(days=200))
    # 8,900 × 5% × 200 / 365 = 243.84 → 9,143.84
    short = PolicyFactory(holder=owner, cash_values__amount="10000.00")
    LoanFactory(policy=short, principal=Decimal("8900.00"), disbursed_on=DAY - timedelta(days=10))
    # 8,900 × 5% × 10 / 365 = 12.19 → 8,912.19 < 9,000
    _scan()
    assert list(Reminder.objects.filter(kind="LAPSE_RISK").values_list("policy_id", flat=True)) == [
        with_interest.pk
    ]


def test_debit_authorization_issue_without_account_and_after_a_failed_debit(owner, account):
    no_account = PolicyFactory(holder=owner)
    PremiumFactory(policy=no_account, due_date=DAY + timedelta(days=20))
    failed = PolicyFactory(holder=owner, renewal_account=account)
    failed_premium = PremiumFactory(
        policy=failed, due_date=DAY - timedelta(days=2), status=PremiumStatus.FAILED
    )
    fine = PolicyFactory(holder=owner, renewal_account=account)
    PremiumFactory(policy=fine, due_date=DAY + timedelta(days=20))
    _scan()
    assert sorted(
        Reminder.objects.filter(kind="DEBIT_AUTHORIZATION_ISSUE").values_list("policy_id", "stage")
    ) == sorted([(no_account.pk, 30), (failed.pk, 0)])
    no_account.renewal_account = BankAccountFactory(customer=owner, verified_at=timezone.now())
    no_account.save()
    failed_premium.status = PremiumStatus.PAID
    failed_premium.save()
    result = _scan(DAY + timedelta(days=1))
    assert result.resolved["DEBIT_AUTHORIZATION_ISSUE"] == 2


def test_scan_command_for_a_date(owner, account, capsys):
    PremiumFactory(policy=PolicyFactory(holder=owner, renewal_account=account), due_date=date(2026, 12, 1))
    call_command("scan_reminders", "--date", "2026-11-24")
    assert Reminder.objects.get().stage == 7
    assert "raised" in capsys.readouterr().out


@pytest.mark.django_db
def test_daily_scan_is_scheduled():
    from django_celery_beat.models import PeriodicTask

    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {
        "reminders.tasks.reminder_scan",
        "reminders.tasks.push_outbox_send_due",
        "reminders.tasks.agent_morning_digest",
    } <= tasks


@pytest.mark.parametrize(("days_left", "stage"), [(30, 30), (8, 30), (7, 7), (1, 7)])
def test_debit_authorization_issue_stages(owner, days_left, stage):
    PremiumFactory(policy=PolicyFactory(holder=owner), due_date=DAY + timedelta(days=days_left))
    _scan()
    assert [r[0] for r in _reminders("DEBIT_AUTHORIZATION_ISSUE")] == [stage]
