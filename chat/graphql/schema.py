"""Chat for customers and the service desk: queries and mutations over HTTP or the websocket (the
console sends its replies over the connection it already has), events over the websocket."""

from collections.abc import AsyncGenerator
from datetime import datetime
from enum import Enum

import strawberry
from django.utils.translation import gettext
from strawberry import relay
from strawberry.types import Info

from accounts.models import Role, User
from chat import events, models, selectors
from chat.services import common, lifecycle, messages, queue, staff
from core.errors import ServiceError
from core.graphql.errors import BadUserInput, NotFound, UserError, returns_user_errors
from core.graphql.ids import not_found, pk_of
from core.graphql.nodes import nodes_in_scope
from core.graphql.permissions import IsAuthenticated, has_role
from core.graphql.resolvers import db_async, orm_resolver

StaffOnly = has_role(Role.STAFF, Role.ADMIN)
MAX_MESSAGES_PAGE = 500
CustomerOnly = has_role(Role.CUSTOMER)
ConversationStatusEnum = strawberry.enum(models.ConversationStatus, name="ConversationStatus")
SenderKindEnum = strawberry.enum(models.SenderKind, name="SenderKind")
AvailabilityEnum = strawberry.enum(models.Availability, name="Availability")


@strawberry.enum
class ChatEventType(Enum):
    MESSAGE = "MESSAGE"
    TYPING = "TYPING"
    READ = "READ"
    STATUS = "STATUS"
    QUEUE_POSITION = "QUEUE_POSITION"


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

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids, required: bool = False):
        visible = selectors.conversation_scope(models.Conversation.objects.all(), viewer=info.context.viewer)
        return nodes_in_scope(visible, node_ids, build=cls.from_model, required=required)

    @classmethod
    def from_model(cls, c: models.Conversation) -> "ConversationType":
        # A listing annotates position and wait (selectors.queue_listing); a single chat asks.
        position = getattr(c, "position", None) if hasattr(c, "position") else selectors.queue_position(c)
        return cls(
            id=c.pk,
            status=models.ConversationStatus(c.status),
            topic=c.topic,
            queue_position=position,
            estimated_wait_seconds=getattr(c, "estimated_wait", None)
            if hasattr(c, "estimated_wait")
            else selectors.estimated_wait_seconds(position),
            last_seq=c.last_seq,
            customer_read_seq=c.customer_read_seq,
            staff_read_seq=c.staff_read_seq,
            rating=c.rating,
        )


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


@strawberry.enum(description="What happened for the service desk.")
class StaffEventType(Enum):
    ASSIGNED = "ASSIGNED"
    QUEUE_CHANGED = "QUEUE_CHANGED"


@strawberry.type(name="StaffEvent")
class StaffEventPayload:
    type: StaffEventType
    conversation_id: relay.GlobalID | None = None


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


def _conversation(
    info: Info, gid, field: str = "conversationId", *, act: bool = False
) -> models.Conversation:
    scope = selectors.conversation_scope_to_act if act else selectors.conversation_scope
    qs = scope(models.Conversation.objects.select_related("customer"), viewer=info.context.viewer)
    conversation = qs.filter(pk=pk_of(gid, type_name="Conversation", field=field)).first()
    if conversation is None:
        raise not_found(field)
    return conversation


def _conversation_or_404(info: Info, gid) -> models.Conversation:
    try:
        return _conversation(info, gid)
    except ServiceError as exc:
        raise NotFound() from exc


def _colleague_pk(gid) -> int:
    # Colleague ids; the viewer ids a console kept from before Colleague was a node still work.
    try:
        return pk_of(gid, type_name="Colleague", field="toStaffId")
    except ServiceError:
        return pk_of(gid, type_name="Viewer", field="toStaffId")


def _sender_kind(viewer) -> str:
    return models.SenderKind.STAFF if selectors.is_staff(viewer) else models.SenderKind.CUSTOMER


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


