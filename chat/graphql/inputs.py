"""Inputs and payloads of the chat mutations."""

import strawberry
from strawberry import relay

from chat import models
from core.graphql.errors import UserError

from .types import (
    AvailabilityEnum,
    ChatMessageType,
    ChatNoteType,
    CloseReasonEnum,
    ConversationType,
    LanguageEnum,
    PresenceType,
)


@strawberry.input
class StartChatInput:
    topic: str | None = None


@strawberry.type
class ConversationPayload:
    conversation: ConversationType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class SendChatMessageInput:
    conversation_id: relay.GlobalID
    body: str
    client_message_id: str | None = None


@strawberry.type
class SendChatMessagePayload:
    message: ChatMessageType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class ConversationInput:
    conversation_id: relay.GlobalID


@strawberry.input
class LeaveMessageInput:
    conversation_id: relay.GlobalID
    body: str
    callback_phone: str


@strawberry.input
class MarkChatReadInput:
    conversation_id: relay.GlobalID
    seq: int


@strawberry.type
class OkPayload:
    ok: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class RateChatInput:
    conversation_id: relay.GlobalID
    score: int
    comment: str | None = None


@strawberry.input
class RateBotAnswerInput:
    message_id: relay.GlobalID
    helpful: bool


@strawberry.input
class SetAvailabilityInput:
    status: AvailabilityEnum
    capacity: int | None = None


@strawberry.type
class SetAvailabilityPayload:
    presence: PresenceType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(description="Give `toStaffId` (a colleague) or `toLanguage` (whoever free speaks it).")
class TransferChatInput:
    conversation_id: relay.GlobalID
    to_staff_id: relay.GlobalID | None = None
    to_language: LanguageEnum | None = None


@strawberry.input
class CloseChatInput:
    conversation_id: relay.GlobalID
    reason: CloseReasonEnum = strawberry.field(
        default=models.CloseReason.RESOLVED, description="Why it ends (reports count by it)."
    )


@strawberry.input
class AddChatNoteInput:
    conversation_id: relay.GlobalID
    body: str


@strawberry.type
class AddChatNotePayload:
    note: ChatNoteType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
