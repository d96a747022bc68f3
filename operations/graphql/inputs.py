"""Inputs and payloads of the pool's mutations."""

from datetime import datetime

import strawberry
from strawberry import relay

from core.graphql.errors import UserError

from .types import HeartbeatPresenceType, TaskOutcomeEnum, TaskType


@strawberry.input
class TaskInput:
    task_id: relay.GlobalID


@strawberry.input
class CompleteTaskInput:
    task_id: relay.GlobalID
    outcome: TaskOutcomeEnum
    note: str | None = strawberry.field(default=None, description="The reason: required to reject.")
    score: int | None = strawberry.field(default=None, description="QA reviews: 0 to 100.")


@strawberry.input
class ReassignTaskInput:
    task_id: relay.GlobalID
    to_staff_id: relay.GlobalID


@strawberry.type
class TaskPayload:
    task: TaskType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class HeartbeatPayload:
    presence: HeartbeatPresenceType | None = None
    server_time: datetime | None = strawberry.field(
        default=None, description="The server's clock: the workbench counts SLA and token time on it."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class StartCallPayload:
    task: TaskType | None = None
    phone: str | None = strawberry.field(
        default=None, description="The number to dial, unmasked only to the task's holder (audited)."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)
