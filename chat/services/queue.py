"""The queue for a person: asking for one, leaving a message out of hours, assignment."""

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.services import phone_validate
from core.errors import ErrorCode, ServiceError
from elder_mode.selectors import customer_is_elderly

from .. import events, selectors
from ..models import (
    Availability,
    Conversation,
    ConversationStatus,
    LeftMessage,
    SenderKind,
    StaffPresence,
)
from .common import MAX_BODY, OPEN, _append, _locked, _status_event, in_service_hours


def human_request(*, conversation: Conversation, now: datetime | None = None) -> Conversation:
    now = now or timezone.now()
    with transaction.atomic():
        conversation = _locked(conversation.pk)
        if conversation.status in (ConversationStatus.QUEUED, ConversationStatus.ACTIVE):
            return conversation
        if conversation.status not in OPEN:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE, gettext_lazy("This conversation has ended."), field="conversationId"
            )
        _queue(conversation, now)
    return conversation


def _queue(conversation: Conversation, now: datetime) -> None:
    if not in_service_hours(now):
        raise ServiceError(
            ErrorCode.OUTSIDE_SERVICE_HOURS,
            gettext_lazy(
                "Our service desk works 08:00 to 21:00. Please leave a message with a callback number."
            ),
            field="conversationId",
        )
    conversation.status = ConversationStatus.QUEUED
    conversation.queued_at = now
    conversation.priority = 1 if customer_is_elderly(conversation.customer) else 0
    conversation.save(update_fields=["status", "queued_at", "priority"])
    _append(
        conversation,
        kind=SenderKind.SYSTEM,
        body=_("You are in the queue for a person from our service desk."),
    )
    _status_event(conversation)
    transaction.on_commit(lambda: conversations_assign())


def leave_message(*, conversation: Conversation, body: str, callback_phone: str) -> LeftMessage:
    body = (body or "").strip()
    if not body or len(body) > MAX_BODY:
        raise ServiceError(
            ErrorCode.INVALID, gettext_lazy("A message must have 1 to 2000 characters."), field="body"
        )
    phone = phone_validate(callback_phone, field="callbackPhone")
    with transaction.atomic():
        conversation = _locked(conversation.pk)
        if conversation.status not in (ConversationStatus.BOT, ConversationStatus.QUEUED):
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE, gettext_lazy("This conversation has ended."), field="conversationId"
            )
        try:
            with transaction.atomic():
                left = LeftMessage.objects.create(
                    conversation=conversation, customer=conversation.customer, body=body, callback_phone=phone
                )
        except IntegrityError:
            raise ServiceError(
                ErrorCode.DUPLICATE_REQUEST, gettext_lazy("You have already left a message.")
            ) from None
        conversation.status = ConversationStatus.LEFT_MESSAGE
        conversation.save(update_fields=["status"])
        _append(conversation, kind=SenderKind.CUSTOMER, body=body, sender=conversation.customer.user)
        _status_event(conversation)
    return left


def _free_staff():
    """Online staff with room, the one idle longest first."""
    return (
        StaffPresence.objects.filter(status=Availability.ONLINE)
        .annotate(
            active=Count(
                "user__assigned_chats", filter=Q(user__assigned_chats__status=ConversationStatus.ACTIVE)
            )
        )
        .filter(active__lt=F("capacity"))
        .order_by(F("last_assigned_at").asc(nulls_first=True), "pk")
    )


def conversations_assign(now: datetime | None = None) -> int:
    """Give queued chats to free staff until one of them runs out; tell the rest their new position."""
    now = now or timezone.now()
    assigned = 0
    while True:
        with transaction.atomic():
            presence = _free_staff().first()
            if presence is None:
                break
            presence = StaffPresence.objects.select_for_update().get(pk=presence.pk)
            conversation = selectors.queue_order().select_for_update(skip_locked=True).first()
            if conversation is None:
                break
            _assign(conversation, presence.user, now)
            presence.last_assigned_at = now
            presence.save(update_fields=["last_assigned_at"])
            assigned += 1
    _queue_positions_broadcast()
    return assigned


def _assign(conversation: Conversation, staff_user, now: datetime) -> None:
    conversation.status = ConversationStatus.ACTIVE
    conversation.assigned_staff = staff_user
    conversation.assigned_at = now
    # Waiting in the queue is not being idle: the customer's clock starts when a person arrives.
    conversation.last_customer_activity_at = now
    conversation.save(update_fields=["status", "assigned_staff", "assigned_at", "last_customer_activity_at"])
    name = getattr(getattr(staff_user, "staff", None), "name", "") or staff_user.display_name
    with translation.override(settings.LANGUAGE_CODE):
        _append(
            conversation,
            kind=SenderKind.SYSTEM,
            body=_("%(name)s from our service desk is here to help.") % {"name": name},
        )
    _status_event(conversation)
    events.send_on_commit(
        events.staff_group(staff_user.pk), events.AssignedEvent(conversation_id=conversation.pk)
    )
    events.send_on_commit(events.STAFF_ALL, events.QueueChangedEvent())


def _queue_positions_broadcast() -> None:
    online = selectors.staff_online_count()
    for position, pk in enumerate(selectors.queue_order().values_list("pk", flat=True), start=1):
        events.send_on_commit(
            events.conversation_group(pk),
            events.QueuePositionEvent(
                conversation_id=pk,
                queue_position=position,
                estimated_wait_seconds=selectors.wait_for(position, online),
            ),
        )
