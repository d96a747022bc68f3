"""A task is one piece of work for a person, about one subject and one customer."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CustomerProfile
from core import audit


class TaskKind(models.TextChoices):
    SERVICING_REVIEW = "SERVICING_REVIEW", _("Servicing review")
    ELDER_CALLBACK = "ELDER_CALLBACK", _("Callback before a payout")
    LEFT_MESSAGE_CALLBACK = "LEFT_MESSAGE_CALLBACK", _("Callback for a left message")
    FEEDBACK_FOLLOW_UP = "FEEDBACK_FOLLOW_UP", _("Follow-up of an unhappy customer")
    UNDERWRITING = "UNDERWRITING", _("Underwriting")
    NEW_POLICY_CALLBACK = "NEW_POLICY_CALLBACK", _("New-policy callback")
    QA_REVIEW = "QA_REVIEW", _("Quality review")


class Skill(models.TextChoices):
    CHAT = "CHAT", _("Chats")
    REVIEW = "REVIEW", _("Reviews")
    CALLBACK = "CALLBACK", _("Callbacks")
    UNDERWRITING = "UNDERWRITING", _("Underwriting")
    QA = "QA", _("Quality")


# The skill each kind needs; a staff member's capacity is kept per skill.
KIND_SKILL = {
    TaskKind.SERVICING_REVIEW: Skill.REVIEW,
    TaskKind.ELDER_CALLBACK: Skill.CALLBACK,
    TaskKind.LEFT_MESSAGE_CALLBACK: Skill.CALLBACK,
    TaskKind.FEEDBACK_FOLLOW_UP: Skill.CALLBACK,
    TaskKind.UNDERWRITING: Skill.UNDERWRITING,
    TaskKind.NEW_POLICY_CALLBACK: Skill.CALLBACK,
    TaskKind.QA_REVIEW: Skill.QA,
}


class Language(models.TextChoices):
    """What a customer speaks: the app language, or the dialect chosen in elder mode."""

    MANDARIN = "zh", _("Mandarin")
    ENGLISH = "en", _("English")
    CANTONESE = "yue", _("Cantonese")
    MINNAN = "nan", _("Minnan")
    WU = "wuu", _("Wu (Shanghainese)")


class TaskStatus(models.TextChoices):
    OPEN = "OPEN", _("Open")
    ASSIGNED = "ASSIGNED", _("Assigned")
    DONE = "DONE", _("Done")
    CANCELLED = "CANCELLED", _("Cancelled")


OPEN_STATUSES = (TaskStatus.OPEN, TaskStatus.ASSIGNED)


class TaskOutcome(models.TextChoices):
    APPROVE = "APPROVE", _("Approved")
    REJECT = "REJECT", _("Rejected")
    DECLINE = "DECLINE", _("Declined")
    POSTPONE = "POSTPONE", _("Postponed")
    CONFIRMED = "CONFIRMED", _("Confirmed by the customer")
    REFUSED = "REFUSED", _("Refused by the customer")
    UNREACHABLE = "UNREACHABLE", _("Customer unreachable")
    RESOLVED = "RESOLVED", _("Resolved")
    UNRESOLVED = "UNRESOLVED", _("Unresolved")
    PASS = "PASS", _("Passed")
    FAIL = "FAIL", _("Failed")


class SubjectType(models.TextChoices):
    SERVICING_REQUEST = "SERVICING_REQUEST", _("Servicing request")
    CONVERSATION = "CONVERSATION", _("Conversation")
    SURVEY = "SURVEY", _("Survey answer")
    APPLICATION = "APPLICATION", _("Application")
    POLICY = "POLICY", _("Policy")
    TASK = "TASK", _("Task")


@audit.track
class Task(models.Model):
    kind = models.CharField(_("kind"), max_length=24, choices=TaskKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    skill = models.CharField(_("skill"), max_length=12, choices=Skill.choices)
    language = models.CharField(_("language"), max_length=4, choices=Language.choices, default="zh")
    # 1 for elderly customers (they go first), 0 otherwise; 2 for work handed back by someone who
    # went offline (it returns to the front of the pool).
    priority = models.SmallIntegerField(_("priority"), default=0)
    elderly = models.BooleanField(_("elderly customer"), default=False)
    subject_type = models.CharField(_("subject type"), max_length=20, choices=SubjectType.choices)
    subject_id = models.BigIntegerField(_("subject"))
    customer = models.ForeignKey(
        CustomerProfile, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("customer")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("raised at"), default=timezone.now)
    due_at = models.DateTimeField(_("due at"))
    # The SLA's 80% mark: at-risk from then on, announced once by the SLA job.
    at_risk_from = models.DateTimeField(_("at risk from"))
    at_risk_announced_at = models.DateTimeField(_("at-risk announced at"), null=True, blank=True)
    overdue_announced_at = models.DateTimeField(_("overdue announced at"), null=True, blank=True)
    # Not handed out before this time (a callback nobody answered is tried again later).
    available_from = models.DateTimeField(_("available from"), default=timezone.now)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("assignee"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    # When a person first acted on it (accepted or was given it and opened it): the follow-up clock.
    first_action_at = models.DateTimeField(_("first action at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=TaskOutcome.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # QA: the person whose work is reviewed (never given their own review).
    subject_handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by (reviewed)"),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # QA: the score a quality reviewer gave this task's handling (0–100), kept against its handler.
    qa_score = models.PositiveSmallIntegerField(_("QA score"), null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            # The pool in dispatch order, open tasks only (the table keeps years of finished ones).
            models.Index(
                fields=["skill", "-priority", "due_at"],
                name="task_pool_idx",
                condition=Q(status="OPEN"),
            ),
            # The board: counts of unfinished work by kind and deadline.
            models.Index(
                fields=["kind", "due_at", "at_risk_from"],
                name="task_board_idx",
                condition=Q(status__in=["OPEN", "ASSIGNED"]),
            ),
            models.Index(fields=["assignee", "status"], name="task_assignee_idx"),
            # What each person holds now, per skill (dispatch checks everyone's room with it): only the
            # assigned rows, so years of finished work never sit in the way.
            models.Index(fields=["assignee", "skill"], name="task_held_idx", condition=Q(status="ASSIGNED")),
            models.Index(fields=["subject_type", "subject_id"], name="task_subject_idx"),
            models.Index(fields=["customer", "status"], name="task_customer_idx"),
            models.Index(fields=["completed_by", "completed_at"], name="task_settlement_idx"),
            # The scoreboard: follow-ups (or any kind) raised in a period.
            models.Index(fields=["kind", "created_at"], name="task_kind_raised_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id"],
                condition=Q(status__in=["OPEN", "ASSIGNED"]),
                name="task_one_open_per_subject",
            ),
            models.CheckConstraint(
                condition=(Q(status="ASSIGNED", assignee__isnull=False) | ~Q(status="ASSIGNED")),
                name="task_assigned_has_assignee",
            ),
            models.CheckConstraint(
                condition=Q(status="OPEN", assignee__isnull=True) | ~Q(status="OPEN"),
                name="task_open_has_no_assignee",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=False) | Q(status__in=["OPEN", "ASSIGNED"]),
                name="task_finished_is_timed",
            ),
            models.CheckConstraint(
                condition=Q(qa_score__isnull=True) | Q(qa_score__lte=100), name="task_qa_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class QaRule(models.Model):
    """Which finished tasks of a kind a quality reviewer looks at again."""

    kind = models.CharField(_("kind"), max_length=24, choices=TaskKind.choices, unique=True)
    share_percent = models.PositiveSmallIntegerField(
        _("share sampled (%)"), default=5, help_text=_("Of each person's finished tasks of this kind.")
    )
    first_tasks = models.PositiveSmallIntegerField(
        _("every task of a person's first"), default=20, help_text=_("New staff: all of these are sampled.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("QA sampling rule")
        verbose_name_plural = _("QA sampling rules")
        constraints = [models.CheckConstraint(condition=Q(share_percent__lte=100), name="qa_share_0_100")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.share_percent}%"
