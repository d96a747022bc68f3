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
