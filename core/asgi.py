"""Django over ASGI for a project whose views are all synchronous."""

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler


class SyncChainASGIHandler(ASGIHandler):
    """Run the middleware chain and the view in one hop to the request's own thread.

    Under ASGI Django adapts every sync-or-async middleware on its own, which costs two thread
    switches per middleware per request (about 17 for our stack). Our views are synchronous, so the
    WSGI-style chain in a single `sync_to_async` does the same work with one switch. Requests still run
    concurrently: Django gives each request its own thread-sensitive context (and so its own thread).
    """

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
