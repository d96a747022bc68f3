"""reminder_scan over a book of about 1,000,000 policies on PostgreSQL: a first run, then a second
run of the same day that must create nothing.

Needs DATABASE_URL (PostgreSQL). Seeds `seed_demo --customers 333334` (1 to 5 policies each,
about 1,000,000 policies) when the book is smaller. Goal (issue 5): each run <= 20 s.
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

    from policies.models import Policy
    from reminders.models import Reminder
    from reminders.services.scan import reminder_scan

    day = date.fromisoformat(os.environ.get("BENCH_DAY", date.today().isoformat()))
    policies = Policy.objects.count()
    # A clean start for the first run, so that it raises the day's reminders from nothing.
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Reminder._meta.db_table} RESTART IDENTITY CASCADE")
    runs = []
    for label in ("first", "second"):
        start = time.perf_counter()
        # Pushes are their own step (the system push of last stages): the scan itself is measured.
        result = reminder_scan(day=day, system_push=False)
        elapsed = time.perf_counter() - start
        runs.append(elapsed)
        print(
            f"{label} run over {policies} policies: {elapsed:.1f} s — raised {sum(result.created.values())} "
            f"{result.created}, resolved {sum(result.resolved.values())}, expired {result.expired}"
        )
    print(f"reminder_scan: first {runs[0]:.1f} s, second {runs[1]:.1f} s (goal <= 20 s each)")


if __name__ == "__main__":
    main()
