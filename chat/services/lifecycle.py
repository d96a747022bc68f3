"""The end of a chat: closing (by staff or when idle) and the customer's rating."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ErrorCode, ServiceError

from .. import events, selectors
from ..models import (
    Conversation,
    ConversationStatus,
    SenderKind,
)
from ..signals import chat_closed
from .common import OPEN, _append, _locked, _status_event
from .queue import conversations_assign

IDLE_AFTER = timedelta(minutes=10)


def chat_close(*, conversation: Conversation, reason: str, by=None) -> Conversation:
    with transaction.atomic():
        conversation = _locked(conversation.pk)
        if conversation.status not in OPEN:
            return conversation
        if (
            by is not None
            and conversation.assigned_staff_id not in (None, by.pk)
            and not selectors.is_supervisor(by)
        ):
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE,
                gettext_lazy("Only your active chats can be closed."),
                field="conversationId",
            )
        conversation.status = ConversationStatus.CLOSED
        conversation.closed_at = timezone.now()
        conversation.close_reason = reason
        conversation.save(update_fields=["status", "closed_at", "close_reason"])
        with translation.override(settings.LANGUAGE_CODE):
            _append(
                conversation,
                kind=SenderKind.SYSTEM,
                body=_("This chat has ended. How did we do? Please rate it from 1 to 5."),
            )
        _status_event(conversation)
        events.send_on_commit(events.STAFF_ALL, events.QueueChangedEvent())
        transaction.on_commit(lambda: conversations_assign())
        chat_closed.send(sender="chat", conversation=conversation)
    return conversation


def chats_close_idle(now: datetime | None = None) -> int:
    """Chats whose customer has been silent for 10 minutes are closed; never one waiting in the queue."""
    now = now or timezone.now()
    idle = Conversation.objects.filter(
        status__in=(ConversationStatus.BOT, ConversationStatus.ACTIVE),
        last_customer_activity_at__lte=now - IDLE_AFTER,
    ).values_list("pk", flat=True)
    closed = 0
    for pk in list(idle):
        chat_close(conversation=Conversation(pk=pk), reason="IDLE")
        closed += 1
    return closed


def chat_rate(*, conversation: Conversation, score: int, comment: str = "") -> Conversation:
    if not 1 <= score <= 5:
        raise ServiceError(ErrorCode.INVALID, gettext_lazy("Rate from 1 to 5."), field="score")
    with transaction.atomic():
        conversation = _locked(conversation.pk)
        if conversation.status != ConversationStatus.CLOSED:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE,
                gettext_lazy("You can rate a chat once it has ended."),
                field="conversationId",
            )
        conversation.rating = score
        conversation.rating_comment = (comment or "")[:500]
        conversation.save(update_fields=["rating", "rating_comment"])
    return conversation
