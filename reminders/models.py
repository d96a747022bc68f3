"""The agent's reminders, the rules that raise them, the customer's inbox and settings, and the push outbox."""

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AgentProfile, CustomerProfile, Device


class ReminderKind(models.TextChoices):
    RENEWAL_PREMIUM_DUE = "RENEWAL_PREMIUM_DUE", _("Renewal premium due")
    LOAN_REPAYMENT_DUE = "LOAN_REPAYMENT_DUE", _("Loan repayment due")
    MATURITY_BENEFIT = "MATURITY_BENEFIT", _("Maturity benefit to collect")
    SURVIVAL_BENEFIT = "SURVIVAL_BENEFIT", _("Survival benefit to collect")
    LAPSE_RISK = "LAPSE_RISK", _("Lapse risk")
    DEBIT_AUTHORIZATION_ISSUE = "DEBIT_AUTHORIZATION_ISSUE", _("Debit authorization issue")


class ReminderStatus(models.TextChoices):
    OPEN = "OPEN", _("Open")
    PUSHED = "PUSHED", _("Pushed")
    READ = "READ", _("Read by the customer")
    RESOLVED = "RESOLVED", _("Resolved")
    EXPIRED = "EXPIRED", _("Expired")


# Pushes wait for the morning between these hours (Asia/Shanghai).
QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)

LIVE_REMINDER = (ReminderStatus.OPEN, ReminderStatus.PUSHED, ReminderStatus.READ)


class ReminderRule(models.Model):
    """Per kind: the stages (days before the due date), whether the system pushes the last stage."""

    kind = models.CharField(_("kind"), max_length=32, choices=ReminderKind.choices, unique=True)
    stages = models.JSONField(_("stages (days before due)"), default=list)
    system_push_last_stage = models.BooleanField(_("system pushes at the last stage"), default=True)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")

    def __str__(self) -> str:
        return self.get_kind_display()


