"""The customer's notification settings."""

from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode, ServiceError

from ..models import NotificationSettings, ReminderKind
from .push import NEVER_MUTED


def notification_settings_update(*, user, muted_kinds: list[str]) -> NotificationSettings:
    kinds = set(muted_kinds)
    if kinds - set(ReminderKind.values):
        raise ServiceError(ErrorCode.INVALID, _("Unknown reminder kind."), field="mutedKinds")
    if kinds & NEVER_MUTED:
        raise ServiceError(
            ErrorCode.INVALID,
            _("Lapse risk reminders cannot be muted: they protect your cover."),
            field="mutedKinds",
        )
    row, _created = NotificationSettings.objects.update_or_create(
        user=user, defaults={"muted_kinds": sorted(kinds)}
    )
    return row
