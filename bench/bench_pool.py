"""The national pool on PostgreSQL (issue 13).

1. Raise → assigned: with 10,000 open tasks waiting (of a kind nobody online takes) and 500 online
   reviewers, raise a review task and commit, as a request does: the time until it is assigned.
   Goal: p99 <= 50 ms.
2. A burst: 20,000 tasks raised while nobody is online, then 500 people come online and two
   dispatcher processes hand them all out at once. Goal: every task given once, never to two.
3. `operationsBoard` over 1,000,000 finished tasks (plus the open ones), through the HTTP endpoint.
   Goal: p99 <= 200 ms.

Needs DATABASE_URL (PostgreSQL); builds its own staff and tasks in that database (bench users are
13600000000 + n; finished tasks are inserted in bulk with SQL).
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import PYTHON, ROOT, Client, latency, login, manage, percentile, production_env, server

STAFF = int(os.environ.get("BENCH_POOL_STAFF", "500"))
WAITING = int(os.environ.get("BENCH_POOL_WAITING", "10000"))
BURST = int(os.environ.get("BENCH_POOL_BURST", "20000"))
HISTORY = int(os.environ.get("BENCH_POOL_HISTORY", "1000000"))
RAISES = int(os.environ.get("BENCH_POOL_RAISES", "500"))
PHONE_BASE = 13600000000
SUPERVISOR = "13600009999"


def setup() -> None:
    manage("migrate", "--noinput", "-v", "0")
    manage("seed_demo", "--customers", "2000", "--no-progress")
    os.environ.update(production_env())
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password

    from accounts.models import Role, StaffProfile, User
    from operations.models import Task
    from operations.services.staff import staff_profile_set

    password = make_password("demo12345")
    existing = set(User.objects.filter(phone__startswith="136").values_list("phone", flat=True))
    for n in range(STAFF):
        phone = str(PHONE_BASE + n)
        if phone in existing:
            continue
        user = User.objects.create(phone=phone, role=Role.STAFF, display_name=f"审核{n}", password=password)
        StaffProfile.objects.create(user=user, name=f"审核{n}", employee_no=f"B{n:05d}")
        staff_profile_set(user=user, roles=["reviewer"], capacity={"REVIEW": 40})
        if n % 100 == 0:
            print(f"  staff {n}/{STAFF}", flush=True)
    if SUPERVISOR not in existing:
        boss = User.objects.create(phone=SUPERVISOR, role=Role.STAFF, display_name="主管", password=password)
        StaffProfile.objects.create(user=boss, name="主管", employee_no="B99999")
        staff_profile_set(user=boss, roles=["supervisor"])
    finished = Task.objects.filter(status="DONE").count()
    if finished < HISTORY:
        history_insert(HISTORY - finished)


def history_insert(count: int) -> None:
    """Finished tasks of the past two years, written in bulk with SQL (the service path is measured
    elsewhere): kinds and outcomes spread, each done by one of the bench reviewers."""
    from django.db import connection

    from accounts.models import CustomerProfile, User

    customers = list(CustomerProfile.objects.values_list("pk", flat=True)[:2000])
    staff = list(User.objects.filter(phone__startswith="136").values_list("pk", flat=True)[:STAFF])
    kinds = ["SERVICING_REVIEW", "ELDER_CALLBACK", "LEFT_MESSAGE_CALLBACK", "UNDERWRITING", "QA_REVIEW"]
    skills = ["REVIEW", "CALLBACK", "CALLBACK", "UNDERWRITING", "QA"]
    step = 100_000
    for offset in range(0, count, step):
        n = min(step, count - offset)
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO operations_task (kind, status, skill, language, priority, elderly, subject_type,
                  subject_id, customer_id, title, created_at, due_at, at_risk_from, available_from, assignee_id,
                  assigned_at, first_action_at, completed_at, completed_by_id, outcome, note, attempts)
                SELECT (%(kinds)s::text[])[1 + g %% 5], 'DONE', (%(skills)s::text[])[1 + g %% 5], 'zh', 0, false,
                  'TASK', 10000000 + g, (%(customers)s::bigint[])[1 + g %% %(nc)s], '',
                  now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval + interval '2 hours',
                  now() - (g || ' minutes')::interval + interval '96 minutes', now() - (g || ' minutes')::interval,
                  (%(staff)s::bigint[])[1 + g %% %(ns)s], now() - (g || ' minutes')::interval,
                  now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval + interval '40 minutes',
                  (%(staff)s::bigint[])[1 + g %% %(ns)s], 'APPROVE', '', 0
                FROM generate_series(%(start)s, %(stop)s) AS g
                """,
                {
                    "kinds": kinds, "skills": skills, "customers": customers, "nc": len(customers),
                    "staff": staff, "ns": len(staff), "start": offset + 1, "stop": offset + n,
                },
            )  # fmt: skip
        print(f"  history {offset + n}/{count}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE operations_task")


