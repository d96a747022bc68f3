"""The pool's queries: one's tasks, the queue one may take from, a customer's whole picture while
one handles them, and the supervisors' board."""

from collections.abc import Iterable
from datetime import date

import strawberry
import strawberry_django
from django.utils import timezone
from strawberry import relay
from strawberry.types import Info

from chat.graphql.types import ConversationType
from core.errors import ServiceError
from core.graphql.errors import Forbidden, NotFound
from core.graphql.ids import pk_of
from core.graphql.resolvers import orm_resolver
from operations import models, selectors
from operations.services import customers
from policies.graphql.types import PolicyType, ServicingRequestType

from .types import (
    HeartbeatPresenceType,
    LanguageEnum,
    OperationsBoardType,
    SkillEnum,
    StaffOnly,
    TaskConnection,
    TaskKindEnum,
    TaskStatusEnum,
    TaskType,
    customer_brief,
)

RECENT_CHATS = 5


@strawberry.type(name="Customer360", description="A customer as the person handling them sees them.")
class Customer360Type:
    customer_id: relay.GlobalID
    masked_name: str
    masked_phone: str
    masked_id_number: str
    age: int
    elderly: bool
    language: LanguageEnum
    _customer: strawberry.Private[object]

    @strawberry_django.field
    def policies(self) -> list[PolicyType]:
        return self._customer.held_policies.order_by("number")

    @strawberry_django.field(description="Requests not finished yet.")
    def open_requests(self) -> list[ServicingRequestType]:
        return self._customer.servicing_requests.filter(
            status__in=["SUBMITTED", "PENDING_REVIEW", "HELD_FOR_CALLBACK", "APPROVED"]
        ).order_by("-submitted_at")

    @strawberry.field
    def recent_chats(self) -> list[ConversationType]:
        return ConversationType.recent_of(customer=self._customer, limit=RECENT_CHATS)

    @strawberry_django.field(description="Unfinished pool work about this customer.")
    def open_tasks(self) -> list[TaskType]:
        return models.Task.objects.filter(customer=self._customer, status__in=models.OPEN_STATUSES).order_by(
            "due_at"
        )


@strawberry.type(name="StaffSelf", description="The caller as the pool knows them.")
class StaffSelfType:
    display_name: str
    roles: list[str] = strawberry.field(
        description="Role groups: desk, reviewer, callback, underwriter, qa, supervisor."
    )
    skills: list[SkillEnum]
    languages: list[LanguageEnum]
    supervisor: bool
    presence: HeartbeatPresenceType


@strawberry.type
class Query:
    @strawberry.field(
        permission_classes=[StaffOnly], description="Who I am in the pool, and my availability."
    )
    @orm_resolver
    def my_staff_profile(self, info: Info) -> StaffSelfType:
        viewer = info.context.viewer
        me = selectors.staff_self(viewer=viewer)
        presence = me["presence"]
        name = getattr(getattr(viewer, "staff", None), "name", "") or viewer.display_name
        return StaffSelfType(
            display_name=name,
            roles=me["roles"],
            skills=[models.Skill(s) for s in me["skills"]],
            languages=[models.Language(code) for code in me["languages"]],
            supervisor=me["supervisor"],
            presence=HeartbeatPresenceType(
                status=models.Availability(presence.status if presence else models.Availability.OFFLINE),
                last_heartbeat_at=presence.last_heartbeat_at if presence else None,
            ),
        )

    @strawberry_django.connection(
        TaskConnection,
        permission_classes=[StaffOnly],
        description="Supervisors: unfinished tasks, held or not (only those at risk or overdue with atRisk).",
    )
    def board_tasks(
        self, info: Info, at_risk: bool = False, kind: TaskKindEnum | None = None
    ) -> Iterable[models.Task]:
        if not selectors.is_supervisor(info.context.viewer):
            raise Forbidden()
        return selectors.board_tasks(
            viewer=info.context.viewer, now=timezone.now(), at_risk=at_risk, kind=kind.value if kind else None
        )

    @strawberry_django.connection(TaskConnection, permission_classes=[StaffOnly])
    def my_tasks(self, info: Info, status: TaskStatusEnum | None = None) -> Iterable[models.Task]:
        return selectors.my_tasks(viewer=info.context.viewer, status=status.value if status else None)

    @strawberry_django.connection(
        TaskConnection,
        permission_classes=[StaffOnly],
        description="Open tasks nobody holds that your roles may take, in the order the pool hands them out.",
    )
    def task_queue(self, info: Info, kind: TaskKindEnum | None = None) -> Iterable[models.Task]:
        return selectors.task_queue(
            viewer=info.context.viewer, kind=kind.value if kind else None, now=timezone.now()
        )

    @strawberry.field(
        permission_classes=[StaffOnly],
        description="Only while you hold a task or an active chat about this customer; every look is audited.",
    )
    def customer360(self, info: Info, customer_id: relay.GlobalID) -> Customer360Type:
        viewer = info.context.viewer
        try:
            pk = pk_of(customer_id, type_name="Customer", field="customerId")
        except ServiceError as exc:
            raise NotFound() from exc
        customer = customers.customer_look(viewer=viewer, customer_id=pk)
        if customer is None:
            raise NotFound()
        today: date = timezone.localdate()
        return Customer360Type(
            customer_id=relay.GlobalID("Customer", str(customer.pk)),
            **customer_brief(customer),
            age=customer.age_on(today),
            elderly=selectors.customer_elderly(customer, timezone.now()),
            language=models.Language(selectors.customer_language(customer)),
            _customer=customer,
        )

    @strawberry.field(permission_classes=[StaffOnly], description="Supervisors: the pool right now.")
    def operations_board(self, info: Info) -> OperationsBoardType:
        if not selectors.is_supervisor(info.context.viewer):
            raise Forbidden()
        now = timezone.now()
        return OperationsBoardType.from_board(selectors.board(now=now), now)
