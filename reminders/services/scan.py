"""The daily reminder scan: raises the six kinds, resolves what has passed, pushes last stages.

Set-based: each kind and stage is one INSERT … SELECT that skips existing rows (the unique
policy/kind/due date/stage constraint makes a second run a no-op), and resolution is one UPDATE
per kind. The loan-to-cash-value check lets the database pick the policies that might be near
(a bound it can check), then does the exact interest and policy-year arithmetic of the
calculations module in Python on those alone.

The day's first scan reads the whole book. A later scan of the same day (a retry, a re-run) reads
only the policies whose rows changed since the last one: PostgreSQL triggers note them in
`ScanChange` (reminders.triggers); every scan is recorded as a `ScanRun`. Scans take turns.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.fields import (
    BigIntegerField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    SmallIntegerField,
)
from django.utils import timezone

from policies.calculations import current_cash_value, loan_interest
from policies.models import (
    UNPAID_PREMIUM,
    Benefit,
    BenefitKind,
    BenefitStatus,
    CashValue,
    LoanStatus,
    Policy,
    PolicyLoan,
    PolicyStatus,
    PremiumDue,
    PremiumStatus,
    Product,
)

from ..models import (
    LIVE_REMINDER,
    Reminder,
    ReminderKind,
    ReminderRule,
    ReminderStatus,
    ScanChange,
    ScanMode,
    ScanRun,
)

logger = logging.getLogger(__name__)

DEFAULT_STAGES = {
    ReminderKind.RENEWAL_PREMIUM_DUE: [30, 7, 1],
    ReminderKind.LOAN_REPAYMENT_DUE: [15, 3, 0],
    ReminderKind.MATURITY_BENEFIT: [0],
    ReminderKind.SURVIVAL_BENEFIT: [0],
    ReminderKind.LAPSE_RISK: [15],
    ReminderKind.DEBIT_AUTHORIZATION_ISSUE: [30, 7],
}
# LAPSE_RISK raised because loans and interest reach 90% of the cash value (not a date stage).
LOAN_RATIO_STAGE = 90
LOAN_RATIO_THRESHOLD = 0.9
LIVE_POLICY = (PolicyStatus.IN_FORCE, PolicyStatus.GRACE)
BATCH = 5000
COLUMNS = (
    "kind",
    "stage",
    "policy_id",
    "customer_id",
    "agent_id",
    "due_date",
    "subject_id",
    "amount",
    "status",
    "created_at",
)


@dataclass
class ScanResult:
    created: dict = field(default_factory=dict)
    resolved: dict = field(default_factory=dict)
    expired: int = 0
    system_pushed: int = 0
    # The policies a scan of changes looked at; None when it looked at the whole book.
    among: list[int] | None = None

    @property
    def changes(self) -> int:
        return sum(self.created.values()) + sum(self.resolved.values()) + self.expired + self.system_pushed


def _stage_windows(stages: list[int], day: date):
    """(stage, after, until): a stage covers due dates in (day + next lower stage, day + stage]."""
    ordered = sorted(stages, reverse=True)
    for index, stage in enumerate(ordered):
        lower = ordered[index + 1] if index + 1 < len(ordered) else None
        yield stage, (day + timedelta(days=lower) if lower is not None else None), day + timedelta(days=stage)


def _insert(
    queryset: QuerySet, *, kind: str, stage: int, policy: str, due: str, amount: str | None, now
) -> int:
    """INSERT the rows of `queryset` as reminders, skipping those that exist."""
    rows = queryset.annotate(
        r_kind=Value(kind, output_field=CharField()),
        r_stage=Value(stage, output_field=SmallIntegerField()),
        r_status=Value(ReminderStatus.OPEN, output_field=CharField()),
        r_now=Value(now, output_field=DateTimeField()),
        r_amount=F(amount) if amount else Value(None, output_field=DecimalField()),
        r_subject=F("pk") if policy != "pk" else Value(None, output_field=BigIntegerField()),
    ).values_list(
        "r_kind",
        "r_stage",
        policy,
        f"{'' if policy == 'pk' else policy.removesuffix('_id') + '__'}holder_id",
        f"{'' if policy == 'pk' else policy.removesuffix('_id') + '__'}servicing_agent_id",
        due,
        "r_subject",
        "r_amount",
        "r_status",
        "r_now",
    )
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Reminder._meta.db_table} ({', '.join(COLUMNS)}) {sql} "
            "ON CONFLICT (policy_id, kind, due_date, stage) DO NOTHING",
            params,
        )
        return max(cursor.rowcount, 0)


def _among(queryset: QuerySet, among: list[int] | None, field: str = "policy_id") -> QuerySet:
    """All rows, or those of the policies `among` (a scan of what changed)."""
    return queryset if among is None else queryset.filter(**{f"{field}__in": among})


def _raise_premiums_due(rule, day, now, among=None) -> int:
    created = 0
    for stage, after, until in _stage_windows(rule.stages, day):
        qs = _among(PremiumDue.objects, among).filter(
            status=PremiumStatus.DUE, due_date__lte=until, policy__status__in=LIVE_POLICY
        )
        qs = qs.filter(due_date__gt=after if after is not None else day)
        created += _insert(
            qs, kind=rule.kind, stage=stage, policy="policy_id", due="due_date", amount="amount", now=now
        )
    return created


def _raise_loans_due(rule, day, now, among=None) -> int:
    created = 0
    for stage, after, until in _stage_windows(rule.stages, day):
        qs = _among(PolicyLoan.objects, among).filter(status=LoanStatus.ACTIVE, due_on__lte=until)
        if after is not None:
            qs = qs.filter(due_on__gt=after)
        created += _insert(
            qs,
            kind=rule.kind,
            stage=stage,
            policy="policy_id",
            due="due_on",
            amount="outstanding_principal",
            now=now,
        )
    return created


def _raise_benefits(rule, day, now, benefit_kind, among=None) -> int:
    qs = _among(Benefit.objects, among).filter(
        kind=benefit_kind, status=BenefitStatus.AVAILABLE, available_from__lte=day
    )
    return _insert(
        qs, kind=rule.kind, stage=0, policy="policy_id", due="available_from", amount="amount", now=now
    )


def _raise_debit_issues(rule, day, now, among=None) -> int:
    """A premium due soon without a verified debit account (by stage), or a debit that failed (stage 0)."""
    no_authorization = Q(policy__renewal_account__isnull=True) | Q(
        policy__renewal_account__verified_at__isnull=True
    )
    created = 0
    for stage, after, until in _stage_windows(rule.stages or [30], day):
        due_soon = (
            _among(PremiumDue.objects, among)
            .filter(
                no_authorization,
                status=PremiumStatus.DUE,
                due_date__lte=until,
                policy__status__in=LIVE_POLICY,
            )
            .filter(due_date__gt=after if after is not None else day)
        )
        created += _insert(
            due_soon,
            kind=rule.kind,
            stage=stage,
            policy="policy_id",
            due="due_date",
            amount="amount",
            now=now,
        )
    failed = _among(PremiumDue.objects, among).filter(
        status=PremiumStatus.FAILED, policy__status__in=LIVE_POLICY
    )
    return created + _insert(
        failed, kind=rule.kind, stage=0, policy="policy_id", due="due_date", amount="amount", now=now
    )


def _raise_grace_ending(rule, day, now, among=None) -> int:
    """Grace ends within 15 days: an unpaid premium whose grace period ends in (day, day + 15]."""
    lead = max(rule.stages or [15])
    created = 0
    for product in Product.objects.all():
        # due + grace in (day, day + lead]  ⇔  due in (day − grace, day + lead − grace]
        qs = _among(PremiumDue.objects, among).filter(
            status__in=UNPAID_PREMIUM,
            policy__product=product,
            policy__status=PolicyStatus.GRACE,
            due_date__gt=day - timedelta(days=product.grace_days),
            due_date__lte=day + timedelta(days=lead - product.grace_days),
        )
        created += _insert(
            qs, kind=rule.kind, stage=lead, policy="policy_id", due="due_date", amount="amount", now=now
        )
    return created


def _loan_ratio_candidates(day: date, among: list[int] | None) -> list[int]:
    """Live policies whose loans might reach 90% of the cash value, checked in the database with
    what is owed at most (each loan's interest rounded up a fen) against the current year's cash
    value. The exact check (the calculations module's) then runs on these alone: most policies
    with loans owe far less and are never loaded."""
    policy = Policy._meta.db_table
    loan = PolicyLoan._meta.db_table
    cash = CashValue._meta.db_table
    among_sql = "AND l.policy_id = ANY(%(among)s)" if among is not None else ""
    sql = f"""
        SELECT l.policy_id
        FROM {loan} l JOIN {policy} p ON p.id = l.policy_id
        WHERE l.status = %(active)s AND p.status = ANY(%(live)s) {among_sql}
        GROUP BY l.policy_id, p.effective_date
        HAVING SUM(
            l.outstanding_principal + l.accrued_interest + 0.01
            + l.outstanding_principal * l.annual_rate
              * GREATEST(%(day)s::date - COALESCE(l.interest_from, %(day)s::date), 0) / 365
        ) >= %(ratio)s * (
            -- The cash value of the current policy year (calculations.current_cash_value): the
            -- latest year tabulated at or before it; none → no cash value, never near.
            SELECT c.amount FROM {cash} c
            WHERE c.policy_id = l.policy_id
              AND c.policy_year <= GREATEST(EXTRACT(YEAR FROM age(%(day)s::date, p.effective_date)), 0) + 1
            ORDER BY c.policy_year DESC LIMIT 1
        )
        ORDER BY l.policy_id
    """  # noqa: S608 (table names are ours; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "active": LoanStatus.ACTIVE,
                "live": list(LIVE_POLICY),
                "among": among,
                "day": day,
                "ratio": Decimal(str(LOAN_RATIO_THRESHOLD)),
            },
        )
        return [row[0] for row in cursor.fetchall()]


def policies_near_cash_value(day: date, *, among: list[int] | None = None) -> dict[int, date]:
    """Live policies whose loans plus interest reach 90% of the cash value → earliest loan term end
    (all policies, or those `among` these ids)."""
    found: dict[int, date] = {}
    if connection.vendor == "postgresql":
        policy_ids = _loan_ratio_candidates(day, among)
    else:
        loans_qs = PolicyLoan.objects.filter(status=LoanStatus.ACTIVE, policy__status__in=LIVE_POLICY)
        if among is not None:
            loans_qs = loans_qs.filter(policy_id__in=among)
        policy_ids = list(loans_qs.values_list("policy_id", flat=True).distinct().order_by("policy_id"))
    for start in range(0, len(policy_ids), BATCH):
        batch = policy_ids[start : start + BATCH]
        loans: dict[int, list] = {}
        for loan in PolicyLoan.objects.filter(policy_id__in=batch, status=LoanStatus.ACTIVE).only(
            "policy_id",
            "outstanding_principal",
            "accrued_interest",
            "annual_rate",
            "interest_from",
            "status",
            "due_on",
        ):
            loans.setdefault(loan.policy_id, []).append(loan)
        values: dict[int, list] = {}
        for row in CashValue.objects.filter(policy_id__in=batch).only("policy_id", "policy_year", "amount"):
            values.setdefault(row.policy_id, []).append(row)
        for policy in Policy.objects.filter(pk__in=batch).only("pk", "effective_date"):
            owed = sum(
                loan.outstanding_principal + loan_interest(loan, day) for loan in loans.get(policy.pk, [])
            )
            cash_value = current_cash_value(policy, day, values.get(policy.pk, []))
            if cash_value and owed >= cash_value * type(cash_value)(str(LOAN_RATIO_THRESHOLD)):
                found[policy.pk] = min(loan.due_on for loan in loans[policy.pk])
    return found


def _raise_loan_ratio(rule, day, now, near: dict[int, date]) -> int:
    created = 0
    by_due: dict[date, list[int]] = {}
    for policy_id, due in near.items():
        by_due.setdefault(due, []).append(policy_id)
    for due, ids in by_due.items():
        for start in range(0, len(ids), BATCH):
            qs = Policy.objects.filter(pk__in=ids[start : start + BATCH]).annotate(
                r_due=Value(due, output_field=DateField())
            )
            created += _insert(
                qs, kind=rule.kind, stage=LOAN_RATIO_STAGE, policy="pk", due="r_due", amount=None, now=now
            )
    return created


def _resolve(day: date, now, near: dict[int, date], *, among: list[int] | None = None) -> dict:
    """Mark reminders whose condition has passed as RESOLVED (of all policies, or `among` these)."""
    live = Reminder.objects.filter(status__in=LIVE_REMINDER)
    if among is not None:
        live = live.filter(policy_id__in=among)
    unpaid = PremiumDue.objects.filter(pk=OuterRef("subject_id"), status__in=UNPAID_PREMIUM)
    due_premium = PremiumDue.objects.filter(pk=OuterRef("subject_id"), status=PremiumStatus.DUE)
    failed_premium = PremiumDue.objects.filter(pk=OuterRef("subject_id"), status=PremiumStatus.FAILED)
    active_loan = PolicyLoan.objects.filter(
        pk=OuterRef("subject_id"), status=LoanStatus.ACTIVE, due_on=OuterRef("due_date")
    )
    available = Benefit.objects.filter(pk=OuterRef("subject_id"), status=BenefitStatus.AVAILABLE)
    authorized = Policy.objects.filter(pk=OuterRef("policy_id"), renewal_account__verified_at__isnull=False)
    in_grace = Policy.objects.filter(pk=OuterRef("policy_id"), status=PolicyStatus.GRACE)
    passed = {
        ReminderKind.RENEWAL_PREMIUM_DUE: live.filter(kind=ReminderKind.RENEWAL_PREMIUM_DUE).exclude(
            Exists(due_premium)
        ),
        ReminderKind.LOAN_REPAYMENT_DUE: live.filter(kind=ReminderKind.LOAN_REPAYMENT_DUE).exclude(
            Exists(active_loan)
        ),
        ReminderKind.MATURITY_BENEFIT: live.filter(kind=ReminderKind.MATURITY_BENEFIT).exclude(
            Exists(available)
        ),
        ReminderKind.SURVIVAL_BENEFIT: live.filter(kind=ReminderKind.SURVIVAL_BENEFIT).exclude(
            Exists(available)
        ),
        ReminderKind.DEBIT_AUTHORIZATION_ISSUE: live.filter(
            kind=ReminderKind.DEBIT_AUTHORIZATION_ISSUE
        ).filter(
            (Q(stage__gt=0) & (Exists(authorized) | ~Exists(due_premium)))
            | (Q(stage=0) & ~Exists(failed_premium))
        ),
    }
    lapse = live.filter(kind=ReminderKind.LAPSE_RISK)
    resolved = {
        kind: qs.update(status=ReminderStatus.RESOLVED, resolved_at=now) for kind, qs in passed.items()
    }
    resolved[ReminderKind.LAPSE_RISK] = lapse.exclude(stage=LOAN_RATIO_STAGE).filter(
        ~Exists(unpaid) | ~Exists(in_grace)
    ).update(status=ReminderStatus.RESOLVED, resolved_at=now) + lapse.filter(stage=LOAN_RATIO_STAGE).exclude(
        policy_id__in=list(near)
    ).update(status=ReminderStatus.RESOLVED, resolved_at=now)
    return {str(kind): count for kind, count in resolved.items()}


def reminders_resolve(*, policy_ids: list[int], now=None) -> dict:
    """Resolve at once the reminders of these policies whose condition has passed (a claim, a
    repayment, an authorization), instead of waiting for tomorrow's scan."""
    if not policy_ids:
        return {}
    now = now or timezone.now()
    day = timezone.localdate(now)
    near = policies_near_cash_value(day, among=policy_ids)
    return _resolve(day, now, near, among=policy_ids)


def _expire_superseded(now, among=None) -> int:
    """An OPEN stage is superseded once a later (smaller) stage of the same reminder exists."""
    later = Reminder.objects.filter(
        policy_id=OuterRef("policy_id"),
        kind=OuterRef("kind"),
        due_date=OuterRef("due_date"),
        stage__lt=OuterRef("stage"),
    )
    return (
        _among(Reminder.objects, among)
        .filter(status=ReminderStatus.OPEN)
        .exclude(stage=LOAN_RATIO_STAGE)
        .filter(Exists(later))
        .update(status=ReminderStatus.EXPIRED, resolved_at=now)
    )


def reminder_rules() -> dict[str, ReminderRule]:
    rules = {rule.kind: rule for rule in ReminderRule.objects.filter(enabled=True)}
    if not ReminderRule.objects.exists():  # before the data migration's rows, use the defaults
        rules = {kind: ReminderRule(kind=kind, stages=stages) for kind, stages in DEFAULT_STAGES.items()}
    return rules


# A later scan of the same day looks at the changed policies alone, up to this many (a bulk job
# that touched more is cheaper to follow with a whole scan than with a list this long).
MOST_CHANGES = 50_000


# Two scans at once (a retry beside a slow run, a manual run beside the schedule) would each read
# the whole book: the second waits for the first, then finds its day scanned and reads the changes.
SCAN_LOCK = 0x5245_4D49_4E44  # "REMIND"


def _take_turn() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCAN_LOCK])


