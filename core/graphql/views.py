"""The HTTP GraphQL endpoint: size cap, JSON errors for malformed requests, GraphiQL by settings."""

import json
import re

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from strawberry.django.views import GraphQLView

from . import persisted
from .context import GraphQLContext
from .request_errors import translated_request_error
from .safe_text import UNSAFE_TEXT, unsafe_text

_OPERATION = re.compile(r"^\s*(?:#[^\n]*\n\s*)*(?:query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)")


def operation_name(body: dict) -> str:
    """The operation's name for logs and metrics: the request's operationName, else the document's
    first operation's name ("" when anonymous)."""
    name = body.get("operationName")
    if isinstance(name, str) and name:
        return name[:64]
    query = body.get("query")
    match = _OPERATION.match(query) if isinstance(query, str) else None
    return match.group(1)[:64] if match else ""


def _error_response(message: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"message": message, "extensions": {"code": "BAD_USER_INPUT"}}]}, status=status
    )


class NuanxinGraphQLView(GraphQLView):
    @property
    def graphql_ide(self):  # type: ignore[override]
        return "graphiql" if settings.GRAPHQL_IDE else None

    @graphql_ide.setter
    def graphql_ide(self, value) -> None:
        # as_view() assigns the class default; settings decide at request time.
        pass

    def get_context(self, request, response) -> GraphQLContext:
        context = GraphQLContext(
            request=request, response=response, authorization=request.headers.get("Authorization")
        )
        request.nuanxin_context = context  # the persisted-operation check reads the viewer from it
        return context

    def parse_http_body(self, request_adapter):
        data = super().parse_http_body(request_adapter)
        request = request_adapter.request
        return persisted.resolve(data, request, getattr(request, "nuanxin_context", None))

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            if len(request.body) > settings.GRAPHQL_MAX_QUERY_BYTES:
                return _error_response(_("The request is too large."), 413)
            if request.content_type == "application/json":
                try:
                    body = json.loads(request.body or b"null")
                except ValueError:
                    return _error_response(_("The request body is not valid JSON."), 400)
                if isinstance(body, list):
                    return _error_response(_("Batched requests are not supported."), 400)
                if not isinstance(body, dict):
                    return _error_response(_("The request body must be a JSON object."), 400)
                if unsafe_text(body):
                    return _error_response(translated_request_error(UNSAFE_TEXT), 400)
                request.graphql_operation = operation_name(body)
        response = super().dispatch(request, *args, **kwargs)
        if response.status_code >= 400 and response.get("Content-Type", "").startswith("text/plain"):
            return _error_response(
                response.content.decode() or _("The request is not valid."), response.status_code
            )
        return response
