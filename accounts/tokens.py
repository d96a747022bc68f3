"""Access tokens (signed, 15 minutes, bound to a login session) and refresh token hashing."""

import hashlib
import secrets
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.utils import timezone

from core.auth import AccessTokenError, session_group

from .models import User

__all__ = ["AccessTokenError", "access_token_issue", "authenticate_access_token", "session_group"]

_ACCESS_SALT = "nuanxin.access-token"


def access_token_issue(*, session_id: int, user_id: int) -> tuple[str, datetime]:
    token = signing.dumps({"s": session_id, "u": user_id}, salt=_ACCESS_SALT, compress=False)
    return token, timezone.now() + settings.ACCESS_TOKEN_LIFETIME


def _payload(token: str) -> dict:
    try:
        return signing.loads(token, salt=_ACCESS_SALT, max_age=settings.ACCESS_TOKEN_LIFETIME)
    except signing.SignatureExpired as exc:
        raise AccessTokenError("expired") from exc
    except signing.BadSignature as exc:
        raise AccessTokenError("invalid") from exc


def access_token_still_valid(token: str) -> None:
    """For a websocket's later operations: unexpired, and its session live (one small query)."""
    from .models import AuthSession

    payload = _payload(token)
    live = AuthSession.objects.filter(
        pk=payload["s"], user_id=payload["u"], revoked_at__isnull=True, user__is_active=True
    ).exists()
    if not live:
        raise AccessTokenError("revoked")


def authenticate_access_token(token: str) -> User:
    """The active user of a valid, unexpired token whose session is not revoked."""
    payload = _payload(token)
    user = (
        User.objects.filter(
            pk=payload["u"],
            is_active=True,
            auth_sessions__pk=payload["s"],
            auth_sessions__revoked_at__isnull=True,
        )
        .select_related("customer", "agent", "staff")
        .first()
    )
    if user is None:
        raise AccessTokenError("revoked")
    user.auth_session_id = payload["s"]
    user.access_expires_at = _issued_at(token) + settings.ACCESS_TOKEN_LIFETIME
    return user


def _issued_at(token: str) -> datetime:
    """The signing time embedded in the token (value:timestamp:signature)."""
    timestamp = token.rsplit(":", 2)[1]
    return datetime.fromtimestamp(signing.b62_decode(timestamp), tz=UTC)


def refresh_token_new() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