def _changes_to_scan(day: date) -> list[int] | None:
    """Take the noted changes: the policies to look at, or None for the whole book (the day's first
    scan, a change that concerns every policy, too many changes, or no triggers to note them).

    Runs in the scan's transaction: the rows it deletes are those committed before it; a change
    committed later stays noted for the next scan, which sees it."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        if not ScanRun.objects.filter(day=day).exists():
            cursor.execute(f"DELETE FROM {ScanChange._meta.db_table}")  # noqa: S608 (our table name)
            return None
        cursor.execute(f"DELETE FROM {ScanChange._meta.db_table} RETURNING policy_id")  # noqa: S608
        changed = {policy_id for (policy_id,) in cursor.fetchall()}
    if None in changed or len(changed) > MOST_CHANGES:
        return None
    return sorted(changed)


def _scan_policies(rules: dict, day: date, now, among: list[int] | None, result: ScanResult) -> None:
    """Raise, resolve and expire the reminders of the whole book (`among` None) or of `among`."""
    near = policies_near_cash_value(day, among=among) if ReminderKind.LAPSE_RISK in rules else {}
    raisers = {
        ReminderKind.RENEWAL_PREMIUM_DUE: lambda r: _raise_premiums_due(r, day, now, among),
        ReminderKind.LOAN_REPAYMENT_DUE: lambda r: _raise_loans_due(r, day, now, among),
        ReminderKind.MATURITY_BENEFIT: lambda r: _raise_benefits(r, day, now, BenefitKind.MATURITY, among),
        ReminderKind.SURVIVAL_BENEFIT: lambda r: _raise_benefits(r, day, now, BenefitKind.SURVIVAL, among),
        ReminderKind.LAPSE_RISK: lambda r: (
            _raise_grace_ending(r, day, now, among) + _raise_loan_ratio(r, day, now, near)
        ),
        ReminderKind.DEBIT_AUTHORIZATION_ISSUE: lambda r: _raise_debit_issues(r, day, now, among),
    }
    for kind, rule in rules.items():
        result.created[str(kind)] = raisers[kind](rule)
        logger.info("reminder_scan %s: %s raised %s", day, kind, result.created[str(kind)])
    result.resolved = _resolve(day, now, near, among=among)
    result.expired = _expire_superseded(now, among)


def reminder_scan(*, day: date, now=None, system_push: bool = True) -> ScanResult:
    """Raise, resolve and expire reminders for business day `day`; push unpushed last stages.

    The day's first scan looks at the whole book; a later one of the same day (a retry, a re-run)
    only at the policies whose rows changed since the last (noted by reminders.triggers)."""
    started = time.perf_counter()
    now = now or timezone.now()
    rules = reminder_rules()
    result = ScanResult()
    with transaction.atomic():
        _take_turn()
        result.among = among = _changes_to_scan(day)
        if among is None or among:  # a re-run with nothing changed has nothing to read
            _scan_policies(rules, day, now, among, result)
        logger.info(
            "reminder_scan %s (%s): resolved %s, expired %s",
            day,
            "whole book" if among is None else f"{len(among)} changed policies",
            result.resolved,
            result.expired,
        )
        ScanRun.objects.create(
            day=day,
            mode=ScanMode.WHOLE if among is None else ScanMode.CHANGES,
            policies=None if among is None else len(among),
            created=sum(result.created.values()),
            resolved=sum(result.resolved.values()),
            expired=result.expired,
            seconds=Decimal(f"{time.perf_counter() - started:.3f}"),
            finished_at=timezone.now(),
        )
    if system_push:
        from .push import reminders_push_unpushed_last_stages

        result.system_pushed = reminders_push_unpushed_last_stages(rules=rules, now=now)
        logger.info("reminder_scan %s: system pushed %s", day, result.system_pushed)
    return result
