"""New-business mutations: thin, they resolve ids through the viewer's scope and call a service."""

from decimal import Decimal

import strawberry
from strawberry import relay
from strawberry.types import Info

from accounts.models import CustomerProfile
from accounts.selectors import customer_scope
from core.errors import ServiceError
from core.graphql.errors import Forbidden, UserError, returns_user_errors
from core.graphql.ids import not_found, pk_of, resolve_scoped
from core.graphql.permissions import IsAuthenticated
from core.graphql.resolvers import orm_resolver
from elder_mode.graphql.types import RiskAcknowledgementInput
from new_business import models, selectors
from new_business.services import applications, callbacks, issue
from policies import models as policy_models
from policies import selectors as policy_selectors
from policies.graphql.types import FrequencyEnum, PolicyType, ServicingRequestType

from .types import AgentOnly, ApplicationType, CallbackQuestionEnum, CustomerOnly, PolicyCallbackType


@strawberry.input
class HealthAnswerInput:
    code: str
    yes: bool


@strawberry.input
class SubmitApplicationInput:
    customer_id: relay.GlobalID = strawberry.field(description="An AgentCustomer id (agentCustomers).")
    product_code: str
    sum_assured: Decimal
    frequency: FrequencyEnum
    term_years: int
    health_answers: list[HealthAnswerInput]
    idempotency_key: str


@strawberry.type
class SubmitApplicationPayload:
    application: ApplicationType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class ConfirmApplicationInput:
    application_id: relay.GlobalID
    bank_account_id: relay.GlobalID
    idempotency_key: str
    risk_acknowledgement: RiskAcknowledgementInput | None = None


@strawberry.type
class ConfirmApplicationPayload:
    application: ApplicationType | None = None
    policy: PolicyType | None = strawberry.field(
        default=None,
        description="Once the first premium is in (often at once; else follow applicationEvents).",
    )
    request: ServicingRequestType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class CancelInCoolingOffInput:
    policy_id: relay.GlobalID
    bank_account_id: relay.GlobalID
    idempotency_key: str
    risk_acknowledgement: RiskAcknowledgementInput | None = None


@strawberry.type
class CancelInCoolingOffPayload:
    policy: PolicyType | None = None
    request: ServicingRequestType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class PolicyCallbackAnswerInput:
    code: CallbackQuestionEnum
    yes: bool


@strawberry.input
class AnswerPolicyCallbackInput:
    callback_id: relay.GlobalID
    answers: list[PolicyCallbackAnswerInput]


@strawberry.type
class AnswerPolicyCallbackPayload:
    callback: PolicyCallbackType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class WithdrawApplicationInput:
    application_id: relay.GlobalID


@strawberry.type
class WithdrawApplicationPayload:
    application: ApplicationType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def _ack(input) -> str | None:
    ack = input.risk_acknowledgement
    return str(ack.challenge_id)[:64] if ack is not None else None


def _customer(info: Info):
    customer = getattr(info.context.require_viewer(), "customer", None)
    if customer is None:
        raise Forbidden()
    return customer


def _application(info: Info, gid) -> models.Application:
    qs = selectors.application_scope(models.Application.objects.all(), viewer=info.context.viewer)
    return resolve_scoped(qs, gid, type_name="Application", field="applicationId")


def _bank_account(info: Info, gid) -> policy_models.BankAccount:
    qs = policy_selectors.bank_account_scope(
        policy_models.BankAccount.objects.all(), viewer=info.context.viewer
    )
    return resolve_scoped(qs, gid, type_name="BankAccount", field="bankAccountId")


