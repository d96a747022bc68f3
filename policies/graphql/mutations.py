"""Customer self-service mutations: thin, they resolve ids through the viewer's scope and call a service."""

from decimal import Decimal

import strawberry
from strawberry import relay
from strawberry.types import Info

from accounts.models import Role
from core.graphql.errors import UserError, returns_user_errors
from core.graphql.ids import resolve_scoped
from core.graphql.permissions import has_role
from elder_mode.graphql.types import RiskAcknowledgementInput
from policies import models, selectors
from policies.services import accounts as account_services
from policies.services import benefits as benefit_services
from policies.services import decisions, loans, repayments

from .queries import _customer
from .types import (
    BankAccountType,
    BenefitType,
    LoanType,
    PolicyType,
    RepaymentRecordType,
    ServicingRequestType,
)

CustomerOnly = has_role(Role.CUSTOMER)


def _ack(input) -> str | None:
    ack = input.risk_acknowledgement
    return str(ack.challenge_id)[:64] if ack is not None else None


def _request(pk: int | None):
    return models.ServicingRequest.objects.filter(pk=pk).first() if pk else None


def _bank_account(info: Info, gid) -> models.BankAccount:
    qs = selectors.bank_account_scope(models.BankAccount.objects.all(), viewer=info.context.viewer)
    return resolve_scoped(qs, gid, type_name="BankAccount", field="bankAccountId")


def _policy(info: Info, gid, field: str = "policyId") -> models.Policy:
    qs = selectors.policy_scope(models.Policy.objects.select_related("product"), viewer=info.context.viewer)
    return resolve_scoped(qs, gid, type_name="Policy", field=field)


@strawberry.input
class AddBankAccountInput:
    bank_code: str
    account_number: str
    holder_name: str
    risk_acknowledgement: RiskAcknowledgementInput | None = None


@strawberry.type
class AddBankAccountPayload:
    bank_account: BankAccountType | None = None
    request: ServicingRequestType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class AuthorizeRenewalDebitInput:
    policy_ids: list[relay.GlobalID]
    bank_account_id: relay.GlobalID
    risk_acknowledgement: RiskAcknowledgementInput | None = None


@strawberry.type
class AuthorizeRenewalDebitPayload:
    policies: list[PolicyType] = strawberry.field(default_factory=list)
    request: ServicingRequestType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateContactInfoInput:
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    otp: str | None = strawberry.field(
        default=None, description="Code sent to the new phone (requestOtp CONTACT_CHANGE)."
    )
    risk_acknowledgement: RiskAcknowledgementInput | None = None


@strawberry.type
class UpdateContactInfoPayload:
    request: ServicingRequestType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class ApplyPolicyLoanInput:
    policy_id: relay.GlobalID
    amount: Decimal
    bank_account_id: relay.GlobalID
    idempotency_key: str
    risk_acknowledgement: RiskAcknowledgementInput | None = None


@strawberry.type
class ApplyPolicyLoanPayload:
    loan: LoanType | None = None
    request: ServicingRequestType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class RepayLoanItemInput:
    loan_id: relay.GlobalID
    amount: Decimal | None = strawberry.field(default=None, description="Omit to pay the loan off.")


@strawberry.input
class RepayLoansInput:
    items: list[RepayLoanItemInput]
    bank_account_id: relay.GlobalID
    idempotency_key: str


@strawberry.type
class RepayLoansPayload:
    repayment: RepaymentRecordType | None = None
    loans: list[LoanType] = strawberry.field(default_factory=list)
    request: ServicingRequestType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class ClaimBenefitInput:
    benefit_id: relay.GlobalID
    bank_account_id: relay.GlobalID
    idempotency_key: str
    risk_acknowledgement: RiskAcknowledgementInput | None = None


@strawberry.type
class ClaimBenefitPayload:
    benefit: BenefitType | None = None
    request: ServicingRequestType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class CancelServicingRequestInput:
    request_id: relay.GlobalID


