"""A reminder whose condition is settled stops at once: claiming, repaying and authorizing resolve it
in the same transaction, and a push re-checks its reminder when it is sent (a deferred one hours
later). When the daily limit binds, urgency decides what goes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import App, Device
from policies.models import BenefitKind, BenefitStatus
from policies.services.accounts import renewal_debit_authorize
from policies.services.benefits import benefit_claim
from policies.services.repayments import RepayItem, loans_repay
from reminders.models import PushMessage, PushStatus, Reminder, ReminderKind, ReminderStatus
from reminders.selectors import reminder_summary_for_agent
from reminders.services.outbox import push_outbox_drain_all
from reminders.services.push import reminders_push
from reminders.services.scan import reminder_scan
from tests.policies.factories import (
    BankAccountFactory,
    BenefitFactory,
    LoanFactory,
    PolicyFactory,
    PremiumFactory,
)

from .test_scan import DAY

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def phone(owner):
    return Device.objects.create(
        user=owner.user, token="phone-s", token_digest="phone-s", platform="ANDROID", app=App.CUSTOMER_APP
    )


@pytest.fixture
def maturity(owner, agent, account):
    policy = PolicyFactory(holder=owner, servicing_agent=agent, renewal_account=account)
    benefit = BenefitFactory(policy=policy, kind=BenefitKind.MATURITY, amount="80000.00")
    reminder_scan(day=DAY, system_push=False)
    return benefit, Reminder.objects.get(kind=ReminderKind.MATURITY_BENEFIT)


def _claim(owner, benefit, account, key="claim-1"):
    return benefit_claim(
        customer=owner, actor=owner.user, benefit=benefit, bank_account=account, idempotency_key=key
    )


def test_claiming_a_benefit_resolves_its_reminder_at_once(owner, account, maturity):
    benefit, reminder = maturity
    assert reminder.status == ReminderStatus.OPEN

    _claim(owner, benefit, account)

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.RESOLVED and reminder.resolved_at is not None


def test_a_push_rechecks_a_benefit_settled_by_another_path(owner, agent, maturity, phone):
    # given a benefit paid by a path that says nothing to reminders (an admin edit, a bulk job)
    benefit, reminder = maturity
    type(benefit).objects.filter(pk=benefit.pk).update(status=BenefitStatus.PAID)

    # when the agent pushes the reminder
    outcome = reminders_push(reminders=[reminder], pushed_by=agent.user)

    # then it is not pushed: the condition has passed
    assert [(r.pk, reason) for r, reason in outcome.skipped] == [(reminder.pk, "RESOLVED")]
    assert not PushMessage.objects.exists()


def test_a_deferred_push_is_withdrawn_when_its_benefit_was_claimed_overnight(
    owner, agent, account, maturity, phone
):
    benefit, reminder = maturity
    with time_machine.travel(datetime(2026, 11, 21, 22, 0, tzinfo=SHANGHAI), tick=False):
        outcome = reminders_push(reminders=[reminder], pushed_by=agent.user)
    assert outcome.deferred and PushMessage.objects.get().status == PushStatus.DEFERRED
    # the customer claims before the morning, through a path that does not reach reminders
    type(benefit).objects.filter(pk=benefit.pk).update(status=BenefitStatus.CLAIMED)

    counts = push_outbox_drain_all(now=datetime(2026, 11, 22, 8, 0, tzinfo=SHANGHAI))

    assert (counts["sent"], counts["withdrawn"]) == (0, 1)
    assert PushMessage.objects.get().status == PushStatus.WITHDRAWN
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.RESOLVED


def test_repaying_a_loan_resolves_its_repayment_reminder(
    owner, agent, account, django_capture_on_commit_callbacks
):
    policy = PolicyFactory(holder=owner, servicing_agent=agent, renewal_account=account)
    loan = LoanFactory(policy=policy, disbursed_on=DAY - timedelta(days=180))
    reminder_scan(day=DAY, system_push=False)
    reminder = Reminder.objects.get(kind=ReminderKind.LOAN_REPAYMENT_DUE)

    # The repayment commits, then the bank collects (after commit) and the loan is repaid.
    with django_capture_on_commit_callbacks(execute=True):
        loans_repay(
            customer=owner,
            actor=owner.user,
            items=[RepayItem(loan=loan, amount=None)],
            bank_account=account,
            idempotency_key="repay-1",
        )
        reminder.refresh_from_db()
        assert reminder.status == ReminderStatus.OPEN  # not before the money is in

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.RESOLVED


def test_authorizing_a_debit_resolves_the_authorization_reminder(owner, agent):
    policy = PolicyFactory(holder=owner, servicing_agent=agent, renewal_account=None)
    PremiumFactory(policy=policy, due_date=DAY + timedelta(days=20))
    reminder_scan(day=DAY, system_push=False)
    reminder = Reminder.objects.get(kind=ReminderKind.DEBIT_AUTHORIZATION_ISSUE)

    renewal_debit_authorize(
        customer=owner, actor=owner.user, policies=[policy], bank_account=BankAccountFactory(customer=owner)
    )

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.RESOLVED


@pytest.fixture
def crowded_day(owner, agent, account, phone):
    """Four renewal reminders and one lapse-risk reminder (raised last) for one customer."""
    policies = []
    for days in (2, 3, 4, 5):
        policy = PolicyFactory(holder=owner, servicing_agent=agent, renewal_account=account)
        PremiumFactory(policy=policy, due_date=DAY + timedelta(days=days))
        policies.append(policy)
    reminder_scan(day=DAY, system_push=False)
    renewals = list(Reminder.objects.filter(kind=ReminderKind.RENEWAL_PREMIUM_DUE).order_by("pk"))
    lapse = Reminder.objects.create(
        kind=ReminderKind.LAPSE_RISK,
        stage=90,
        policy=policies[0],
        customer=owner,
        agent=agent,
        due_date=DAY + timedelta(days=10),
    )
    return renewals, lapse


def test_when_the_limit_binds_the_lapse_risk_goes_first(agent, crowded_day, monkeypatch):
    renewals, lapse = crowded_day
    # the loan-ratio condition holds for this policy (the scan's own check is tested elsewhere)
    monkeypatch.setattr(
        "reminders.services.scan.policies_near_cash_value",
        lambda day, among=None: {lapse.policy_id: lapse.due_date},
    )

    outcome = reminders_push(reminders=[*renewals, lapse], pushed_by=agent.user)

    assert outcome.pushed[0] == lapse
    assert len(outcome.pushed) == 3
    assert [reason for _r, reason in outcome.skipped] == ["DAILY_LIMIT", "DAILY_LIMIT"]


def test_a_lapse_risk_is_pushed_even_after_the_limit_was_used(agent, crowded_day, monkeypatch):
    renewals, lapse = crowded_day
    monkeypatch.setattr(
        "reminders.services.scan.policies_near_cash_value",
        lambda day, among=None: {lapse.policy_id: lapse.due_date},
    )
    reminders_push(reminders=renewals[:3], pushed_by=agent.user)

    outcome = reminders_push(reminders=[lapse, renewals[3]], pushed_by=agent.user)

    assert outcome.pushed == [lapse]
    assert [(r.pk, reason) for r, reason in outcome.skipped] == [(renewals[3].pk, "DAILY_LIMIT")]


def test_pushed_today_counts_deliveries_not_pushes_waiting_for_the_morning(agent, crowded_day):
    renewals, _lapse = crowded_day
    evening = datetime(2026, 11, 21, 22, 0, tzinfo=SHANGHAI)
    with time_machine.travel(evening, tick=False):
        reminders_push(reminders=renewals[:2], pushed_by=agent.user)

    def summary(moment):
        rows = reminder_summary_for_agent(agent=agent, now=moment)
        row = next(r for r in rows if r["kind"] == ReminderKind.RENEWAL_PREMIUM_DUE)
        return row["pushed_today"], row["deferred"]

    assert summary(evening + timedelta(minutes=5)) == (0, 2)
    assert summary(datetime(2026, 11, 22, 7, 0, tzinfo=SHANGHAI)) == (0, 2)
    assert summary(datetime(2026, 11, 22, 9, 0, tzinfo=SHANGHAI)) == (2, 0)
