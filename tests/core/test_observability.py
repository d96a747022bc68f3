"""Observability: JSON lines with request id, user id and latency; the Prometheus endpoint, protected;
error reporting and tracing when their environment variables are set (off otherwise)."""

import json
import logging

import pytest
from django.test import Client

from core.logging import JsonFormatter
from core.observability import sentry_init, tracing_init
from tests.accounts.factories import CustomerFactory
from tests.conftest import GraphQLClient

pytestmark = pytest.mark.django_db
MY_POLICIES = "query MyPolicies { myPolicies(first: 5) { edges { node { number } } } }"


@pytest.fixture
def customer(db):
    return CustomerFactory(user__phone="13800000095")


def test_each_request_is_one_json_line_with_its_request_id_user_id_latency_and_operation(customer, caplog):
    client = GraphQLClient()
    client.login("13800000095")
    with caplog.at_level(logging.INFO, logger="nuanxin.access"):
        response = client.post_raw({"query": MY_POLICIES})

    [record] = [r for r in caplog.records if r.name == "nuanxin.access" and r.operation == "MyPolicies"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] == customer.user_id
    assert line["operation"] == "MyPolicies" and line["status"] == 200 and line["level"] == "INFO"
    assert isinstance(line["latency_ms"], float) and line["latency_ms"] > 0
    assert "13800000095" not in json.dumps(line)


def test_json_lines_mask_personal_data():
    record = logging.LogRecord(
        "x",
        logging.WARNING,
        __file__,
        1,
        "call %s about card %s",
        ("13800000095", "6222021234567890123"),
        None,
    )

    line = json.loads(JsonFormatter().format(record))

    assert "13800000095" not in line["message"] and "6222021234567890123" not in line["message"]
    assert "138****0095" in line["message"]


def test_metrics_show_graphql_latency_by_operation_and_queue_depths_to_loopback_only(customer, settings):
    client = GraphQLClient()
    client.login("13800000095")
    client.post_raw({"query": MY_POLICIES})

    local = Client(REMOTE_ADDR="127.0.0.1").get("/metrics")
    outside = Client(REMOTE_ADDR="203.0.113.9").get("/metrics")
    settings.METRICS_TOKEN = "scrape-secret"
    with_token = Client(REMOTE_ADDR="203.0.113.9").get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret")

    body = local.content.decode()
    assert local.status_code == 200
    assert 'nuanxin_graphql_request_seconds_count{operation="MyPolicies"}' in body
    assert 'nuanxin_payment_instructions_open{status="UNKNOWN"} 0.0' in body
    assert "nuanxin_push_outbox_waiting" in body and "nuanxin_websocket_connections" in body
    assert outside.status_code == 404 and with_token.status_code == 200


# sentry_sdk.init patches threads, executors and Django for the rest of a process and cannot take
# its patches back: the reporting side runs in a process of its own.
SENTRY_CAPTURE = """
import json, django, sentry_sdk
from sentry_sdk.transport import Transport
django.setup()
from core.observability import sentry_init
sent = []
class Capture(Transport):
    def capture_envelope(self, envelope):
        sent.append(envelope)
assert sentry_init(transport=Capture) is True
print(json.dumps(sorted(sentry_sdk.get_client().integrations)))
try:
    raise ValueError("payout to 6222021234567890123 failed for 13800000095")
except ValueError:
    sentry_sdk.capture_exception()
sentry_sdk.flush()
print(b"".join(item.get_bytes() for envelope in sent for item in envelope.items).decode())
"""


def test_error_reporting_is_off_without_a_dsn_and_masks_personal_data_with_one(monkeypatch):
    import os
    import subprocess
    import sys

    monkeypatch.delenv("SENTRY_DSN", raising=False)
    assert sentry_init() is False

    environment = {**os.environ, "SENTRY_DSN": "https://public@sentry.example/1"}
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    done = subprocess.run(
        [sys.executable, "-c", SENTRY_CAPTURE], env=environment, capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 0, done.stderr
    integrations, text = done.stdout.split("\n", 1)
    assert {"django", "celery", "strawberry"} <= set(json.loads(integrations))
    assert "payout to" in text
    assert "6222021234567890123" not in text and "13800000095" not in text


def test_tracing_is_off_without_an_endpoint(monkeypatch):
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)

    assert tracing_init(service="test") is False


@pytest.mark.django_db(transaction=True)
def test_tracing_follows_a_request_through_django_and_psycopg(customer):
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    import core.observability

    exporter = InMemorySpanExporter()
    try:
        assert tracing_init(service="nuanxin-test", exporter=exporter) is True
        from django.db import connection

        connection.close()  # the next query connects through the instrumented driver
        client = GraphQLClient()  # a new client: its handler loads the instrumented middleware
        client.login("13800000095")
        client.post_raw({"query": MY_POLICIES})
    finally:
        for instrumentor in (
            DjangoInstrumentor(),
            PsycopgInstrumentor(),
            CeleryInstrumentor(),
            RedisInstrumentor(),
        ):
            instrumentor.uninstrument()
        core.observability._tracing = False

    spans = exporter.get_finished_spans()
    servers = [s for s in spans if s.kind.name == "SERVER"]
    assert servers and any("graphql" in (s.attributes.get("http.route", "") + s.name) for s in servers)
    if connection.vendor == "postgresql":
        assert any(s.kind.name == "CLIENT" and s.attributes.get("db.system") == "postgresql" for s in spans)


def test_our_request_ids_stay_whole_in_log_lines_and_a_clients_are_masked():
    from core.logging import MaskingFormatter

    ours = "6bf43c2502164065123456789012344f"  # hex with a long run of digits
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "served 13800000095", None, None)
    record.request_id = ours
    plain = MaskingFormatter("[%(request_id)s] %(message)s").format(record)
    line = json.loads(JsonFormatter().format(record))
    record.request_id = "phone-13800000095"
    theirs = MaskingFormatter("[%(request_id)s] %(message)s").format(record)

    assert plain == f"[{ours}] served 138****0095"
    assert line["request_id"] == ours and line["message"] == "served 138****0095"
    assert "13800000095" not in theirs
