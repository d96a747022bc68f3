"""The service desk: availability, taking a chat from the queue, handing it to a colleague."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ErrorCode, ServiceError

from ..models import (
    Availability,
    Conversation,
    ConversationStatus,
    SenderKind,
    StaffPresence,
)
from .common import _append, _locked, _status_event
from .queue import _assign, _queue_positions_broadcast, conversations_assign


def availability_set(*, user, status: str, capacity: int | None = None) -> StaffPresence:
    """Going offline returns the staff member's chats to the front of the queue."""
    if status not in Availability.values:
        raise ServiceError(ErrorCode.INVALID, gettext_lazy("Unknown availability."), field="status")
    if capacity is not None and not 1 <= capacity <= 10:
        raise ServiceError(ErrorCode.INVALID, gettext_lazy("Capacity must be 1 to 10."), field="capacity")
    now = timezone.now()
    with transaction.atomic():
        presence, _created = StaffPresence.objects.select_for_update().get_or_create(user=user)
        presence.status = status
        if capacity is not None:
            presence.capacity = capacity
        presence.save()
        if status == Availability.OFFLINE:
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
        transaction.on_commit(lambda: conversations_assign())
    return presence


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


def chat_transfer(*, user, conversation: Conversation, to_user) -> Conversation:
    with transaction.atomic():
        conversation = _locked(conversation.pk)
        if conversation.status != ConversationStatus.ACTIVE or conversation.assigned_staff_id != user.pk:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE,
                gettext_lazy("Only your active chats can be transferred."),
                field="conversationId",
            )
        if not StaffPresence.objects.filter(user=to_user, status=Availability.ONLINE).exists():
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE, gettext_lazy("That colleague is not online."), field="toStaffId"
            )
        _assign(conversation, to_user, timezone.now())
    return conversation
