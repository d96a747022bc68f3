"""Business refusals raised by services and shown to clients as translated `UserError`s."""

from dataclasses import dataclass
from enum import Enum

from django.utils.functional import Promise


class ErrorCode(Enum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    DUPLICATE_REQUEST = "DUPLICATE_REQUEST"
    IDEMPOTENCY_CONFLICT = "IDEMPOTENCY_CONFLICT"
    IN_PROGRESS = "IN_PROGRESS"
    RISK_ACK_REQUIRED = "RISK_ACK_REQUIRED"
    RISK_ACK_TOO_SOON = "RISK_ACK_TOO_SOON"
    RATE_LIMITED = "RATE_LIMITED"
    OUTSIDE_SERVICE_HOURS = "OUTSIDE_SERVICE_HOURS"
    OTP_INVALID = "OTP_INVALID"
    PAYMENT_FAILED = "PAYMENT_FAILED"


@dataclass(frozen=True)
class FieldError:
    code: ErrorCode
    message: str | Promise
    field: str | None = None


class ServiceError(Exception):
    """A refusal the client can act on; services raise it before writing anything that must not stay."""

    def __init__(self, code: ErrorCode, message: str | Promise, *, field: str | None = None):
        self.errors = [FieldError(code=code, message=message, field=field)]
        super().__init__(str(message))

    @classmethod
    def many(cls, errors: list[FieldError]) -> "ServiceError":
        exc = cls(errors[0].code, errors[0].message, field=errors[0].field)
        exc.errors = list(errors)
        return exc

    @property
    def code(self) -> ErrorCode:
        return self.errors[0].code


class RateLimited(ServiceError):
    """RATE_LIMITED, with when the client may try again."""

    def __init__(self, message: str | Promise, *, retry_after: int, field: str | None = None):
        super().__init__(ErrorCode.RATE_LIMITED, message, field=field)
        self.retry_after = retry_after
