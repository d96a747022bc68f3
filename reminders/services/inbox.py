"""Writes to the customer's inbox."""

from django.db import transaction
from django.utils import timezone

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


def request_outcome_deliver(*, request) -> Notification:
    """A servicing request's outcome in its customer's inbox, in the customer's language."""
    from policies.services.notify import request_outcome_message

    from ..selectors import language_of

    user = request.customer.user
    language = language_of(user.pk)
    title, body = request_outcome_message(request, language)
    return notification_create(
        user=user, kind="SERVICING_RESULT", title=title, body=body, language=language, subject=request
    )


def notifications_mark_read(*, user, ids: list[int]) -> int:
    """The user opened these inbox messages (theirs only); a pushed reminder among them becomes READ."""
    from .push import reminder_mark_read

    now = timezone.now()
    with transaction.atomic():
        unread = Notification.objects.filter(user=user, pk__in=ids, read_at__isnull=True)
        reminder_ids = list(unread.exclude(reminder__isnull=True).values_list("reminder_id", flat=True))
        marked = unread.update(read_at=now)
        for reminder_id in reminder_ids:
            reminder_mark_read(reminder_id=reminder_id, now=now)
    return marked
