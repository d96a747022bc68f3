"""The customer's notification settings."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode, ServiceError

from ..models import NotificationSettings, ReminderKind
from .push import NEVER_MUTED


def notification_settings_update(
    *,
    user,
    muted_kinds: list[str] | None = None,
    language: str | None = None,
    surveys_muted: bool | None = None,
) -> NotificationSettings:
    """Change what is given; leave the rest."""
    changes = {}
    if muted_kinds is not None:
        kinds = set(muted_kinds)
        if kinds - set(ReminderKind.values):
            raise ServiceError(ErrorCode.INVALID, _("Unknown reminder kind."), field="mutedKinds")
        if kinds & NEVER_MUTED:
            raise ServiceError(
                ErrorCode.INVALID,
                _("Lapse risk reminders cannot be muted: they protect your cover."),
                field="mutedKinds",
            )
        changes["muted_kinds"] = sorted(kinds)
    if surveys_muted is not None:
        changes["surveys_muted"] = surveys_muted
    if language is not None:
        if language not in dict(settings.LANGUAGES):
            raise ServiceError(ErrorCode.INVALID, _("Unsupported language."), field="language")
        changes["language"] = language
    row, _created = NotificationSettings.objects.update_or_create(user=user, defaults=changes)
    return row