@strawberry.input
class TransferChatInput:
    conversation_id: relay.GlobalID
    to_staff_id: relay.GlobalID


@strawberry.type
class Query:
    @strawberry.field(
        permission_classes=[IsAuthenticated], description="Messages in seq order after `afterSeq`."
    )
    @orm_resolver
    def chat_messages(
        self, info: Info, conversation_id: relay.GlobalID, after_seq: int = 0, first: int = 100
    ) -> list[ChatMessageType]:
        if not 1 <= first <= MAX_MESSAGES_PAGE or after_seq < 0:
            raise BadUserInput(
                gettext("Ask for 1 to %(max)d messages after a seq of 0 or more.")
                % {"max": MAX_MESSAGES_PAGE}
            )
        conversation = _conversation_or_404(info, conversation_id)
        rows = models.Message.objects.filter(conversation=conversation, seq__gt=after_seq).order_by("seq")[
            :first
        ]
        return [ChatMessageType.from_model(m) for m in rows]

    @strawberry.field(permission_classes=[StaffOnly])
    @orm_resolver
    def staff_queue(self, info: Info) -> list[ConversationType]:
        return [ConversationType.from_model(c) for c in selectors.queue_listing(limit=200)]

    @strawberry.field(permission_classes=[StaffOnly])
    @orm_resolver
    def my_active_chats(self, info: Info) -> list[ConversationType]:
        qs = models.Conversation.objects.filter(
            assigned_staff=info.context.viewer, status=models.ConversationStatus.ACTIVE
        )
        return [ConversationType.from_model(c) for c in qs.order_by("assigned_at")]

    @strawberry.field(permission_classes=[StaffOnly], description="Online colleagues to transfer a chat to.")
    @orm_resolver
    def staff_colleagues(self, info: Info) -> list[ColleagueType]:
        return [
            ColleagueType.from_model(user) for user in selectors.colleagues_online(viewer=info.context.viewer)
        ]

    @strawberry.field(permission_classes=[StaffOnly])
    @orm_resolver
    def canned_responses(self, info: Info) -> list[CannedResponseType]:
        return [
            CannedResponseType.from_model(r)
            for r in models.CannedResponse.objects.filter(active=True).order_by("title")
        ]


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[CustomerOnly])
    @orm_resolver
    @returns_user_errors(ConversationPayload)
    def start_chat(self, info: Info, input: StartChatInput) -> ConversationPayload:
        conversation = messages.conversation_start(
            customer=info.context.viewer.customer, topic=input.topic or ""
        )
        return ConversationPayload(conversation=ConversationType.from_model(conversation))

    @strawberry.mutation(
        permission_classes=[IsAuthenticated], description="The same clientMessageId twice stores one message."
    )
    @orm_resolver
    @returns_user_errors(SendChatMessagePayload)
    def send_chat_message(self, info: Info, input: SendChatMessageInput) -> SendChatMessagePayload:
        viewer = info.context.viewer
        message = messages.message_send(
            conversation_id=pk_of(input.conversation_id, type_name="Conversation", field="conversationId"),
            sender=viewer,
            kind=_sender_kind(viewer),
            body=input.body,
            client_message_id=input.client_message_id,
        )
        return SendChatMessagePayload(message=ChatMessageType.from_model(message))

    @strawberry.mutation(permission_classes=[CustomerOnly])
    @orm_resolver
    @returns_user_errors(ConversationPayload)
    def request_human_agent(self, info: Info, input: ConversationInput) -> ConversationPayload:
        conversation = queue.human_request(conversation=_conversation(info, input.conversation_id))
        return ConversationPayload(
            conversation=ConversationType.from_model(models.Conversation.objects.get(pk=conversation.pk))
        )

    @strawberry.mutation(permission_classes=[CustomerOnly])
    @orm_resolver
    @returns_user_errors(ConversationPayload)
    def leave_message(self, info: Info, input: LeaveMessageInput) -> ConversationPayload:
        conversation = _conversation(info, input.conversation_id)
        queue.leave_message(conversation=conversation, body=input.body, callback_phone=input.callback_phone)
        return ConversationPayload(
            conversation=ConversationType.from_model(models.Conversation.objects.get(pk=conversation.pk))
        )

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @orm_resolver
    @returns_user_errors(OkPayload)
    def mark_chat_read(self, info: Info, input: MarkChatReadInput) -> OkPayload:
        conversation = _conversation(info, input.conversation_id, act=True)
        messages.chat_read(
            conversation=conversation, reader_kind=_sender_kind(info.context.viewer), seq=input.seq
        )
        return OkPayload(ok=True)

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @orm_resolver
    @returns_user_errors(OkPayload)
    def send_typing(self, info: Info, input: ConversationInput) -> OkPayload:
        messages.chat_typing(
            conversation=_conversation(info, input.conversation_id, act=True),
            sender_kind=_sender_kind(info.context.viewer),
        )
        return OkPayload(ok=True)

    @strawberry.mutation(permission_classes=[CustomerOnly])
    @orm_resolver
    @returns_user_errors(ConversationPayload)
    def rate_chat(self, info: Info, input: RateChatInput) -> ConversationPayload:
        conversation = lifecycle.chat_rate(
            conversation=_conversation(info, input.conversation_id),
            score=input.score,
            comment=input.comment or "",
        )
        return ConversationPayload(conversation=ConversationType.from_model(conversation))

    @strawberry.mutation(permission_classes=[CustomerOnly])
    @orm_resolver
    @returns_user_errors(OkPayload)
    def rate_bot_answer(self, info: Info, input: RateBotAnswerInput) -> OkPayload:
        pk = pk_of(input.message_id, type_name="ChatMessage", field="messageId")
        visible = selectors.message_scope(models.Message.objects.all(), viewer=info.context.viewer)
        message = visible.filter(pk=pk).first()
        if message is None:
            raise not_found("messageId")
        messages.bot_answer_rate(message=message, helpful=input.helpful)
        return OkPayload(ok=True)

    @strawberry.mutation(permission_classes=[StaffOnly])
    @orm_resolver
    @returns_user_errors(SetAvailabilityPayload)
    def set_availability(self, info: Info, input: SetAvailabilityInput) -> SetAvailabilityPayload:
        presence = staff.availability_set(
            user=info.context.viewer, status=input.status.value, capacity=input.capacity
        )
        return SetAvailabilityPayload(
            presence=PresenceType(status=models.Availability(presence.status), capacity=presence.capacity)
        )

    @strawberry.mutation(permission_classes=[StaffOnly])
    @orm_resolver
    @returns_user_errors(ConversationPayload)
    def accept_chat(self, info: Info, input: ConversationInput) -> ConversationPayload:
        conversation = staff.chat_accept(
            user=info.context.viewer, conversation=_conversation(info, input.conversation_id)
        )
        return ConversationPayload(conversation=ConversationType.from_model(conversation))

    @strawberry.mutation(permission_classes=[StaffOnly])
    @orm_resolver
    @returns_user_errors(ConversationPayload)
    def transfer_chat(self, info: Info, input: TransferChatInput) -> ConversationPayload:
        to_pk = _colleague_pk(input.to_staff_id)
        to_user = User.objects.filter(pk=to_pk, role__in=(Role.STAFF, Role.ADMIN)).first()
        if to_user is None:
            raise not_found("toStaffId")
        conversation = staff.chat_transfer(
            user=info.context.viewer,
            conversation=_conversation(info, input.conversation_id, act=True),
            to_user=to_user,
        )
        return ConversationPayload(conversation=ConversationType.from_model(conversation))

    @strawberry.mutation(permission_classes=[StaffOnly])
    @orm_resolver
    @returns_user_errors(ConversationPayload)
    def close_chat(self, info: Info, input: ConversationInput) -> ConversationPayload:
        conversation = lifecycle.chat_close(
            conversation=_conversation(info, input.conversation_id, act=True),
            reason="STAFF_CLOSED",
            by=info.context.viewer,
        )
        return ConversationPayload(conversation=ConversationType.from_model(conversation))


