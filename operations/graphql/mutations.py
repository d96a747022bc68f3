"""The pool's mutations; each resolves its ids through the viewer's scope and calls one service."""

import strawberry
from django.utils import timezone
from strawberry.types import Info

from core.graphql.errors import Forbidden, returns_user_errors
from core.graphql.resolvers import orm_resolver
from operations import models, selectors
from operations.services import presence, tasks

from .access import colleague_for, task_for
from .inputs import (
    CompleteTaskInput,
    HeartbeatPayload,
    ReassignTaskInput,
    StartCallPayload,
    TaskInput,
    TaskPayload,
)
from .types import HeartbeatPresenceType, StaffOnly


def _payload(task: models.Task) -> TaskPayload:
    # The service's row, re-read through the optimizer-free path: a payload is one task.
    return TaskPayload(task=task)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        permission_classes=[StaffOnly], description="Take an open task, or acknowledge one given to you."
    )
    @orm_resolver
    @returns_user_errors(TaskPayload)
    def accept_task(self, info: Info, input: TaskInput) -> TaskPayload:
        return _payload(tasks.task_accept(user=info.context.viewer, task=task_for(info, input.task_id)))

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="APPROVE | REJECT (with the reason in note) for reviews; APPROVE | DECLINE | POSTPONE (a "
        "reason for the last two) for underwriting; CONFIRMED | "
        "REFUSED | UNREACHABLE for callbacks; RESOLVED | UNRESOLVED for follow-ups; PASS | FAIL with a score "
        "for QA.",
    )
    @orm_resolver
    @returns_user_errors(TaskPayload)
    def complete_task(self, info: Info, input: CompleteTaskInput) -> TaskPayload:
        task = tasks.task_complete(
            user=info.context.viewer,
            task=task_for(info, input.task_id),
            outcome=input.outcome.value,
            note=input.note or "",
            score=input.score,
        )
        return _payload(task)

    @strawberry.mutation(permission_classes=[StaffOnly], description="Hand your task back to the pool.")
    @orm_resolver
    @returns_user_errors(TaskPayload)
    def release_task(self, info: Info, input: TaskInput) -> TaskPayload:
        return _payload(tasks.task_release(user=info.context.viewer, task=task_for(info, input.task_id)))

    @strawberry.mutation(
        permission_classes=[StaffOnly], description="Supervisors: move a task to a colleague."
    )
    @orm_resolver
    @returns_user_errors(TaskPayload)
    def reassign_task(self, info: Info, input: ReassignTaskInput) -> TaskPayload:
        if not selectors.is_supervisor(info.context.viewer):
            raise Forbidden()
        task = tasks.task_reassign(
            by=info.context.viewer,
            task=task_for(info, input.task_id),
            to_user=colleague_for(info, input.to_staff_id),
        )
        return _payload(task)

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="The workbench is open: keeps your availability alive (60 s without one makes you OFFLINE).",
    )
    @orm_resolver
    @returns_user_errors(HeartbeatPayload)
    def heartbeat(self, info: Info) -> HeartbeatPayload:
        now = timezone.now()
        state = presence.heartbeat(user=info.context.viewer, now=now)
        return HeartbeatPayload(
            presence=HeartbeatPresenceType(
                status=models.Availability(state.status), last_heartbeat_at=state.last_heartbeat_at
            ),
            server_time=now,
        )

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="Callbacks and follow-ups: start the call; answers the number to dial (audited).",
    )
    @orm_resolver
    @returns_user_errors(StartCallPayload)
    def start_call(self, info: Info, input: TaskInput) -> StartCallPayload:
        task = task_for(info, input.task_id)
        phone = tasks.task_call_start(user=info.context.viewer, task=task)
        return StartCallPayload(task=models.Task.objects.get(pk=task.pk), phone=phone)
