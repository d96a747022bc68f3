"""A real Celery worker writes personal data masked: in its log lines, in exception text, in the
traceback it logs for a failed task."""

import time
from pathlib import Path

from config.celery_app import app as celery_app
from tests.servers import celery_worker

ROOT = Path(__file__).resolve().parents[2]
SECRET = "payout to 6222021234567890123 for 13800000001, ID 110101199003071233"


def test_a_worker_masks_personal_data_in_logs_and_tracebacks(redis_url, postgres, tmp_path):
    log = tmp_path / "worker.log"
    with (
        log.open("w") as out,
        celery_worker(
            "--include=tests.celery_probe", "--queues=probe", loglevel="INFO", stdout=out, REDIS_URL=redis_url
        ),
    ):
        celery_app.conf.update(task_always_eager=False)
        try:
            from tests.celery_probe import probe

            probe.apply_async(args=[SECRET], queue="probe")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and "raised unexpected" not in log.read_text():
                time.sleep(0.2)  # polling the worker's output with a deadline, not waiting a guessed time
        finally:
            celery_app.conf.update(task_always_eager=True)
    written = log.read_text()
    assert "raised unexpected" in written, written  # the failure and its traceback were logged
    assert "probe says" in written
    for raw in ("6222021234567890123", "13800000001", "110101199003071233"):
        assert raw not in written, written
    assert "138****0001" in written and "**** **** **** 0123" in written


def test_a_worker_writes_json_lines_with_the_task_id_when_asked(redis_url, postgres, tmp_path):
    import json

    log = tmp_path / "worker.log"
    with (
        log.open("w") as out,
        celery_worker(
            "--include=tests.celery_probe",
            "--queues=probe",
            loglevel="INFO",
            stdout=out,
            REDIS_URL=redis_url,
            LOG_FORMAT="json",
        ),
    ):
        celery_app.conf.update(task_always_eager=False)
        try:
            from tests.celery_probe import probe

            result = probe.apply_async(args=[SECRET], queue="probe")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and "probe says" not in log.read_text():
                time.sleep(0.2)  # polling the worker's output with a deadline
        finally:
            celery_app.conf.update(task_always_eager=True)
    records = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    said = next(r for r in records if "probe says" in r["message"])
    assert said["request_id"] == f"task-{result.id}"
    assert {"time", "level", "logger", "message", "user_id"} <= set(said)
    assert "13800000001" not in log.read_text()
