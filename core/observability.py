"""Error reporting (sentry-sdk) and tracing (OpenTelemetry), each switched on by the environment and
off by default. Both see only what the logs see: personal numbers are masked before anything leaves."""

import os

from .masking import mask_text


def _masked(value):
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(item) for item in value]
    return value


def _before_send(event, hint):
    return _masked(event)


def sentry_init(*, transport=None) -> bool:
    """SENTRY_DSN set: report errors from Django, Celery and strawberry (no personal data)."""
    dsn = os.environ.get("SENTRY_DSN", "")
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.strawberry import StrawberryIntegration

    options = {}
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration(), StrawberryIntegration(async_execution=False)],
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        release=os.environ.get("SENTRY_RELEASE") or None,
        send_default_pii=False,
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        before_send=_before_send,
        **options,
    )
    return True


_tracing = False


def tracing_init(*, service: str, exporter=None) -> bool:
    """OTEL_EXPORTER_OTLP_ENDPOINT set (or an exporter given, in tests): trace Django, psycopg,
    Celery and Redis, exported over OTLP/HTTP in batches."""
    global _tracing
    if _tracing:
        return True
    if exporter is None and not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return False
    from opentelemetry import trace
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    else:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    DjangoInstrumentor().instrument()
    # Statements, never their parameters (which may hold personal data).
    PsycopgInstrumentor().instrument(enable_commenter=False, skip_dep_check=True)
    CeleryInstrumentor().instrument()
    RedisInstrumentor().instrument()
    _tracing = True
    return True