def _fresh(application: models.Application) -> models.Application:
    return models.Application.objects.get(pk=application.pk)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        permission_classes=[AgentOnly],
        description="Submit an e-application for a customer I service; underwritten at once where the rules allow.",
    )
    @orm_resolver
    @returns_user_errors(SubmitApplicationPayload)
    def submit_application(self, info: Info, input: SubmitApplicationInput) -> SubmitApplicationPayload:
        viewer = info.context.viewer
        agent = getattr(viewer, "agent", None)
        if agent is None:
            raise Forbidden()
        try:
            pk = pk_of(input.customer_id, type_name="AgentCustomer", field="customerId")
        except ServiceError:
            pk = pk_of(input.customer_id, type_name="Customer", field="customerId")
        customer = customer_scope(CustomerProfile.objects.all(), viewer=viewer).filter(pk=pk).first()
        if customer is None:
            raise not_found("customerId")
        result = applications.application_submit(
            agent=agent,
            actor=viewer,
            customer=customer,
            product_code=input.product_code,
            sum_assured=input.sum_assured,
            frequency=input.frequency.value,
            term_years=input.term_years,
            health_answers=[
                applications.HealthAnswer(code=a.code[:24], yes=a.yes) for a in input.health_answers[:100]
            ],
            idempotency_key=input.idempotency_key,
        )
        return SubmitApplicationPayload(application=_fresh(result.application))

    @strawberry.mutation(
        permission_classes=[CustomerOnly],
        description="Sign my approved application and pay the first premium; the policy is issued when it is in.",
    )
    @orm_resolver
    @returns_user_errors(ConfirmApplicationPayload)
    def confirm_application(self, info: Info, input: ConfirmApplicationInput) -> ConfirmApplicationPayload:
        result = issue.application_confirm(
            customer=_customer(info),
            actor=info.context.viewer,
            application=_application(info, input.application_id),
            bank_account=_bank_account(info, input.bank_account_id),
            idempotency_key=input.idempotency_key,
            risk_ack=_ack(input),
        )
        application = models.Application.objects.select_related("policy").get(pk=result.application.pk)
        return ConfirmApplicationPayload(
            application=application,
            policy=application.policy,
            request=policy_models.ServicingRequest.objects.filter(pk=result.request.pk).first(),
        )

    @strawberry.mutation(
        permission_classes=[CustomerOnly],
        description="Cancel a policy within its 15-day cooling-off period: every premium paid comes back.",
    )
    @orm_resolver
    @returns_user_errors(CancelInCoolingOffPayload)
    def cancel_in_cooling_off(self, info: Info, input: CancelInCoolingOffInput) -> CancelInCoolingOffPayload:
        qs = policy_selectors.policy_scope(
            policy_models.Policy.objects.select_related("product"), viewer=info.context.viewer
        )
        policy = resolve_scoped(qs, input.policy_id, type_name="Policy", field="policyId")
        result = issue.policy_cancel_in_cooling_off(
            customer=_customer(info),
            actor=info.context.viewer,
            policy=policy,
            bank_account=_bank_account(info, input.bank_account_id),
            idempotency_key=input.idempotency_key,
            risk_ack=_ack(input),
        )
        return CancelInCoolingOffPayload(
            policy=policy_models.Policy.objects.get(pk=result.policy.pk),
            request=policy_models.ServicingRequest.objects.filter(pk=result.request.pk).first(),
        )

    @strawberry.mutation(permission_classes=[CustomerOnly], description="Answer a new-policy callback.")
    @orm_resolver
    @returns_user_errors(AnswerPolicyCallbackPayload)
    def answer_policy_callback(
        self, info: Info, input: AnswerPolicyCallbackInput
    ) -> AnswerPolicyCallbackPayload:
        qs = selectors.callback_scope(models.PolicyCallback.objects.all(), viewer=info.context.viewer)
        callback = resolve_scoped(qs, input.callback_id, type_name="PolicyCallback", field="callbackId")
        answered = callbacks.policy_callback_answer(
            callback=callback,
            answers=[(a.code.value, a.yes) for a in input.answers[:20]],
            actor=info.context.viewer,
        )
        return AnswerPolicyCallbackPayload(callback=models.PolicyCallback.objects.get(pk=answered.pk))

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="The agent or the customer withdraws an application not yet paid for.",
    )
    @orm_resolver
    @returns_user_errors(WithdrawApplicationPayload)
    def withdraw_application(self, info: Info, input: WithdrawApplicationInput) -> WithdrawApplicationPayload:
        viewer = info.context.require_viewer()
        if getattr(viewer, "agent", None) is None and getattr(viewer, "customer", None) is None:
            raise Forbidden()
        application = applications.application_withdraw(
            application=_application(info, input.application_id), actor=viewer
        )
        return WithdrawApplicationPayload(application=_fresh(application))
