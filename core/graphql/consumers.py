"""Websocket GraphQL (graphql-transport-ws): the token travels in `connection_init`, never in the URL."""

import asyncio
import logging

from channels.consumer import get_handler_name
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation.trans_real import parse_accept_lang_header
from strawberry.channels import GraphQLWSConsumer
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UNSET

from core.auth import AccessTokenError, authenticate_access_token, session_group
from core.metrics import WEBSOCKETS
from core.signals import socket_closed

from .context import GraphQLContext, bearer_token
from .resolvers import db_async
from .ws_handler import ThreadedOperationsHandler

logger = logging.getLogger(__name__)


def language_from_header(accept_language: str) -> str:
    """The best supported language of an Accept-Language header, else the default (zh-Hans)."""
    for code, _quality in parse_accept_lang_header(accept_language or ""):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


SESSION_ENDED = "auth.session.ended"
CLOSE_EXPIRED = 4401  # the app refreshes its token and reconnects
CLOSE_SESSION_ENDED = 4403  # logged out or revoked: the app shows the login


def _socket_closed(user_id: int) -> None:
    socket_closed.send(sender="core", user_id=user_id)


class AuthenticatedGraphQLWSConsumer(GraphQLWSConsumer):
    graphql_transport_ws_handler_class = ThreadedOperationsHandler

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Bounded: while the handler waits for an operation slot (ws_handler), the next frame waits
        # here and uvicorn stops reading the connection, instead of frames piling up in memory.
        self.message_queue = asyncio.Queue(maxsize=1)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self._to_handler({"message": text_data or None, "disconnected": False})

    async def _to_handler(self, item: dict) -> None:
        if not self.message_queue.full():
            self.message_queue.put_nowait(item)
            return
        if self.run_task is None:
            return
        # Wait for room, unless the handler has ended (it closed the socket): nobody would read it.
        putting = asyncio.ensure_future(self.message_queue.put(item))
        await asyncio.wait({putting, self.run_task}, return_when=asyncio.FIRST_COMPLETED)
        putting.cancel()

    async def get_context(self, request, response) -> GraphQLContext:
        headers = dict(self.scope.get("headers") or [])
        language = language_from_header(headers.get(b"accept-language", b"").decode("latin-1"))
        return GraphQLContext(request=request, language=language)

    _session_group: str | None = None
    _expiry: asyncio.TimerHandle | None = None
    _user_id: int | None = None

    async def on_ws_connect(self, context: GraphQLContext):
        params = context.connection_params or {}
        token = bearer_token(params.get("authorization") or params.get("Authorization"))
        if not token:
            raise ConnectionRejectionError({"reason": "unauthenticated"})
        try:
            user = await db_async(authenticate_access_token)(token)
        except AccessTokenError as exc:
            raise ConnectionRejectionError({"reason": "unauthenticated"}) from exc
        context.set_viewer(user, token=token)
        self._user_id = user.pk
        WEBSOCKETS.inc()
        # The socket's authority ends with its token or its session: at expiry it closes (the app
        # reconnects with a fresh token); at logout or revocation the session's group tells every
        # process holding one of its sockets.
        self._session_group = session_group(user.auth_session_id)
        await self.channel_layer.group_add(self._session_group, self.channel_name)
        seconds = max(0.0, (user.access_expires_at - timezone.now()).total_seconds())
        self._expiry = asyncio.get_running_loop().call_later(
            seconds, lambda: asyncio.ensure_future(self.authority_end(CLOSE_EXPIRED, "token expired"))
        )
        return UNSET

    async def authority_end(self, code: int, reason: str) -> None:
        """Close the socket: its token expired (4401) or its session ended (4403)."""
        await self.close(code=code, reason=reason)

    async def disconnect(self, code: int) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
        if self._session_group is not None:
            await self.channel_layer.group_discard(self._session_group, self.channel_name)
        if self._user_id is not None:
            WEBSOCKETS.dec()
            try:
                await db_async(_socket_closed)(self._user_id)
            except Exception:  # the socket is gone either way; presence then ends by silence
                logger.exception("socket close not recorded")
        # As strawberry's disconnect, through the bounded queue.
        await self._to_handler({"message": None, "disconnected": True})
        await self.run_task

    async def dispatch(self, message) -> None:
        """As channels does, minus its `close_old_connections` hop before every websocket frame: that
        hop runs in the shared sync thread, which this consumer never uses for the database (its
        ORM work goes through `db_async`, which cleans up its own connections)."""
        type_ = message.get("type", "")
        if type_.startswith("websocket."):
            handler = getattr(self, get_handler_name(message), None)
            if handler is not None:
                await handler(message)
                return
        if type_ == SESSION_ENDED:
            await self.authority_end(CLOSE_SESSION_ENDED, "session ended")
            return
        await super().dispatch(message)
