"""Access tokens (signed, 15 minutes, bound to a login session) and refresh token hashing."""

import hashlib
import secrets
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.utils import timezone

from .models import User

_ACCESS_SALT = "nuanxin.access-token"


class AccessTokenError(Exception):
    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def access_token_issue(*, session_id: int, user_id: int) -> tuple[str, datetime]:
    token = signing.dumps({"s": session_id, "u": user_id}, salt=_ACCESS_SALT, compress=False)
    return token, timezone.now() + settings.ACCESS_TOKEN_LIFETIME


def authenticate_access_token(token: str) -> User:
    """The active user of a valid, unexpired token whose session is not revoked."""
    try:
        payload = signing.loads(token, salt=_ACCESS_SALT, max_age=settings.ACCESS_TOKEN_LIFETIME)
    except signing.SignatureExpired as exc:
        raise AccessTokenError("expired") from exc
    except signing.BadSignature as exc:
        raise AccessTokenError("invalid") from exc
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
    return user


def refresh_token_new() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
