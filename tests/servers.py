"""Real ASGI server processes for tests that cross process boundaries (browser, Redis fan-out)."""

import os
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from tests.clock import frozen_command, frozen_env

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def asgi_servers(count: int = 1, **env):
    """`count` uvicorn processes on the test database (committed data only: transactional tests)."""
    db = connection.settings_dict
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        **frozen_env(),
        **env,
    }
    ports = [free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(
            frozen_command(
                "uvicorn", "config.asgi:application", "--port", str(port), "--log-level", "warning"
            ),
            cwd=ROOT,
            env=environment,
        )
        for port in ports
    ]
    try:
        deadline = time.monotonic() + 60
        for port in ports:
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)  # waiting for the server to listen, bounded by the deadline
        yield ports
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
