"""Websocket GraphQL (graphql-transport-ws): the token travels in `connection_init`, never in the URL."""

from channels.consumer import get_handler_name
from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header
from strawberry.channels import GraphQLWSConsumer
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UNSET

from accounts.tokens import AccessTokenError, authenticate_access_token

from .context import GraphQLContext, bearer_token
from .resolvers import db_async
from .ws_handler import ThreadedOperationsHandler


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


class AuthenticatedGraphQLWSConsumer(GraphQLWSConsumer):
    graphql_transport_ws_handler_class = ThreadedOperationsHandler

    async def get_context(self, request, response) -> GraphQLContext:
        headers = dict(self.scope.get("headers") or [])
        language = language_from_header(headers.get(b"accept-language", b"").decode("latin-1"))
        return GraphQLContext(request=request, language=language)

    async def on_ws_connect(self, context: GraphQLContext):
        params = context.connection_params or {}
        token = bearer_token(params.get("authorization") or params.get("Authorization"))
        if not token:
            raise ConnectionRejectionError({"reason": "unauthenticated"})
        try:
            user = await db_async(authenticate_access_token)(token)
        except AccessTokenError as exc:
            raise ConnectionRejectionError({"reason": "unauthenticated"}) from exc
        context.set_viewer(user)
        return UNSET

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
        await super().dispatch(message)
