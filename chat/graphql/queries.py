"""Chat queries: messages, the queue, the desk's chats, colleagues and canned replies."""

import strawberry
from django.utils.translation import gettext
from strawberry import relay
from strawberry.types import Info

from chat import models, selectors
from core.graphql.errors import BadUserInput
from core.graphql.permissions import IsAuthenticated
from core.graphql.resolvers import orm_resolver

from .access import _conversation_or_404
from .types import (
    CannedResponseType,
    ChatMessageType,
    ChatNoteType,
    ColleagueType,
    ConversationType,
    StaffOnly,
)

MAX_MESSAGES_PAGE = 500


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
        rows = selectors.messages_after(conversation=conversation, after_seq=after_seq, first=first)
        return [ChatMessageType.from_model(m) for m in rows]

    @strawberry.field(permission_classes=[StaffOnly], description="Private notes on a chat, oldest first.")
    @orm_resolver
    def chat_notes(self, info: Info, conversation_id: relay.GlobalID) -> list[ChatNoteType]:
        conversation = _conversation_or_404(info, conversation_id)
        return [ChatNoteType.from_model(n) for n in selectors.notes_of(conversation=conversation)]

    @strawberry.field(permission_classes=[StaffOnly])
    @orm_resolver
    def staff_queue(self, info: Info) -> list[ConversationType]:
        return [ConversationType.from_model(c) for c in selectors.queue_listing(limit=200)]

    @strawberry.field(permission_classes=[StaffOnly])
    @orm_resolver
    def my_active_chats(self, info: Info) -> list[ConversationType]:
        chats = selectors.conversations_active_for_staff(user=info.context.viewer)
        return [ConversationType.from_model(c) for c in chats]

    @strawberry.field(permission_classes=[StaffOnly], description="Online colleagues to transfer a chat to.")
    @orm_resolver
    def staff_colleagues(self, info: Info) -> list[ColleagueType]:
        return [
            ColleagueType.from_model(user) for user in selectors.colleagues_online(viewer=info.context.viewer)
        ]

    @strawberry.field(permission_classes=[StaffOnly])
    @orm_resolver
    def canned_responses(self, info: Info) -> list[CannedResponseType]:
        replies = selectors.canned_response_scope(
            models.CannedResponse.objects.all(), viewer=info.context.viewer
        )
        return [CannedResponseType.from_model(r) for r in replies.order_by("title")]
