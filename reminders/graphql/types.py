from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import strawberry
import strawberry_django
from strawberry import relay

from core.graphql.fields import model_type
from core.speech import speakable
from reminders import models, selectors

NotificationKindEnum = strawberry.enum(
    models.NotificationKind, name="NotificationKind", description="What an inbox message is about."
)
PushSkipReasonEnum = strawberry.enum(
    models.PushSkipReason, name="PushSkipReason", description="Why a reminder was not pushed."
)


@model_type(models.Notification, name="Notification", description="A message in the customer's inbox.")
class NotificationType(relay.Node):
    title: str
    body: str
    marketing: bool
    created_at: datetime
    read_at: datetime | None

    @strawberry_django.field(
        only=["kind"], description="What it is about (OTHER for kinds newer than the app)."
    )
    def kind(self) -> NotificationKindEnum:
        try:
            return models.NotificationKind(self.kind)
        except ValueError:
            return models.NotificationKind.OTHER

    @strawberry_django.field(only=["title", "body", "language"])
    def read_aloud_text(self) -> str:
        # Read in the language the text was written in, whatever the app's current language.
        separator = ". " if self.language.startswith("en") else "。"
        return speakable(f"{self.title}{separator}{self.body}", self.language)

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        viewer = info.context.viewer
        return queryset.filter(user=viewer) if viewer is not None else queryset.none()


ReminderKindEnum = strawberry.enum(models.ReminderKind, name="ReminderKind")
ReminderStatusEnum = strawberry.enum(models.ReminderStatus, name="ReminderStatus")


@model_type(models.Reminder, name="Reminder")
class ReminderType(relay.Node):
    stage: int
    due_date: date
    amount: Decimal | None
    created_at: datetime
    pushed_at: datetime | None
    read_at: datetime | None
    resolved_at: datetime | None

    kind: ReminderKindEnum

    status: ReminderStatusEnum

    @strawberry_django.field(
        only=["pushed_by_id", "pushed_at"], description="Pushed by the system, not the agent."
    )
    def pushed_by_system(self) -> bool:
        return self.pushed_at is not None and self.pushed_by_id is None

    @strawberry_django.field(only=["policy__number"], select_related=["policy"])
    def policy_number(self) -> str:
        return self.policy.number

    @strawberry_django.field(only=["customer__name", "customer__id"], select_related=["customer"])
    def customer_name(self) -> str:
        return self.customer.name

    @strawberry_django.field(only=["customer_id"])
    def customer_id(self) -> relay.GlobalID:
        return relay.GlobalID("AgentCustomer", str(self.customer_id))

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return selectors.reminder_scope(queryset, viewer=info.context.viewer)


@strawberry.type(name="ReminderSummary")
class ReminderSummaryType:
    kind: ReminderKindEnum
    open: int = strawberry.field(description="Reminders not yet pushed.")
    pushed_today: int = strawberry.field(description="Pushes that reached the customers' phones today.")
    deferred: int = strawberry.field(
        description="Pushes made in quiet hours (21:00-08:00), waiting to be delivered at 08:00."
    )


@strawberry.type(name="SkippedReminder")
class SkippedReminderType:
    reminder: ReminderType | None
    reminder_id: relay.GlobalID
    reason: PushSkipReasonEnum


@strawberry.enum(description="The language pushes and inbox messages are written in.")
class NotificationLanguage(Enum):
    ZH_HANS = "zh-hans"
    EN = "en"


@strawberry.type(name="NotificationSettings")
class NotificationSettingsType:
    muted_kinds: list[ReminderKindEnum]
    language: NotificationLanguage
    surveys_muted: bool = strawberry.field(default=False, description="No satisfaction surveys are sent.")
