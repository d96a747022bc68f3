"""Prometheus metrics the serving code updates: GraphQL latency per operation and open websockets.
With several ASGI processes, PROMETHEUS_MULTIPROC_DIR makes them one set (make serve sets it); the
endpoint and the queue depths read from the records are in config.metrics."""

import re

from prometheus_client import Gauge, Histogram

GRAPHQL_SECONDS = Histogram(
    "nuanxin_graphql_request_seconds",
    "GraphQL HTTP requests by operation name, in seconds.",
    ["operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
GC_PAUSE_SECONDS = Histogram(
    "nuanxin_gc_pause_seconds",
    "Garbage-collector passes by generation, in seconds (every open socket waits meanwhile).",
    ["generation"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5),
)
WEBSOCKETS = Gauge("nuanxin_websocket_connections", "Open GraphQL websockets.", multiprocess_mode="livesum")

# Operation names come from clients: only well-formed ones, and a bounded number of them, become labels.
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_MAX_NAMES = 300
_seen: set[str] = set()


def operation_label(name: str | None) -> str:
    if not name or not _NAME.match(name):
        return "anonymous"
    if name not in _seen:
        if len(_seen) >= _MAX_NAMES:
            return "other"
        _seen.add(name)
    return name
