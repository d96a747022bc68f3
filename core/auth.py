"""Authentication as core's transports see it: a bearer token in, a user out.

The token scheme belongs to an app (settings.TOKEN_AUTHENTICATION names its module, accounts.tokens);
core calls it through here and never imports it, so the layering stays one-way.
"""

import functools
from importlib import import_module

from django.conf import settings


class AccessTokenError(Exception):
    """A token that does not authenticate: `reason` is "expired", "invalid" or "revoked"."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def session_group(session_id: int) -> str:
    """The channel-layer group of a login session's websockets: told when the session ends."""
    return f"auth.session.{session_id}"


@functools.cache
def _scheme():
    return import_module(settings.TOKEN_AUTHENTICATION)


def authenticate_access_token(token: str):
    """The active user of a valid, unexpired token whose session is live (AccessTokenError if not)."""
    return _scheme().authenticate_access_token(token)


def access_token_still_valid(token: str) -> None:
    """For a websocket's later operations: unexpired, and its session live (AccessTokenError if not)."""
    _scheme().access_token_still_valid(token)
