"""Chat actions. Messages get their `seq` under the conversation's row lock, are stored, and only
then broadcast (on commit), so a subscriber replaying from its last seq loses nothing."""

import functools
import re
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.services import phone_validate
from core.errors import ErrorCode, ServiceError
from elder_mode.selectors import customer_is_elderly

from . import events, selectors
from .bot import CONFIDENT, SUGGEST, bot_answer, is_english, wants_human
from .figures import personal_figures
from .models import (
    Availability,
    Conversation,
    ConversationStatus,
    FaqEntry,
    LeftMessage,
    Message,
    SenderKind,
    StaffPresence,
)

SERVICE_FROM, SERVICE_UNTIL = time(8, 0), time(21, 0)
IDLE_AFTER = timedelta(minutes=10)
MAX_BODY = 2000
MAX_CLIENT_MESSAGE_ID = 64
# C0 and C1 control characters other than tab and newline.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
OPEN = (ConversationStatus.BOT, ConversationStatus.QUEUED, ConversationStatus.ACTIVE)


def in_service_hours(now: datetime) -> bool:
    return SERVICE_FROM <= timezone.localtime(now).time() < SERVICE_UNTIL


def message_event(message: Message) -> dict:
    return {
        "type": "MESSAGE",
        "conversation_id": message.conversation_id,
        "message_id": message.pk,
        "seq": message.seq,
        "sender_kind": message.sender_kind,
        "body": message.body,
        "created_at": message.created_at.isoformat(),
        "bot_confidence": message.bot_confidence,
        "suggestions": list(message.suggestions or []),
    }


def _append(
    conversation: Conversation, *, kind: str, body: str, sender=None, client_message_id=None, **fields
) -> Message:
    """Append a message to a conversation whose row this transaction has locked."""
    message = Message(
        conversation=conversation,
        sender_kind=kind,
        sender=sender,
        body=body,
        client_message_id=client_message_id,
        **fields,
    )
    # Every chat message passes here, so it is written in two plain statements rather than through
    # the ORM's save machinery (which costs about as much again in Python as the database work).
    next_seq_sql, insert_sql, columns = _append_sql()
    with connection.cursor() as cursor:
        cursor.execute(next_seq_sql, [conversation.pk])
        (conversation.last_seq,) = cursor.fetchone()
        message.seq = conversation.last_seq
        cursor.execute(
            insert_sql, [f.get_db_prep_save(getattr(message, f.attname), connection) for f in columns]
        )
        (message.pk,) = cursor.fetchone()
    message._state.adding, message._state.db = False, connection.alias
    events.send_on_commit(events.conversation_group(conversation.pk), message_event(message))
    return message


@functools.cache
def _append_sql() -> tuple[str, str, list]:
    """The two statements of `_append`; identifiers come from the models, values are parameters."""
    quote = connection.ops.quote_name
    conversations, messages = Conversation._meta, Message._meta
    last_seq = quote(conversations.get_field("last_seq").column)
    columns = [f for f in messages.concrete_fields if not f.primary_key]
    next_seq = (
        f"UPDATE {quote(conversations.db_table)} SET {last_seq} = {last_seq} + 1"  # noqa: S608
        f" WHERE {quote(conversations.pk.column)} = %s RETURNING {last_seq}"
    )
    insert = (
        f"INSERT INTO {quote(messages.db_table)} ({', '.join(quote(f.column) for f in columns)})"  # noqa: S608
        f" VALUES ({', '.join(['%s'] * len(columns))}) RETURNING {quote(messages.pk.column)}"
    )
    return next_seq, insert, columns


def _status_event(conversation: Conversation) -> None:
    events.send_on_commit(
        events.conversation_group(conversation.pk),
        {"type": "STATUS", "conversation_id": conversation.pk, "status": conversation.status},
    )


def _locked(conversation_id: int) -> Conversation:
    return Conversation.objects.select_for_update().get(pk=conversation_id)


def _locked_in_scope(conversation_id: int, customer_id: int | None) -> Conversation | None:
    """Lock a conversation (of this customer, when given). Every message passes here: a raw query
    keeps the model and its conversions but skips the ORM's query building, half the cost."""
    params = [conversation_id] if customer_id is None else [conversation_id, customer_id]
    found = list(Conversation.objects.raw(_lock_sql(customer_id is not None), params))
    return found[0] if found else None


