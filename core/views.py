"""Health checks for load balancers and operators: `live` (the process answers), `ready` (it can
serve: database, Redis, every migration applied), and the combined `healthz`."""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("health check: database did not answer")
        return False


def _redis_status() -> str:
    if not settings.REDIS_URL:
        return "not_configured"
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        return "ok" if client.ping() else "down"
    except redis.RedisError:
        logger.exception("health check: redis did not answer")
        return "down"


def healthz(request):
    database = "ok" if _database_ok() else "down"
    redis_status = _redis_status()
    healthy = database == "ok" and redis_status != "down"
    return JsonResponse(
        {"status": "ok" if healthy else "down", "database": database, "redis": redis_status},
        status=200 if healthy else 503,
    )


def healthz_live(request):
    """The process is up and answering (restart it if not); checks nothing behind it."""
    return JsonResponse({"status": "ok"})


_migrated = False


def _migrations_applied() -> bool:
    """True once the database has every migration this code has (remembered: they never un-apply)."""
    global _migrated
    if _migrated:
        return True
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:
        logger.exception("health check: migrations could not be read")
        return False
    return _migrated


def healthz_ready(request):
    """Ready for traffic: the database answers with every migration applied, and Redis answers where
    it is configured (production refuses to start without it). 503 otherwise, with what is missing."""
    database = "ok" if _database_ok() else "down"
    migrations = ("ok" if _migrations_applied() else "pending") if database == "ok" else "unknown"
    redis_status = _redis_status()
    ready = database == "ok" and migrations == "ok" and redis_status != "down"
    return JsonResponse(
        {
            "status": "ok" if ready else "unavailable",
            "database": database,
            "migrations": migrations,
            "redis": redis_status,
        },
        status=200 if ready else 503,
    )
