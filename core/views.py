"""Health check for load balancers and operators."""

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