@functools.cache
def _lock_sql(by_customer: bool) -> str:
    quote = connection.ops.quote_name
    meta = Conversation._meta
    where = f"{quote(meta.pk.column)} = %s"
    if by_customer:
        where += f" AND {quote(meta.get_field('customer').column)} = %s"
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""  # SQLite: one writer
    return f"SELECT * FROM {quote(meta.db_table)} WHERE {where}{lock}"  # noqa: S608


def conversation_start(*, customer, topic: str = "") -> Conversation:
    # The language the app asked in: the bot greets in it (and answers in it unless the customer
    # writes in another).
    language = "en" if (translation.get_language() or "").startswith("en") else settings.LANGUAGE_CODE
    with transaction.atomic():
        conversation = Conversation.objects.create(
            customer=customer, topic=(topic or "")[:64], language=language
        )
        conversation = _locked(conversation.pk)
        with translation.override(language):
            greeting = _(
                'Hello, I am Nuanxin\'s assistant. Ask me about loans, repayments, benefits or your policies; say "转人工" for a person.'
            )
        _append(conversation, kind=SenderKind.BOT, body=greeting)
    return conversation


def message_send(
    *,
    conversation_id: int,
    sender,
    kind: str,
    body: str,
    client_message_id: str | None,
) -> Message:
    """Store a message once per client id; a customer's message to the bot gets the bot's answer.

    The conversation is looked up within the sender's scope (selectors.scope_customer) and locked
    in one query; one outside it is NOT_FOUND, exactly like a missing one.
    """
    body = (body or "").strip()
    if not body or len(body) > MAX_BODY:
        raise ServiceError(
            ErrorCode.INVALID, gettext_lazy("A message must have 1 to 2000 characters."), field="body"
        )
    if _CONTROL.search(body):
        # Invisible control characters garble the transcript and the desk's screen.
        raise ServiceError(
            ErrorCode.INVALID,
            gettext_lazy("The message contains characters that cannot be shown."),
            field="body",
        )
    client_message_id = (client_message_id or "").strip() or None
    if client_message_id is not None and len(client_message_id) > MAX_CLIENT_MESSAGE_ID:
        raise ServiceError(
            ErrorCode.INVALID,
            gettext_lazy("A client message id has at most 64 characters."),
            field="clientMessageId",
        )
    now = timezone.now()
    allowed, customer_id = selectors.scope_customer(sender)
    with transaction.atomic():
        conversation = _locked_in_scope(conversation_id, customer_id) if allowed else None
        if conversation is None:
            raise ServiceError(ErrorCode.NOT_FOUND, gettext_lazy("Not found."), field="conversationId")
        if client_message_id:
            existing = Message.objects.filter(
                conversation=conversation, sender=sender, client_message_id=client_message_id
            ).first()
            if existing is not None:
                return existing
        if conversation.status not in OPEN:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE, gettext_lazy("This conversation has ended."), field="conversationId"
            )
        # Checked under the lock: a transfer commits before this reply or waits for it. Another
        # person's chat looks missing; one waiting in the queue must be accepted first.
        if kind == SenderKind.STAFF and conversation.assigned_staff_id != sender.pk:
            if conversation.status != ConversationStatus.QUEUED and not selectors.is_supervisor(sender):
                raise ServiceError(ErrorCode.NOT_FOUND, gettext_lazy("Not found."), field="conversationId")
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE,
                gettext_lazy("Accept the chat before replying."),
                field="conversationId",
            )
        message = _append(
            conversation, kind=kind, body=body, sender=sender, client_message_id=client_message_id
        )
        if kind == SenderKind.CUSTOMER:
            conversation.last_customer_activity_at = now
            conversation.save(update_fields=["last_customer_activity_at"])
            if conversation.status == ConversationStatus.BOT:
                _bot_reply(conversation, body, now)
        elif kind == SenderKind.STAFF and conversation.first_staff_reply_at is None:
            conversation.first_staff_reply_at = now
            conversation.save(update_fields=["first_staff_reply_at"])
    return message


def _reply_language(conversation: Conversation, text: str) -> str:
    """English for a message in English, Chinese for one with Chinese, else the chat's language."""
    if is_english(text):
        return "en"
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return settings.LANGUAGE_CODE
    return conversation.language or settings.LANGUAGE_CODE


def _faq_question(entry: FaqEntry, language: str) -> str:
    return (entry.question_en or entry.question_zh) if language == "en" else entry.question_zh


def _faq_answer(entry: FaqEntry, conversation: Conversation, language: str) -> str:
    answer = (entry.answer_en or entry.answer_zh) if language == "en" else entry.answer_zh
    figures = personal_figures(entry.personal, conversation.customer, language)
    return f"{answer}\n{figures}" if figures else answer


