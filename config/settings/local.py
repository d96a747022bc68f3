"""Local development: the embedded default with GraphiQL and introspection on."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
GRAPHQL_IDE = True
GRAPHQL_INTROSPECTION = True
GRAPHQL_FIELD_SUGGESTIONS = True

# Static files straight from the apps, no collectstatic step for `make run`.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing collected here

# A developer logs in with the code printed by the console SMS backend.
SMS_CONSOLE_SHOWS_CODES = True

if not FIELD_ENCRYPTION_KEYS:  # noqa: F405 - a stable key derived from SECRET_KEY, never production's
    import base64
    import hashlib

    FIELD_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(f"dev-field-key:{SECRET_KEY}".encode()).digest()).decode()  # noqa: F405
    ]
