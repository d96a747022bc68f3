"""ASGI entry point: Django over HTTP, GraphQL subscriptions over websockets on /graphql/."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# Django must be set up before the schema (and so the models) are imported.
django.setup(set_prefix=False)

from core.asgi import SyncChainASGIHandler  # noqa: E402
from core.observability import tracing_init  # noqa: E402
from core.runtime import freeze_loaded, tune_collector  # noqa: E402

tracing_init(service="nuanxin-web")

django_asgi_app = SyncChainASGIHandler()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import re_path  # noqa: E402

from config.schema import schema  # noqa: E402
from core.graphql.consumers import AuthenticatedGraphQLWSConsumer  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # No Origin check: native apps send none, and auth is a bearer token, not a cookie.
        "websocket": URLRouter(
            [re_path(r"^graphql/?$", AuthenticatedGraphQLWSConsumer.as_asgi(schema=schema))]
        ),
    }
)

# Everything loaded so far lives as long as the process: out of the collector's passes, which
# otherwise pause every open websocket meanwhile (see core.runtime).
import threading  # noqa: E402

from django.conf import settings  # noqa: E402

from feedback.sentiment import warm  # noqa: E402

if settings.TUNE_COLLECTOR:
    tune_collector()


def _load_models() -> None:
    warm()
    if settings.TUNE_COLLECTOR:
        freeze_loaded()  # the models too (~180,000 objects): a full pass walked them, 100+ ms


# The sentiment models take a few seconds to load: loaded beside the server's start, not in the first
# customer's answer.
threading.Thread(target=_load_models, name="sentiment-warm", daemon=True).start()
