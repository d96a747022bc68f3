"""Websocket GraphQL (graphql-transport-ws): the token travels in `connection_init`, never in the URL."""

from channels.db import database_sync_to_async
from strawberry.channels import GraphQLWSConsumer
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UNSET

from accounts.tokens import AccessTokenError, authenticate_access_token

from .context import GraphQLContext, bearer_token


class AuthenticatedGraphQLWSConsumer(GraphQLWSConsumer):
    async def get_context(self, request, response) -> GraphQLContext:
        return GraphQLContext(request=request)

    async def on_ws_connect(self, context: GraphQLContext):
        params = context.connection_params or {}
        token = bearer_token(params.get("authorization") or params.get("Authorization"))
        if not token:
            raise ConnectionRejectionError({"reason": "unauthenticated"})
        try:
            user = await database_sync_to_async(authenticate_access_token)(token)
        except AccessTokenError as exc:
            raise ConnectionRejectionError({"reason": "unauthenticated"}) from exc
        context.set_viewer(user)
        return UNSET
