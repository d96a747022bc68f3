"""Real ASGI server processes for tests that cross process boundaries (browser, Redis fan-out)."""

import os
import shutil
import socket
import subprocess
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from tests.clock import frozen_command, frozen_env

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AsgiServer:
    """One uvicorn process on a fixed port; `restart()` stops it (its sockets drop, as when a
    server goes away) and starts a new one on the same port."""

    def __init__(self, port: int, environment: dict):
        self.port = port
        self.environment = environment
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            frozen_command(
                "uvicorn",
                "config.asgi:application",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                # The websocket implementation production runs (deploy/Procfile).
                "--ws",
                "websockets-sansio",
                "--ws-per-message-deflate",
                "false",
            ),
            cwd=ROOT,
            env=self.environment,
        )

    def wait_listening(self, deadline: float) -> None:
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.2)  # waiting for the server to listen, bounded by the deadline

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def restart(self) -> None:
        self.stop()
        self.start()
        self.wait_listening(time.monotonic() + 60)


@contextmanager
def asgi_server_set(count: int = 1, **env):
    """`count` uvicorn processes on the test database (committed data only: transactional tests)."""
    db = connection.settings_dict
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        **frozen_env(),
        **env,
    }
    servers = [AsgiServer(free_port(), environment) for _ in range(count)]
    try:
        for server in servers:
            server.start()
        deadline = time.monotonic() + 60
        for server in servers:
            server.wait_listening(deadline)
        yield servers
    finally:
        for server in servers:
            server.stop()


@contextmanager
def asgi_servers(count: int = 1, **env):
    """The ports of `count` uvicorn processes (see asgi_server_set)."""
    with asgi_server_set(count, **env) as servers:
        yield [server.port for server in servers]


# Debian's Chromium, driven by Playwright (it downloads no browser of its own).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_required() -> None:
    """Fail in CI (REQUIRE_SERVICES=1), skip elsewhere, when Debian's Chromium is missing."""
    if not os.path.exists(CHROMIUM):
        import pytest

        from tests.conftest import REQUIRE_SERVICES

        if REQUIRE_SERVICES:
            pytest.fail("chromium is required (REQUIRE_SERVICES=1); .ci/run installs it")
        pytest.skip("needs chromium (make browser)")


@contextmanager
def celery_worker(*extra_args: str, loglevel: str = "WARNING", stdout=None, **env):
    """A real Celery worker process (solo pool) on the test database and the given broker env,
    under the test clock, consuming when the block starts (it answers a ping by its own name);
    stopped when the block ends."""
    from config.celery_app import app

    name = f"test-{uuid.uuid4().hex[:12]}@nuanxin"
    db = connection.settings_dict
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        **frozen_env(),
        **env,
    }
    process = subprocess.Popen(
        frozen_command(
            "celery",
            "-A",
            "config.celery_app",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            f"--loglevel={loglevel}",
            f"--hostname={name}",
            *extra_args,
        ),
        cwd=ROOT,
        env=environment,
        stdout=stdout,
        stderr=subprocess.STDOUT if stdout is not None else None,
    )
    try:
        # Tasks sent before the worker consumes wait in the broker, but a test that also acts itself
        # after a quiet spell (the payments drill sweeps in-process) would do the workers' part.
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[name], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"celery worker {name} did not start")
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