def _bot_reply(conversation: Conversation, text: str, now: datetime) -> None:
    events.send_on_commit(
        events.conversation_group(conversation.pk),
        {"type": "TYPING", "conversation_id": conversation.pk, "sender_kind": "BOT"},
    )
    language = _reply_language(conversation, text)
    with translation.override(language):
        if wants_human(text):
            if in_service_hours(now):
                _queue(conversation, now)
            else:
                # Not an error here: the customer's message is kept and the bot explains.
                _append(
                    conversation,
                    kind=SenderKind.BOT,
                    body=_(
                        "Our service desk works 08:00 to 21:00. Please leave a message with a callback number."
                    ),
                )
            return
        answer = bot_answer(text)
        if answer.faq is not None and answer.confidence >= CONFIDENT:
            _append(
                conversation,
                kind=SenderKind.BOT,
                body=_faq_answer(answer.faq, conversation, language),
                faq=answer.faq,
                bot_confidence=answer.confidence,
                suggestions=[_faq_question(e, language) for e in answer.alternatives],
            )
        elif answer.faq is not None and answer.confidence >= SUGGEST:
            # Not sure enough to answer: offer what the customer may mean ("猜你想问").
            questions = [_faq_question(e, language) for e in (answer.faq, *answer.alternatives)]
            lines = "\n".join(f"{i}. {q}" for i, q in enumerate(questions, start=1))
            _append(
                conversation,
                kind=SenderKind.BOT,
                body=_('Did you mean:\n%(questions)s\nOr say "转人工" for a person.') % {"questions": lines},
                bot_confidence=answer.confidence,
                suggestions=questions,
            )
        else:
            _append(
                conversation,
                kind=SenderKind.BOT,
                body=_(
                    'Sorry, I am not sure I understood. Say "转人工" and a person from our service desk will help.'
                ),
                bot_confidence=answer.confidence,
            )


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


# --- Queue and assignment ----------------------------------------------------------------------------


# Queue reads live in selectors; services use them (re-exported for callers of the service API).
queue_order = selectors.queue_order
queue_position = selectors.queue_position
estimated_wait_seconds = selectors.estimated_wait_seconds


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
            conversation = queue_order().select_for_update(skip_locked=True).first()
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
        events.staff_group(staff_user.pk), {"type": "ASSIGNED", "conversation_id": conversation.pk}
    )
    events.send_on_commit(events.STAFF_ALL, {"type": "QUEUE_CHANGED"})


def _queue_positions_broadcast() -> None:
    online = selectors.staff_online_count()
    for position, pk in enumerate(queue_order().values_list("pk", flat=True), start=1):
        events.send_on_commit(
            events.conversation_group(pk),
            {
                "type": "QUEUE_POSITION",
                "conversation_id": pk,
                "queue_position": position,
                "estimated_wait_seconds": selectors.wait_for(position, online),
            },
        )


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
        events.send_on_commit(events.STAFF_ALL, {"type": "QUEUE_CHANGED"})
        transaction.on_commit(lambda: conversations_assign())
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


def bot_answer_rate(*, message: Message, helpful: bool) -> Message:
    if message.sender_kind != SenderKind.BOT:
        raise ServiceError(
            ErrorCode.INVALID, gettext_lazy("Only the bot's answers can be rated."), field="messageId"
        )
    Message.objects.filter(pk=message.pk).update(helpful=helpful)
    message.helpful = helpful
    return message


def chat_read(*, conversation: Conversation, reader_kind: str, seq: int) -> int:
    """Store how far the reader has read (never backwards, never past the last message) and tell the
    other side. Returns the stored position."""
    column = "staff_read_seq" if reader_kind == SenderKind.STAFF else "customer_read_seq"
    with transaction.atomic():
        locked = (
            Conversation.objects.select_for_update().only("pk", "last_seq", column).get(pk=conversation.pk)
        )
        position = max(getattr(locked, column), min(max(seq, 0), locked.last_seq))
        if position != getattr(locked, column):
            Conversation.objects.filter(pk=locked.pk).update(**{column: position})
        events.send_on_commit(
            events.conversation_group(conversation.pk),
            {"type": "READ", "conversation_id": conversation.pk, "sender_kind": reader_kind, "seq": position},
        )
    return position


def chat_typing(*, conversation: Conversation, sender_kind: str) -> None:
    events.send_on_commit(
        events.conversation_group(conversation.pk),
        {"type": "TYPING", "conversation_id": conversation.pk, "sender_kind": sender_kind},
    )
