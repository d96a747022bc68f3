"""Shared bench plumbing: a uvicorn server under production settings, HTTP posts, percentiles, load."""

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def production_env(**extra) -> dict:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit(
            "bench: set DATABASE_URL to a PostgreSQL database (make bench on the embedded default is meaningless)"
        )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-" + "x" * 50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        # Personal numbers are encrypted at rest: a fixed key for the bench database (never production's).
        "FIELD_ENCRYPTION_KEYS": os.environ.get(
            "FIELD_ENCRYPTION_KEYS", "YmVuY2gtb25seS1maWVsZC1rZXktMDEyMzQ1Njc4OTA="
        ),
        "BENCH_VIEWS": "1",
        # The benches send their own documents, not the apps' registered ones.
        "GRAPHQL_PERSISTED_ONLY": "0",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=production_env(), check=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PROCESSES: dict[int, subprocess.Popen] = {}


def rss_bytes(port: int) -> int:
    """Resident memory of the server process listening on `port` (started by `server`, one worker)."""
    with open(f"/proc/{PROCESSES[port].pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


@contextmanager
def server(workers: int = 1, **env: str):
    port = _free_port()
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--ws-per-message-deflate",  # as deploy/Procfile: no compression state per socket
            "false",
            "--ws",  # as deploy/Procfile; BENCH_WS to compare another of uvicorn's implementations
            os.environ.get("BENCH_WS", "websockets-sansio"),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=production_env(**env),
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("server did not start")
        PROCESSES[port] = process
        # What the servers load beside their start (the sentiment models, tens of MB) loaded first:
        # figures measure requests and sockets, not start-up. A fresh connection a worker, most
        # likely each landing on another.
        for _ in range(workers):
            Client(port).request("GET", "/bench/warm.json")
        yield port
    finally:
        PROCESSES.pop(port, None)
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:  # open websockets can hold a graceful shutdown
            process.kill()
            process.wait()


class Client:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, port: int, token: str | None = None):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.token = token

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        self.connection.request(
            method, path, body=json.dumps(body) if body is not None else None, headers=headers
        )
        response = self.connection.getresponse()
        return response.status, json.loads(response.read() or b"null")

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        status, data = self.request("POST", "/graphql/", {"query": query, "variables": variables or {}})
        if status != 200 or data.get("errors"):
            raise RuntimeError(f"GraphQL failed: {status} {data}")
        return data["data"]


LOGIN = 'mutation($p: String!) { login(input: {phone: $p, password: "demo12345"}) { accessToken errors { code } } }'


def login(port: int, phone: str) -> str:
    return Client(port).graphql(LOGIN, {"p": phone})["login"]["accessToken"]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def latency(call, *, warmup: int = 20, count: int = 300) -> dict:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "p50_ms": round(percentile(samples, 50), 2),
        "p99_ms": round(percentile(samples, 99), 2),
        "n": count,
    }


def throughput(make_call, *, clients: int = 16, seconds: float = 10.0) -> float:
    """Requests per second with `clients` concurrent keep-alive clients for `seconds`."""
    stop = time.monotonic() + seconds
    counts = [0] * clients
    failures = []

    def run(i: int) -> None:
        call = make_call()
        while time.monotonic() < stop:
            try:
                call()
                counts[i] += 1
            except Exception as exc:  # reported below, the figure would be wrong otherwise
                failures.append(exc)
                return

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(f"{len(failures)} clients failed: {failures[0]}")
    return round(sum(counts) / (time.monotonic() - started), 1)


def gc_pauses(port: int) -> list[tuple[int, float]]:
    """The server process's collector pauses since the last call (needs BENCH_VIEWS, as set here)."""
    status, data = Client(port).request("GET", "/bench/gc-pauses.json")
    if status != 200:
        raise RuntimeError(f"gc pauses: {status}")
    return [(generation, seconds) for generation, seconds in data["pauses"]]


def pause_summary(pauses: list[tuple[int, float]]) -> str:
    if not pauses:
        return "gc pauses: none"
    ms = [seconds * 1000 for _, seconds in pauses]
    generations = ", ".join(
        f"gen{g} {len(taken)} max {max(taken) * 1000:.1f} ms"
        for g in (0, 1, 2)
        if (taken := [seconds for gen, seconds in pauses if gen == g])
    )
    return (
        f"gc pauses: n={len(ms)} ({generations}) "
        f"p50={percentile(ms, 50):.2f} ms p99={percentile(ms, 99):.2f} ms max={max(ms):.2f} ms"
    )


def vacuum(*models) -> None:
    """VACUUM ANALYZE the tables a bench churns: each run deletes what the last one made, and a
    server without autovacuum (this machine's has it off) would slow down run after run."""
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
