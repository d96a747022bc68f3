"""Chat subscriptions: a conversation's events (replayed from the store, then live) and the
desk's events."""

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from chat import events, models, selectors
from chat.services import common
from core.graphql.permissions import IsAuthenticated
from core.graphql.resolvers import db_async
from operations import selectors as ops_selectors
from operations.events import SUPERVISORS, skill_group
from operations.models import TaskKind, TaskStatus

from .access import _conversation_or_404
from .types import (
    ChatEventPayload,
    ChatEventType,
    ChatMessageType,
    ChatNoteType,
    StaffEventPayload,
    StaffEventType,
    StaffOnly,
)


def _messages_between(conversation_id: int, after_seq: int, before_seq: int | None = None) -> list:
    return list(
        selectors.messages_between(
            conversation_id=conversation_id, after_seq=after_seq, before_seq=before_seq
        )
    )


def _event(event: events.ChatEvent) -> ChatEventPayload:
    """The one place a chat event becomes its GraphQL object."""
    payload = ChatEventPayload(
        type=ChatEventType(event.kind),
        conversation_id=relay.GlobalID("Conversation", str(event.conversation_id)),
    )
    match event:
        case events.MessageEvent():
            payload.message = ChatMessageType(
                id=event.message_id,
                seq=event.seq,
                sender_kind=models.SenderKind(event.sender_kind),
                body=event.body,
                created_at=datetime.fromisoformat(event.created_at),
                bot_confidence=event.bot_confidence,
                suggestions=list(event.suggestions),
            )
        case events.StatusEvent():
            payload.status = models.ConversationStatus(event.status)
        case events.TypingEvent():
            payload.sender_kind = models.SenderKind(event.sender_kind)
        case events.ReadEvent():
            payload.sender_kind = models.SenderKind(event.sender_kind)
            payload.read_seq = event.seq
        case events.QueuePositionEvent():
            payload.queue_position = event.queue_position
            payload.estimated_wait_seconds = event.estimated_wait_seconds
        case events.NoteEvent():
            payload.note = ChatNoteType(
                id=event.note_id,
                body=event.body,
                author_name=event.author_name,
                created_at=datetime.fromisoformat(event.created_at),
            )
    return payload


def _roles_of(viewer) -> tuple[bool, list[str]]:
    return ops_selectors.is_supervisor(viewer), ops_selectors.skills_allowed(viewer)


def _staff_event(event) -> StaffEventPayload:
    payload = StaffEventPayload(type=StaffEventType(event.kind))
    conversation = getattr(event, "conversation_id", None)
    if conversation:
        payload.conversation_id = relay.GlobalID("Conversation", str(conversation))
    if hasattr(event, "task_id"):
        payload.task_id = relay.GlobalID("Task", str(event.task_id))
        payload.task_kind = TaskKind(event.task_kind)
        status = getattr(event, "status", None)
        payload.task_status = TaskStatus(status) if status else None
        payload.overdue = getattr(event, "overdue", None)
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
        groups = [events.conversation_group(conversation.pk)]
        if selectors.is_staff(info.context.viewer):
            groups.append(events.conversation_staff_group(conversation.pk))  # private notes
        # Listen first, then replay: nothing sent in between is lost, and replayed seqs are not repeated.
        async with ws.listen_to_channel(events.CHANNEL_TYPE, groups=groups) as live:
            last_seq = after_seq
            for message in await db_async(_messages_between)(conversation.pk, after_seq):
                last_seq = message.seq
                yield _event(common.message_event(message))
            async for item in live:
                event = events.decode(item["event"])
                if isinstance(event, events.MessageEvent):
                    if event.seq <= last_seq:
                        continue
                    if event.seq > last_seq + 1:
                        # A broadcast was lost or overtaken: the stored messages fill the gap, in order.
                        # (seq n+1 is only given after n has committed, so they are all there.)
                        for message in await db_async(_messages_between)(
                            conversation.pk, last_seq, event.seq
                        ):
                            yield _event(common.message_event(message))
                    last_seq = event.seq
                yield _event(event)

    @strawberry.subscription(
        permission_classes=[StaffOnly],
        description="Chats and tasks given to me, queue changes; supervisors also every task change and SLA risk.",
    )
    async def staff_events(self, info: Info) -> AsyncGenerator[StaffEventPayload, None]:
        viewer = info.context.viewer
        ws = info.context.request
        supervisor, skills = await db_async(_roles_of)(viewer)  # one hop before listening
        groups = [events.staff_group(viewer.pk), events.STAFF_ALL]
        if supervisor:
            groups.append(SUPERVISORS)
        # Work waiting in the pool for one's skills (a follow-up of an unhappy customer is heard at once).
        groups += [skill_group(skill) for skill in skills]
        async with ws.listen_to_channel(events.CHANNEL_TYPE, groups=groups) as live:
            async for item in live:
                yield _staff_event(events.decode(item["event"]))
