"""The customer's inbox: myNotifications and markNotificationsRead."""

from collections.abc import Iterable

import strawberry
import strawberry_django
from django.utils import timezone
from strawberry import relay
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from core.graphql.errors import UserError
from core.graphql.permissions import IsAuthenticated
from reminders import models, selectors

from .types import NotificationType


@strawberry.input
class MarkNotificationsReadInput:
    ids: list[relay.GlobalID]


@strawberry.type
class MarkNotificationsReadPayload:
    marked: int = 0
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Query:
    @strawberry_django.connection(
        DjangoListConnection[NotificationType], permission_classes=[IsAuthenticated]
    )
    def my_notifications(self, info: Info, unread_only: bool = False) -> Iterable[models.Notification]:
        return selectors.notification_list_for_user(user=info.context.viewer, unread_only=unread_only)


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[IsAuthenticated])
    def mark_notifications_read(
        self, info: Info, input: MarkNotificationsReadInput
    ) -> MarkNotificationsReadPayload:
        pks = [
            int(gid.node_id)
            for gid in input.ids[:200]
            if gid.type_name == "Notification" and gid.node_id.isdigit()
        ]
        marked = models.Notification.objects.filter(
            user=info.context.viewer, pk__in=pks, read_at__isnull=True
        ).update(read_at=timezone.now())
        return MarkNotificationsReadPayload(marked=marked)
