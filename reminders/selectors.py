"""The customer's inbox as they may see it: no marketing in elder mode or when they hid it."""

from django.db.models import QuerySet

from elder_mode.presentation import presentation_hints
from elder_mode.selectors import accessibility_for

from .models import Notification


def notification_list_for_user(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user)
    if presentation_hints(accessibility_for(user)).hide_marketing:
        qs = qs.filter(marketing=False)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")
