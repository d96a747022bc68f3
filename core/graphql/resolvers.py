"""Resolvers that serve both transports: HTTP runs them in the request's thread, the websocket in a
worker thread, because the ORM is synchronous."""

import asyncio
import functools
from collections.abc import Callable

from channels.db import DatabaseSyncToAsync
from django.conf import settings
from django.utils import translation

from core import broadcast
from core.db import default_engine


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def db_async(function: Callable) -> Callable:
    """Run ORM code from the event loop in worker threads, with Django's connection hygiene.

    Not asgiref's default single "thread-sensitive" thread: there, every websocket operation of the
    process would queue behind the others' database round trips. Django's ORM is thread-safe (one
    connection per thread), so a pool of threads overlaps those waits. SQLite has one writer anyway,
    and its in-memory test database locks tables across connections: there, the shared thread.
    Elsewhere the event loop's default executor (a handful of threads: more would only contend for
    the GIL).
    """
    return DatabaseSyncToAsync(function, thread_sensitive=default_engine() == "sqlite3")


def orm_resolver(resolver: Callable) -> Callable:
    """Call `resolver` directly when GraphQL executes synchronously (HTTP); over the websocket return
    an awaitable that runs it off the event loop (`db_async`) in the connection's language, then
    sends the broadcasts it committed from the loop."""

    def in_language(*args, **kwargs):
        info = kwargs.get("info")
        language = getattr(getattr(info, "context", None), "language", None) or settings.LANGUAGE_CODE
        with translation.override(language):
            return resolver(*args, **kwargs)

    threaded = db_async(in_language)

    async def on_loop(*args, **kwargs):
        async with broadcast.sent_from_loop():
            return await threaded(*args, **kwargs)

    @functools.wraps(resolver)
    def wrapper(*args, **kwargs):
        if _in_event_loop():
            return on_loop(*args, **kwargs)
        return resolver(*args, **kwargs)

    return wrapper
