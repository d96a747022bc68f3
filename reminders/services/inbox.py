"""Writes to the customer's inbox."""

from ..models import Notification


def notification_create(
    *, user, kind: str, title: str, body: str, language: str, subject=None, reminder=None
) -> Notification:
    """`title` and `body` written in `language`, the user's (reminders.selectors.language_of)."""
    return Notification.objects.create(
        user=user,
        kind=kind,
        title=title,
        body=body,
        language=language,
        subject_type=type(subject).__name__ if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        reminder=reminder,
    )
