"""Push throughput through firebase-admin (send_each, batches of 500) to a local FCM-compatible
endpoint running in its own process. One drain loop = one worker process.

Needs DATABASE_URL (PostgreSQL). Goal (issue 5): >= 1,000 messages per second per worker process.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import ROOT, manage, production_env, vacuum

MESSAGES = int(os.environ.get("BENCH_PUSH_MESSAGES", "20000"))
WARMUP = 1000


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    manage("migrate", "--noinput", "-v", "0")
    port = _port()
    endpoint = subprocess.Popen(
        [sys.executable, "-m", "reminders.fake_fcm", str(port)], cwd=ROOT, env=production_env()
    )
    try:
        os.environ.update(
            production_env(FCM_ENDPOINT=f"http://127.0.0.1:{port}", FIREBASE_PROJECT_ID="nuanxin-local")
        )
        import django

        django.setup()
        from accounts.models import App, Device, Role, User
        from core.runtime import tune_collector
        from reminders.models import PushMessage, PushStatus
        from reminders.services.outbox import push_outbox_drain_all

        tune_collector()  # as the Celery worker does when its process starts

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        user, _ = User.objects.get_or_create(phone="19900000000", defaults={"role": Role.CUSTOMER})
        Device.objects.filter(user=user).delete()
        devices = Device.objects.bulk_create(
            Device(
                user=user,
                token=f"bench-{i:06d}",
                token_digest=f"bench-{i:06d}",
                platform="ANDROID",
                app=App.CUSTOMER_APP,
            )
            for i in range(MESSAGES + WARMUP)
        )

        def enqueue(batch) -> None:
            PushMessage.objects.bulk_create(
                PushMessage(
                    device=d,
                    kind="BENCH",
                    title="续期保费即将到期",
                    body="保单的保费将于下周到期。",
                    data={"n": str(d.pk)},
                )
                for d in batch
            )

        # A worker runs for hours: its imports, SDK set-up and open connections are not per batch.
        enqueue(devices[:WARMUP])
        push_outbox_drain_all()
        enqueue(devices[WARMUP:])
        vacuum(Device, PushMessage)
        start = time.perf_counter()
        totals = push_outbox_drain_all()
        elapsed = time.perf_counter() - start
        sent = PushMessage.objects.filter(device__user=user, status=PushStatus.SENT).count() - WARMUP
        print(
            f"push: {totals} in {elapsed:.2f} s → {sent / elapsed:.0f} messages/s per worker process (goal >= 1000)"
        )
        Device.objects.filter(user=user).delete()
    finally:
        endpoint.terminate()
        endpoint.wait(timeout=10)


if __name__ == "__main__":
    main()
