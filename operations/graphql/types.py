"""The pool's GraphQL types: tasks, the customer as staff see them, the board."""

from datetime import datetime

import strawberry
import strawberry_django
from django.utils import timezone
from strawberry import relay
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from accounts.models import Role
from core.graphql.fields import model_type
from core.graphql.permissions import has_role
from core.masking import mask_id_number, mask_name, mask_phone
from operations import models, selectors

StaffOnly = has_role(Role.STAFF, Role.ADMIN)

TaskKindEnum = strawberry.enum(models.TaskKind, name="TaskKind")
TaskStatusEnum = strawberry.enum(models.TaskStatus, name="TaskStatus")
TaskOutcomeEnum = strawberry.enum(models.TaskOutcome, name="TaskOutcome")
SkillEnum = strawberry.enum(models.Skill, name="Skill")
LanguageEnum = strawberry.enum(models.Language, name="SpokenLanguage")
SubjectTypeEnum = strawberry.enum(models.SubjectType, name="TaskSubjectType")
AvailabilityEnum = strawberry.enum(models.Availability, name="Availability")

# The GraphQL type each subject resolves to (a Node: `subject` is fetched through its own scope).
SUBJECT_NODE = {
    models.SubjectType.SERVICING_REQUEST: "ServicingRequest",
    models.SubjectType.CONVERSATION: "Conversation",
    models.SubjectType.TASK: "Task",
    models.SubjectType.POLICY: "Policy",
    models.SubjectType.SURVEY: "Survey",
    models.SubjectType.APPLICATION: "Application",
}


@strawberry.type(name="TaskCustomer", description="The customer a task is about, as the pool shows them.")
class TaskCustomerType:
    customer_id: relay.GlobalID = strawberry.field(
        description="The Customer id: ask customer360 while you hold the task."
    )
    masked_name: str
    elderly: bool
    language: LanguageEnum


@model_type(models.Task, name="Task")
class TaskType(relay.Node):
    priority: int
    due_at: datetime
    created_at: datetime
    assigned_at: datetime | None
    completed_at: datetime | None
    note: str
    attempts: int
    qa_score: int | None

    kind: TaskKindEnum

    status: TaskStatusEnum

    skill: SkillEnum

    @strawberry_django.field(only=["outcome"])
    def outcome(self) -> TaskOutcomeEnum | None:
        return models.TaskOutcome(self.outcome) if self.outcome else None

    @strawberry_django.field(
        only=["status", "at_risk_from"], description="80% of its SLA has passed and it is not finished."
    )
    def at_risk(self) -> bool:
        return self.status in models.OPEN_STATUSES and self.at_risk_from <= timezone.now()

    @strawberry_django.field(only=["status", "due_at"])
    def overdue(self) -> bool:
        return self.status in models.OPEN_STATUSES and self.due_at <= timezone.now()

    @strawberry_django.field(only=["kind"], description="The kind, in the reader's language.")
    def kind_label(self) -> str:
        return str(models.TaskKind(self.kind).label)

    @strawberry_django.field(
        only=["customer_id", "elderly", "language", "customer__name"], select_related=["customer"]
    )
    def customer(self) -> TaskCustomerType:
        return TaskCustomerType(
            customer_id=relay.GlobalID("Customer", str(self.customer_id)),
            masked_name=mask_name(self.customer.name),
            elderly=self.elderly,
            language=models.Language(self.language),
        )

    subject_type: SubjectTypeEnum

    @strawberry_django.field(only=["subject_type", "subject_id"])
    def subject_id(self) -> relay.GlobalID:
        return relay.GlobalID(SUBJECT_NODE[self.subject_type], str(self.subject_id))

    @strawberry_django.field(
        only=["subject_type", "subject_id"],
        description="What the task is about (a ServicingRequest, Conversation, Task…), seen through its own "
        "access rules.",
    )
    def subject(self, info: Info) -> relay.Node | None:
        if hasattr(self, "_subject"):  # fetched with its page (TaskConnection)
            return self._subject
        return subjects_attach([self], info)[0]._subject

    @strawberry_django.field(
        only=["assignee_id", "assignee__display_name", "assignee__staff__name"],
        select_related=["assignee", "assignee__staff"],
    )
    def assignee(self) -> "StaffMemberType | None":
        return StaffMemberType.from_user(self.assignee) if self.assignee_id else None

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return selectors.task_scope(queryset, viewer=info.context.viewer)


