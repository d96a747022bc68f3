"""The trigger audit trail (django-pghistory): PostgreSQL triggers copy every insert, update and
delete of the customer, policy, money and task tables, so admin edits, bulk updates of the daily jobs
and raw SQL are all recorded; the context says who (user id) or what (a job) did it, and when.
The service-level AuditEvent stays for the business meaning. SQLite (`make run`) has no triggers:
these helpers then do nothing."""

import contextlib

import pghistory
from pghistory.middleware import HistoryMiddleware as _PghistoryMiddleware

from .db import default_engine


def track(model):
    """Class decorator: the trigger trail records the model's creation, every change and its removal
    (fresh trackers per model: pghistory's tracker objects belong to one model each)."""
    return pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())(model)


def _postgres() -> bool:
    return default_engine() == "postgresql"  # also asked on the event loop (websocket logins)


def history_context(**metadata):
    """Group the changes made inside under one context with `metadata` (a job's name, a user id)."""
    return pghistory.context(**metadata) if _postgres() else contextlib.nullcontext()


def history_user(user_id: int | None) -> None:
    """The API's user (a bearer token, not the admin's session) for the request's changes."""
    if user_id is not None and _postgres():
        pghistory.context(user=user_id)


class HistoryMiddleware(_PghistoryMiddleware):
    """pghistory's middleware (the user and URL of each changing request), on PostgreSQL only."""

    def __call__(self, request):
        if not _postgres():
            return self.get_response(request)
        return super().__call__(request)
