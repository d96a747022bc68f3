"""Pushing reminders to customers: quiet hours, a daily limit, muted kinds, and the inbox.

Between 21:00 and 08:00 (Asia/Shanghai) a push is queued as DEFERRED until 08:00 and the
periodic sender delivers it then. At most 3 reminder pushes reach a customer per day; muted kinds
are skipped, but never LAPSE_RISK. Every push also lands in the customer's inbox.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import AgentProfile, App, CustomerProfile
from core.money import business_today

from ..models import (
    QUIET_FROM,
    QUIET_UNTIL,
    NotificationSettings,
    Reminder,
    ReminderKind,
    ReminderPush,
    ReminderStatus,
)
from ..selectors import languages_of
from .inbox import notification_create
from .outbox import push_enqueue
from .scan import reminders_resolve

DAILY_LIMIT = 3
# A policy about to lapse is never silenced: not by a mute, not by the daily limit.
NEVER_MUTED = {ReminderKind.LAPSE_RISK}
NEVER_CAPPED = {ReminderKind.LAPSE_RISK}
# When the daily limit binds, what is most urgent goes first: losing cover, then money owed, then
# money to collect.
URGENCY = {
    ReminderKind.LAPSE_RISK: 0,
    ReminderKind.LOAN_REPAYMENT_DUE: 1,
    ReminderKind.DEBIT_AUTHORIZATION_ISSUE: 2,
    ReminderKind.RENEWAL_PREMIUM_DUE: 3,
    ReminderKind.MATURITY_BENEFIT: 4,
    ReminderKind.SURVIVAL_BENEFIT: 5,
}


def urgency(reminder: Reminder) -> tuple:
    return (URGENCY.get(ReminderKind(reminder.kind), 9), reminder.due_date, reminder.stage, reminder.pk)


@dataclass
class PushOutcome:
    pushed: list[Reminder] = field(default_factory=list)
    deferred: list[Reminder] = field(default_factory=list)
    skipped: list[tuple[Reminder | None, str]] = field(default_factory=list)


def delivery_time(now: datetime) -> datetime | None:
    """When a push made at `now` may reach a phone: None for now, else the next 08:00 in Shanghai."""
    local = timezone.localtime(now)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return None
    day = local.date() + timedelta(days=1) if local.time() >= QUIET_FROM else local.date()
    return timezone.make_aware(datetime.combine(day, QUIET_UNTIL), timezone.get_current_timezone())


def muted_kinds(user) -> set[str]:
    row = NotificationSettings.objects.filter(user=user).values_list("muted_kinds", flat=True).first()
    return set(row or []) - NEVER_MUTED


def reminder_message(reminder: Reminder, language: str, note: str = "") -> tuple[str, str]:
    """Title and body in the customer's language."""
    with translation.override(language):
        number = reminder.policy.number
        amount = f"{reminder.amount}" if reminder.amount is not None else ""
        texts = {
            ReminderKind.RENEWAL_PREMIUM_DUE: (
                _("Renewal premium due"),
                _("The premium of %(amount)s yuan for policy %(number)s is due on %(due)s."),
            ),
            ReminderKind.LOAN_REPAYMENT_DUE: (
                _("Policy loan due"),
                _("Your loan on policy %(number)s reaches its term end on %(due)s."),
            ),
            ReminderKind.MATURITY_BENEFIT: (
                _("Maturity benefit ready"),
                _("A maturity benefit of %(amount)s yuan on policy %(number)s is ready to collect."),
            ),
            ReminderKind.SURVIVAL_BENEFIT: (
                _("Survival benefit ready"),
                _("A survival benefit of %(amount)s yuan on policy %(number)s is ready to collect."),
            ),
            ReminderKind.LAPSE_RISK: (
                _("Your policy may lapse"),
                _("Policy %(number)s is at risk of lapsing. Please act before %(due)s."),
            ),
            ReminderKind.DEBIT_AUTHORIZATION_ISSUE: (
                _("Premium debit needs attention"),
                _("Please set up or check the debit account for policy %(number)s before %(due)s."),
            ),
        }
        title, body = texts[ReminderKind(reminder.kind)]
        body = body % {"amount": amount, "number": number, "due": reminder.due_date.isoformat()}
        if note:
            # One translatable sentence: the translator places the agent's words in their language.
            body = _("%(body)s Your agent says: %(note)s") % {"body": body, "note": note}
        return str(title), str(body)