def subjects_attach(tasks: list, info: Info) -> list:
    """Fetch the subjects of `tasks` with one query per subject type, each through its own Node type
    (so its access rules apply), and keep each on its task."""
    by_type: dict[str, list] = {}
    for task in tasks:
        by_type.setdefault(SUBJECT_NODE[task.subject_type], []).append(task)
    for type_name, group in by_type.items():
        definition = info.schema.get_type_by_name(type_name)
        if definition is None:  # a subject type whose app is not installed yet
            found = [None] * len(group)
        else:
            found = list(
                definition.origin.resolve_nodes(
                    info=info, node_ids=[str(task.subject_id) for task in group], required=False
                )
            )
        for task, subject in zip(group, found, strict=True):
            task._subject = subject
    return tasks


@strawberry.type(name="TaskConnection", description="A page of tasks.")
class TaskConnection(DjangoListConnection[TaskType]):
    @classmethod
    def resolve_connection(cls, nodes, *, info: Info, **kwargs):
        connection = super().resolve_connection(nodes, info=info, **kwargs)
        subjects_attach([edge.node for edge in connection.edges], info)
        return connection


@strawberry.type(name="StaffMember", description="A colleague in the pool.")
class StaffMemberType:
    colleague_id: relay.GlobalID = strawberry.field(
        description="The Colleague id (reassignTask's toStaffId)."
    )
    display_name: str

    @classmethod
    def from_user(cls, user) -> "StaffMemberType":
        name = getattr(getattr(user, "staff", None), "name", "") or user.display_name
        return cls(colleague_id=relay.GlobalID("Colleague", str(user.pk)), display_name=name)


@strawberry.type(name="OperationsBoardKind")
class BoardKindType:
    kind: TaskKindEnum
    open: int
    at_risk: int
    overdue: int


@strawberry.type(name="OperationsBoardStaff")
class BoardStaffType:
    colleague_id: relay.GlobalID
    display_name: str
    status: AvailabilityEnum
    online: bool
    active_tasks: int
    active_chats: int
    last_heartbeat_at: datetime | None


@strawberry.type(name="OperationsBoard")
class OperationsBoardType:
    kinds: list[BoardKindType]
    staff: list[BoardStaffType]
    at: datetime

    @classmethod
    def from_board(cls, board: dict, now: datetime) -> "OperationsBoardType":
        kinds = [
            BoardKindType(
                kind=models.TaskKind(kind),
                open=board["kinds"].get(kind, {}).get("open", 0),
                at_risk=board["kinds"].get(kind, {}).get("at_risk", 0),
                overdue=board["kinds"].get(kind, {}).get("overdue", 0),
            )
            for kind in models.TaskKind.values
        ]
        staff = [
            BoardStaffType(
                colleague_id=relay.GlobalID("Colleague", str(p.user_id)),
                display_name=getattr(getattr(p.user, "staff", None), "name", "") or p.user.display_name,
                status=models.Availability(p.status),
                online=p.status == models.Availability.ONLINE,
                active_tasks=p.active_tasks,
                active_chats=p.active_chats,
                last_heartbeat_at=p.last_heartbeat_at,
            )
            for p in board["staff"]
        ]
        return cls(kinds=kinds, staff=staff, at=now)


@strawberry.type(name="Presence", description="The caller's availability as the pool sees it.")
class HeartbeatPresenceType:
    status: AvailabilityEnum
    last_heartbeat_at: datetime | None


def customer_brief(customer) -> dict:
    return {
        "masked_name": mask_name(customer.name),
        "masked_phone": mask_phone(customer.user.phone),
        "masked_id_number": mask_id_number(customer.id_number),
    }
