"""graphql-transport-ws operations: queries and mutations run exactly as over HTTP.

Strawberry runs every websocket operation on the event loop, where the synchronous ORM may not be
called; resolvers then worked over the socket only where someone remembered to wrap them. Here a
query or mutation is executed synchronously in a worker thread (one hop per operation, the same code
path as HTTP); only subscriptions stay on the loop. A document that does not parse, or that names
no operation among several, fails that operation alone instead of closing the socket.

Strawberry refuses any operation past 100 in flight on a connection, subscriptions and a busy
console's sends alike. Here the two are apart: queries and mutations wait for one of
GRAPHQL_WS_IN_FLIGHT slots, and while one waits the socket is not read (uvicorn stops reading the
connection until the application takes the frame), so a client that sends faster than it is served
is slowed down by TCP, not refused; live subscriptions are capped at GRAPHQL_WS_SUBSCRIPTIONS.
"""

import asyncio
import functools

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from graphql import GraphQLError, OperationType, get_operation_ast, parse
from graphql.error import GraphQLSyntaxError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)

from core import broadcast
from core.auth import AccessTokenError

from . import persisted
from .errors import Unauthenticated
from .extensions import coded_error
from .request_errors import translated_request_error
from .resolvers import db_async
from .safe_text import UNSAFE_TEXT, unsafe_text


def _bad_request(message: str) -> GraphQLError:
    # Translated when sent (in the connection's language); graphql-core's English stays as detail.
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT", "detail": message})


@functools.lru_cache(maxsize=256)
def _operation_type(query: str, operation_name: str | None) -> OperationType | GraphQLError:
    """The operation's type, or the client's mistake as an error (cached: apps repeat documents)."""
    try:
        document = parse(query, max_tokens=settings.GRAPHQL_MAX_TOKENS)
    except GraphQLSyntaxError as exc:
        return _bad_request(exc.message)  # "Syntax Error: …"
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        if operation_name:
            return _bad_request(f"Unknown operation named '{operation_name}'.")
        return _bad_request("Must provide operation name if query contains multiple operations.")
    return operation.operation


def _kind_of(message) -> OperationType | GraphQLError | None:
    payload = message.get("payload")
    query = payload.get("query") if isinstance(payload, dict) else None
    name = payload.get("operationName") if isinstance(payload, dict) else None
    if not isinstance(query, str) or not (name is None or isinstance(name, str)):
        return None  # answered by run_operation
    return _operation_type(query, name)


