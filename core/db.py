"""Database helpers that behave the same on PostgreSQL and the embedded SQLite default."""

import zlib

from django.db import connection


def advisory_lock(key: str) -> None:
    """Serialize writers on `key` until the transaction ends.

    PostgreSQL takes a transaction-level advisory lock; SQLite needs none because its
    transactions start IMMEDIATE and so already run one writer at a time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(key.encode())])
