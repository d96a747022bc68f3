"""A later scan of the same day looks only at the policies whose rows changed since the last one
(noted by PostgreSQL triggers), and ends exactly where a scan of the whole book would."""

from datetime import date, timedelta

import pytest
from django.db import connection

from policies.models import BenefitKind, BenefitStatus, PremiumStatus, Product
from reminders.models import Reminder, ReminderRule, ReminderStatus, ScanChange, ScanMode, ScanRun
from reminders.services.scan import reminder_scan
from tests.policies.factories import (
    BankAccountFactory,
    BenefitFactory,
    LoanFactory,
    PolicyFactory,
    PremiumFactory,
)

DAY = date(2026, 11, 21)


@pytest.fixture
def book(postgres, owner, agent, account):
    """Three policies with a premium due in 5 days each (an unverified debit account on the third)."""
    unverified = BankAccountFactory(customer=owner, verified_at=None)
    policies = [
        PolicyFactory(holder=owner, servicing_agent=agent, renewal_account=account),
        PolicyFactory(holder=owner, servicing_agent=agent, renewal_account=account),
        PolicyFactory(holder=owner, servicing_agent=agent, renewal_account=unverified),
    ]
    premiums = [PremiumFactory(policy=p, due_date=DAY + timedelta(days=5)) for p in policies]
    return policies, premiums, unverified


def _state():
    return sorted(
        Reminder.objects.values_list("policy_id", "kind", "stage", "due_date", "status", "subject_id")
    )


def _whole_book_state():
    """What a scan of the whole book makes of the same rows (in a savepoint, rolled back)."""
    from django.db import transaction

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            ScanChange.objects.create(policy_id=None)
            result = reminder_scan(day=DAY, system_push=False)
            assert result.among is None
            state = _state()
            raise Rollback
    except Rollback:
        return state


def test_the_days_first_scan_reads_the_book_and_a_re_run_reads_nothing(book):
    first = reminder_scan(day=DAY, system_push=False)
    again = reminder_scan(day=DAY, system_push=False)

    assert first.among is None and sum(first.created.values()) == 4  # 3 renewals, 1 debit issue
    assert again.among == [] and again.changes == 0
    assert list(ScanRun.objects.order_by("pk").values_list("mode", "policies", "created")) == [
        (ScanMode.WHOLE, None, 4),
        (ScanMode.CHANGES, 0, 0),
    ]
    # The next day starts over with the whole book.
    assert reminder_scan(day=DAY + timedelta(days=1), system_push=False).among is None


def test_a_paid_premium_is_resolved_by_a_re_run_that_reads_only_its_policy(book):
    policies, premiums, _ = book
    reminder_scan(day=DAY, system_push=False)

    premiums[0].status = PremiumStatus.PAID
    premiums[0].save(update_fields=["status"])
    again = reminder_scan(day=DAY, system_push=False)

    assert again.among == [policies[0].pk]
    assert again.resolved["RENEWAL_PREMIUM_DUE"] == 1
    assert Reminder.objects.get(policy=policies[0]).status == ReminderStatus.RESOLVED
    assert _state() == _whole_book_state()


def test_new_rows_bulk_updates_and_a_verified_account_reach_the_re_run(book, owner, account):
    policies, _, unverified = book
    reminder_scan(day=DAY, system_push=False)

    fresh = PolicyFactory(holder=owner, renewal_account=account)
    PremiumFactory(policy=fresh, due_date=DAY + timedelta(days=1))
    LoanFactory(policy=policies[1], bank_account=account, disbursed_on=DAY - timedelta(days=177))
    BenefitFactory(policy=policies[0], kind=BenefitKind.SURVIVAL, status=BenefitStatus.AVAILABLE)
    unverified.verified_at = unverified.added_at
    unverified.save(update_fields=["verified_at"])
    again = reminder_scan(day=DAY, system_push=False)

    assert set(again.among) == {fresh.pk, policies[0].pk, policies[1].pk, policies[2].pk}
    assert again.created["RENEWAL_PREMIUM_DUE"] == 1
    assert again.created["LOAN_REPAYMENT_DUE"] == 1
    assert again.created["SURVIVAL_BENEFIT"] == 1
    assert again.resolved["DEBIT_AUTHORIZATION_ISSUE"] == 1
    assert _state() == _whole_book_state()


