"""GraphQL types of policies and servicing; bank numbers and ID numbers leave only masked."""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import strawberry
import strawberry_django
from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils.translation import get_language
from strawberry import relay
from strawberry.types import Info

from accounts.graphql.types import CustomerType
from accounts.models import CustomerProfile
from core.graphql.fields import model_type
from core.graphql.scalars import Rate
from core.money import business_today
from policies import models, selectors
from policies.calculations import current_cash_value, loan_interest, loan_quote
from policies.services.common import REASON_TEXT, reason_text, request_sentence

ProductKindEnum = strawberry.enum(models.ProductKind, name="ProductKind")
PolicyStatusEnum = strawberry.enum(models.PolicyStatus, name="PolicyStatus")
FrequencyEnum = strawberry.enum(models.Frequency, name="PremiumFrequency")
PremiumStatusEnum = strawberry.enum(models.PremiumStatus, name="PremiumStatus")
LoanStatusEnum = strawberry.enum(models.LoanStatus, name="LoanStatus")
BenefitKindEnum = strawberry.enum(models.BenefitKind, name="BenefitKind")
BenefitStatusEnum = strawberry.enum(models.BenefitStatus, name="BenefitStatus")
RequestTypeEnum = strawberry.enum(models.RequestType, name="ServicingRequestType")
RequestStatusEnum = strawberry.enum(models.RequestStatus, name="ServicingRequestStatus")
ReasonCodeEnum = strawberry.enum(
    Enum("ReasonCode", {code: code for code in REASON_TEXT}),
    name="ServicingReason",
    description="Why a request waits for a person or ended, or why a loan cannot be quoted (stable codes).",
)


def _viewer_customer_id(info: Info) -> int | None:
    customer = getattr(info.context.viewer, "customer", None)
    return customer.pk if customer else None


@model_type(models.Product, name="Product")
class ProductType(relay.Node):
    code: str

    kind: ProductKindEnum

    @strawberry_django.field(only=["name_zh", "name_en"], description="In the client's language.")
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


@model_type(models.BankAccount, name="BankAccount")
class BankAccountType(relay.Node):
    bank_name: str
    added_at: datetime

    @strawberry_django.field(only=["account_number"])
    def masked_number(self) -> str:
        return self.masked_number

    @strawberry_django.field(only=["verified_at"])
    def verified(self) -> bool:
        return self.verified_at is not None

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return selectors.bank_account_scope(queryset, viewer=info.context.viewer)


@strawberry.type(name="RenewalAccount")
class RenewalAccountType:
    bank_name: str
    masked_number: str


@strawberry.type(name="PremiumDue")
class PremiumDueType:
    due_date: date
    amount: Decimal
    status: PremiumStatusEnum


@strawberry.type(name="LoanQuote")
class LoanQuoteType:
    eligible: bool
    reason_code: ReasonCodeEnum | None
    reason: str | None
    max_amount: Decimal
    min_amount: Decimal
    annual_rate: Rate
    term_days: int
    cash_value: Decimal
    outstanding_principal: Decimal
    accrued_interest: Decimal
    unpaid_premiums: Decimal


@model_type(models.ServicingRequest, name="ServicingRequest")
class ServicingRequestType(relay.Node):
    amount: Decimal | None
    submitted_at: datetime
    decided_at: datetime | None
    completed_at: datetime | None

    type: RequestTypeEnum

    status: RequestStatusEnum

    @strawberry_django.field(only=["reasons"], description="Why it was routed or refused, translated.")
    def reasons(self) -> list[str]:
        return [reason_text(code) for code in self.reasons]

    @strawberry_django.field(only=["reasons"])
    def reason_codes(self) -> list[ReasonCodeEnum]:
        return [ReasonCodeEnum(code) for code in self.reasons if code in REASON_TEXT]

    @strawberry_django.field(
        only=["type", "status", "amount", "reasons"], description="The outcome as a sentence to read aloud."
    )
    def read_aloud_text(self) -> str:
        return request_sentence(self, get_language() or settings.LANGUAGE_CODE)

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return selectors.servicing_request_scope(queryset, viewer=info.context.viewer)


