"""Chat mutations for customers and the service desk; each calls one service."""

import strawberry
from django.utils.translation import gettext_lazy
from strawberry.types import Info

from accounts.models import User
from chat import models, selectors
from chat.services import lifecycle, messages, notes, queue, staff
from core.errors import ErrorCode, ServiceError
from core.graphql.errors import returns_user_errors
from core.graphql.ids import not_found, pk_of
from core.graphql.permissions import IsAuthenticated
from core.graphql.resolvers import orm_resolver
from operations import selectors as ops_selectors
from operations.models import Skill

from .access import _colleague_pk, _conversation, _sender_kind
from .inputs import (
    AddChatNoteInput,
    AddChatNotePayload,
    CloseChatInput,
    ConversationInput,
    ConversationPayload,
    LeaveMessageInput,
    MarkChatReadInput,
    OkPayload,
    RateBotAnswerInput,
    RateChatInput,
    SendChatMessageInput,
    SendChatMessagePayload,
    SetAvailabilityInput,
    SetAvailabilityPayload,
    StartChatInput,
    TransferChatInput,
)
from .types import ChatMessageType, ChatNoteType, ConversationType, CustomerOnly, PresenceType, StaffOnly


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
        capacity = ops_selectors.skill_capacity(user=info.context.viewer, skill=Skill.CHAT) or 0
        return SetAvailabilityPayload(
            presence=PresenceType(status=models.Availability(presence.status), capacity=capacity)
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
        if (input.to_staff_id is None) == (input.to_language is None):
            raise ServiceError(
                ErrorCode.INVALID,
                gettext_lazy("Choose a colleague or a language to transfer to."),
                field="toStaffId",
            )
        to_user = None
        if input.to_staff_id is not None:
            to_pk = _colleague_pk(input.to_staff_id)
            to_user = (
                selectors.colleague_scope(User.objects.all(), viewer=info.context.viewer)
                .filter(pk=to_pk)
                .first()
            )
            if to_user is None:
                raise not_found("toStaffId")
        conversation = staff.chat_transfer(
            user=info.context.viewer,
            conversation=_conversation(info, input.conversation_id, act=True),
            to_user=to_user,
            to_language=input.to_language.value if input.to_language is not None else None,
        )
        return ConversationPayload(conversation=ConversationType.from_model(conversation))

    @strawberry.mutation(permission_classes=[StaffOnly])
    @orm_resolver
    @returns_user_errors(ConversationPayload)
    def close_chat(self, info: Info, input: CloseChatInput) -> ConversationPayload:
        reason = models.CloseReason(input.reason)
        if reason == models.CloseReason.IDLE:
            raise ServiceError(ErrorCode.INVALID, gettext_lazy("Choose why the chat ends."), field="reason")
        conversation = lifecycle.chat_close(
            conversation=_conversation(info, input.conversation_id, act=True),
            reason=reason.value,
            by=info.context.viewer,
        )
        return ConversationPayload(conversation=ConversationType.from_model(conversation))

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="A private note on a chat: colleagues see it, the customer never.",
    )
    @orm_resolver
    @returns_user_errors(AddChatNotePayload)
    def add_chat_note(self, info: Info, input: AddChatNoteInput) -> AddChatNotePayload:
        note = notes.chat_note_add(
            user=info.context.viewer,
            conversation=_conversation(info, input.conversation_id, act=True),
            body=input.body,
        )
        return AddChatNotePayload(note=ChatNoteType.from_model(note))
