"""Test settings: fast hashing, console SMS recorded in memory, deterministic behaviour."""

from .base import *  # noqa: F403
from .base import DATABASES

DEBUG = False
GRAPHQL_IDE = False
GRAPHQL_INTROSPECTION = True
GRAPHQL_FIELD_SUGGESTIONS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SMS_BACKEND = "accounts.sms.MemorySmsBackend"
ALLOWED_HOSTS = ["*"]
# Tasks run in-process in tests; the tests that need a real worker on Redis start one themselves.
CELERY_TASK_ALWAYS_EAGER = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["OPTIONS"] = {}
else:
    # Pooled connections held by the threads of async tests would stop the test database from
    # being dropped at teardown; tests use plain connections, production keeps the pool.
    DATABASES["default"]["OPTIONS"].pop("pool", None)

# Served from the apps' static folders without collectstatic (browser tests load the admin's CSS).
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing collected here

if not FIELD_ENCRYPTION_KEYS:  # noqa: F405 - a stable key derived from SECRET_KEY, never production's
    import base64
    import hashlib

    FIELD_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(f"dev-field-key:{SECRET_KEY}".encode()).digest()).decode()  # noqa: F405
    ]

TUNE_COLLECTOR = False  # see base; tests/core/test_runtime.py switches it on where it is tested

# Survey sampling is reproducible in tests.
SURVEY_SAMPLING_SEED = "nuanxin-tests"