def reset() -> None:
    """Unfinished bench work from a previous run goes; everyone offline with nothing in hand."""
    from django.db import connection

    from operations.models import StaffPresence, Task

    Task.objects.filter(status__in=["OPEN", "ASSIGNED"]).delete()
    StaffPresence.objects.update(status="OFFLINE", last_assigned_at=None)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE operations_task")
        cursor.execute("VACUUM ANALYZE operations_staffpresence")


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE operations_task, operations_staffpresence")


def raise_to_assigned() -> dict:
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import CustomerProfile
    from operations.models import StaffPresence, Task, TaskStatus
    from operations.services import tasks

    customers = list(CustomerProfile.objects.all()[:2000])
    # The waiting pool: left-message callbacks, and nobody online takes callbacks.
    for n in range(WAITING):
        tasks.task_raise(
            kind="LEFT_MESSAGE_CALLBACK", subject_type="CONVERSATION", subject_id=50_000_000 + n,
            customer=customers[n % len(customers)],
        )  # fmt: skip
    StaffPresence.objects.filter(user__phone__startswith="136").update(
        status="ONLINE", last_heartbeat_at=timezone.now() + timezone.timedelta(hours=1)
    )
    _analyze()  # this machine's PostgreSQL runs without autovacuum: fresh statistics, as production has
    samples = []
    for n in range(RAISES + 20):
        start = time.perf_counter()
        with transaction.atomic():  # the cause's transaction; dispatch runs on its commit
            task = tasks.task_raise(
                kind="SERVICING_REVIEW", subject_type="SERVICING_REQUEST", subject_id=60_000_000 + n,
                customer=customers[n % len(customers)],
            )  # fmt: skip
        elapsed = (time.perf_counter() - start) * 1000
        assert Task.objects.get(pk=task.pk).status == TaskStatus.ASSIGNED, "not assigned"
        if n >= 20:  # warm-up
            samples.append(elapsed)
    return {
        "p50_ms": round(percentile(samples, 50), 2),
        "p99_ms": round(percentile(samples, 99), 2),
        "n": RAISES,
    }


DISPATCHER = """
import json, os, sys
import django
django.setup()
from operations.services.dispatch import pool_dispatch
record = []
sys.stdin.readline()  # released together
pool_dispatch(limit=10**9, record=record)
print(json.dumps(record))
"""


def burst() -> dict:
    from django.db.models import Count
    from django.utils import timezone

    from accounts.models import CustomerProfile
    from operations.models import StaffPresence, Task
    from operations.services import tasks

    reset()
    customers = list(CustomerProfile.objects.all()[:2000])
    start = time.perf_counter()
    for n in range(BURST):
        tasks.task_raise(
            kind="SERVICING_REVIEW", subject_type="SERVICING_REQUEST", subject_id=70_000_000 + n,
            customer=customers[n % len(customers)],
        )  # fmt: skip
    raised = time.perf_counter() - start
    _analyze()
    StaffPresence.objects.filter(user__phone__startswith="136").update(
        status="ONLINE", last_heartbeat_at=timezone.now() + timezone.timedelta(hours=1)
    )
    processes = [
        subprocess.Popen(
            [PYTHON, "-c", DISPATCHER],
            cwd=ROOT,
            env=production_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    time.sleep(3)  # both have started Django and wait on stdin
    start = time.perf_counter()
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    records = [json.loads(process.communicate()[0].strip().splitlines()[-1]) for process in processes]
    dispatched = time.perf_counter() - start
    given = [pk for record in records for pk in record]
    assigned = Task.objects.filter(status="ASSIGNED").count()
    return {
        "raised": BURST,
        "raise_seconds": round(raised, 1),
        "dispatch_seconds": round(dispatched, 1),
        "per_process": [len(record) for record in records],
        "given_twice": len(given) - len(set(given)),
        "assigned_rows": assigned,
        "over_capacity": Task.objects.filter(status="ASSIGNED")
        .values("assignee")
        .annotate(n=Count("pk"))
        .filter(n__gt=40)
        .count(),
    }


BOARD = (
    "query { operationsBoard { kinds { kind open atRisk overdue } staff { displayName activeTasks } at } }"
)


def board() -> dict:
    with server(workers=1) as port:
        token = login(port, SUPERVISOR)
        client = Client(port, token)
        probe = client.graphql(BOARD)
        assert "operationsBoard" in probe, probe
        return latency(lambda: client.graphql(BOARD), warmup=10, count=200)


def main() -> None:
    setup()
    from operations.models import Task

    reset()
    print(f"finished tasks in the table: {Task.objects.filter(status='DONE').count()}")
    figures = raise_to_assigned()
    print(f"raise → assigned ({WAITING} waiting, {STAFF} online): {figures} (goal p99 <= 50 ms)", flush=True)
    figures = burst()
    print(f"burst of {BURST} by two dispatcher processes: {figures} (goal: given_twice 0)", flush=True)
    figures = board()
    print(f"operationsBoard over {Task.objects.count()} tasks: {figures} (goal p99 <= 200 ms)", flush=True)


if __name__ == "__main__":
    main()