class ThreadedOperationsHandler(BaseGraphQLTransportWSHandler):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.max_subscriptions_per_connection = None  # both limits are handle_subscribe's
        self._slots = asyncio.Semaphore(settings.GRAPHQL_WS_IN_FLIGHT)
        self._live: set[Operation] = set()  # subscriptions (ids are reused: the operations)

    async def handle_subscribe(self, message) -> None:
        if not self.connection_acknowledged or message["id"] in self.operations:
            await super().handle_subscribe(message)  # closes the socket (4401, 4409)
            return
        if _kind_of(message) is OperationType.SUBSCRIPTION:
            if len(self._live) >= settings.GRAPHQL_WS_SUBSCRIPTIONS:
                with translation.override(self._language()):
                    refused = GraphQLError(
                        _("Too many live subscriptions on this connection."),
                        extensions={"code": "LIMIT_EXCEEDED"},
                    )
                await self.send_message(
                    {"id": message["id"], "type": "error", "payload": [refused.formatted]}
                )
                return
            operation = await self._start(message)
            if operation is not None:
                self._live.add(operation)
                operation.task.add_done_callback(lambda _task: self._live.discard(operation))
            return
        # Frames are handled one by one: while this waits for a slot, the socket is not read.
        await self._slots.acquire()
        operation = None
        try:
            operation = await self._start(message)
        finally:
            if operation is None:
                self._slots.release()
            else:
                operation.task.add_done_callback(lambda _task: self._slots.release())

    async def _start(self, message) -> Operation | None:
        """Strawberry's start of the operation: the operation, or None if it refused the message."""
        await super().handle_subscribe(message)
        operation = self.operations.get(message["id"])
        return operation if operation is not None and operation.task is not None else None

    async def handle_complete(self, message) -> None:
        # Its place is free at once (its task ends a moment later).
        self._live.discard(self.operations.get(message["id"]))
        await super().handle_complete(message)

    async def run_operation(self, operation: Operation) -> None:
        query = operation.query if isinstance(operation.query, str) else ""
        name = operation.operation_name if isinstance(operation.operation_name, str) else None
        if unsafe_text([query, name, operation.variables]):
            kind = _bad_request(UNSAFE_TEXT)
        else:
            kind = _operation_type(query, name)
        if (
            not isinstance(kind, GraphQLError)
            and settings.GRAPHQL_PERSISTED_ONLY
            and persisted.viewer_bound(self.context.viewer)
            and await db_async(persisted.registered_document)(persisted.document_hash(query)) is None
        ):
            with translation.override(self._language()):
                message = persisted.not_registered_message()
            await operation.send_initial_errors(
                [GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})]
            )
            return
        if kind is OperationType.SUBSCRIPTION:
            if not await self._authority_holds(operation):
                return
            # The operation's task runs in its own context: the language holds for its whole life.
            with translation.override(self._language()):
                await super().run_operation(operation)
            return
        if isinstance(kind, GraphQLError):
            with translation.override(self._language()):
                message = translated_request_error(kind.message)
                await operation.send_initial_errors([GraphQLError(message, extensions=kind.extensions)])
            return
        try:
            async with broadcast.sent_from_loop():
                result = await db_async(self._execute)(operation)
        except AccessTokenError as exc:
            await self._authority_ended(operation, exc)
            return
        except Exception as error:
            # Execution reports resolver failures itself; this is the machinery failing. The socket
            # and its other operations live on.
            await self.handle_task_exception(error)
            with translation.override(self._language()):
                internal = GraphQLError(_("Internal error."), extensions={"code": "INTERNAL"})
            await operation.send_initial_errors([internal])
            return
        if result.data is None and result.errors and all(error.path is None for error in result.errors):
            # The request itself is at fault (validation, variables): the protocol's `error` message.
            await operation.send_initial_errors(result.errors)
            return
        await operation.send_next(result)
        await operation.send_operation_message({"id": operation.id, "type": "complete"})

    async def _send_result_stream(self, operation: Operation, result_source) -> None:
        """Subscription results and their pre-execution errors bypass the schema's ErrorCodes
        extension: code, translate and mask them here, as HTTP does."""

        async def coded():
            async for result in result_source:
                if getattr(result, "errors", None):
                    result.errors = [coded_error(error) for error in result.errors]
                yield result

        await super()._send_result_stream(operation, coded())

    async def _authority_holds(self, operation: Operation) -> bool:
        """Every operation re-checks the socket's token and session: after logout or expiry the
        operation is refused as UNAUTHENTICATED and the socket closed (4401 expired, 4403 ended)."""
        try:
            await db_async(self.context.viewer_recheck)()
        except AccessTokenError as exc:
            await self._authority_ended(operation, exc)
            return False
        return True

    async def _authority_ended(self, operation: Operation, exc: AccessTokenError) -> None:
        with translation.override(self._language()):
            refused = GraphQLError(str(Unauthenticated()), extensions={"code": "UNAUTHENTICATED"})
        await operation.send_initial_errors([refused])
        expired = exc.reason == "expired"
        await self.websocket.close(
            code=4401 if expired else 4403, reason="token expired" if expired else "session ended"
        )

    def _language(self) -> str:
        return getattr(self.context, "language", None) or settings.LANGUAGE_CODE

    def _execute(self, operation: Operation):
        # The session check rides the same worker-thread hop as the operation (raises AccessTokenError).
        self.context.viewer_recheck()
        with translation.override(self._language()):
            return self.schema.execute_sync(
                operation.query,
                variable_values=operation.variables,
                context_value=self.context,
                root_value=self.root_value,
                operation_name=operation.operation_name,
            )
