"""Customers' surveys; the scoreboard for supervisors and admins."""

from datetime import date
from typing import Annotated

import strawberry
from django.utils import timezone
from django.utils.translation import gettext
from strawberry import relay
from strawberry.types import Info

from core.errors import ServiceError
from core.graphql.errors import BadUserInput, Forbidden, NotFound
from core.graphql.ids import pk_of
from core.graphql.permissions import IsAuthenticated
from core.graphql.resolvers import orm_resolver
from feedback import selectors
from feedback.models import Survey
from feedback.services.metrics import period_valid, service_metrics
from operations import selectors as ops_selectors
from operations.services import customers

from .types import CustomerOnly, ServiceMetricsType, StaffOnly, SurveyType


@strawberry.type
class Query:
    @strawberry.field(
        permission_classes=[CustomerOnly],
        description="My surveys, newest first: pending ones (true), answered ones (false), or both.",
    )
    @orm_resolver
    def my_surveys(self, info: Info, pending: bool | None = None) -> list[SurveyType]:
        rows = selectors.surveys_for_customer(viewer=info.context.viewer, now=timezone.now(), pending=pending)
        return [SurveyType.from_model(s) for s in rows.select_related("customer__user__accessibility")[:50]]

    @strawberry.field(
        permission_classes=[StaffOnly],
        description="Staff: a customer's latest surveys, only while you hold a task or chat about them "
        "(customer360's companion); every look is audited.",
    )
    @orm_resolver
    def customer_surveys(self, info: Info, customer_id: relay.GlobalID) -> list[SurveyType]:
        try:
            pk = pk_of(customer_id, type_name="Customer", field="customerId")
        except ServiceError as exc:
            raise NotFound() from exc
        # As customer360: only while the caller handles the customer, and every look is audited.
        if customers.customer_look(viewer=info.context.viewer, customer_id=pk, what="surveys") is None:
            raise NotFound()
        rows = selectors.survey_scope(
            Survey.objects.filter(customer_id=pk), viewer=info.context.viewer, now=timezone.now()
        )
        return [
            SurveyType.from_model(s)
            for s in rows.select_related("customer__user__accessibility").order_by("-created_at")[:5]
        ]

    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="Supervisors and admins: the scoreboard for business days `from`..`to` (both included).",
    )
    @orm_resolver
    def service_metrics(
        self, info: Info, from_: Annotated[date, strawberry.argument(name="from")], to: date
    ) -> ServiceMetricsType:
        if not ops_selectors.is_supervisor(info.context.viewer):
            raise Forbidden()
        if not period_valid(from_, to):
            raise BadUserInput(gettext("Choose a period of 1 to 366 days, `from` before `to`."))
        figures = service_metrics(first=from_, last=to)
        fields = set(ServiceMetricsType.__annotations__)
        return ServiceMetricsType(
            **{k: v for k, v in figures.items() if k in fields},
            from_date=from_.isoformat(),
            to_date=to.isoformat(),
        )
