"""The customer's inbox as they may see it: no marketing in elder mode or when they hid it."""

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import Role
from elder_mode.presentation import presentation_hints
from elder_mode.selectors import accessibility_for

from .models import QUIET_UNTIL, Notification, NotificationSettings, Reminder, ReminderKind, ReminderStatus


def languages_of(user_ids) -> dict[int, str]:
    """Each user's language for pushes and inbox messages (the app's default unless they chose)."""
    user_ids = set(user_ids)
    chosen = dict(
        NotificationSettings.objects.filter(user_id__in=user_ids).values_list("user_id", "language")
    )
    return {user_id: chosen.get(user_id, settings.LANGUAGE_CODE) for user_id in user_ids}


def language_of(user_id: int) -> str:
    return languages_of([user_id])[user_id]


def surveys_muted(user_id: int) -> bool:
    return NotificationSettings.objects.filter(user_id=user_id, surveys_muted=True).exists()


def notification_list_for_user(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user)
    if presentation_hints(accessibility_for(user)).hide_marketing:
        qs = qs.filter(marketing=False)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


def reminder_scope(queryset: QuerySet[Reminder], *, viewer) -> QuerySet[Reminder]:
    """Agents see the reminders of the customers they service; staff all; customers none (they get pushes)."""
    if viewer is None:
        return queryset.none()
    if viewer.role in (Role.STAFF, Role.ADMIN):
        return queryset
    agent = getattr(viewer, "agent", None) if viewer.role == Role.AGENT else None
    return queryset.filter(agent=agent) if agent is not None else queryset.none()


def reminder_summary_for_agent(*, agent, now) -> list[dict]:
    """Per kind: open reminders, pushes that reached phones today, and pushes waiting for 08:00
    (quiet hours), in one query. A push made at 22:00 is not "pushed today": it goes tomorrow."""
    local = timezone.localtime(now)
    today = local.date()
    # Deliveries due today happen at 08:00 at the earliest: before then, they are still waiting.
    delivered_by_now = Q(pushes__delivery_day=today) if local.time() >= QUIET_UNTIL else Q(pk__in=[])
    waiting = Q(pushes__delivery_day__gt=today) | (
        Q(pushes__delivery_day=today) if local.time() < QUIET_UNTIL else Q(pk__in=[])
    )
    rows = (
        Reminder.objects.filter(agent=agent)
        .values("kind")
        .annotate(
            open=Count("pk", filter=Q(status=ReminderStatus.OPEN), distinct=True),
            pushed_today=Count("pushes", filter=delivered_by_now, distinct=True),
            deferred=Count("pushes", filter=waiting, distinct=True),
        )
        .order_by()
    )
    found = {row["kind"]: row for row in rows}
    return [
        {
            "kind": kind,
            "open": found.get(kind, {}).get("open", 0),
            "pushed_today": found.get(kind, {}).get("pushed_today", 0),
            "deferred": found.get(kind, {}).get("deferred", 0),
        }
        for kind in ReminderKind.values
    ]


def notification_settings_for(*, user) -> NotificationSettings:
    """The user's settings, or the defaults (unsaved) for one who never changed anything."""
    return NotificationSettings.objects.filter(user=user).first() or NotificationSettings(user=user)
