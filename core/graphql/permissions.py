"""Field permissions: anonymous callers get UNAUTHENTICATED, the wrong role FORBIDDEN."""

from typing import Any

from django.utils.translation import gettext as _
from strawberry.permission import BasePermission


class IsAuthenticated(BasePermission):
    error_extensions = {"code": "UNAUTHENTICATED"}

    @property
    def message(self) -> str:  # type: ignore[override]
        return _("Please log in.")

    def has_permission(self, source: Any, info, **kwargs: Any) -> bool:
        return info.context.viewer is not None


def has_role(*roles: str) -> type[BasePermission]:
    """A permission class allowing only viewers of the given roles."""

    class HasRole(BasePermission):
        def has_permission(self, source: Any, info, **kwargs: Any) -> bool:
            viewer = info.context.viewer
            if viewer is None:
                self.error_extensions = {"code": "UNAUTHENTICATED"}
                self.message = _("Please log in.")
                return False
            if viewer.role not in roles:
                self.error_extensions = {"code": "FORBIDDEN"}
                self.message = _("You are not allowed to do this.")
                return False
            return True

    HasRole.__name__ = "Has" + "Or".join(str(role).title() for role in roles)
    return HasRole
