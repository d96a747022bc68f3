"""Database helpers that behave the same on PostgreSQL and the embedded SQLite default."""

import functools
import zlib

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Aggregate, FloatField


@functools.cache
def default_engine() -> str:
    """The default database's engine ("postgresql", "sqlite3"), from the settings. Code that may run
    on an event loop asks this, not `connection.vendor`: there that creates a connection object in
    the calling task's context, and a websocket's task then kept one for its whole life (~3 KB)."""
    return connections.settings[DEFAULT_DB_ALIAS]["ENGINE"].rsplit(".", 1)[-1]


def advisory_lock(key: str) -> None:
    """Serialize writers on `key` until the transaction ends.

    PostgreSQL takes a transaction-level advisory lock; SQLite needs none because its
    transactions start IMMEDIATE and so already run one writer at a time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(key.encode())])


def median_seconds(queryset, *, start: str, end: str) -> float | None:
    """The median of `end - start` in seconds over `queryset`, computed by the database
    (PERCENTILE_CONT on PostgreSQL); the embedded SQLite default, which has no percentile, sorts the
    durations in Python."""
    from django.db.models import F, Func

    rows = queryset.filter(**{f"{start}__isnull": False, f"{end}__isnull": False})
    if connection.vendor == "postgresql":
        seconds = Func(
            F(end) - F(start), template="EXTRACT(EPOCH FROM %(expressions)s)", output_field=FloatField()
        )
        value = rows.aggregate(m=_Median(seconds))["m"]
        return float(value) if value is not None else None
    durations = sorted((b - a).total_seconds() for a, b in rows.values_list(start, end))
    if not durations:
        return None
    middle = len(durations) // 2
    return durations[middle] if len(durations) % 2 else (durations[middle - 1] + durations[middle]) / 2


class _Median(Aggregate):
    """PostgreSQL's continuous median of an expression."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