@strawberry.type
class CancelServicingRequestPayload:
    request: ServicingRequestType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        permission_classes=[CustomerOnly], description="Verify a bank card with the bank and add it."
    )
    @returns_user_errors(AddBankAccountPayload)
    def add_bank_account(self, info: Info, input: AddBankAccountInput) -> AddBankAccountPayload:
        result = account_services.bank_account_add(
            customer=_customer(info),
            actor=info.context.viewer,
            bank_code=input.bank_code[:16],
            account_number=input.account_number[:64],
            holder_name=input.holder_name[:128],
            risk_ack=_ack(input),
        )
        return AddBankAccountPayload(
            bank_account=models.BankAccount.objects.get(pk=result["bank_account"]),
            request=_request(result["request"]),
        )

    @strawberry.mutation(permission_classes=[CustomerOnly])
    @returns_user_errors(AuthorizeRenewalDebitPayload)
    def authorize_renewal_debit(
        self, info: Info, input: AuthorizeRenewalDebitInput
    ) -> AuthorizeRenewalDebitPayload:
        customer = _customer(info)
        policies = [_policy(info, gid, field=f"policyIds.{i}") for i, gid in enumerate(input.policy_ids[:50])]
        result = account_services.renewal_debit_authorize(
            customer=customer,
            actor=info.context.viewer,
            policies=policies,
            bank_account=_bank_account(info, input.bank_account_id),
            risk_ack=_ack(input),
        )
        return AuthorizeRenewalDebitPayload(
            policies=list(models.Policy.objects.filter(pk__in=[p.pk for p in policies]).order_by("pk")),
            request=_request(result["request"]),
        )

    @strawberry.mutation(permission_classes=[CustomerOnly])
    @returns_user_errors(UpdateContactInfoPayload)
    def update_contact_info(self, info: Info, input: UpdateContactInfoInput) -> UpdateContactInfoPayload:
        result = account_services.contact_update(
            customer=_customer(info),
            actor=info.context.viewer,
            phone=input.phone[:32] if input.phone is not None else None,
            email=input.email[:254] if input.email is not None else None,
            address=input.address[:256] if input.address is not None else None,
            otp=(input.otp or "")[:16] or None,
            risk_ack=_ack(input),
        )
        return UpdateContactInfoPayload(request=_request(result["request"]))

    @strawberry.mutation(permission_classes=[CustomerOnly])
    @returns_user_errors(ApplyPolicyLoanPayload)
    def apply_policy_loan(self, info: Info, input: ApplyPolicyLoanInput) -> ApplyPolicyLoanPayload:
        result = loans.loan_apply(
            customer=_customer(info),
            actor=info.context.viewer,
            policy=_policy(info, input.policy_id),
            amount=input.amount,
            bank_account=_bank_account(info, input.bank_account_id),
            idempotency_key=input.idempotency_key,
            risk_ack=_ack(input),
        )
        return ApplyPolicyLoanPayload(loan=result.loan, request=result.request)

    @strawberry.mutation(
        permission_classes=[CustomerOnly], description="Repay several loans at once, all or nothing."
    )
    @returns_user_errors(RepayLoansPayload)
    def repay_loans(self, info: Info, input: RepayLoansInput) -> RepayLoansPayload:
        loan_qs = selectors.loan_scope(models.PolicyLoan.objects.all(), viewer=info.context.viewer)
        items = [
            repayments.RepayItem(
                loan=resolve_scoped(loan_qs, item.loan_id, type_name="PolicyLoan", field=f"items.{i}.loanId"),
                amount=item.amount,
            )
            for i, item in enumerate(input.items[: repayments.MAX_ITEMS + 1])
        ]
        result = repayments.loans_repay(
            customer=_customer(info),
            actor=info.context.viewer,
            items=items,
            bank_account=_bank_account(info, input.bank_account_id),
            idempotency_key=input.idempotency_key,
        )
        return RepayLoansPayload(
            repayment=result.repayment,
            loans=list(
                models.PolicyLoan.objects.filter(repayment_lines__repayment=result.repayment).order_by("pk")
            ),
            request=result.request,
        )

    @strawberry.mutation(permission_classes=[CustomerOnly])
    @returns_user_errors(ClaimBenefitPayload)
    def claim_benefit(self, info: Info, input: ClaimBenefitInput) -> ClaimBenefitPayload:
        benefit_qs = selectors.benefit_scope(models.Benefit.objects.all(), viewer=info.context.viewer)
        result = benefit_services.benefit_claim(
            customer=_customer(info),
            actor=info.context.viewer,
            benefit=resolve_scoped(benefit_qs, input.benefit_id, type_name="Benefit", field="benefitId"),
            bank_account=_bank_account(info, input.bank_account_id),
            idempotency_key=input.idempotency_key,
            risk_ack=_ack(input),
        )
        return ClaimBenefitPayload(benefit=result.benefit, request=result.request)

    @strawberry.mutation(permission_classes=[CustomerOnly])
    @returns_user_errors(CancelServicingRequestPayload)
    def cancel_servicing_request(
        self, info: Info, input: CancelServicingRequestInput
    ) -> CancelServicingRequestPayload:
        qs = selectors.servicing_request_scope(
            models.ServicingRequest.objects.all(), viewer=info.context.viewer
        )
        request = resolve_scoped(qs, input.request_id, type_name="ServicingRequest", field="requestId")
        return CancelServicingRequestPayload(
            request=decisions.servicing_request_cancel(request=request, actor=info.context.viewer)
        )
