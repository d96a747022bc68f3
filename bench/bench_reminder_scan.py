"""reminder_scan over a book of about 1,000,000 policies on PostgreSQL: the day's first run (the
whole book), then a second run of the same day with nothing changed in between (only what changed
is read), then a third after a thousand premiums were paid.

Needs DATABASE_URL (PostgreSQL). Seeds `seed_demo --customers 333334` (1 to 5 policies each,
about 1,000,000 policies) when the book is smaller (BENCH_SCAN_CUSTOMERS for other sizes).
Goals (issue 19): first run <= 10 s, a re-run with nothing to write <= 3 s on 1 M policies, and the
cost per 100,000 policies flat from 100 k to 3 M.
"""

import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import manage, production_env

CUSTOMERS = int(os.environ.get("BENCH_SCAN_CUSTOMERS", "333334"))


def main() -> None:
    manage("migrate", "--noinput", "-v", "0")
    manage("seed_demo", "--customers", str(CUSTOMERS))
    os.environ.update(production_env())
    import django

    django.setup()
    from django.db import connection

    from policies.models import Policy, PremiumDue, PremiumStatus
    from reminders.models import Reminder, ScanChange, ScanRun
    from reminders.services.scan import reminder_scan

    day = date.fromisoformat(os.environ.get("BENCH_DAY", date.today().isoformat()))
    policies = Policy.objects.count()
    # A clean start for the first run, so that it raises the day's reminders from nothing.
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Reminder._meta.db_table} RESTART IDENTITY CASCADE")
    ScanRun.objects.all().delete()
    ScanChange.objects.all().delete()
    runs = []
    for label in ("first", "second", "third"):
        if label == "third":
            # A thousand customers pay the premium their reminder is about.
            paid = list(
                Reminder.objects.filter(kind="RENEWAL_PREMIUM_DUE").values_list("subject_id", flat=True)[
                    :1000
                ]
            )
            PremiumDue.objects.filter(pk__in=paid).update(status=PremiumStatus.PAID)
        start = time.perf_counter()
        # Pushes are their own step (the system push of last stages): the scan itself is measured.
        result = reminder_scan(day=day, system_push=False)
        elapsed = time.perf_counter() - start
        runs.append(elapsed)
        looked = "the whole book" if result.among is None else f"{len(result.among)} changed policies"
        print(
            f"{label} run over {policies} policies ({looked}): {elapsed:.2f} s — raised "
            f"{sum(result.created.values())} {result.created}, resolved {sum(result.resolved.values())}, "
            f"expired {result.expired}"
        )
    per = runs[0] / policies * 100_000
    print(
        f"reminder_scan over {policies} policies: first {runs[0]:.2f} s ({per:.2f} s per 100k; goal <= 10 s), "
        f"re-run {runs[1]:.2f} s (goal <= 3 s), after 1,000 payments {runs[2]:.2f} s"
    )


if __name__ == "__main__":
    main()