def reminders_push(
    *, reminders: list[Reminder], pushed_by, note: str = "", now: datetime | None = None
) -> PushOutcome:
    """Push each reminder to its customer's phones and inbox, or say why not."""
    now = now or timezone.now()
    note = (note or "").strip()[:200]
    # What was settled since the scan (a claim, a repayment) is resolved first, and so not pushed.
    reminders_resolve(policy_ids=list({r.policy_id for r in reminders}), now=now)
    deliver_at = delivery_time(now)
    delivery_day = timezone.localtime(deliver_at).date() if deliver_at else business_today()
    outcome = PushOutcome()
    languages = languages_of(
        CustomerProfile.objects.filter(pk__in={r.customer_id for r in reminders}).values_list(
            "user_id", flat=True
        )
    )
    for reminder in sorted(reminders, key=lambda r: (r.customer_id, urgency(r))):
        with transaction.atomic():
            # The customer row lock makes the daily limit hold when several agents push at once.
            customer = (
                CustomerProfile.objects.select_for_update()
                .select_related("user")
                .get(pk=reminder.customer_id)
            )
            locked = (
                Reminder.objects.select_for_update(of=("self",)).select_related("policy").get(pk=reminder.pk)
            )
            reason = _refusal(locked, customer, delivery_day)
            if reason:
                outcome.skipped.append((locked, reason))
                continue
            ReminderPush.objects.create(
                reminder=locked, customer=customer, delivery_day=delivery_day, pushed_by=pushed_by, note=note
            )
            locked.status, locked.pushed_at, locked.pushed_by = ReminderStatus.PUSHED, now, pushed_by
            locked.save(update_fields=["status", "pushed_at", "pushed_by"])
            language = languages[customer.user_id]
            title, body = reminder_message(locked, language, note)
            notification = notification_create(
                user=customer.user,
                kind=locked.kind,
                title=title,
                body=body,
                language=language,
                subject=locked,
                reminder=locked,
            )
            push_enqueue(
                user_id=customer.user_id,
                app=App.CUSTOMER_APP,
                kind=locked.kind,
                title=title,
                body=body,
                data={
                    "reminderId": locked.pk,
                    "notificationId": notification.pk,
                    "deepLink": f"nuanxin://policies/{locked.policy.number}/reminders/{locked.pk}",
                },
                not_before=deliver_at,
                reminder_id=locked.pk,
            )
            (outcome.deferred if deliver_at else outcome.pushed).append(locked)
    return outcome


def _refusal(reminder: Reminder, customer: CustomerProfile, delivery_day) -> str | None:
    if reminder.status in (ReminderStatus.RESOLVED, ReminderStatus.EXPIRED):
        return "RESOLVED"
    if reminder.status != ReminderStatus.OPEN:
        return "ALREADY_PUSHED"
    if reminder.kind in muted_kinds(customer.user):
        return "MUTED"
    if (
        reminder.kind not in NEVER_CAPPED
        and ReminderPush.objects.filter(customer=customer, delivery_day=delivery_day).count() >= DAILY_LIMIT
    ):
        return "DAILY_LIMIT"
    return None


SYSTEM_PUSH_BATCH = 1000


def reminders_due_for_system_push(*, rules: dict) -> list[int]:
    """Reminders at their last stage of which no stage was pushed, in customer order (one query)."""
    pushed_sibling = Reminder.objects.filter(
        policy_id=OuterRef("policy_id"),
        kind=OuterRef("kind"),
        due_date=OuterRef("due_date"),
        pushed_at__isnull=False,
    )
    last_stages = Q()
    for kind, rule in rules.items():
        if rule.system_push_last_stage and rule.stages:
            last_stages |= Q(kind=kind, stage=min(rule.stages))
    if not last_stages:
        return []
    return list(
        Reminder.objects.filter(last_stages, status=ReminderStatus.OPEN)
        .exclude(Exists(pushed_sibling))
        .order_by("customer_id", "pk")
        .values_list("pk", flat=True)
    )


def reminders_system_push(*, reminder_ids: list[int], now: datetime | None = None) -> int:
    """Push one batch for the system. Safe to repeat: what was pushed since is skipped."""
    batch = list(Reminder.objects.filter(pk__in=reminder_ids).order_by("customer_id", "pk"))
    return len(reminders_push(reminders=batch, pushed_by=None, now=now).pushed)


def reminders_push_unpushed_last_stages(*, rules: dict, now: datetime | None = None) -> int:
    """The system pushes what reached its last stage without any stage of it being pushed (inline;
    the scheduled scan hands the same batches to workers instead)."""
    due = reminders_due_for_system_push(rules=rules)
    return sum(
        reminders_system_push(reminder_ids=due[start : start + SYSTEM_PUSH_BATCH], now=now)
        for start in range(0, len(due), SYSTEM_PUSH_BATCH)
    )


def reminder_mark_read(*, reminder_id: int, now: datetime | None = None) -> None:
    """The customer opened the pushed reminder: the agent sees it READ."""
    Reminder.objects.filter(pk=reminder_id, status=ReminderStatus.PUSHED).update(
        status=ReminderStatus.READ, read_at=now or timezone.now()
    )


def agent_morning_digest(*, now: datetime | None = None) -> int:
    """Tell each agent with open reminders how many there are ("12 reminders today")."""
    now = now or timezone.now()
    sent = 0
    counts = (
        Reminder.objects.filter(status=ReminderStatus.OPEN, agent__isnull=False)
        .values("agent_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    users = dict(
        AgentProfile.objects.filter(pk__in=[row["agent_id"] for row in counts]).values_list("pk", "user_id")
    )
    languages = languages_of(users.values())
    with transaction.atomic():
        for row in counts:
            user_id = users[row["agent_id"]]
            with translation.override(languages[user_id]):
                sent += push_enqueue(
                    user_id=user_id,
                    app=App.AGENT_APP,
                    kind="AGENT_DIGEST",
                    title=_("Servicing reminders"),
                    body=_("%(count)d reminders today") % {"count": row["n"]},
                    data={"deepLink": "nuanxin-agent://reminders", "count": row["n"]},
                )
    return sent
