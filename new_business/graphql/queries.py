"""What agents and customers read of new business."""

from collections.abc import Iterable

import strawberry
import strawberry_django
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from core.graphql.permissions import IsAuthenticated
from core.graphql.resolvers import orm_resolver
from new_business import models, selectors

from .types import (
    AgentOnly,
    ApplicationStatusEnum,
    ApplicationType,
    CustomerOnly,
    PolicyCallbackType,
    SaleProductType,
)


@strawberry.type
class Query:
    @strawberry.field(
        permission_classes=[IsAuthenticated], description="What can be sold now, in code order."
    )
    @orm_resolver
    def products(self, info: Info) -> list[SaleProductType]:
        terms = list(selectors.products_on_sale())
        questions = selectors.questions_by_product(t.product_id for t in terms)
        return [SaleProductType.from_model(t, questions.get(t.product_id, [])) for t in terms]

    @strawberry_django.connection(
        DjangoListConnection[ApplicationType],
        permission_classes=[AgentOnly],
        description="The applications I submitted, newest first.",
    )
    def agent_applications(
        self, info: Info, status: ApplicationStatusEnum | None = None
    ) -> Iterable[models.Application]:
        return selectors.applications_for_agent(
            viewer=info.context.viewer, status=status.value if status else None
        )

    @strawberry_django.field(permission_classes=[CustomerOnly], description="My applications, newest first.")
    def my_applications(self, info: Info) -> list[ApplicationType]:
        # Unsliced: the type scopes the queryset again (a customer has a handful of applications).
        return selectors.applications_for_customer(viewer=info.context.viewer)

    @strawberry_django.field(
        permission_classes=[CustomerOnly], description="New-policy callbacks waiting for my answers."
    )
    def my_policy_callbacks(self, info: Info) -> list[PolicyCallbackType]:
        return selectors.pending_callbacks_for_customer(viewer=info.context.viewer)
