"""Private notes: what one person of the desk tells the next about a conversation."""

from django.db import transaction
from django.utils.translation import gettext_lazy

from .. import events
from ..models import ChatNote, Conversation
from .messages import text_checked

MAX_NOTE = 1000


def author_name(note: ChatNote) -> str:
    """The staff member's name as colleagues know it (their profile name, else the display name)."""
    author = note.author
    return getattr(getattr(author, "staff", None), "name", "") or author.display_name


def note_event(note: ChatNote) -> events.NoteEvent:
    return events.NoteEvent(
        conversation_id=note.conversation_id,
        note_id=note.pk,
        body=note.body,
        author_name=author_name(note),
        created_at=note.created_at.isoformat(),
    )


def chat_note_add(*, user, conversation: Conversation, body: str) -> ChatNote:
    """Write a private note on a conversation the caller may act on; staff following it see it live."""
    body = text_checked(
        body,
        longest=MAX_NOTE,
        wrong_length=gettext_lazy("A note must have 1 to 1000 characters."),
        unshowable=gettext_lazy("The note contains characters that cannot be shown."),
    )
    with transaction.atomic():
        note = ChatNote.objects.create(conversation=conversation, author=user, body=body)
        events.send_on_commit(events.conversation_staff_group(conversation.pk), note_event(note))
    return note
