"""Inputs and payloads of the pool's mutations."""

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
    errors: list[UserError] = strawberry.field(default_factory=list)
