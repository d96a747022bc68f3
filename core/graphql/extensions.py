"""Schema extensions: error codes and masking, and introspection switched by settings."""

import contextlib
import functools
import logging
import re
import traceback
from collections.abc import Iterator

from django.conf import settings
from django.utils.translation import gettext as _
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.error import GraphQLError
from graphql.language import DocumentNode, OperationDefinitionNode
from graphql.validation import NoSchemaIntrospectionCustomRule, ValidationRule
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator
from strawberry.relay.types import GlobalIDValueError
from strawberry.types.execution import ExecutionResult
from strawberry_django.optimizer import DjangoOptimizerExtension

from core.logging import request_id_var

from .cost import cost_validator
from .errors import CodedError
from .request_errors import translated_request_error
from .safe_text import SafeTextRule

logger = logging.getLogger("nuanxin.graphql")

_SUGGESTION_RE = re.compile(r"\s*Did you mean .*\?$")


def _with_code(error: GraphQLError, message: str, code: str, **extra) -> GraphQLError:
    return GraphQLError(
        message=message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={**(error.extensions or {}), **extra, "code": code},
    )


class ErrorCodes(SchemaExtension):
    """Give every top-level error an `extensions.code`; mask and log anything unexpected."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if isinstance(result, GraphQLExecutionResult | ExecutionResult) and result.errors:
            result.errors = [coded_error(error) for error in result.errors]


PAGING_MISTAKE = "Bad paging arguments."


def _paging_mistake(original) -> bool:
    """first/last out of range or a cursor that is not one: strawberry's relay slicing raises
    ValueError/TypeError from its own module for these; they are the client's mistake."""
    if not isinstance(original, ValueError | TypeError):
        return False
    frames = traceback.extract_tb(original.__traceback__)
    return bool(frames) and frames[-1].filename.replace("\\", "/").endswith("strawberry/relay/utils.py")


def coded_error(error: GraphQLError) -> GraphQLError:
    """The error as clients receive it: with a code, a message in their language, nothing internal.
    Used by ErrorCodes and by the websocket handler for subscription results (which bypass it)."""
    original = error.original_error
    # Strawberry wraps permission failures in a GraphQLError carrying our code already.
    if (error.extensions or {}).get("code"):
        return error
    if isinstance(original, CodedError):
        return _with_code(error, str(original), original.code)
    if _paging_mistake(original):
        return _with_code(
            error, translated_request_error(PAGING_MISTAKE), "BAD_USER_INPUT", detail=str(original)
        )
    request_level = error.path is None and (
        original is None or isinstance(original, GraphQLError | ValueError | TypeError)
    )
    # Strawberry coerces some inputs (global ids) inside resolvers: still the client's error.
    coercion = isinstance(original, StrawberryInputCoercionError | GlobalIDValueError)
    if request_level or coercion:
        # Parse, validation and input coercion errors: the client's request is at fault. The user
        # reads a sentence in their language; the developer the original in `detail`.
        detail = error.message
        if not settings.GRAPHQL_FIELD_SUGGESTIONS:
            detail = _SUGGESTION_RE.sub("", detail)
        return _with_code(error, translated_request_error(detail), "BAD_USER_INPUT", detail=detail)
    request_id = request_id_var.get()
    logger.error("unexpected GraphQL error at %s", error.path, exc_info=original)
    return _with_code(error, _("Internal error."), "INTERNAL", requestId=request_id)


class CachedParse(ParserCache):
    """Strawberry's parser cache, but a document that does not parse is left to strawberry's own
    parse step, which reports the syntax error (or the token limit) as a result with our error code;
    raised from the cache's hook it would escape that handling."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query:
            # Not cached either: lru_cache keeps no exceptions.
            with contextlib.suppress(GraphQLError):
                context.graphql_document = self.cached_parse_document(context.query, **context.parse_options)
        yield


@functools.cache
@functools.cache
def _limit_rules(max_depth: int, max_aliases: int, max_cost: int) -> tuple:
    # One rule class per limit value, so ValidationCache (keyed by document and rules) can hit.
    return (
        depth_validator(max_depth, None),
        alias_validator(max_aliases),
        cost_validator(max_cost),
        SafeTextRule,
    )


class NamedOperationRule(ValidationRule):
    """Added when the request names no operation: the document must then hold exactly one (the
    GraphQL spec's GetOperation; graphql-core would quietly run the first)."""

    def enter_document(self, node: DocumentNode, *_args) -> None:
        operations = [d for d in node.definitions if isinstance(d, OperationDefinitionNode)]
        if len(operations) > 1:
            self.report_error(
                GraphQLError("Must provide operation name if query contains multiple operations.")
            )


class QueryLimitsBySettings(SchemaExtension):
    """Depth (fragments included) and alias limits from settings, checked during validation; a
    document of several operations must name the one to run."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        named = () if context.operation_name else (NamedOperationRule,)
        context.validation_rules = (
            *context.validation_rules,
            *_limit_rules(
                settings.GRAPHQL_MAX_DEPTH, settings.GRAPHQL_MAX_ALIASES, settings.GRAPHQL_MAX_COST
            ),
            *named,
        )
        yield


class IntrospectionBySettings(SchemaExtension):
    """Refuse introspection unless settings allow it (off in production)."""

    def on_operation(self) -> Iterator[None]:
        if not settings.GRAPHQL_INTROSPECTION:
            self.execution_context.validation_rules = (
                *self.execution_context.validation_rules,
                NoSchemaIntrospectionCustomRule,
            )
        yield


class FieldOptimizer(DjangoOptimizerExtension):
    """strawberry-django's optimizer without its per-field `resolve` hook.

    The hook wraps every field of every response in a graphql-core middleware, only to optimize a
    queryset a plain resolver might return; strawberry-django's own fields and connections optimize
    their querysets themselves when the extension is active (its `on_execute` sets that). Without
    the hook, a list of 100 policies resolves about 2,400 fields with one call each instead of
    three. A resolver returning a queryset gets no optimizer: return a strawberry-django field or
    optimize in the selector (the query-count tests hold every list to a fixed number of queries).
    """

    resolve = SchemaExtension.resolve
