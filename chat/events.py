"""Chat events: one small dataclass per kind, built by services and sent over the channel layer only
after the data they describe is committed (core.broadcast). Subscriptions decode them back into the
same dataclasses; a replay from the store builds them too (services.common.message_event).
"""

from dataclasses import dataclass, field
from typing import ClassVar

from core.broadcast import EVENT_TYPE, event_decode, event_encode, event_kind, event_send_on_commit
from operations.events import STAFF_ALL, staff_group

CHANNEL_TYPE = EVENT_TYPE
__all__ = [
    "CHANNEL_TYPE",
    "STAFF_ALL",
    "conversation_group",
    "conversation_staff_group",
    "decode",
    "encode",
    "send_on_commit",
    "staff_group",
]


def conversation_group(conversation_id: int) -> str:
    return f"chat.conversation.{conversation_id}"


def conversation_staff_group(conversation_id: int) -> str:
    """What only staff following a conversation receive (private notes)."""
    return f"chat.conversation.{conversation_id}.staff"


@event_kind
@dataclass(frozen=True)
class MessageEvent:
    kind: ClassVar[str] = "MESSAGE"
    conversation_id: int
    message_id: int
    seq: int
    sender_kind: str
    body: str
    created_at: str  # ISO 8601: the channel layer carries plain values
    bot_confidence: float | None = None
    suggestions: tuple[str, ...] = field(default_factory=tuple)


@event_kind
@dataclass(frozen=True)
class StatusEvent:
    kind: ClassVar[str] = "STATUS"
    conversation_id: int
    status: str


@event_kind
@dataclass(frozen=True)
class TypingEvent:
    kind: ClassVar[str] = "TYPING"
    conversation_id: int
    sender_kind: str


@event_kind
@dataclass(frozen=True)
class ReadEvent:
    kind: ClassVar[str] = "READ"
    conversation_id: int
    sender_kind: str
    seq: int


@event_kind
@dataclass(frozen=True)
class QueuePositionEvent:
    kind: ClassVar[str] = "QUEUE_POSITION"
    conversation_id: int
    queue_position: int
    estimated_wait_seconds: int


@event_kind
@dataclass(frozen=True)
class NoteEvent:
    """To staff following the conversation: a colleague wrote a private note."""

    kind: ClassVar[str] = "NOTE"
    conversation_id: int
    note_id: int
    body: str
    author_name: str
    created_at: str


@event_kind
@dataclass(frozen=True)
class AssignedEvent:
    """To one staff member: a chat was assigned to them."""

    kind: ClassVar[str] = "ASSIGNED"
    conversation_id: int


@event_kind
@dataclass(frozen=True)
class QueueChangedEvent:
    """To the whole desk: the queue changed."""

    kind: ClassVar[str] = "QUEUE_CHANGED"
    conversation_id: int | None = None


ChatEvent = MessageEvent | StatusEvent | TypingEvent | ReadEvent | QueuePositionEvent | NoteEvent
StaffEvent = AssignedEvent | QueueChangedEvent


encode = event_encode
decode = event_decode
send_on_commit = event_send_on_commit
