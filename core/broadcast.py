"""Channel-layer broadcasts sent only after the data they describe is committed.

The database is the record; a broadcast is a notification of it. A broadcast that fails is logged
and dropped, never turned into an error for a write that has committed: subscribers fill gaps from
the database (see chat's `chatEvents`).
"""

import contextlib
import contextvars
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

# Set by code running on an event loop around a worker-thread call (`core.graphql.resolvers`): the
# thread queues its broadcasts here and the loop sends them itself, instead of the thread blocking
# on a hop back to the loop for each one.
_deferred: contextvars.ContextVar[list | None] = contextvars.ContextVar("deferred_broadcasts", default=None)


def group_send_on_commit(group: str, message: dict) -> None:
    def send() -> None:
        deferred = _deferred.get()
        if deferred is not None:
            deferred.append((group, message))
        else:
            async_to_sync(_send_all)([(group, message)])

    transaction.on_commit(send)


async def _send_all(queue: list) -> None:
    layer = get_channel_layer()
    for group, message in queue:
        try:
            await layer.group_send(group, message)
        except Exception:
            logger.exception("broadcast to %s failed", group)


@contextlib.asynccontextmanager
async def sent_from_loop():
    """Within this block (entered on the event loop, around a worker-thread call), broadcasts
    committed by the thread are collected, then sent here, in order, when the block ends."""
    queue: list = []
    token = _deferred.set(queue)
    try:
        yield
    finally:
        _deferred.reset(token)
        await _send_all(queue)


# Typed events: one frozen dataclass per kind (a `kind` class variable), registered here so that any
# app's events travel on one channel type and decode back into their dataclasses wherever they land.
EVENT_TYPE = "app.event"
_EVENT_KINDS: dict[str, type] = {}


def event_kind(cls):
    """Class decorator: register an event dataclass under its `kind`."""
    assert cls.kind not in _EVENT_KINDS, cls.kind
    _EVENT_KINDS[cls.kind] = cls
    return cls


def event_encode(event) -> dict:
    from dataclasses import asdict

    return {"kind": event.kind, **asdict(event)}


def event_decode(payload: dict):
    """The dataclass a channel-layer payload carries (lists come back as tuples)."""
    values = {
        key: tuple(value) if isinstance(value, list) else value
        for key, value in payload.items()
        if key != "kind"
    }
    return _EVENT_KINDS[payload["kind"]](**values)


def event_send_on_commit(group: str, event) -> None:
    group_send_on_commit(group, {"type": EVENT_TYPE, "event": event_encode(event)})
