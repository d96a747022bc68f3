"""Inbox and settings for customers; the servicing-butler feed and pushes for agents."""

from collections.abc import Iterable
from datetime import date

import strawberry
import strawberry_django
from django.utils import timezone
from strawberry import relay
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from accounts.models import Role
from core.graphql.errors import UserError, returns_user_errors
from core.graphql.permissions import IsAuthenticated, has_role
from reminders import models, selectors
from reminders.services import push
from reminders.services.inbox import notifications_mark_read
from reminders.services.settings import notification_settings_update

from .types import (
    NotificationLanguage,
    NotificationSettingsType,
    NotificationType,
    ReminderKindEnum,
    ReminderStatusEnum,
    ReminderSummaryType,
    ReminderType,
    SkippedReminderType,
)

AgentOnly = has_role(Role.AGENT)
MAX_PUSH = 100


@strawberry.input
class MarkNotificationsReadInput:
    ids: list[relay.GlobalID]


@strawberry.type
class MarkNotificationsReadPayload:
    marked: int = 0
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(description="Fields left out keep their value.")
class UpdateNotificationSettingsInput:
    muted_kinds: list[ReminderKindEnum] | None = None
    language: NotificationLanguage | None = None
    surveys_muted: bool | None = strawberry.field(default=None, description="True: never send me surveys.")


@strawberry.type
class UpdateNotificationSettingsPayload:
    settings: NotificationSettingsType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class PushRemindersInput:
    reminder_ids: list[relay.GlobalID]
    note: str | None = strawberry.field(default=None, description="A short personal note (200 characters).")


@strawberry.type
class PushRemindersPayload:
    pushed: list[ReminderType] = strawberry.field(default_factory=list)
    deferred: list[ReminderType] = strawberry.field(default_factory=list, description="Queued until 08:00.")
    skipped: list[SkippedReminderType] = strawberry.field(default_factory=list)
    errors: list[UserError] = strawberry.field(default_factory=list)


def _settings(user) -> NotificationSettingsType:
    row = selectors.notification_settings_for(user=user)
    return NotificationSettingsType(
        muted_kinds=[models.ReminderKind(kind) for kind in row.muted_kinds],
        language=NotificationLanguage(row.language),
        surveys_muted=row.surveys_muted,
    )


@strawberry.type
class Query:
    @strawberry_django.connection(
        DjangoListConnection[NotificationType], permission_classes=[IsAuthenticated]
    )
    def my_notifications(self, info: Info, unread_only: bool = False) -> Iterable[models.Notification]:
        return selectors.notification_list_for_user(user=info.context.viewer, unread_only=unread_only)

    @strawberry.field(permission_classes=[IsAuthenticated])
    def notification_settings(self, info: Info) -> NotificationSettingsType:
        return _settings(info.context.viewer)

    @strawberry_django.connection(DjangoListConnection[ReminderType], permission_classes=[AgentOnly])
    def agent_reminders(
        self,
        info: Info,
        kind: ReminderKindEnum | None = None,
        status: ReminderStatusEnum | None = None,
        due_before: date | None = None,
    ) -> Iterable[models.Reminder]:
        qs = selectors.reminder_scope(models.Reminder.objects.all(), viewer=info.context.viewer)
        if kind is not None:
            qs = qs.filter(kind=kind.value)
        if status is not None:
            qs = qs.filter(status=status.value)
        if due_before is not None:
            qs = qs.filter(due_date__lt=due_before)
        return qs.order_by("due_date", "pk")

    @strawberry.field(permission_classes=[AgentOnly])
    def agent_reminder_summary(self, info: Info) -> list[ReminderSummaryType]:
        rows = selectors.reminder_summary_for_agent(agent=info.context.viewer.agent, now=timezone.now())
        return [
            ReminderSummaryType(
                kind=models.ReminderKind(r["kind"]),
                open=r["open"],
                pushed_today=r["pushed_today"],
                deferred=r["deferred"],
            )
            for r in rows
        ]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        permission_classes=[IsAuthenticated], description="Opening a pushed reminder marks it READ."
    )
    def mark_notifications_read(
        self, info: Info, input: MarkNotificationsReadInput
    ) -> MarkNotificationsReadPayload:
        pks = [
            int(g.node_id) for g in input.ids[:200] if g.type_name == "Notification" and g.node_id.isdigit()
        ]
        return MarkNotificationsReadPayload(marked=notifications_mark_read(user=info.context.viewer, ids=pks))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(UpdateNotificationSettingsPayload)
    def update_notification_settings(
        self, info: Info, input: UpdateNotificationSettingsInput
    ) -> UpdateNotificationSettingsPayload:
        notification_settings_update(
            user=info.context.viewer,
            muted_kinds=None if input.muted_kinds is None else [k.value for k in input.muted_kinds],
            language=None if input.language is None else input.language.value,
            surveys_muted=input.surveys_muted,
        )
        return UpdateNotificationSettingsPayload(settings=_settings(info.context.viewer))

    @strawberry.mutation(
        permission_classes=[AgentOnly], description="Push reminders to the customers' phones and inboxes."
    )
    @returns_user_errors(PushRemindersPayload)
    def push_reminders(self, info: Info, input: PushRemindersInput) -> PushRemindersPayload:
        viewer = info.context.viewer
        scoped = selectors.reminder_scope(models.Reminder.objects.all(), viewer=viewer)
        wanted = {}
        for gid in input.reminder_ids[:MAX_PUSH]:
            pk = int(gid.node_id) if gid.type_name == "Reminder" and gid.node_id.isdigit() else None
            wanted[gid] = pk
        found = {r.pk: r for r in scoped.filter(pk__in=[pk for pk in wanted.values() if pk])}
        outcome = push.reminders_push(reminders=list(found.values()), pushed_by=viewer, note=input.note or "")
        # Another agent's reminder looks exactly like a missing one.
        missing = [
            SkippedReminderType(reminder=None, reminder_id=gid, reason=models.PushSkipReason.NOT_FOUND)
            for gid, pk in wanted.items()
            if pk not in found
        ]
        return PushRemindersPayload(
            pushed=outcome.pushed,
            deferred=outcome.deferred,
            skipped=[
                SkippedReminderType(
                    reminder=r,
                    reminder_id=relay.GlobalID("Reminder", str(r.pk)),
                    reason=models.PushSkipReason(reason),
                )
                for r, reason in outcome.skipped
            ]
            + missing,
        )
