"""New business: what each product may be sold as (terms, premium rates, underwriting limits, the
health questionnaire), applications and their progress, and the new-policy e-callback (回访)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AgentProfile, CustomerProfile
from policies.models import MONEY, BankAccount, Frequency, Policy, Product


class SaleTerms(models.Model):
    """How a product may be sold: ages at entry, sums, terms, frequencies and its cash value table."""

    product = models.OneToOneField(
        Product, on_delete=models.CASCADE, related_name="sale_terms", verbose_name=_("product")
    )
    on_sale = models.BooleanField(_("on sale"), default=True)
    min_age = models.PositiveSmallIntegerField(_("youngest age at entry"), default=18)
    max_age = models.PositiveSmallIntegerField(_("oldest age at entry"), default=60)
    min_sum_assured = models.DecimalField(_("smallest sum assured"), **MONEY)
    max_sum_assured = models.DecimalField(_("largest sum assured"), **MONEY)
    sum_assured_step = models.DecimalField(_("sum assured in steps of"), **MONEY, default=1000)
    term_years_options = models.JSONField(_("terms offered (years)"), default=list)
    frequencies = models.JSONField(_("premium frequencies offered"), default=list)
    # Guaranteed cash value at the end of policy year t = premiums paid in t years ×
    # min(cap, base + step × t): a simple table the actuaries set per product.
    cash_value_base = models.DecimalField(_("cash value base share"), max_digits=5, decimal_places=4)
    cash_value_step = models.DecimalField(_("cash value yearly step"), max_digits=5, decimal_places=4)
    cash_value_cap = models.DecimalField(_("cash value share cap"), max_digits=5, decimal_places=4)

    class Meta:
        verbose_name = _("sale terms")
        verbose_name_plural = _("sale terms")
        constraints = [
            models.CheckConstraint(condition=Q(min_age__lte=models.F("max_age")), name="terms_age_order"),
            models.CheckConstraint(
                condition=Q(min_sum_assured__gt=0, min_sum_assured__lte=models.F("max_sum_assured")),
                name="terms_sum_order",
            ),
            models.CheckConstraint(condition=Q(sum_assured_step__gt=0), name="terms_sum_step_positive"),
            models.CheckConstraint(
                condition=Q(cash_value_cap__gt=0, cash_value_cap__lte=1), name="terms_cash_value_cap_range"
            ),
        ]

    def __str__(self) -> str:
        return str(self.product)


class PremiumRate(models.Model):
    """Annual premium per 1,000 yuan of sum assured, by age band at entry and term."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="premium_rates", verbose_name=_("product")
    )
    age_from = models.PositiveSmallIntegerField(_("from age"))
    age_to = models.PositiveSmallIntegerField(_("to age (included)"))
    term_years = models.PositiveSmallIntegerField(_("term (years)"))
    rate_per_thousand = models.DecimalField(
        _("annual premium per 1,000 yuan"), max_digits=8, decimal_places=4
    )

    class Meta:
        verbose_name = _("premium rate")
        verbose_name_plural = _("premium rates")
        ordering = ["product", "term_years", "age_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "term_years", "age_from"], name="premium_rate_unique_band"
            ),
            models.CheckConstraint(
                condition=Q(age_from__lte=models.F("age_to")), name="premium_rate_age_order"
            ),
            models.CheckConstraint(condition=Q(rate_per_thousand__gt=0), name="premium_rate_positive"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.product.code} {self.term_years}y {self.age_from}-{self.age_to}: {self.rate_per_thousand}"
        )


