"""Request id: taken from a trusted upstream header or made here, logged and echoed in the response;
one access line per request (latency, status, user id, GraphQL operation) and the latency metric."""

import logging
import re
import time
import uuid

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

from .logging import request_id_var, user_id_var

access_log = logging.getLogger("nuanxin.access")


def _account(request, response, started: float) -> None:
    seconds = time.perf_counter() - started
    operation = getattr(request, "graphql_operation", None)
    if operation is not None:
        from .metrics import GRAPHQL_SECONDS, operation_label

        GRAPHQL_SECONDS.labels(operation_label(operation)).observe(seconds)
    user = getattr(request, "_cached_user", None)  # the admin's session user, if it was looked at
    user_id = getattr(request, "nuanxin_user_id", None) or (
        user.pk if getattr(user, "is_authenticated", False) else None
    )
    access_log.info(
        "%s %s %s %.1fms",
        request.method,
        request.path,
        response.status_code,
        seconds * 1000,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "latency_ms": round(seconds * 1000, 1),
            "user_id": user_id,
            "operation": operation,
        },
    )


_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _request_id(request) -> str:
    given = request.headers.get("X-Request-ID", "")
    return given if _VALID_ID.match(given) else uuid.uuid4().hex


class RequestIdMiddleware:
    async_capable = True
    sync_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        request.request_id = _request_id(request)
        token = request_id_var.set(request.request_id)
        user_token = user_id_var.set(None)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            _account(request, response, started)
        finally:
            request_id_var.reset(token)
            user_id_var.reset(user_token)
        response["X-Request-ID"] = request.request_id
        return response

    async def __acall__(self, request):
        request.request_id = _request_id(request)
        token = request_id_var.set(request.request_id)
        started = time.perf_counter()
        try:
            response = await self.get_response(request)
            _account(request, response, started)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.request_id
        return response
