"""The chat's GraphQL types: messages, conversations, events, canned responses, colleagues."""

from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay
from strawberry.types import Info

from accounts.models import Role, User
from chat import models, selectors
from chat.services.notes import author_name
from core.graphql.nodes import nodes_in_scope
from core.graphql.permissions import has_role
from core.masking import mask_name
from operations.graphql.types import (
    AvailabilityEnum,
    LanguageEnum,
    TaskCustomerType,
    TaskKindEnum,
    TaskStatusEnum,
)

StaffOnly = has_role(Role.STAFF, Role.ADMIN)


CustomerOnly = has_role(Role.CUSTOMER)


ConversationStatusEnum = strawberry.enum(models.ConversationStatus, name="ConversationStatus")


SenderKindEnum = strawberry.enum(models.SenderKind, name="SenderKind")


CloseReasonEnum = strawberry.enum(models.CloseReason, name="ChatCloseReason")


@strawberry.enum
class ChatEventType(Enum):
    MESSAGE = "MESSAGE"
    TYPING = "TYPING"
    READ = "READ"
    STATUS = "STATUS"
    QUEUE_POSITION = "QUEUE_POSITION"
    NOTE = "NOTE"


@strawberry.type(
    name="ChatMessage", description="One message of a conversation; `seq` numbers them without gaps."
)
class ChatMessageType(relay.Node):
    id: relay.NodeID[int]
    seq: int
    sender_kind: SenderKindEnum
    body: str
    created_at: datetime
    bot_confidence: float | None = None
    suggestions: list[str] = strawberry.field(
        default_factory=list,
        description="Questions the bot suggests (猜你想问); the app sends the one tapped as a message.",
    )

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids, required: bool = False):
        visible = selectors.message_scope(models.Message.objects.all(), viewer=info.context.viewer)
        return nodes_in_scope(visible, node_ids, build=cls.from_model, required=required)

    @classmethod
    def from_model(cls, m: models.Message) -> "ChatMessageType":
        return cls(
            id=m.pk,
            seq=m.seq,
            sender_kind=models.SenderKind(m.sender_kind),
            body=m.body,
            created_at=m.created_at,
            bot_confidence=m.bot_confidence,
            suggestions=list(m.suggestions or []),
        )


@strawberry.type(name="Conversation", description="A chat with the bot, then a person.")
class ConversationType(relay.Node):
    id: relay.NodeID[int]
    status: ConversationStatusEnum
    topic: str
    queue_position: int | None
    estimated_wait_seconds: int | None
    last_seq: int
    customer_read_seq: int = strawberry.field(description="The customer has read up to this message.")
    staff_read_seq: int = strawberry.field(description="Staff have read up to this message.")
    rating: int | None
    created_at: datetime | None = None
    queued_at: datetime | None = strawberry.field(
        default=None, description="When the customer asked for a person."
    )
    assigned_at: datetime | None = strawberry.field(default=None, description="When a person took it.")
    close_reason: CloseReasonEnum | None = None
    _model: strawberry.Private[models.Conversation | None] = None

    @strawberry.field(
        description="Staff: who the chat is with (name masked), the language or dialect they speak and "
        "whether they are elderly. Null for customers."
    )
    def customer(self, info: Info) -> TaskCustomerType | None:
        if self._model is None or not selectors.is_staff(info.context.viewer):
            return None
        brief = selectors.conversation_customer(self._model)
        return TaskCustomerType(
            customer_id=relay.GlobalID("Customer", str(self._model.customer_id)),
            masked_name=mask_name(brief.name),
            elderly=brief.elderly,
            language=LanguageEnum(brief.language),
        )

    @strawberry.field(description="Staff: the message a customer left out of service hours, if any.")
    def left_message(self, info: Info) -> str | None:
        if self._model is None or not selectors.is_staff(info.context.viewer):
            return None
        return selectors.left_message_body(self._model)

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids, required: bool = False):
        visible = selectors.conversation_scope(
            selectors.with_customer(models.Conversation.objects.all()), viewer=info.context.viewer
        )
        return nodes_in_scope(visible, node_ids, build=cls.from_model, required=required)

    @classmethod
    def recent_of(cls, *, customer, limit: int) -> list["ConversationType"]:
        """A customer's latest chats (for the person handling them)."""
        return [cls.from_model(c) for c in selectors.recent_chats_of(customer=customer, limit=limit)]

    @classmethod
    def from_model(cls, c: models.Conversation) -> "ConversationType":
        # A listing annotates position and wait (selectors.queue_listing); a single chat asks.
        listed = hasattr(c, "position")
        position = c.position if listed else selectors.queue_position(c)
        reason = c.close_reason if c.close_reason in models.CloseReason.values else None
        return cls(
            id=c.pk,
            status=models.ConversationStatus(c.status),
            topic=c.topic,
            queue_position=position,
            estimated_wait_seconds=c.estimated_wait if listed else selectors.estimated_wait_seconds(position),
            last_seq=c.last_seq,
            customer_read_seq=c.customer_read_seq,
            staff_read_seq=c.staff_read_seq,
            rating=c.rating,
            created_at=c.created_at,
            queued_at=c.queued_at,
            assigned_at=c.assigned_at,
            close_reason=models.CloseReason(reason) if reason else None,
            _model=c,
        )


