"""Chat events: one small dataclass per kind, built by services and sent over the channel layer only
after the data they describe is committed (core.broadcast). Subscriptions decode them back into the
same dataclasses; a replay from the store builds them too (services.common.message_event).
"""

from dataclasses import asdict, dataclass, field
from typing import ClassVar

from core.broadcast import group_send_on_commit

STAFF_ALL = "chat.staff"
CHANNEL_TYPE = "chat.event"


def conversation_group(conversation_id: int) -> str:
    return f"chat.conversation.{conversation_id}"


def staff_group(user_id: int) -> str:
    return f"chat.staff.{user_id}"


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


@dataclass(frozen=True)
class StatusEvent:
    kind: ClassVar[str] = "STATUS"
    conversation_id: int
    status: str


@dataclass(frozen=True)
class TypingEvent:
    kind: ClassVar[str] = "TYPING"
    conversation_id: int
    sender_kind: str


@dataclass(frozen=True)
class ReadEvent:
    kind: ClassVar[str] = "READ"
    conversation_id: int
    sender_kind: str
    seq: int


@dataclass(frozen=True)
class QueuePositionEvent:
    kind: ClassVar[str] = "QUEUE_POSITION"
    conversation_id: int
    queue_position: int
    estimated_wait_seconds: int


@dataclass(frozen=True)
class AssignedEvent:
    """To one staff member: a chat was assigned to them."""

    kind: ClassVar[str] = "ASSIGNED"
    conversation_id: int


@dataclass(frozen=True)
class QueueChangedEvent:
    """To the whole desk: the queue changed."""

    kind: ClassVar[str] = "QUEUE_CHANGED"
    conversation_id: int | None = None


ChatEvent = MessageEvent | StatusEvent | TypingEvent | ReadEvent | QueuePositionEvent
StaffEvent = AssignedEvent | QueueChangedEvent
_KINDS = {
    cls.kind: cls
    for cls in (
        MessageEvent, StatusEvent, TypingEvent, ReadEvent, QueuePositionEvent, AssignedEvent, QueueChangedEvent
    )
}  # fmt: skip


def encode(event) -> dict:
    return {"kind": event.kind, **asdict(event)}


def decode(payload: dict):
    """The dataclass a channel-layer payload carries (lists come back as tuples)."""
    values = {key: value for key, value in payload.items() if key != "kind"}
    if "suggestions" in values:
        values["suggestions"] = tuple(values["suggestions"] or ())
    return _KINDS[payload["kind"]](**values)


def send_on_commit(group: str, event) -> None:
    group_send_on_commit(group, {"type": CHANNEL_TYPE, "event": encode(event)})