def test_deleted_reminders_are_raised_again_by_the_re_run(book):
    policies, _, _ = book
    reminder_scan(day=DAY, system_push=False)
    Reminder.objects.filter(policy=policies[1]).delete()

    again = reminder_scan(day=DAY, system_push=False)

    assert again.among == [policies[1].pk] and again.created["RENEWAL_PREMIUM_DUE"] == 1


@pytest.mark.parametrize("change", ["product", "rule", "truncate"])
def test_a_change_that_concerns_every_policy_makes_the_re_run_read_the_whole_book(book, change):
    reminder_scan(day=DAY, system_push=False)
    if change == "product":
        Product.objects.update(grace_days=30)
    elif change == "rule":
        ReminderRule.objects.filter(kind="RENEWAL_PREMIUM_DUE").update(stages=[30, 10, 1])
    else:
        with connection.cursor() as cursor:
            # The test's transaction holds deferred foreign-key checks, which TRUNCATE refuses.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {Reminder._meta.db_table} CASCADE")

    again = reminder_scan(day=DAY, system_push=False)

    assert again.among is None
    if change == "truncate":
        assert sum(again.created.values()) == 4


def test_a_bulk_job_beyond_the_limit_is_followed_by_a_whole_scan(book, monkeypatch):
    from reminders.services import scan

    policies, _, _ = book
    reminder_scan(day=DAY, system_push=False)
    monkeypatch.setattr(scan, "MOST_CHANGES", 1)
    for policy in policies[:2]:
        policy.save()

    assert reminder_scan(day=DAY, system_push=False).among is None


@pytest.mark.parametrize(
    ("effective", "day"),
    [
        (date(2024, 11, 21), DAY),  # the anniversary is today: year 3 starts
        (date(2024, 11, 22), DAY),  # tomorrow: still year 2
        (date(2024, 11, 20), DAY),
        (date(2024, 2, 29), date(2027, 2, 28)),  # a leap-day policy the day before its anniversary
        (date(2024, 2, 29), date(2027, 3, 1)),
        (date(2027, 1, 1), DAY),  # not in force yet: year 1
    ],
)
def test_the_databases_pick_of_policies_near_their_cash_value_misses_none(postgres, owner, effective, day):
    """The database's candidates use the current policy year as the calculations module does: a
    loan at exactly 90% of this year's cash value is found, whatever the next year's value."""
    from policies.calculations import current_cash_value, current_policy_year
    from policies.models import CashValue
    from reminders.services.scan import _loan_ratio_candidates, policies_near_cash_value

    policy = PolicyFactory(holder=owner, effective_date=effective, cash_values__amount="10000.00")
    CashValue.objects.filter(policy=policy).delete()
    CashValue.objects.bulk_create(
        CashValue(policy=policy, policy_year=year, amount=year * 10_000) for year in range(1, 6)
    )
    year = current_policy_year(effective, day)
    value = current_cash_value(policy, day, list(CashValue.objects.filter(policy=policy)))
    assert value == year * 10_000
    LoanFactory(
        policy=policy,
        principal=value * 9 / 10,
        disbursed_on=day,
        interest_from=day,
        due_on=day + timedelta(days=182),
    )

    assert _loan_ratio_candidates(day, None) == [policy.pk]
    assert list(policies_near_cash_value(day)) == [policy.pk]


@pytest.mark.django_db(transaction=True)
def test_scans_take_turns(book):
    """A scan started while another holds the turn waits for it (then reads only the changes)."""
    import threading

    from django.db import connections

    from reminders.services.scan import SCAN_LOCK

    holder = connections.create_connection("default")
    holder.connect()
    with holder.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [SCAN_LOCK])
    results = []

    def scan():
        try:
            results.append(reminder_scan(day=DAY, system_push=False))
        finally:
            connections.close_all()

    thread = threading.Thread(target=scan)
    thread.start()
    try:
        waiting = 0
        with holder.cursor() as cursor:
            while not waiting and thread.is_alive():  # until the scan waits on the advisory lock
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND wait_event = 'advisory' AND datname = current_database()"
                )
                (waiting,) = cursor.fetchone()
        assert waiting and not results and not ScanRun.objects.exists()
    finally:
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [SCAN_LOCK])
        holder.close()
    thread.join()

    assert results[0].among is None and ScanRun.objects.count() == 1
