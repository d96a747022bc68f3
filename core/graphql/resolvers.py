"""Resolvers that serve both transports: HTTP runs them in the request's thread, the websocket in a
worker thread, because the ORM is synchronous."""

import asyncio
import functools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from channels.db import DatabaseSyncToAsync
from django.conf import settings
from django.db import connection
from django.utils import translation

from core import broadcast


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


# Few threads: the GIL runs one at a time anyway, and each extra thread adds contention for it once
# they are all busy. Enough to overlap database round trips with Python work.
_ORM_THREADS = ThreadPoolExecutor(
    max_workers=int(os.environ.get("ORM_THREADS", "3")), thread_name_prefix="orm"
)


def db_async(function: Callable) -> Callable:
    """Run ORM code from the event loop in the loop's worker threads, with Django's connection hygiene.

    Not asgiref's default single "thread-sensitive" thread: there, every websocket operation of the
    process would queue behind the others' database round trips. Django's ORM is thread-safe (one
    connection per thread), so a pool of threads overlaps those waits. SQLite has one writer anyway,
    and its in-memory test database locks tables across connections: there, the shared thread.
    """
    import os

    return DatabaseSyncToAsync(
        function, thread_sensitive=connection.vendor == "sqlite" or os.environ.get("XTS") == "1"
    )


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
        queue, token = broadcast.defer()
        try:
            return await threaded(*args, **kwargs)
        finally:
            await broadcast.flush(queue, token)

    @functools.wraps(resolver)
    def wrapper(*args, **kwargs):
        if _in_event_loop():
            return on_loop(*args, **kwargs)
        return resolver(*args, **kwargs)

    return wrapper
