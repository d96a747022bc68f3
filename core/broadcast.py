"""Channel-layer broadcasts sent only after the data they describe is committed.

The database is the record; a broadcast is a notification of it. A broadcast that fails is logged
and dropped, never turned into an error for a write that has committed: subscribers fill gaps from
the database (see chat's `chatEvents`).
"""

import asyncio
import contextlib
import contextvars
import logging
import os
import threading

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
            _send_from_sync([(group, message)])

    transaction.on_commit(send)


def _send_from_sync(queue: list) -> None:
    """From synchronous code (Celery workers, jobs, scripts). With Redis, on one event loop kept for
    the process: the channel layer keeps its connection there, where async_to_sync would start a loop,
    and so a Redis connection, for every broadcast. The in-memory layer (one process, tests) is tied to
    the loop of its readers: it keeps async_to_sync."""
    if not _redis_layer():
        async_to_sync(_send_all)(queue)
        return
    future = asyncio.run_coroutine_threadsafe(_send_all(queue), _process_loop())
    try:
        future.result(timeout=10)
    except Exception:  # a timeout: the broadcast is a notification, the data is committed
        logger.exception("broadcast did not complete")


_loop: asyncio.AbstractEventLoop | None = None
_loop_pid: int | None = None
_loop_lock = threading.Lock()


def _process_loop() -> asyncio.AbstractEventLoop:
    global _loop, _loop_pid
    with _loop_lock:
        # A forked child (Celery's prefork pool) does not inherit the parent's loop thread.
        if _loop is None or _loop_pid != os.getpid():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="broadcast-loop", daemon=True).start()
            _loop, _loop_pid = loop, os.getpid()
        return _loop


def _redis_layer() -> bool:
    from django.conf import settings

    backend = settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND", "")
    return "redis" in backend.lower()


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
