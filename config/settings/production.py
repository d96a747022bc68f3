"""Production: secrets from the environment, HTTPS only, no GraphiQL, introspection or suggestions."""

import os

from django.core.exceptions import ImproperlyConfigured

# Production never falls back to the embedded parts (SQLite, in-process tasks, an in-memory channel
# layer): without these it refuses to start, saying what is missing and why.
REQUIRED = {
    "SECRET_KEY": "a long random secret: it signs access tokens and sessions",
    "DATABASE_URL": "PostgreSQL, postgres://user@host:5432/name: production never runs on SQLite",
    "REDIS_URL": "Redis, redis://host:6379/0: websockets across processes, Celery's broker, the cache",
}
_missing = [f"{name} ({why})" for name, why in REQUIRED.items() if not os.environ.get(name, "").strip()]
if _missing:
    raise ImproperlyConfigured("Production settings need: " + "; ".join(_missing))
if not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production (postgres://…).")

from .base import *  # noqa: E402, F403
from .base import env_bool  # noqa: E402

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
GRAPHQL_IDE = False
GRAPHQL_INTROSPECTION = False
# The apps run only the operations they shipped with (manage.py register_operations at deploy time).
GRAPHQL_PERSISTED_ONLY = env_bool("GRAPHQL_PERSISTED_ONLY", True)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^healthz/"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

if not FIELD_ENCRYPTION_KEYS:  # noqa: F405 - the deploy check says so too (nuanxin.E003)
    raise ImproperlyConfigured(
        "Set FIELD_ENCRYPTION_KEYS (Fernet keys, newest first): personal numbers are encrypted at rest."
    )