@model_type(models.PolicyLoan, name="PolicyLoan")
class LoanType(relay.Node):
    principal: Decimal
    outstanding_principal: Decimal
    annual_rate: Rate
    term_days: int
    disbursed_on: date | None
    due_on: date | None

    status: LoanStatusEnum

    @strawberry_django.field(
        only=["outstanding_principal", "accrued_interest", "annual_rate", "interest_from", "status"],
        description="Unpaid interest as of today.",
    )
    def interest(self) -> Decimal:
        return loan_interest(self, business_today())

    @strawberry_django.field(
        only=["outstanding_principal", "accrued_interest", "annual_rate", "interest_from", "status"]
    )
    def total_owed(self) -> Decimal:
        return self.outstanding_principal + loan_interest(self, business_today())

    @strawberry_django.field(only=["policy__number"], select_related=["policy"])
    def policy_number(self) -> str:
        return self.policy.number

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return selectors.loan_scope(queryset, viewer=info.context.viewer)


@model_type(models.Benefit, name="Benefit")
class BenefitType(relay.Node):
    amount: Decimal = strawberry_django.field(description="What is paid out, after `loanOffset`.")
    loan_offset: Decimal = strawberry_django.field(
        description="Policy loans (interest first) settled out of a maturity benefit."
    )
    available_from: date
    claimed_at: datetime | None
    paid_at: datetime | None

    kind: BenefitKindEnum

    status: BenefitStatusEnum

    @strawberry_django.field(only=["policy__number"], select_related=["policy"])
    def policy_number(self) -> str:
        return self.policy.number

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return selectors.benefit_scope(queryset, viewer=info.context.viewer)


# Optimizer hints take callables; each returns the selectors' Prefetch for a fresh queryset.
def _policy_loans(info):
    return selectors.policy_loans_prefetch()


def _policy_benefits(info):
    return selectors.policy_benefits_prefetch()


def _unpaid_premiums(info):
    return selectors.unpaid_premiums_prefetch()


def _open_loan_requests(info):
    return selectors.open_loan_requests_prefetch()


def _cash_values(info):
    return selectors.cash_values_prefetch()


def _rows(policy, attr: str, prefetch) -> list:
    """A prefetched list the optimizer normally attaches; loaded here for a policy that reached the
    type another way (a mutation's payload, an application's policy)."""
    if not hasattr(policy, attr):
        prefetch_related_objects([policy], prefetch(None))
    return getattr(policy, attr)


