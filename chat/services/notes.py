"""Private notes: what one person of the desk tells the next about a conversation."""

from django.db import transaction
from django.utils.translation import gettext_lazy

from core.errors import ErrorCode, ServiceError

from .. import events
from ..models import ChatNote, Conversation
from .messages import _CONTROL

MAX_NOTE = 1000


def note_event(note: ChatNote) -> events.NoteEvent:
    author = note.author
    name = getattr(getattr(author, "staff", None), "name", "") or author.display_name
    return events.NoteEvent(
        conversation_id=note.conversation_id,
        note_id=note.pk,
        body=note.body,
        author_name=name,
        created_at=note.created_at.isoformat(),
    )


def chat_note_add(*, user, conversation: Conversation, body: str) -> ChatNote:
    """Write a private note on a conversation the caller may act on; staff following it see it live."""
    body = (body or "").strip()
    if not body or len(body) > MAX_NOTE:
        raise ServiceError(
            ErrorCode.INVALID, gettext_lazy("A note must have 1 to 1000 characters."), field="body"
        )
    if _CONTROL.search(body):
        raise ServiceError(
            ErrorCode.INVALID,
            gettext_lazy("The note contains characters that cannot be shown."),
            field="body",
        )
    with transaction.atomic():
        note = ChatNote.objects.create(conversation=conversation, author=user, body=body)
        events.send_on_commit(events.conversation_staff_group(conversation.pk), note_event(note))
    return note