@strawberry.type(name="ChatNote", description="A private note on a conversation: staff only.")
class ChatNoteType(relay.Node):
    id: relay.NodeID[int]
    body: str
    author_name: str
    created_at: datetime

    @classmethod
    def from_model(cls, note: models.ChatNote) -> "ChatNoteType":
        return cls(id=note.pk, body=note.body, author_name=author_name(note), created_at=note.created_at)

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids, required: bool = False):
        visible = selectors.note_scope(
            models.ChatNote.objects.select_related("author__staff"), viewer=info.context.viewer
        )
        return nodes_in_scope(visible, node_ids, build=cls.from_model, required=required)


@strawberry.type(name="ChatEvent")
class ChatEventPayload:
    type: ChatEventType
    conversation_id: relay.GlobalID
    message: ChatMessageType | None = None
    status: ConversationStatusEnum | None = None
    sender_kind: SenderKindEnum | None = None
    read_seq: int | None = None
    queue_position: int | None = None
    estimated_wait_seconds: int | None = None
    note: ChatNoteType | None = strawberry.field(default=None, description="NOTE events: staff only.")


@strawberry.enum(description="What happened for the service desk.")
class StaffEventType(Enum):
    ASSIGNED = "ASSIGNED"
    QUEUE_CHANGED = "QUEUE_CHANGED"
    TASK_ASSIGNED = "TASK_ASSIGNED"
    TASK_UPDATED = "TASK_UPDATED"
    SLA_AT_RISK = "SLA_AT_RISK"


@strawberry.type(name="StaffEvent")
class StaffEventPayload:
    type: StaffEventType
    conversation_id: relay.GlobalID | None = None
    task_id: relay.GlobalID | None = None
    task_kind: TaskKindEnum | None = None
    task_status: TaskStatusEnum | None = None
    overdue: bool | None = None


@strawberry.type(name="CannedResponse", description="A prepared reply the service desk can send.")
class CannedResponseType(relay.Node):
    id: relay.NodeID[int]
    title: str
    body: str

    @classmethod
    def from_model(cls, r: models.CannedResponse) -> "CannedResponseType":
        return cls(id=r.pk, title=r.title, body=r.body)

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids, required: bool = False):
        visible = selectors.canned_response_scope(
            models.CannedResponse.objects.all(), viewer=info.context.viewer
        )
        return nodes_in_scope(visible, node_ids, build=cls.from_model, required=required)


@strawberry.type(name="Colleague", description="A member of the service desk a chat can be transferred to.")
class ColleagueType(relay.Node):
    id: relay.NodeID[int]
    name: str

    @classmethod
    def from_model(cls, user: User) -> "ColleagueType":
        return cls(id=user.pk, name=user.display_name)

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids, required: bool = False):
        visible = selectors.colleague_scope(User.objects.all(), viewer=info.context.viewer)
        return nodes_in_scope(visible, node_ids, build=cls.from_model, required=required)


@strawberry.type(name="StaffPresence")
class PresenceType:
    status: AvailabilityEnum
    capacity: int