class UnderwritingLimit(models.Model):
    """The largest total sum assured automation may accept for an age band of a product; ages with no
    band, and anything above the limit, go to an underwriter."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="underwriting_limits", verbose_name=_("product")
    )
    age_from = models.PositiveSmallIntegerField(_("from age"))
    age_to = models.PositiveSmallIntegerField(_("to age (included)"))
    auto_max_sum_assured = models.DecimalField(_("largest sum accepted automatically"), **MONEY)

    class Meta:
        verbose_name = _("underwriting limit")
        verbose_name_plural = _("underwriting limits")
        ordering = ["product", "age_from"]
        constraints = [
            models.UniqueConstraint(fields=["product", "age_from"], name="uw_limit_unique_band"),
            models.CheckConstraint(condition=Q(age_from__lte=models.F("age_to")), name="uw_limit_age_order"),
        ]

    def __str__(self) -> str:
        return f"{self.product.code} {self.age_from}-{self.age_to}: {self.auto_max_sum_assured}"


class HealthQuestion(models.Model):
    """One yes/no question of a product's health questionnaire; any "yes" goes to an underwriter."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="health_questions", verbose_name=_("product")
    )
    code = models.CharField(_("code"), max_length=24)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text_zh = models.CharField(_("question (Chinese)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300)

    class Meta:
        verbose_name = _("health question")
        verbose_name_plural = _("health questions")
        ordering = ["product", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["product", "code"], name="health_question_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.product.code} {self.code}"


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "SUBMITTED", _("Submitted")
    UNDERWRITING = "UNDERWRITING", _("Underwriting")
    APPROVED = "APPROVED", _("Approved")
    DECLINED = "DECLINED", _("Declined")
    POSTPONED = "POSTPONED", _("Postponed")
    AWAITING_PAYMENT = "AWAITING_PAYMENT", _("Awaiting payment")
    ISSUED = "ISSUED", _("Issued")
    WITHDRAWN = "WITHDRAWN", _("Withdrawn")


# Statuses in which an application still counts towards the customer's total sum assured.
LIVE_APPLICATION = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.UNDERWRITING,
    ApplicationStatus.APPROVED,
    ApplicationStatus.AWAITING_PAYMENT,
)


class Application(models.Model):
    number = models.CharField(_("application number"), max_length=20, unique=True)
    agent = models.ForeignKey(
        AgentProfile, on_delete=models.PROTECT, related_name="applications", verbose_name=_("agent")
    )
    customer = models.ForeignKey(
        CustomerProfile, on_delete=models.PROTECT, related_name="applications", verbose_name=_("customer")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    sum_assured = models.DecimalField(_("sum assured"), **MONEY)
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices)
    term_years = models.PositiveSmallIntegerField(_("term (years)"))
    age_at_entry = models.PositiveSmallIntegerField(_("age at entry"))
    # Computed from the product's rate table at submission, never taken from the client.
    annual_premium = models.DecimalField(_("annual premium"), **MONEY)
    premium = models.DecimalField(_("premium per instalment"), **MONEY)
    health_answers = models.JSONField(_("health answers"), default=list)
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    # Why automation did not decide it (codes), and the underwriter's words for a decline or postponement.
    underwriting_reasons = models.JSONField(_("reasons for manual underwriting"), default=list, blank=True)
    decision_note = models.CharField(_("underwriter's note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("underwriter"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_at = models.DateTimeField(_("underwriting decided at"), null=True, blank=True)
    # Set while the first premium is being collected (confirmed by the customer, not yet paid).
    payment_started_at = models.DateTimeField(_("first premium requested at"), null=True, blank=True)
    bank_account = models.ForeignKey(
        BankAccount,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("paying account"),
    )
    issued_at = models.DateTimeField(_("policy issued at"), null=True, blank=True)
    policy = models.OneToOneField(
        Policy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="application",
        verbose_name=_("policy"),
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["agent", "-submitted_at"], name="application_agent_idx"),
            models.Index(fields=["customer", "status"], name="application_customer_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(premium__gt=0, sum_assured__gt=0), name="application_amounts_positive"
            ),
            models.CheckConstraint(
                condition=Q(status="ISSUED", policy__isnull=False)
                | (~Q(status="ISSUED") & Q(policy__isnull=True)),
                name="application_policy_iff_issued",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ApplicationStep(models.Model):
    """One line of an application's progress: kept, replayed to a subscriber, shown to people."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    seq = models.PositiveIntegerField(_("step"))
    status = models.CharField(_("status"), max_length=16, choices=ApplicationStatus.choices)
    # What happened (progress.STEP_TEXT renders it in the reader's language), with its values.
    code = models.CharField(_("code"), max_length=24)
    params = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("progress line")
        verbose_name_plural = _("progress lines")
        ordering = ["application", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["application", "seq"], name="application_step_unique_seq")
        ]

    def __str__(self) -> str:
        return f"#{self.seq}"


class CallbackQuestion(models.TextChoices):
    """The new-policy return visit (回访): what the customer confirms they understood and did."""

    UNDERSTOOD_COVER = "UNDERSTOOD_COVER", _("I understand what the policy covers and what it excludes.")
    UNDERSTOOD_PREMIUM = (
        "UNDERSTOOD_PREMIUM",
        _("I understand the premium, how often I pay it and for how many years."),
    )
    UNDERSTOOD_COOLING_OFF = (
        "UNDERSTOOD_COOLING_OFF",
        _("I know I may cancel within 15 days of issue and get the whole premium back."),
    )
    SIGNED_IN_PERSON = "SIGNED_IN_PERSON", _("I confirmed and signed the application myself.")


class PolicyCallbackStatus(models.TextChoices):
    PENDING = "PENDING", _("Waiting for the customer")
    DONE = "DONE", _("Done in the app")
    PHONE = "PHONE", _("Passed to a phone callback")
    CANCELLED = "CANCELLED", _("Cancelled")


class PolicyCallback(models.Model):
    """The e-callback raised when a policy is issued."""

    policy = models.OneToOneField(
        Policy, on_delete=models.CASCADE, related_name="callback", verbose_name=_("policy")
    )
    customer = models.ForeignKey(
        CustomerProfile, on_delete=models.PROTECT, related_name="policy_callbacks", verbose_name=_("customer")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PolicyCallbackStatus.choices, default=PolicyCallbackStatus.PENDING
    )
    answers = models.JSONField(_("answers"), default=list, blank=True)
    # Why it went to a person: NOT_DONE_IN_TIME, ANSWERED_NO, ELDERLY.
    phone_reason = models.CharField(_("reason for a phone callback"), max_length=20, blank=True)
    phone_outcome = models.CharField(_("outcome of the phone callback"), max_length=12, blank=True)
    created_at = models.DateTimeField(_("raised at"), default=timezone.now)
    due_at = models.DateTimeField(_("due at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("new-policy callback")
        verbose_name_plural = _("new-policy callbacks")
        indexes = [
            models.Index(fields=["status", "due_at"], name="policy_callback_due_idx"),
            models.Index(fields=["created_at"], name="policy_callback_raised_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.status}"
