"""Run the payments fault drill on the configured database and broker with two worker processes of
its own; the last line is `instructions=N settled=N failed=N paid_twice=N stuck=N seconds=S`."""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from policies.drill import drill_report, drill_seed, drill_settle

ROOT = Path(__file__).resolve().parents[3]


class Command(BaseCommand):
    help = "Pay out many loans and benefits through two workers while the simulated bank misbehaves."

    def add_arguments(self, parser):
        parser.add_argument("--payouts", type=int, default=200)
        parser.add_argument("--timeout-share", type=float, default=0.2)
        parser.add_argument("--paid-then-timeout-share", type=float, default=0.1)
        parser.add_argument("--refuse-share", type=float, default=0.0)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--max-seconds", type=float, default=600)

    def handle(
        self, *args, payouts, timeout_share, paid_then_timeout_share, refuse_share, workers, max_seconds, **o
    ):
        if not settings.REDIS_URL or settings.CELERY_TASK_ALWAYS_EAGER:
            raise CommandError("payments_drill needs a broker (REDIS_URL) and real workers, not eager tasks")
        if "Simulated" not in settings.PAYMENTS_BACKEND:
            raise CommandError("payments_drill runs against the simulated bank only")
        faults = f"timeout={timeout_share},paid_then_timeout={paid_then_timeout_share},refuse={refuse_share}"
        env = {**os.environ, "SIMULATED_PAYMENT_FAULTS": faults}
        started = time.monotonic()
        processes = [
            subprocess.Popen(  # noqa: S603  (our own interpreter and fixed arguments)
                [sys.executable, "-m", "celery", "-A", "config.celery_app", "worker", "--pool=solo",
                 "--loglevel=ERROR", "--without-mingle", "--without-gossip", "--without-heartbeat",
                 "-n", f"drill{n}@%h"],
                cwd=ROOT,
                env=env,
            )
            for n in range(workers)
        ]  # fmt: skip
        try:
            self.stdout.write(f"{workers} workers started; bank faults: {faults}")
            ids = drill_seed(payouts, progress=self.stdout.write)
            drill_settle(ids, timeout=max_seconds, progress=self.stdout.write)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=60)
        report = drill_report(ids, seconds=time.monotonic() - started)
        self.stdout.write(
            f"ledger mismatches={report.ledger_mismatches} state mismatches={report.state_mismatches}"
        )
        self.stdout.write(report.line())
