"""Writes to the customer's inbox."""

from ..models import Notification


def notification_create(
    *, user, kind: str, title: str, body: str, subject=None, reminder=None
) -> Notification:
    return Notification.objects.create(
        user=user,
        kind=kind,
        title=title,
        body=body,
        subject_type=type(subject).__name__ if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        reminder=reminder,
    )