@model_type(models.Policy, name="Policy")
class PolicyType(relay.Node):
    number: str
    product: ProductType
    holder: CustomerType
    insured: CustomerType
    effective_date: date
    maturity_date: date | None
    paid_to_date: date
    premium: Decimal
    sum_assured: Decimal
    servicing_requests: list[ServicingRequestType]

    status: PolicyStatusEnum

    # The policy's own rows, visible wherever the policy is (the policy's scope decided that): read
    # once, without re-applying the loan and benefit scopes' subqueries per page.
    @strawberry_django.field(
        prefetch_related=[_policy_loans], description="The policy's loans, repaid ones included."
    )
    def loans(self) -> list[LoanType]:
        return _rows(self, "loan_rows", _policy_loans)

    @strawberry_django.field(prefetch_related=[_policy_benefits])
    def benefits(self) -> list[BenefitType]:
        return _rows(self, "benefit_rows", _policy_benefits)

    frequency: FrequencyEnum

    @strawberry_django.field(
        only=["effective_date"], prefetch_related=[_cash_values], description="Cash value today."
    )
    def cash_value(self) -> Decimal:
        return current_cash_value(self, business_today(), _rows(self, "cash_value_rows", _cash_values))

    @strawberry_django.field(
        prefetch_related=[_unpaid_premiums], description="The earliest premium not yet paid."
    )
    def next_premium(self) -> PremiumDueType | None:
        premium = next(iter(_rows(self, "unpaid_premiums", _unpaid_premiums)), None)
        if premium is None:
            return None
        return PremiumDueType(
            due_date=premium.due_date, amount=premium.amount, status=models.PremiumStatus(premium.status)
        )

    @strawberry_django.field(
        only=["renewal_account__bank_name", "renewal_account__account_number"],
        select_related=["renewal_account"],
    )
    def renewal_account(self) -> RenewalAccountType | None:
        account = self.renewal_account
        if account is None:
            return None
        return RenewalAccountType(bank_name=account.bank_name, masked_number=account.masked_number)

    @strawberry_django.field(
        only=[
            "holder_id",
            "status",
            "effective_date",
            "product__loanable",
            "product__loan_ratio",
            "product__loan_annual_rate",
            "product__loan_term_days",
            "product__loan_min_amount",
            "product__cooling_off_days",
        ],
        select_related=["product"],
        prefetch_related=[_cash_values, _policy_loans, _unpaid_premiums, _open_loan_requests],
        description="What the viewer may borrow on this policy today.",
    )
    def loan_quote(self, info: Info) -> LoanQuoteType:
        quote = loan_quote(
            self,
            on=business_today(),
            customer_id=_viewer_customer_id(info),
            cash_values=_rows(self, "cash_value_rows", _cash_values),
            loans=_rows(self, "loan_rows", _policy_loans),
            premiums=_rows(self, "unpaid_premiums", _unpaid_premiums),
            has_open_loan_request=bool(_rows(self, "open_loan_requests", _open_loan_requests)),
        )
        return LoanQuoteType(
            eligible=quote.eligible,
            reason_code=ReasonCodeEnum(quote.reason_code) if quote.reason_code else None,
            reason=reason_text(quote.reason_code) if quote.reason_code else None,
            max_amount=quote.max_amount,
            min_amount=quote.min_amount,
            annual_rate=quote.annual_rate,
            term_days=quote.term_days,
            cash_value=quote.cash_value,
            outstanding_principal=quote.outstanding_principal,
            accrued_interest=quote.accrued_interest,
            unpaid_premiums=quote.unpaid_premiums,
        )

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return selectors.policy_scope(queryset, viewer=info.context.viewer)


@strawberry.type(name="RepaymentQuoteItem")
class RepaymentQuoteItemType:
    loan: LoanType
    principal: Decimal
    interest: Decimal
    total: Decimal


@strawberry.type(name="RepaymentQuote")
class RepaymentQuoteType:
    items: list[RepaymentQuoteItemType]
    total: Decimal


RepaymentStatusEnum = strawberry.enum(models.RepaymentStatus, name="RepaymentStatus")


@model_type(models.Repayment, name="RepaymentRecord")
class RepaymentRecordType(relay.Node):
    total: Decimal
    paid_on: date

    @strawberry_django.field(only=["status"], description="COLLECTING until the bank has taken the money.")
    def status(self) -> RepaymentStatusEnum:
        return models.RepaymentStatus(self.status)

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        customer_id = _viewer_customer_id(info)
        return queryset.filter(customer_id=customer_id) if customer_id else queryset.none()


@model_type(CustomerProfile, name="AgentCustomer")
class AgentCustomerType(relay.Node):
    """A customer as their servicing agent sees them: contact data masked, only the agent's policies."""

    name: str

    @strawberry_django.field(only=["user__phone"], select_related=["user"])
    def masked_phone(self) -> str:
        return self.user.masked_phone

    @strawberry_django.field(only=["id_number"])
    def masked_id_number(self) -> str:
        return self.masked_id_number

    @strawberry_django.field(only=["birth_date"])
    def age(self) -> int:
        return self.age_on(business_today())

    policies: list[PolicyType] = strawberry_django.field(
        field_name="held_policies", description="Only the policies this agent services."
    )

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        viewer = info.context.viewer
        if viewer is None:
            return queryset.none()
        return queryset.filter(pk__in=selectors.customers_of_agent(viewer=viewer).values("pk"))