class Reminder(models.Model):
    kind = models.CharField(_("kind"), max_length=32, choices=ReminderKind.choices)
    # Days before the due date this stage is raised at; 0 for "on or after the due date".
    stage = models.SmallIntegerField(_("stage"))
    policy = models.ForeignKey(
        "policies.Policy", on_delete=models.CASCADE, related_name="reminders", verbose_name=_("policy")
    )
    # Copied from the policy (its holder and servicing agent, both constrained there) in the scan's
    # INSERT … SELECT: no database constraint of their own, whose deferred checks took 1.7 of the 3.1 s
    # that committing a scan raising 220,000 reminders took. Deletes still cascade and null through
    # Django.
    customer = models.ForeignKey(
        CustomerProfile,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("customer"),
        db_constraint=False,
    )
    agent = models.ForeignKey(
        AgentProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("agent"),
        db_constraint=False,
    )
    # The premium, loan or benefit the reminder is about (by kind), to check when it is resolved.
    subject_id = models.BigIntegerField(null=True, blank=True)
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    pushed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("pushed at"))
    pushed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "kind", "due_date", "stage"], name="reminder_unique_stage"
            )
        ]
        indexes = [
            models.Index(fields=["agent", "status", "due_date"]),
            models.Index(fields=["kind", "status"]),
            models.Index(fields=["customer", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_date} ({self.stage})"


class ScanChange(models.Model):
    """A policy whose reminders may have changed since the last scan, written by PostgreSQL triggers
    on the tables the scan reads (reminders/triggers.py). A row without a policy asks for a whole
    scan: a product or a reminder rule changed, or reminders were truncated."""

    policy_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = _("scan change")
        verbose_name_plural = _("scan changes")

    def __str__(self) -> str:
        return str(self.policy_id or "*")


class ScanMode(models.TextChoices):
    WHOLE = "WHOLE", _("The whole book")
    CHANGES = "CHANGES", _("Changed policies only")


class ScanRun(models.Model):
    """A finished reminder scan: a later scan of the same day looks only at what changed since."""

    day = models.DateField(_("business day"))
    mode = models.CharField(_("mode"), max_length=8, choices=ScanMode.choices)
    policies = models.IntegerField(_("changed policies looked at"), null=True, blank=True)
    created = models.IntegerField(_("raised"), default=0)
    resolved = models.IntegerField(_("resolved"), default=0)
    expired = models.IntegerField(_("expired"), default=0)
    seconds = models.DecimalField(_("seconds"), max_digits=9, decimal_places=3)
    finished_at = models.DateTimeField(_("finished at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder scan")
        verbose_name_plural = _("reminder scans")
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.mode}"


# What an inbox message is about: a reminder's kind, or one of the extras (built from ReminderKind so
# the two can never drift apart).
NotificationKind = models.TextChoices(
    "NotificationKind",
    [
        *((kind.name, (kind.value, kind.label)) for kind in ReminderKind),
        ("SERVICING_RESULT", ("SERVICING_RESULT", _("Servicing request result"))),
        ("SURVEY", ("SURVEY", _("Satisfaction survey"))),
        ("FEEDBACK_REPLY", ("FEEDBACK_REPLY", _("Reply to your feedback"))),
        ("OTHER", ("OTHER", _("Other"))),
    ],
)


class PushSkipReason(models.TextChoices):
    NOT_FOUND = "NOT_FOUND", _("Not found")
    RESOLVED = "RESOLVED", _("Already resolved")
    ALREADY_PUSHED = "ALREADY_PUSHED", _("Already pushed")
    MUTED = "MUTED", _("Muted by the customer")
    DAILY_LIMIT = "DAILY_LIMIT", _("Daily limit reached")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=32)
    title = models.CharField(_("title"), max_length=128)
    body = models.TextField(_("body"))
    # What the notification is about, for the app's deep link.
    subject_type = models.CharField(max_length=32, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    reminder = models.ForeignKey(
        Reminder, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    marketing = models.BooleanField(default=False, verbose_name=_("marketing"))
    # The language title and body were written in (the recipient's): read-aloud text follows it.
    language = models.CharField(_("language"), max_length=8, default="zh-hans")
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"


class NotificationSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_settings",
        verbose_name=_("user"),
    )
    muted_kinds = models.JSONField(_("muted kinds"), default=list, blank=True)
    # No satisfaction surveys (voice of the customer asks nobody who said no).
    surveys_muted = models.BooleanField(_("surveys muted"), default=False)
    # Pushes and inbox messages are written in this language (they are sent from tasks, not requests).
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="zh-hans")

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"notification settings of user {self.user_id}"


class ReminderPush(models.Model):
    """One reminder pushed to one customer, counted against the customer's daily limit."""

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="pushes")
    customer = models.ForeignKey(CustomerProfile, on_delete=models.CASCADE, related_name="+")
    # The Shanghai day the push reaches the phone (the next morning when deferred).
    delivery_day = models.DateField()
    pushed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["customer", "delivery_day"])]

    def __str__(self) -> str:
        return f"push of reminder {self.reminder_id}"


class PushStatus(models.TextChoices):
    PENDING = "PENDING", _("Pending")
    SENDING = "SENDING", _("Sending")
    SENT = "SENT", _("Sent")
    FAILED = "FAILED", _("Failed")
    DEFERRED = "DEFERRED", _("Deferred")
    # Its reminder was settled before it could be sent (a deferred push, a retry): not sent.
    WITHDRAWN = "WITHDRAWN", _("Withdrawn")


class PushMessage(models.Model):
    """The push outbox: written in the same transaction as what caused it, drained by workers."""

    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="push_messages", verbose_name=_("device")
    )
    kind = models.CharField(max_length=32, verbose_name=_("kind"))
    title = models.CharField(max_length=128)
    body = models.CharField(max_length=512)
    data = models.JSONField(default=dict)
    # The reminder it pushes, re-checked when it is sent.
    reminder = models.ForeignKey(
        Reminder, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    status = models.CharField(
        max_length=10, choices=PushStatus.choices, default=PushStatus.PENDING, verbose_name=_("status")
    )
    not_before = models.DateTimeField(default=timezone.now, verbose_name=_("not before"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    last_error = models.CharField(max_length=255, blank=True, verbose_name=_("last error"))
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("push message")
        verbose_name_plural = _("push outbox")
        indexes = [
            models.Index(
                fields=["not_before"], condition=Q(status__in=["PENDING", "DEFERRED"]), name="push_due_idx"
            ),
            models.Index(fields=["status", "claimed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → device {self.device_id} ({self.status})"
