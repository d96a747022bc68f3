"""The `UserError` payload convention and the codes of top-level errors."""

import functools
from collections.abc import Callable

import strawberry
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode as DomainErrorCode
from core.errors import ServiceError
from core.speech import speakable

ErrorCode = strawberry.enum(DomainErrorCode, name="ErrorCode", description="Why a mutation was refused.")


@strawberry.type(description="A business refusal; `message` is translated for the client's language.")
class UserError:
    field: str | None
    code: ErrorCode
    message: str
    read_aloud_text: str = strawberry.field(description="`message` as a speech engine should read it.")


def user_errors(exc: ServiceError) -> list[UserError]:
    language = get_language() or settings.LANGUAGE_CODE
    return [
        UserError(
            field=e.field,
            code=e.code,
            message=str(e.message),
            read_aloud_text=speakable(str(e.message), language),
        )
        for e in exc.errors
    ]


def returns_user_errors(payload_type: type) -> Callable:
    """Turn a ServiceError raised by a resolver into `payload_type(errors=[...])`."""

    def decorator(resolver: Callable) -> Callable:
        @functools.wraps(resolver)
        def wrapper(*args, **kwargs):
            try:
                return resolver(*args, **kwargs)
            except ServiceError as exc:
                return payload_type(errors=user_errors(exc))

        return wrapper

    return decorator


class CodedError(Exception):
    """A top-level GraphQL error whose `extensions.code` the client branches on."""

    code = "INTERNAL"
    default_message = _("Internal error.")

    def __init__(self, message=None):
        super().__init__(str(message or self.default_message))
        # graphql-core copies an underlying error's `extensions` into the error it reports, so the
        # code reaches clients on every path, subscriptions included (which bypass ErrorCodes).
        self.extensions = {"code": self.code}


class Unauthenticated(CodedError):
    code = "UNAUTHENTICATED"
    default_message = _("Please log in.")


class Forbidden(CodedError):
    code = "FORBIDDEN"
    default_message = _("You are not allowed to do this.")


class BadUserInput(CodedError):
    code = "BAD_USER_INPUT"
    default_message = _("The request is not valid.")


class NotFound(CodedError):
    """For queries and subscriptions (mutations answer NOT_FOUND in their payload)."""

    code = "NOT_FOUND"
    default_message = _("Not found.")