def _messages_between(conversation_id: int, after_seq: int, before_seq: int | None = None) -> list:
    rows = models.Message.objects.filter(conversation_id=conversation_id, seq__gt=after_seq)
    if before_seq is not None:
        rows = rows.filter(seq__lt=before_seq)
    return list(rows.order_by("seq"))


def _event(event: dict) -> ChatEventPayload:
    kind = ChatEventType(event["type"])
    payload = ChatEventPayload(
        type=kind, conversation_id=relay.GlobalID("Conversation", str(event["conversation_id"]))
    )
    if kind is ChatEventType.MESSAGE:
        payload.message = ChatMessageType(
            id=event["message_id"],
            seq=event["seq"],
            sender_kind=models.SenderKind(event["sender_kind"]),
            body=event["body"],
            created_at=datetime.fromisoformat(event["created_at"]),
            bot_confidence=event.get("bot_confidence"),
            suggestions=list(event.get("suggestions") or []),
        )
    elif kind is ChatEventType.STATUS:
        payload.status = models.ConversationStatus(event["status"])
    elif kind in (ChatEventType.TYPING, ChatEventType.READ):
        payload.sender_kind = models.SenderKind(event["sender_kind"])
        payload.read_seq = event.get("seq")
    elif kind is ChatEventType.QUEUE_POSITION:
        payload.queue_position = event["queue_position"]
        payload.estimated_wait_seconds = event["estimated_wait_seconds"]
    return payload


