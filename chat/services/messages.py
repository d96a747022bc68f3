"""Messages: starting a chat, sending (once per client id), the bot's replies, read and typing."""

import re
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ErrorCode, ServiceError

from .. import events, selectors
from ..bot import CONFIDENT, SUGGEST, bot_answer, is_english, wants_human
from ..figures import personal_figures
from ..models import (
    Conversation,
    ConversationStatus,
    FaqEntry,
    Message,
    SenderKind,
)
from .common import MAX_BODY, OPEN, _append, _locked, _locked_in_scope, in_service_hours
from .queue import _queue

MAX_CLIENT_MESSAGE_ID = 64


# C0 and C1 control characters other than tab and newline.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def text_checked(body: str | None, *, longest: int, wrong_length, unshowable, field: str = "body") -> str:
    """The text stripped, or INVALID: empty, too long, or holding control characters (invisible ones
    garble the transcript and the desk's screen)."""
    body = (body or "").strip()
    if not body or len(body) > longest:
        raise ServiceError(ErrorCode.INVALID, wrong_length, field=field)
    if _CONTROL.search(body):
        raise ServiceError(ErrorCode.INVALID, unshowable, field=field)
    return body


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
    body = text_checked(
        body,
        longest=MAX_BODY,
        wrong_length=gettext_lazy("A message must have 1 to 2000 characters."),
        unshowable=gettext_lazy("The message contains characters that cannot be shown."),
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
        events.TypingEvent(conversation_id=conversation.pk, sender_kind=SenderKind.BOT),
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
            events.ReadEvent(conversation_id=conversation.pk, sender_kind=reader_kind, seq=position),
        )
    return position


def chat_typing(*, conversation: Conversation, sender_kind: str) -> None:
    events.send_on_commit(
        events.conversation_group(conversation.pk),
        events.TypingEvent(conversation_id=conversation.pk, sender_kind=sender_kind),
    )
