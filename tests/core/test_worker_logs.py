"""A real Celery worker writes personal data masked: in its log lines, in exception text, in the
traceback it logs for a failed task."""

import os
import subprocess
import time
from pathlib import Path

from config.celery_app import app as celery_app
from tests.clock import frozen_command, frozen_env

ROOT = Path(__file__).resolve().parents[2]
SECRET = "payout to 6222021234567890123 for 13800000001, ID 110101199003071233"


def test_a_worker_masks_personal_data_in_logs_and_tracebacks(redis_url, tmp_path):
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "REDIS_URL": redis_url,
        **frozen_env(),
    }
    with log.open("w") as out:
        worker = subprocess.Popen(
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
                "--loglevel=INFO",
                "--include=tests.celery_probe",
                "--queues=probe",
            ),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        celery_app.conf.update(task_always_eager=False)
        from tests.celery_probe import probe

        probe.apply_async(args=[SECRET], queue="probe")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "raised unexpected" not in log.read_text():
            time.sleep(0.2)  # polling the worker's output with a deadline, not waiting a guessed time
    finally:
        celery_app.conf.update(task_always_eager=True)
        worker.terminate()
        worker.wait(timeout=30)
    written = log.read_text()
    assert "raised unexpected" in written, written  # the failure and its traceback were logged
    assert "probe says" in written
    for raw in ("6222021234567890123", "13800000001", "110101199003071233"):
        assert raw not in written, written
    assert "138****0001" in written and "**** **** **** 0123" in written
