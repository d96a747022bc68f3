"""Per-request GraphQL context: the viewer comes from the bearer token, never from a session cookie."""

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.audit import history_user
from core.auth import AccessTokenError, access_token_still_valid, authenticate_access_token
from core.logging import user_id_var

from .errors import Unauthenticated


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _sep, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else ""


@dataclass
class GraphQLContext:
    request: Any
    response: Any = None
    authorization: str | None = None
    connection_params: dict | None = None
    # Websockets only: the handshake's language (HTTP requests get theirs from LocaleMiddleware).
    language: str | None = None
    _auth_error: str | None = field(default=None, init=False)
    bearer: str | None = field(default=None, init=False)

    @cached_property
    def viewer(self):
        token = bearer_token(self.authorization)
        if token is None:
            return None
        try:
            user = authenticate_access_token(token)
        except AccessTokenError as exc:
            self._auth_error = exc.reason
            return None
        _mark_user(self.request, user)
        return user

    @cached_property
    def http_request(self) -> HttpRequest:
        """The request as Django code (rate limits, lockouts, logs) reads it, on both transports: over
        the websocket, the handshake's address and headers."""
        if isinstance(self.request, HttpRequest):
            return self.request
        scope = getattr(self.request, "scope", None) or {}
        request = HttpRequest()
        request.method = "POST"
        request.path = request.path_info = scope.get("path", "/graphql/")
        client = scope.get("client") or ("", 0)
        request.META = {"REMOTE_ADDR": client[0] or "", "SERVER_NAME": "websocket", "SERVER_PORT": "0"}
        for name, value in scope.get("headers") or []:
            key = name.decode("latin-1").upper().replace("-", "_")
            request.META[f"HTTP_{key}"] = value.decode("latin-1")
        return request

    def set_viewer(self, user, *, token: str | None = None) -> None:
        """Websockets authenticate in connection_init; each later operation re-checks the token's
        session (`viewer_recheck`) and reuses the user."""
        self.__dict__["viewer"] = user
        _mark_user(None, user)
        self.bearer = token

    def viewer_recheck(self) -> None:
        """Over a websocket: the session must still be live and the token unexpired (raises
        AccessTokenError otherwise)."""
        access_token_still_valid(self.bearer or "")

    def require_viewer(self):
        viewer = self.viewer
        if viewer is None:
            if self._auth_error == "expired":
                raise Unauthenticated(_("Your session has expired; please log in again."))
            raise Unauthenticated()
        return viewer


def _mark_user(request, user) -> None:
    """Logs written while serving this user carry their id (never their name or phone)."""
    if user is None:
        return
    user_id_var.set(user.pk)
    history_user(user.pk)
    if isinstance(request, HttpRequest):
        request.nuanxin_user_id = user.pk
