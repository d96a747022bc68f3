"""Settings shared by every environment; everything deployment-specific comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get(
    "SECRET_KEY", "dev-only-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"
)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    # daphne first so that runserver serves ASGI (HTTP and websockets).
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "strawberry_django",
    "django_celery_beat",
    "pgtrigger",
    "pghistory",
    "core",
    "accounts",
    "policies",
    "reminders",
    "chat",
    "operations",
    "elder_mode",
    "feedback",
    "payments",
    "new_business",
    "workbench",
    "demo",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files (admin, GraphiQL, the workbench) from the ASGI processes themselves.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The trigger audit trail's context: who (the admin's user) changed what, from which URL.
    "core.audit.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# --- Database: PostgreSQL (psycopg 3, pooled) when DATABASE_URL is set, SQLite otherwise.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    DATABASES["default"]["OPTIONS"] = {
        "pool": {"min_size": 1, "max_size": int(os.environ.get("DB_POOL_MAX", "20"))}
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # WAL lets readers and one writer proceed together in the embedded default.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer, Celery broker and cache when REDIS_URL is set; in-process otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Pub/sub: a broadcast is one PUBLISH (the list-based layer costs four round trips and a
            # transaction), and a process holds one subscription connection for all its groups.
            "BACKEND": os.environ.get(
                "CHANNEL_LAYER_BACKEND", "channels_redis.pubsub.RedisPubSubChannelLayer"
            ),
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        # redis-py 8 reads with a 5 s socket timeout, as long as the list layer's
                        # blocking pop: an idle process's read could time out and kill its sockets.
                        "socket_timeout": 30,
                        "socket_connect_timeout": 5,
                        # redis-py 8 caps a pool at 100 connections and raises (not waits) beyond it;
                        # a burst of subscriptions or broadcasts can need more at once.
                        "max_connections": int(os.environ.get("CHANNEL_LAYER_MAX_CONNECTIONS", "2000")),
                    }
                ],
                # Pub/sub channels are global to a Redis server, whatever the database number: name
                # them after it so that two environments sharing a server never hear each other.
                "prefix": "nuanxin" + (urlparse(REDIS_URL).path.strip("/") or "0"),
            },
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A late-acked task is redelivered after the visibility timeout: keep it above the longest task.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Passwords by phone behind the login lockout (one count for the apps and the admin).
    "accounts.backends.ThrottledPhoneBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Lock a phone or a client address after repeated failures; the lock ends by itself.
# Personal numbers at rest: Fernet keys, newest first (comma-separated). Production must set them
# (deploy check nuanxin.E003); elsewhere a key derived from SECRET_KEY keeps `make run` simple.
FIELD_ENCRYPTION_KEYS = [
    k.strip() for k in os.environ.get("FIELD_ENCRYPTION_KEYS", "").split(",") if k.strip()
]

# Every periodic job, in Asia/Shanghai time; `migrate` installs the missing ones on django-celery-beat
# (core.schedules), where operators can change or pause them.
PERIODIC_TASKS = [
    {"name": "Daily policy jobs", "task": "policies.tasks.policy_daily_jobs", "minute": "30", "hour": "0"},
    {
        "name": "Cancel unconfirmed elder holds",
        "task": "elder_mode.tasks.callbacks_expire",
        "minute": "45",
        "hour": "0",
    },
    {"name": "Daily reminder scan", "task": "reminders.tasks.reminder_scan", "minute": "0", "hour": "7"},
    {
        "name": "Agents' morning digest",
        "task": "reminders.tasks.agent_morning_digest",
        "minute": "0",
        "hour": "8",
    },
    {
        "name": "Push sender (deferred, retries)",
        "task": "reminders.tasks.push_outbox_send_due",
        "minute": "*",
        "hour": "*",
    },
    {"name": "Close idle chats", "task": "chat.tasks.chats_close_idle", "minute": "*", "hour": "*"},
    # The pool: presence lost after 60 s of silence (checked every 10 s), SLA flags, a dispatch
    # sweep for work that waited (a callback's retry time, people coming free).
    {"name": "Presence sweep", "task": "operations.tasks.presence_sweep", "every_seconds": 10},
    {"name": "SLA watch", "task": "operations.tasks.sla_flags_announce", "every_seconds": 30},
    {"name": "Pool dispatch", "task": "operations.tasks.pool_dispatch", "every_seconds": 30},
    # Retention: each app purges what has outlived its use (RETENTION_DAYS), in the quiet hours.
    {"name": "Purge sign-in records", "task": "accounts.tasks.retention_purge", "minute": "20", "hour": "3"},
    {
        "name": "Purge idempotency and audit",
        "task": "policies.tasks.retention_purge",
        "minute": "25",
        "hour": "3",
    },
    {
        "name": "Purge delivered pushes",
        "task": "reminders.tasks.retention_purge",
        "minute": "30",
        "hour": "3",
    },
    {"name": "Purge old transcripts", "task": "chat.tasks.retention_purge", "minute": "35", "hour": "3"},
    # Voice of the customer: surveys past their expiry, and yesterday's scoreboard kept for the charts.
    {"name": "Expire surveys", "task": "feedback.tasks.surveys_expire", "minute": "10", "hour": "*"},
    {"name": "Scoreboard snapshot", "task": "feedback.tasks.metrics_snapshot", "minute": "15", "hour": "1"},
    # Money: instructions whose send task was lost are sent again, unknown outcomes asked about.
    {"name": "Payments sweep", "task": "payments.tasks.payments_sweep", "every_seconds": 60},
    # New business: e-callbacks not answered in 5 days go to a person on the phone.
    {
        "name": "Expire new-policy e-callbacks",
        "task": "new_business.tasks.policy_callbacks_expire",
        "minute": "5",
        "hour": "*",
    },
]

# Retention (days): working records purged after their useful life by each app's daily job; chat
# transcripts and the audit trail kept for the regulatory period (set it to what the regulator asks).
RETENTION_DAYS = {
    "one_time_codes": 2,  # the codes' rows are the send-rate log for a day
    "login_throttles": 1,
    "sessions": 30,  # after a logout, or after the last refresh token expired
    "idempotency_records": 30,
    "push_messages": 30,  # sent or failed
    "transcripts": int(os.environ.get("TRANSCRIPT_RETENTION_DAYS", str(10 * 366))),
    "audit_events": int(os.environ.get("AUDIT_RETENTION_DAYS", str(10 * 366))),
}

# Which occurrences of a touchpoint are surveyed is drawn from a hash with this seed (SECRET_KEY if
# unset): random across customers, the same answer every time one occurrence is asked.
SURVEY_SAMPLING_SEED = os.environ.get("SURVEY_SAMPLING_SEED", "")

# Login lockout: this many failed passwords per phone or per client address lock it for the cool-off.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_COOLOFF = timedelta(minutes=15)
# Number of reverse proxies in front of the app whose X-Forwarded-For entries are trusted.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Reads leave no trigger-audit context (SELECTs are not recorded anyway).
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# /metrics answers loopback clients, and others that present this bearer token (off when empty).
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# Servers and workers freeze what start-up loaded and time the collector's passes (core.runtime).
# Off in the test process, which only imports the ASGI application: freezing there, and a Python
# callback on every pass of a suite that runs threads, event loops and browsers, tune nothing.
TUNE_COLLECTOR = env_bool("TUNE_COLLECTOR", True)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles"

# --- Tokens
# The bearer-token scheme core's transports authenticate with (core.auth calls it).
TOKEN_AUTHENTICATION = "accounts.tokens"
ACCESS_TOKEN_LIFETIME = timedelta(seconds=int(os.environ.get("ACCESS_TOKEN_SECONDS", str(15 * 60))))
REFRESH_TOKEN_LIFETIME = timedelta(days=30)
# A refresh retried within this long (a flaky network, two requests racing) gets the same new pair.
REFRESH_RETRY_GRACE = timedelta(seconds=10)

# --- OTP
OTP_LIFETIME = timedelta(minutes=5)
OTP_MAX_ATTEMPTS = 5
OTP_PER_PHONE_PER_MINUTE = 1
OTP_PER_PHONE_PER_HOUR = 5
OTP_PER_PHONE_PER_DAY = 10
OTP_PER_ADDRESS_PER_HOUR = 50
SMS_BACKEND = os.environ.get("SMS_BACKEND", "accounts.sms.ConsoleSmsBackend")
SMS_PROVIDER_URL = os.environ.get("SMS_PROVIDER_URL", "")
SMS_PROVIDER_KEY = os.environ.get("SMS_PROVIDER_KEY", "")
# Only `make run` prints one-time codes (the console backend hides digits everywhere else).
SMS_CONSOLE_SHOWS_CODES = False

FIREBASE_CREDENTIALS = os.environ.get("FIREBASE_CREDENTIALS", "")

# --- GraphQL limits, enforced before any resolver runs.
GRAPHQL_MAX_DEPTH = 12
GRAPHQL_MAX_ALIASES = 15
# Fields × the list sizes they sit under (core.graphql.cost): myPolicies(first: 100) with every field,
# loans and benefits costs about 16,300; an agent asking 100 customers × their policies × loans, 53,500.
# Only registered operations from the mobile apps (core.graphql.persisted); production turns it on.
GRAPHQL_PERSISTED_ONLY = env_bool("GRAPHQL_PERSISTED_ONLY", False)
GRAPHQL_MAX_COST = int(os.environ.get("GRAPHQL_MAX_COST", "30000"))
GRAPHQL_MAX_TOKENS = 2000
GRAPHQL_MAX_QUERY_BYTES = 20_000
# Per websocket: queries and mutations running at once (one more waits for a slot, and the socket is
# not read meanwhile: the client's sends slow down instead of being refused), and live subscriptions
# (an app holds a handful; past the limit a new one is refused with LIMIT_EXCEEDED).
GRAPHQL_WS_IN_FLIGHT = int(os.environ.get("GRAPHQL_WS_IN_FLIGHT", "256"))
GRAPHQL_WS_SUBSCRIPTIONS = int(os.environ.get("GRAPHQL_WS_SUBSCRIPTIONS", "20"))
GRAPHQL_IDE = False
GRAPHQL_INTROSPECTION = False
# "Did you mean ...?" hints leak the schema; on only for development.
GRAPHQL_FIELD_SUGGESTIONS = False

STRAWBERRY_DJANGO = {
    "FIELD_DESCRIPTION_FROM_HELP_TEXT": True,
    "TYPE_DESCRIPTION_FROM_MODEL_DOCSTRING": False,
    "MUTATIONS_DEFAULT_HANDLE_ERRORS": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.logging.RequestIdFilter"},
        "mask_personal_data": {"()": "core.logging.MaskPersonalDataFilter"},
    },
    "formatters": {
        "plain": {
            "()": "core.logging.MaskingFormatter",
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s",
        },
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            # LOG_FORMAT=json in production: one JSON object per line, in every process.
            "formatter": "json" if os.environ.get("LOG_FORMAT") == "json" else "plain",
            "filters": ["request_id", "mask_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Masked errors are logged by our own extension with the request id.
        "strawberry.execution": {"level": "CRITICAL"},
        # The ASGI server's own lines go through the same masking handler.
        "uvicorn": {"handlers": ["console"], "propagate": False},
        "uvicorn.error": {"handlers": ["console"], "propagate": False},
        "uvicorn.access": {"handlers": ["console"], "propagate": False, "level": "WARNING"},
        # One line per HTTP request: method, path, status, latency, user id, GraphQL operation.
        "nuanxin.access": {"level": os.environ.get("ACCESS_LOG_LEVEL", "INFO")},
    },
}

# --- Servicing providers (simulators until the bank integrations are contracted)
BANK_VERIFIER_BACKEND = os.environ.get("BANK_VERIFIER_BACKEND", "policies.providers.SimulatedBankVerifier")
PAYMENTS_BACKEND = os.environ.get("PAYMENTS_BACKEND", "payments.providers.SimulatedPayments")
# The simulator's faults for drills ("timeout=0.2,paid_then_timeout=0.1,refuse=0.05"), and a worker
# that hangs once the simulated bank has paid (killed by the crash test). Never set in production.
SIMULATED_PAYMENT_FAULTS = os.environ.get("SIMULATED_PAYMENT_FAULTS", "")
SIMULATED_PAYMENT_HANG_AFTER_PAY = env_bool("SIMULATED_PAYMENT_HANG_AFTER_PAY", False)
# Automation approves loans up to this amount; larger ones go to a reviewer.
LOAN_AUTO_APPROVE_LIMIT = 200_000
# A payout to an account verified less than this long ago goes to a reviewer.
PAYOUT_ACCOUNT_MIN_AGE = timedelta(hours=24)

# Serves the bench-only comparison views of bench/ (never in a deployment).
BENCH_VIEWS = env_bool("BENCH_VIEWS", False)

# --- Elder mode (MIIT elder-friendly rules; DESIGN.md "Elder mode")
ELDER_AGE = 60
RISK_MIN_READ_SECONDS = 10
RISK_CHALLENGE_LIFETIME = timedelta(minutes=15)
ELDER_HOLD_AMOUNT = 50_000
ELDER_HOLD_NEW_ACCOUNT_AGE = timedelta(hours=72)
CALLBACK_DEADLINE = timedelta(days=5)

# --- Push (firebase-admin). Without credentials or an endpoint, pushes go to the console.
FIREBASE_PROJECT_ID = os.environ.get("FIREBASE_PROJECT_ID", "")
# A local FCM-compatible endpoint (tests, benchmarks); production leaves it empty.
FCM_ENDPOINT = os.environ.get("FCM_ENDPOINT", "")

# Error reporting, when SENTRY_DSN is set (off by default); tracing is started by each process's entry
# point (config.asgi, config.celery_app) when OTEL_EXPORTER_OTLP_ENDPOINT is set.
from core.observability import sentry_init  # noqa: E402

sentry_init()
