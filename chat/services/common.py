"""What every chat action shares: locking a conversation, appending a message with the next seq
(stored, then broadcast on commit), status events and service hours."""

import functools
from datetime import datetime

from django.db import connection

from operations.models import ServiceHours
from operations.services import calendar

from .. import events
from ..models import (
    Conversation,
    ConversationStatus,
    Message,
)

MAX_BODY = 2000  # characters of a chat message or a left message
OPEN = (ConversationStatus.BOT, ConversationStatus.QUEUED, ConversationStatus.ACTIVE)


def in_service_hours(now: datetime) -> bool:
    """The chat desk's hours, from the pool's business calendar (admin-editable)."""
    return calendar.service_open(ServiceHours.CHAT_DESK, now)


def message_event(message: Message) -> events.MessageEvent:
    """The event of a stored message: what is broadcast, and what a replay rebuilds."""
    return events.MessageEvent(
        conversation_id=message.conversation_id,
        message_id=message.pk,
        seq=message.seq,
        sender_kind=message.sender_kind,
        body=message.body,
        created_at=message.created_at.isoformat(),
        bot_confidence=message.bot_confidence,
        suggestions=tuple(message.suggestions or ()),
    )


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
        events.StatusEvent(conversation_id=conversation.pk, status=conversation.status),
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
