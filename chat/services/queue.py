"""The queue for a person: asking for one, leaving a message out of hours, assignment."""

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.services import phone_validate
from core.errors import ErrorCode, ServiceError
from elder_mode.selectors import customer_is_elderly
from operations.models import Availability, StaffPresence, SubjectType, TaskKind
from operations.services import tasks

from .. import events, selectors
from ..models import Conversation, ConversationStatus, LeftMessage, SenderKind
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
        # The callback is pool work, raised with the message (12:00 the next business day).
        tasks.task_raise(
            kind=TaskKind.LEFT_MESSAGE_CALLBACK,
            subject_type=SubjectType.CONVERSATION,
            subject_id=conversation.pk,
            customer=conversation.customer,
            title=body[:80],
            language=selectors.chat_language(conversation),
        )
    return left


def left_message_followed_up(*, task, outcome: str, note: str, user) -> None:
    """Completing a left-message callback task records its outcome on the message (a call nobody
    answered leaves it open for the next attempt)."""
    if task.status != "DONE":
        return
    LeftMessage.objects.filter(conversation_id=task.subject_id, handled_at__isnull=True).update(
        handled_at=task.completed_at, handled_by=user, outcome=outcome, note=note[:255]
    )


def left_message_handle(*, left: LeftMessage, by, outcome: str = "RESOLVED", note: str = "") -> LeftMessage:
    """Mark a left message handled outside the pool (the admin): its callback task closes with it."""
    with transaction.atomic():
        left = LeftMessage.objects.select_for_update().get(pk=left.pk)
        if left.handled_at is not None:
            return left
        left.handled_at = timezone.now()
        left.handled_by = by
        left.outcome = outcome
        left.note = note[:255]
        left.save(update_fields=["handled_at", "handled_by", "outcome", "note"])
        tasks.subject_settled(
            subject_type=SubjectType.CONVERSATION,
            subject_id=left.conversation_id,
            kinds=[TaskKind.LEFT_MESSAGE_CALLBACK],
            by=by,
            outcome=outcome,
        )
    return left


def conversations_assign(now: datetime | None = None) -> int:
    """Give queued chats, in queue order, to free people (a speaker of the customer's language or
    dialect first, then the one idle longest) until nobody is free; tell the rest their position."""
    now = now or timezone.now()
    assigned = 0
    while True:
        with transaction.atomic():
            conversation = selectors.queue_order().select_for_update(skip_locked=True).first()
            if conversation is None:
                break
            if not _assign_to_free_staff(conversation, now):
                break
            assigned += 1
    _queue_positions_broadcast()
    return assigned


def _assign_to_free_staff(conversation: Conversation, now: datetime) -> bool:
    language = selectors.chat_language(conversation)
    for candidate in selectors.free_desk_staff(language=language)[:5]:
        # Someone else is giving this person a chat: try the next rather than wait.
        presence = (
            StaffPresence.objects.select_for_update(skip_locked=True)
            .filter(pk=candidate.pk, status=Availability.ONLINE)
            .select_related("user")
            .first()
        )
        if presence is None or not selectors.desk_has_room(presence.user):
            continue
        _assign(conversation, presence.user, now)
        presence.last_assigned_at = now
        presence.save(update_fields=["last_assigned_at"])
        return True
    return False


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
