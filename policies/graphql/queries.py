"""Customer and agent reads of policies and servicing."""

from collections.abc import Iterable

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from accounts.models import CustomerProfile, Role
from core.errors import ServiceError
from core.graphql.errors import Forbidden, NotFound
from core.graphql.ids import pk_of
from core.graphql.permissions import has_role
from core.money import ZERO
from policies import models, selectors
from policies.services.repayments import repayment_quote

from .types import (
    AgentCustomerType,
    BankAccountType,
    BenefitStatusEnum,
    BenefitType,
    LoanStatusEnum,
    LoanType,
    PolicyStatusEnum,
    PolicyType,
    RepaymentQuoteItemType,
    RepaymentQuoteType,
    ServicingRequestType,
)

CustomerOnly = has_role(Role.CUSTOMER)
AgentOnly = has_role(Role.AGENT)


def _customer(info: Info):
    customer = getattr(info.context.require_viewer(), "customer", None)
    if customer is None:
        raise Forbidden()
    return customer


@strawberry.type
class Query:
    @strawberry_django.connection(DjangoListConnection[PolicyType], permission_classes=[CustomerOnly])
    def my_policies(self, info: Info, status: PolicyStatusEnum | None = None) -> Iterable[models.Policy]:
        _customer(info)
        return selectors.policies_held_by(viewer=info.context.viewer, status=status.value if status else None)

    @strawberry_django.field(permission_classes=[CustomerOnly])
    def my_loans(self, info: Info, status: LoanStatusEnum | None = None) -> list[LoanType]:
        return selectors.loans_for_customer(customer=_customer(info), status=status.value if status else None)

    @strawberry_django.field(permission_classes=[CustomerOnly])
    def my_benefits(self, info: Info, status: BenefitStatusEnum | None = None) -> list[BenefitType]:
        return selectors.benefits_for_customer(
            customer=_customer(info), status=status.value if status else None
        )

    @strawberry_django.field(permission_classes=[CustomerOnly])
    def my_bank_accounts(self, info: Info) -> list[BankAccountType]:
        return selectors.bank_accounts_for_customer(customer=_customer(info))

    @strawberry_django.connection(
        DjangoListConnection[ServicingRequestType], permission_classes=[CustomerOnly]
    )
    def my_servicing_requests(self, info: Info) -> Iterable[models.ServicingRequest]:
        return selectors.servicing_requests_for_customer(customer=_customer(info))

    @strawberry.field(
        permission_classes=[CustomerOnly], description="All active loans when loanIds is omitted."
    )
    def repayment_quote(self, info: Info, loan_ids: list[relay.GlobalID] | None = None) -> RepaymentQuoteType:
        pks = None
        if loan_ids is not None:
            try:
                pks = {pk_of(gid, type_name="PolicyLoan", field="loanIds") for gid in loan_ids}
            except ServiceError as exc:
                raise NotFound() from exc
        loans = list(selectors.active_loans_for_customer(customer=_customer(info), pks=pks))
        # A loan that is not the customer's (or not active) answers as a missing one would: a quote
        # of 0.00 would read as "nothing owed".
        if pks is not None and len(loans) != len(pks):
            raise NotFound()
        rows = repayment_quote(loans=loans)
        return RepaymentQuoteType(
            items=[RepaymentQuoteItemType(**row) for row in rows],
            total=sum((row["total"] for row in rows), ZERO),
        )

    @strawberry_django.connection(DjangoListConnection[AgentCustomerType], permission_classes=[AgentOnly])
    def agent_customers(self, info: Info, search: str | None = None) -> Iterable[CustomerProfile]:
        return selectors.customers_of_agent(viewer=info.context.viewer, search=search)

    @strawberry.field(permission_classes=[AgentOnly])
    def agent_customer(self, info: Info, id: relay.GlobalID) -> AgentCustomerType | None:
        return id.resolve_node_sync(info, required=False) if id.type_name == "AgentCustomer" else None
