"""The service desk: availability, taking a chat from the queue, handing it to a colleague."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ErrorCode, ServiceError
from operations import selectors as ops_selectors
from operations.models import Availability, Skill, StaffPresence
from operations.services import presence

from .. import selectors
from ..models import Conversation, ConversationStatus, SenderKind
from .common import _append, _locked, _status_event
from .queue import _assign, _queue_positions_broadcast, conversations_assign


def availability_set(*, user, status: str, capacity: int | None = None) -> StaffPresence:
    """Presence is the pool's (one mechanism for chats and tasks); going offline hands chats back
    through `chats_hand_back`, going online gives the person chats (see apps.ChatConfig.ready)."""
    return presence.presence_set(user=user, status=status, capacity=capacity)


def chats_hand_back(*, user, now) -> int:
    """A person went offline (by choice or lost heartbeat): their chats go back to the front of the
    queue, in the same transaction."""
    returned = 0
    for conversation in Conversation.objects.select_for_update().filter(
        assigned_staff=user, status=ConversationStatus.ACTIVE
    ):
        conversation.status = ConversationStatus.QUEUED
        conversation.assigned_staff = None
        # Back to the front: a priority above every waiting customer.
        conversation.priority = 2
        conversation.queued_at = conversation.queued_at or now
        conversation.save(update_fields=["status", "assigned_staff", "priority", "queued_at"])
        with translation.override(settings.LANGUAGE_CODE):
            _append(
                conversation,
                kind=SenderKind.SYSTEM,
                body=_("We are finding you another person; you are first in line."),
            )
        _status_event(conversation)
        returned += 1
    transaction.on_commit(lambda: conversations_assign())
    return returned


def chat_accept(*, user, conversation: Conversation) -> Conversation:
    """A staff member takes a queued chat from the queue themself."""
    with transaction.atomic():
        conversation = _locked(conversation.pk)
        if conversation.status != ConversationStatus.QUEUED:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE,
                gettext_lazy("This chat is no longer waiting."),
                field="conversationId",
            )
        _assign(conversation, user, timezone.now())
        StaffPresence.objects.filter(user=user).update(last_assigned_at=timezone.now())
        transaction.on_commit(_queue_positions_broadcast)
    return conversation


def chat_transfer(
    *, user, conversation: Conversation, to_user=None, to_language: str | None = None
) -> Conversation:
    """Hand one's chat to a named colleague, or to whoever online speaks `to_language` (the one idle
    longest with room); either must be online on the desk."""
    with transaction.atomic():
        conversation = _locked(conversation.pk)
        if conversation.status != ConversationStatus.ACTIVE or conversation.assigned_staff_id != user.pk:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE,
                gettext_lazy("Only your active chats can be transferred."),
                field="conversationId",
            )
        if to_language is not None:
            candidate = (
                selectors.free_desk_staff(language=to_language)
                .filter(user__languages__language=to_language)
                .exclude(user=user)
                .select_related("user")
                .first()
            )
            if candidate is None:
                raise ServiceError(
                    ErrorCode.NOT_ELIGIBLE,
                    gettext_lazy("Nobody who speaks that language is free on the desk right now."),
                    field="toLanguage",
                )
            to_user = candidate.user
        elif (
            not ops_selectors.staff_with_skill(Skill.CHAT)
            .filter(user=to_user, status=Availability.ONLINE)
            .exists()
        ):
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE, gettext_lazy("That colleague is not online."), field="toStaffId"
            )
        now = timezone.now()
        _assign(conversation, to_user, now)
        StaffPresence.objects.filter(user=to_user).update(last_assigned_at=now)
    return conversation
