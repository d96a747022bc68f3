"""GET /metrics: the serving metrics of every process and the depths of the queues operations watch
(payment instructions not final, pushes waiting, Celery's queue), read from the records at scrape time."""

import os

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotFound
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from core.http import client_ip
from core.metrics import GRAPHQL_SECONDS, WEBSOCKETS


class QueueDepths:
    """Read at scrape time from the records: what is waiting, not what a process remembers."""

    def collect(self):
        from django.db.models import Count

        from payments.models import OPEN_INSTRUCTION, PaymentInstruction
        from reminders.models import PushMessage

        payments = GaugeMetricFamily(
            "nuanxin_payment_instructions_open",
            "Payment instructions not yet final, by status.",
            labels=["status"],
        )
        counts = dict(
            PaymentInstruction.objects.filter(status__in=OPEN_INSTRUCTION)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        for status in OPEN_INSTRUCTION:
            payments.add_metric([status], counts.get(status, 0))
        yield payments
        pushes = GaugeMetricFamily("nuanxin_push_outbox_waiting", "Push messages waiting to be sent.")
        pushes.add_metric([], PushMessage.objects.filter(status__in=["PENDING", "DEFERRED"]).count())
        yield pushes
        queue = GaugeMetricFamily("nuanxin_celery_queue_depth", "Tasks waiting in Celery's default queue.")
        queue.add_metric([], _celery_queue_depth())
        yield queue


def _celery_queue_depth() -> int:
    if not settings.REDIS_URL:
        return 0
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
    try:
        return int(client.llen("celery"))
    except redis.RedisError:
        return -1
    finally:
        client.close()


def _allowed(request) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    if token and request.headers.get("Authorization") == f"Bearer {token}":
        return True
    return client_ip(request) in ("127.0.0.1", "::1")


def metrics(request):
    """GET /metrics: for the monitoring system on this machine (or with METRICS_TOKEN); anyone else
    gets a 404, as for a page that does not exist."""
    if not _allowed(request):
        return HttpResponseNotFound()
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)  # every process's samples, from their files
    else:
        registry.register(GRAPHQL_SECONDS)
        registry.register(WEBSOCKETS)
    registry.register(QueueDepths())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
