"""Products, policies and everything servicing touches: premiums, cash values, bank accounts,
loans, repayments, benefits, servicing requests, idempotency records and the audit trail."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AgentProfile, CustomerProfile
from core import audit
from core.crypto import DigestField, EncryptedCharField
from core.masking import mask_account_number

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


class ProductKind(models.TextChoices):
    WHOLE_LIFE = "WHOLE_LIFE", _("Whole life")
    ENDOWMENT = "ENDOWMENT", _("Endowment")
    ANNUITY = "ANNUITY", _("Annuity")
    CRITICAL_ILLNESS = "CRITICAL_ILLNESS", _("Critical illness")


class Product(models.Model):
    code = models.CharField(_("code"), max_length=16, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=128)
    kind = models.CharField(_("kind"), max_length=24, choices=ProductKind.choices)
    loanable = models.BooleanField(_("allows policy loans"), default=True)
    loan_ratio = models.DecimalField(
        _("loan ratio of cash value"), max_digits=4, decimal_places=2, default=Decimal("0.80")
    )
    loan_annual_rate = models.DecimalField(
        _("loan annual rate"), max_digits=6, decimal_places=4, default=Decimal("0.0500")
    )
    loan_term_days = models.PositiveIntegerField(_("loan term (days)"), default=182)
    loan_min_amount = models.DecimalField(_("minimum loan"), **MONEY, default=Decimal("1000.00"))
    cooling_off_days = models.PositiveIntegerField(_("cooling-off days"), default=15)
    grace_days = models.PositiveIntegerField(_("grace days"), default=60)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(
                condition=Q(loan_ratio__gt=0, loan_ratio__lte=1), name="product_loan_ratio_range"
            ),
            models.CheckConstraint(
                condition=Q(loan_annual_rate__gte=0), name="product_loan_rate_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class PolicyStatus(models.TextChoices):
    PENDING_UNDERWRITING = "PENDING_UNDERWRITING", _("Pending underwriting")
    IN_FORCE = "IN_FORCE", _("In force")
    GRACE = "GRACE", _("Grace period")
    SUSPENDED = "SUSPENDED", _("Suspended")
    MATURED = "MATURED", _("Matured")
    SURRENDERED = "SURRENDERED", _("Surrendered")
    TERMINATED = "TERMINATED", _("Terminated")


class Frequency(models.TextChoices):
    SINGLE = "SINGLE", _("Single premium")
    ANNUAL = "ANNUAL", _("Annual")
    SEMI_ANNUAL = "SEMI_ANNUAL", _("Semi-annual")
    QUARTERLY = "QUARTERLY", _("Quarterly")
    MONTHLY = "MONTHLY", _("Monthly")


@audit.track
class BankAccount(models.Model):
    customer = models.ForeignKey(
        CustomerProfile, on_delete=models.CASCADE, related_name="bank_accounts", verbose_name=_("customer")
    )
    bank_code = models.CharField(_("bank code"), max_length=16)
    bank_name = models.CharField(_("bank"), max_length=64)
    # Stored in full (encrypted at rest) for debits and payouts; responses, logs and the audit trail
    # mask it; equality and uniqueness go through its keyed digest.
    account_number = EncryptedCharField(_("account number"), max_length=19)
    account_number_digest = DigestField(source="account_number", null=True)
    holder_name = models.CharField(_("holder name"), max_length=64)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "account_number_digest"], name="bank_account_unique_per_customer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bank_name} {self.masked_number}"

    @property
    def masked_number(self) -> str:
        return mask_account_number(self.account_number)


@audit.track
class Policy(models.Model):
    number = models.CharField(_("policy number"), max_length=20, unique=True)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="policies", verbose_name=_("product")
    )
    holder = models.ForeignKey(
        CustomerProfile,
        on_delete=models.PROTECT,
        related_name="held_policies",
        verbose_name=_("policyholder"),
    )
    insured = models.ForeignKey(CustomerProfile, on_delete=models.PROTECT, related_name="insured_policies")
    servicing_agent = models.ForeignKey(
        AgentProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="serviced_policies"
    )
    status = models.CharField(
        _("status"), max_length=24, choices=PolicyStatus.choices, default=PolicyStatus.IN_FORCE
    )
    effective_date = models.DateField(_("effective date"))
    maturity_date = models.DateField(_("maturity date"), null=True, blank=True)
    premium = models.DecimalField(_("premium"), **MONEY)
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices)
    sum_assured = models.DecimalField(_("sum assured"), **MONEY)
    paid_to_date = models.DateField(_("paid-to date"))
    renewal_account = models.ForeignKey(
        BankAccount, on_delete=models.SET_NULL, null=True, blank=True, related_name="renewal_policies"
    )
    complaint_open = models.BooleanField(_("open complaint"), default=False)
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        indexes = [
            models.Index(fields=["holder", "status"]),
            models.Index(fields=["servicing_agent", "status"]),
            models.Index(fields=["status", "maturity_date"]),
        ]

    def __str__(self) -> str:
        return self.number


class PolicyStatusChange(models.Model):
    """Every status transition, with the job or person that made it."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=24, choices=PolicyStatus.choices)
    to_status = models.CharField(max_length=24, choices=PolicyStatus.choices)
    reason = models.CharField(max_length=64)
    business_date = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("policy status change")
        verbose_name_plural = _("policy status changes")
        indexes = [models.Index(fields=["policy", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.policy_id}: {self.from_status} → {self.to_status}"


class PremiumStatus(models.TextChoices):
    DUE = "DUE", _("Due")
    PAID = "PAID", _("Paid")
    FAILED = "FAILED", _("Debit failed")
    WAIVED = "WAIVED", _("Waived")


UNPAID_PREMIUM = (PremiumStatus.DUE, PremiumStatus.FAILED)


@audit.track
class PremiumDue(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="premiums")
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    status = models.CharField(
        _("status"), max_length=8, choices=PremiumStatus.choices, default=PremiumStatus.DUE
    )
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("premium due")
        verbose_name_plural = _("premiums due")
        constraints = [
            models.UniqueConstraint(fields=["policy", "due_date"], name="premium_unique_per_due_date")
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.due_date} {self.amount}"


class CashValue(models.Model):
    """Guaranteed cash value at the end of each policy year, from the product's table."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="cash_values")
    policy_year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(**MONEY)

    class Meta:
        verbose_name = _("cash value")
        verbose_name_plural = _("cash values")
        constraints = [
            models.UniqueConstraint(fields=["policy", "policy_year"], name="cash_value_unique_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} year {self.policy_year}: {self.amount}"


class RequestType(models.TextChoices):
    BANK_ACCOUNT_ADD = "BANK_ACCOUNT_ADD", _("Add bank account")
    RENEWAL_DEBIT_AUTHORIZATION = "RENEWAL_DEBIT_AUTHORIZATION", _("Renewal debit authorization")
    CONTACT_CHANGE = "CONTACT_CHANGE", _("Contact change")
    POLICY_LOAN = "POLICY_LOAN", _("Policy loan")
    LOAN_REPAYMENT = "LOAN_REPAYMENT", _("Loan repayment")
    BENEFIT_CLAIM = "BENEFIT_CLAIM", _("Benefit claim")
    FIRST_PREMIUM = "FIRST_PREMIUM", _("First premium of a new policy")
    COOLING_OFF_CANCELLATION = "COOLING_OFF_CANCELLATION", _("Cancellation in the cooling-off period")


class RequestStatus(models.TextChoices):
    SUBMITTED = "SUBMITTED", _("Submitted")
    AUTO_APPROVED = "AUTO_APPROVED", _("Approved automatically")
    PENDING_REVIEW = "PENDING_REVIEW", _("Pending review")
    HELD_FOR_CALLBACK = "HELD_FOR_CALLBACK", _("Held for callback")
    APPROVED = "APPROVED", _("Approved by reviewer")
    COMPLETED = "COMPLETED", _("Completed")
    REJECTED = "REJECTED", _("Rejected")
    CANCELLED = "CANCELLED", _("Cancelled")


OPEN_REQUEST = (
    RequestStatus.SUBMITTED,
    RequestStatus.AUTO_APPROVED,
    RequestStatus.PENDING_REVIEW,
    RequestStatus.HELD_FOR_CALLBACK,
    RequestStatus.APPROVED,
)


class RequestChannel(models.TextChoices):
    APP = "APP", _("In the app")
    COUNTER = "COUNTER", _("At a counter (entered by staff)")


class ServicingRequest(models.Model):
    customer = models.ForeignKey(
        CustomerProfile,
        on_delete=models.PROTECT,
        related_name="servicing_requests",
        verbose_name=_("customer"),
    )
    type = models.CharField(_("type"), max_length=32, choices=RequestType.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    policy = models.ForeignKey(
        Policy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="servicing_requests",
        verbose_name=_("policy"),
    )
    amount = models.DecimalField(_("amount"), **MONEY, null=True, blank=True)
    # Reason codes (stable, translated on display) and the risk flags that sent it to a person.
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    risk_flags = models.JSONField(_("risk flags"), default=list, blank=True)
    summary = models.JSONField(_("summary (masked)"), default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    # Where the customer asked: the online share of servicing is counted from it.
    channel = models.CharField(
        _("channel"), max_length=8, choices=RequestChannel.choices, default=RequestChannel.APP
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    # When rules sent it to a person (review or callback): such a request is never "automated".
    routed_at = models.DateTimeField(_("sent to a person at"), null=True, blank=True)
    # The decision (approve, reject, or cancel by the insurer); a customer's withdrawal is none.
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("servicing request")
        verbose_name_plural = _("servicing requests")
        constraints = [
            # Times in order: nothing is routed, decided or completed before it was submitted.
            models.CheckConstraint(
                condition=models.Q(routed_at__isnull=True)
                | models.Q(routed_at__gte=models.F("submitted_at")),
                name="request_routed_after_submitted",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_at__isnull=True)
                | models.Q(decided_at__gte=models.F("submitted_at")),
                name="request_decided_after_submitted",
            ),
            models.CheckConstraint(
                condition=models.Q(completed_at__isnull=True)
                | models.Q(completed_at__gte=models.F("submitted_at")),
                name="request_completed_after_submitted",
            ),
            # A decided status has its decision time; a finished one its completion time.
            models.CheckConstraint(
                condition=~models.Q(status__in=["AUTO_APPROVED", "APPROVED", "COMPLETED", "REJECTED"])
                | models.Q(decided_at__isnull=False),
                name="request_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["COMPLETED", "REJECTED", "CANCELLED"])
                | models.Q(completed_at__isnull=False),
                name="request_finished_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["PENDING_REVIEW", "HELD_FOR_CALLBACK"])
                | models.Q(routed_at__isnull=False),
                name="request_routed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-submitted_at"]),
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["policy", "type", "status"]),
            # The scoreboard reads requests by when they were made and when they were decided.
            models.Index(fields=["submitted_at", "channel"], name="request_made_idx"),
            models.Index(
                fields=["decided_at", "routed_at"],
                name="request_decided_idx",
                condition=Q(decided_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_type_display()} {self.get_status_display()}"


class LoanStatus(models.TextChoices):
    DISBURSING = "DISBURSING", _("Disbursing")
    ACTIVE = "ACTIVE", _("Active")
    REPAID = "REPAID", _("Repaid")
    CANCELLED = "CANCELLED", _("Cancelled")


@audit.track
class PolicyLoan(models.Model):
    policy = models.ForeignKey(
        Policy, on_delete=models.PROTECT, related_name="loans", verbose_name=_("policy")
    )
    request = models.OneToOneField(ServicingRequest, on_delete=models.PROTECT, related_name="loan")
    bank_account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="loans")
    principal = models.DecimalField(_("amount borrowed"), **MONEY)
    outstanding_principal = models.DecimalField(_("outstanding principal"), **MONEY)
    # Interest not yet paid that accrued before `interest_from` (after a part-payment).
    accrued_interest = models.DecimalField(_("unpaid interest carried"), **MONEY, default=ZERO)
    annual_rate = models.DecimalField(_("annual rate"), max_digits=6, decimal_places=4)
    term_days = models.PositiveIntegerField(_("term (days)"))
    status = models.CharField(
        _("status"), max_length=12, choices=LoanStatus.choices, default=LoanStatus.DISBURSING
    )
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    interest_from = models.DateField(_("interest accrues from"), null=True, blank=True)
    due_on = models.DateField(_("term ends on"), null=True, blank=True)
    rollovers = models.PositiveSmallIntegerField(_("rollovers"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("policy loan")
        verbose_name_plural = _("policy loans")
        indexes = [models.Index(fields=["status", "due_on"]), models.Index(fields=["policy", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(outstanding_principal__gte=0), name="loan_outstanding_non_negative"
            ),
            models.CheckConstraint(condition=Q(accrued_interest__gte=0), name="loan_interest_non_negative"),
            models.CheckConstraint(condition=Q(principal__gt=0), name="loan_principal_positive"),
        ]

    def __str__(self) -> str:
        return f"loan {self.pk} on {self.policy_id}"


class RepaymentStatus(models.TextChoices):
    COLLECTING = "COLLECTING", _("Being collected")
    SETTLED = "SETTLED", _("Settled")
    FAILED = "FAILED", _("Not collected")


@audit.track
class Repayment(models.Model):
    """One debit repaying several loans: its lines apply to the loans only once the bank has taken the
    money, at the values of `paid_on` (the day the customer asked)."""

    customer = models.ForeignKey(
        CustomerProfile, on_delete=models.PROTECT, related_name="repayments", verbose_name=_("customer")
    )
    request = models.OneToOneField(ServicingRequest, on_delete=models.PROTECT, related_name="repayment")
    bank_account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="repayments")
    total = models.DecimalField(_("total"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    status = models.CharField(
        _("status"), max_length=10, choices=RepaymentStatus.choices, default=RepaymentStatus.COLLECTING
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")

    def __str__(self) -> str:
        return f"repayment {self.pk}: {self.total}"


class RepaymentLine(models.Model):
    repayment = models.ForeignKey(Repayment, on_delete=models.CASCADE, related_name="lines")
    loan = models.ForeignKey(PolicyLoan, on_delete=models.PROTECT, related_name="repayment_lines")
    interest = models.DecimalField(**MONEY)
    principal = models.DecimalField(**MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["repayment", "loan"], name="repayment_line_unique_loan"),
            models.CheckConstraint(
                condition=Q(interest__gte=0, principal__gte=0), name="repayment_line_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id}: {self.interest} + {self.principal}"


class BenefitKind(models.TextChoices):
    MATURITY = "MATURITY", _("Maturity benefit")
    SURVIVAL = "SURVIVAL", _("Survival benefit")


class BenefitStatus(models.TextChoices):
    SCHEDULED = "SCHEDULED", _("Scheduled")
    AVAILABLE = "AVAILABLE", _("Available")
    CLAIMED = "CLAIMED", _("Claimed")
    PAID = "PAID", _("Paid")


@audit.track
class Benefit(models.Model):
    policy = models.ForeignKey(
        Policy, on_delete=models.PROTECT, related_name="benefits", verbose_name=_("policy")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=BenefitKind.choices)
    # What is paid out: the benefit less the policy loans it settled (see BenefitLoanOffset).
    amount = models.DecimalField(_("amount"), **MONEY)
    loan_offset = models.DecimalField(_("policy loans settled from it"), **MONEY, default=ZERO)
    available_from = models.DateField(_("available from"))
    status = models.CharField(
        _("status"), max_length=12, choices=BenefitStatus.choices, default=BenefitStatus.SCHEDULED
    )
    bank_account = models.ForeignKey(
        BankAccount, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    request = models.ForeignKey(
        ServicingRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True, verbose_name=_("paid at"))

    class Meta:
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "kind", "available_from"], name="benefit_unique_per_date"
            )
        ]
        indexes = [models.Index(fields=["status", "available_from"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} ({self.policy_id})"


class BenefitLoanOffset(models.Model):
    """A policy loan settled, wholly or in part, out of the maturity benefit (interest first)."""

    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="loan_offsets")
    loan = models.ForeignKey(PolicyLoan, on_delete=models.PROTECT, related_name="benefit_offsets")
    interest = models.DecimalField(**MONEY)
    principal = models.DecimalField(**MONEY)

    class Meta:
        verbose_name = _("loan settled from a benefit")
        verbose_name_plural = _("loans settled from benefits")
        constraints = [
            models.UniqueConstraint(fields=["benefit", "loan"], name="benefit_offset_unique_loan"),
            models.CheckConstraint(
                condition=Q(interest__gte=0, principal__gte=0), name="benefit_offset_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id}: {self.interest} + {self.principal}"


class IdempotencyRecord(models.Model):
    """One client retry key: the first request claims it; replays get its stored result."""

    class State(models.TextChoices):
        IN_PROGRESS = "IN_PROGRESS"
        DONE = "DONE"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    operation = models.CharField(max_length=64)
    request_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.key}"


class AuditEvent(models.Model):
    """Who changed which customer data or money, with before/after values (personal data masked)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(max_length=64, verbose_name=_("action"))
    object_type = models.CharField(max_length=64, verbose_name=_("object type"))
    object_id = models.CharField(max_length=64, verbose_name=_("object id"))
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("time"))

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        indexes = [models.Index(fields=["object_type", "object_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"
