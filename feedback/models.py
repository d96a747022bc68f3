"""Voice of the customer: survey rules per touchpoint, the surveys sent and answered (with the
comment's sentiment), and daily snapshots of the service scoreboard."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CustomerProfile


class Touchpoint(models.TextChoices):
    SERVICING_COMPLETED = "SERVICING_COMPLETED", _("A servicing request completed")
    LOAN_DISBURSED = "LOAN_DISBURSED", _("A policy loan paid out")
    BENEFIT_PAID = "BENEFIT_PAID", _("A benefit paid out")
    CHAT_CLOSED = "CHAT_CLOSED", _("A chat closed")
    POLICY_ISSUED = "POLICY_ISSUED", _("A new policy issued")
    CALLBACK_DONE = "CALLBACK_DONE", _("A callback made")


class Question(models.TextChoices):
    NPS = "NPS", _("How likely are you to recommend us (0–10)?")
    CSAT = "CSAT", _("How satisfied are you with this service (1–5)?")
    COMMENT = "COMMENT", _("Anything you would like to tell us?")


class SurveyRule(models.Model):
    """When to ask: a touchpoint, the share of them sampled, how often one customer may be asked."""

    touchpoint = models.CharField(_("touchpoint"), max_length=24, choices=Touchpoint.choices, unique=True)
    active = models.BooleanField(_("active"), default=True)
    share_percent = models.DecimalField(
        _("share surveyed (%)"), max_digits=5, decimal_places=2, default=20,
        help_text=_("Of this touchpoint's occurrences, chosen at random but reproducibly."),
    )  # fmt: skip
    cool_down_days = models.PositiveSmallIntegerField(
        _("cool-down (days)"), default=30, help_text=_("At most one survey per customer in this many days.")
    )
    expiry_days = models.PositiveSmallIntegerField(_("expires after (days)"), default=7)
    ask_nps = models.BooleanField(_("ask NPS (0–10)"), default=True)
    ask_csat = models.BooleanField(_("ask CSAT (1–5)"), default=True)
    ask_comment = models.BooleanField(_("ask for a comment"), default=True)

    class Meta:
        verbose_name = _("survey rule")
        verbose_name_plural = _("survey rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(share_percent__gte=0, share_percent__lte=100), name="survey_share_0_100"
            ),
            models.CheckConstraint(condition=Q(expiry_days__gte=1), name="survey_expiry_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_touchpoint_display()}: {self.share_percent}%"

    @property
    def questions(self) -> list[str]:
        asked = (
            (self.ask_nps, Question.NPS),
            (self.ask_csat, Question.CSAT),
            (self.ask_comment, Question.COMMENT),
        )
        return [question.value for on, question in asked if on]


class SurveyStatus(models.TextChoices):
    PENDING = "PENDING", _("Waiting for an answer")
    ANSWERED = "ANSWERED", _("Answered")
    EXPIRED = "EXPIRED", _("Expired")


class Sentiment(models.TextChoices):
    POS = "POS", _("Positive")
    NEG = "NEG", _("Negative")


class Survey(models.Model):
    customer = models.ForeignKey(
        CustomerProfile, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("customer")
    )
    touchpoint = models.CharField(_("touchpoint"), max_length=24, choices=Touchpoint.choices)
    # What happened (a ServicingRequest, Conversation, Task…): one survey per touchpoint and subject.
    subject_type = models.CharField(_("subject type"), max_length=32)
    subject_id = models.BigIntegerField(_("subject"))
    questions = models.JSONField(_("questions"), default=list)
    # The customer's language when it was sent: its texts are shown in it.
    language = models.CharField(_("language"), max_length=8, default="zh-hans")
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.PENDING
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    nps = models.PositiveSmallIntegerField(_("NPS"), null=True, blank=True)
    csat = models.PositiveSmallIntegerField(_("CSAT"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    sentiment = models.CharField(_("sentiment"), max_length=3, choices=Sentiment.choices, blank=True)
    # Probability that the comment is positive (0–1), from the sentiment model.
    sentiment_score = models.FloatField(_("sentiment score"), null=True, blank=True)
    negative = models.BooleanField(_("negative answer"), default=False)
    follow_up_outcome = models.CharField(_("follow-up outcome"), max_length=12, blank=True)
    follow_up_note = models.CharField(_("follow-up note"), max_length=500, blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="survey_customer_idx"),
            models.Index(fields=["created_at"], name="survey_created_idx"),
            models.Index(fields=["answered_at", "touchpoint"], name="survey_answered_idx"),
            models.Index(fields=["expires_at"], name="survey_pending_idx", condition=Q(status="PENDING")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["touchpoint", "subject_type", "subject_id"], name="survey_once_per_subject"
            ),
            models.CheckConstraint(condition=Q(nps__isnull=True) | Q(nps__lte=10), name="survey_nps_0_10"),
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | Q(csat__gte=1, csat__lte=5), name="survey_csat_1_5"
            ),
            models.CheckConstraint(
                condition=~Q(status="ANSWERED") | Q(answered_at__isnull=False),
                name="survey_answered_is_timed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_touchpoint_display()} #{self.pk}"


class MetricsSnapshot(models.Model):
    """The scoreboard for one business day, kept by the daily job: the history the charts draw."""

    day = models.DateField(_("day"), unique=True)
    figures = models.JSONField(_("figures"), default=dict)
    # CSAT, NPS and answers per touchpoint that day.
    by_touchpoint = models.JSONField(_("by touchpoint"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("scoreboard snapshot")
        verbose_name_plural = _("service scoreboard")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)