@strawberry.type
class Subscription:
    @strawberry.subscription(
        permission_classes=[IsAuthenticated], description="Replays messages after `afterSeq`, then streams."
    )
    async def chat_events(
        self, info: Info, conversation_id: relay.GlobalID, after_seq: int = 0
    ) -> AsyncGenerator[ChatEventPayload, None]:
        conversation = await db_async(_conversation_or_404)(info, conversation_id)
        ws = info.context.request
        # Listen first, then replay: nothing sent in between is lost, and replayed seqs are not repeated.
        async with ws.listen_to_channel(
            "chat.event", groups=[events.conversation_group(conversation.pk)]
        ) as live:
            last_seq = after_seq
            for message in await db_async(_messages_between)(conversation.pk, after_seq):
                last_seq = message.seq
                yield _event(common.message_event(message))
            async for item in live:
                event = item["event"]
                if event["type"] == "MESSAGE":
                    if event["seq"] <= last_seq:
                        continue
                    if event["seq"] > last_seq + 1:
                        # A broadcast was lost or overtaken: the stored messages fill the gap, in order.
                        # (seq n+1 is only given after n has committed, so they are all there.)
                        for message in await db_async(_messages_between)(
                            conversation.pk, last_seq, event["seq"]
                        ):
                            yield _event(common.message_event(message))
                    last_seq = event["seq"]
                yield _event(event)

    @strawberry.subscription(
        permission_classes=[StaffOnly], description="Assignments to me and queue changes."
    )
    async def staff_events(self, info: Info) -> AsyncGenerator[StaffEventPayload, None]:
        viewer = info.context.viewer
        ws = info.context.request
        async with ws.listen_to_channel(
            "chat.event", groups=[events.staff_group(viewer.pk), events.STAFF_ALL]
        ) as live:
            async for item in live:
                event = item["event"]
                conversation = event.get("conversation_id")
                yield StaffEventPayload(
                    type=StaffEventType(event["type"]),
                    conversation_id=relay.GlobalID("Conversation", str(conversation))
                    if conversation
                    else None,
                )
