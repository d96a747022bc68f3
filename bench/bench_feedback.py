"""Voice of the customer on PostgreSQL and Redis (issue 15).

1. Answer → follow-up: 20 callback staff online, each with a websocket subscribed to `staffEvents`;
   customers answer surveys negatively over HTTP at 50 answers/s for 10 s. Measured: from sending
   `answerSurvey` to the TASK_ASSIGNED event reaching the assignee's socket. Goal: p99 <= 2 s.
2. `serviceMetrics` for a 30-day window over 1,000,000 servicing requests, 300,000 conversations and
   200,000 surveys (seeded in bulk with SQL, spread over a year), through the HTTP endpoint.
   Goal: p99 <= 500 ms.
3. Sentiment on the labelled sets (the shipped models alone, then with the rules).

Needs DATABASE_URL (PostgreSQL) and REDIS_URL. Bench users: 13500000000 + n (staff 13500009000 + n).
"""

import asyncio
import io
import json
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Client, latency, login, manage, percentile, production_env, server

ANSWERS = int(os.environ.get("BENCH_FEEDBACK_ANSWERS", "500"))
RATE = float(os.environ.get("BENCH_FEEDBACK_RATE", "50"))
STAFF = 20
REQUESTS = int(os.environ.get("BENCH_FEEDBACK_REQUESTS", "1000000"))
CONVERSATIONS = int(os.environ.get("BENCH_FEEDBACK_CONVERSATIONS", "300000"))
SURVEYS = int(os.environ.get("BENCH_FEEDBACK_SURVEYS", "200000"))
STAFF_BASE = 13500009000
SUPERVISOR = "13500008999"


def setup() -> None:
    manage("migrate", "--noinput", "-v", "0")
    manage("seed_demo", "--customers", "2000", "--no-progress")
    os.environ.update(production_env())
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password

    from accounts.models import Role, StaffProfile, User
    from operations.services.staff import staff_profile_set

    password = make_password("demo12345")
    for n in range(STAFF):
        phone = str(STAFF_BASE + n)
        if not User.objects.filter(phone=phone).exists():
            user = User.objects.create(
                phone=phone, role=Role.STAFF, display_name=f"回访{n}", password=password
            )
            StaffProfile.objects.create(user=user, name=f"回访{n}", employee_no=f"F{n:05d}")
            staff_profile_set(user=user, roles=["callback"], capacity={"CALLBACK": 40})
    if not User.objects.filter(phone=SUPERVISOR).exists():
        boss = User.objects.create(phone=SUPERVISOR, role=Role.STAFF, display_name="主管", password=password)
        StaffProfile.objects.create(user=boss, name="主管", employee_no="F99999")
        staff_profile_set(user=boss, roles=["supervisor"])
    volumes_insert()


def volumes_insert() -> None:
    """The history serviceMetrics reads, written in bulk (the service paths are measured elsewhere)."""
    from django.db import connection

    from accounts.models import CustomerProfile
    from chat.models import Conversation
    from feedback.models import Survey
    from policies.models import ServicingRequest

    customers = list(CustomerProfile.objects.values_list("pk", flat=True)[:2000])
    params = {"customers": customers, "nc": len(customers)}
    plans = [
        (
            ServicingRequest.objects.count(),
            REQUESTS,
            # A year of requests; 1 in 20 routed to a person (decided an hour later), 1 in 10 at a counter.
            """
            INSERT INTO policies_servicingrequest (type, status, channel, amount, reasons, risk_flags, summary,
              submitted_at, routed_at, decided_at, completed_at, customer_id)
            SELECT 'CONTACT_CHANGE', 'COMPLETED', CASE WHEN g %% 10 = 0 THEN 'COUNTER' ELSE 'APP' END, NULL,
              '[]', '[]', '{}', s, CASE WHEN g %% 20 = 0 THEN s + interval '1 second' END,
              s + CASE WHEN g %% 20 = 0 THEN interval '1 hour' ELSE (g %% 900) * interval '1 millisecond' END,
              s + CASE WHEN g %% 20 = 0 THEN interval '1 hour' ELSE interval '1 second' END,
              (%(customers)s::bigint[])[1 + g %% %(nc)s]
            FROM generate_series(%(start)s, %(stop)s) AS g, LATERAL (SELECT now() - (g %% 525600) * interval '1 minute' AS s) t
            """,
        ),
        (
            Conversation.objects.count(),
            CONVERSATIONS,
            # Closed chats; 1 in 4 reached a person after a wait; topics repeat so some come back.
            """
            INSERT INTO chat_conversation (status, topic, language, priority, last_seq, customer_read_seq,
              staff_read_seq, created_at, queued_at, assigned_at, last_customer_activity_at, closed_at,
              close_reason, rating_comment, customer_id)
            SELECT 'CLOSED', (ARRAY['贷款','还款','理赔','保全'])[1 + g %% 4], 'zh-hans', 0, 3, 3, 3, s,
              CASE WHEN g %% 4 = 0 THEN s + interval '1 minute' END,
              CASE WHEN g %% 4 = 0 THEN s + interval '1 minute' + (g %% 300) * interval '1 second' END,
              s + interval '10 minutes', s + interval '20 minutes', 'RESOLVED', '',
              (%(customers)s::bigint[])[1 + g %% %(nc)s]
            FROM generate_series(%(start)s, %(stop)s) AS g, LATERAL (SELECT now() - (g %% 525600) * interval '1 minute' AS s) t
            """,
        ),
        (
            Survey.objects.count(),
            SURVEYS,
            """
            INSERT INTO feedback_survey (customer_id, touchpoint, subject_type, subject_id, questions, language,
              status, created_at, expires_at, answered_at, nps, csat, comment, sentiment, negative,
              follow_up_outcome, follow_up_note)
            SELECT (%(customers)s::bigint[])[1 + g %% %(nc)s],
              (ARRAY['SERVICING_COMPLETED','LOAN_DISBURSED','BENEFIT_PAID','CHAT_CLOSED','CALLBACK_DONE'])[1 + g %% 5],
              'Bench', g, '["NPS","CSAT"]', 'zh-hans', 'ANSWERED', s, s + interval '7 days', s + interval '1 hour',
              g %% 11, 1 + g %% 5, '', '', g %% 11 <= 6 OR g %% 5 = 0, '', ''
            FROM generate_series(%(start)s, %(stop)s) AS g, LATERAL (SELECT now() - (g %% 525600) * interval '1 minute' AS s) t
            """,
        ),
    ]
    for have, want, sql in plans:
        step = 100_000
        for offset in range(have, want, step):
            n = min(step, want - offset)
            with connection.cursor() as cursor:
                cursor.execute(sql, {**params, "start": offset + 1, "stop": offset + n})
            print(f"  rows {offset + n}/{want}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def answers_prepare() -> list[tuple[str, int]]:
    """A pending survey per answering customer (fresh ones each run) and an access token for each."""
    from django.utils import timezone

    from accounts.models import CustomerProfile
    from accounts.services import _session_start
    from feedback.models import Survey
    from operations.models import StaffPresence, Task

    Task.objects.filter(kind="FEEDBACK_FOLLOW_UP", status__in=["OPEN", "ASSIGNED"]).update(
        status="CANCELLED", assignee=None, completed_at=timezone.now()
    )
    Survey.objects.filter(subject_type="BenchAnswer").delete()
    StaffPresence.objects.filter(user__phone__startswith="1350000").update(
        status="ONLINE", last_heartbeat_at=timezone.now() + timedelta(hours=1)
    )
    now = timezone.now()
    out = []
    for n, customer in enumerate(CustomerProfile.objects.select_related("user")[:ANSWERS]):
        survey = Survey.objects.create(
            customer=customer, touchpoint="CHAT_CLOSED", subject_type="BenchAnswer", subject_id=n,
            questions=["NPS", "CSAT", "COMMENT"], created_at=now, expires_at=now + timedelta(days=7),
        )  # fmt: skip
        token = _session_start(user=customer.user, client_ip="127.0.0.1", user_agent="bench").access_token
        out.append((token, survey.pk))
    return out


ANSWER = """mutation A($i: AnswerSurveyInput!) { answerSurvey(input: $i) { errors { code } } }"""
EVENTS = "subscription { staffEvents { type taskId } }"


async def follow_ups(port: int, answers: list[tuple[str, int]], staff_tokens: list[str]) -> tuple:
    import websockets
    from strawberry import relay

    received: dict[str, float] = {}  # task global id -> when its assignee's socket heard of it
    ready = 0

    async def listen(token: str) -> None:
        nonlocal ready
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/graphql/", subprotocols=["graphql-transport-ws"]
        ) as ws:
            await ws.send(
                json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
            )
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": EVENTS}}))
            ready += 1
            while True:
                frame = json.loads(await ws.recv())
                if frame["type"] == "ping":
                    await ws.send(json.dumps({"type": "pong"}))
                elif frame["type"] == "next":
                    event = frame["payload"]["data"]["staffEvents"]
                    if event["type"] == "TASK_ASSIGNED":
                        received.setdefault(event["taskId"], time.perf_counter())

    listeners = [asyncio.create_task(listen(token)) for token in staff_tokens]
    while ready < len(staff_tokens):
        await asyncio.sleep(0.05)
    await asyncio.sleep(1)  # subscriptions registered with the channel layer

    sent: dict[int, float] = {}
    errors = []

    def answer(token: str, survey_id: int) -> None:
        client = Client(port, token)
        variables = {
            "i": {"surveyId": str(relay.GlobalID("Survey", str(survey_id))), "csat": 1, "comment": "等太久了"}
        }
        result = client.graphql(ANSWER, variables)["answerSurvey"]
        if result["errors"]:
            errors.append(result["errors"])

    loop = asyncio.get_running_loop()
    start = time.perf_counter()
    pending = []
    for n, (token, survey_id) in enumerate(answers):
        due = start + n / RATE
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        sent[survey_id] = time.perf_counter()
        pending.append(loop.run_in_executor(None, answer, token, survey_id))
    await asyncio.gather(*pending)
    deadline = time.perf_counter() + 30
    while len(received) < len(answers) and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    for listener in listeners:
        listener.cancel()

    return sent, received, len(errors)


def follow_up_figures(sent: dict, received: dict, errors: int) -> dict:
    """Each answer's send time against its follow-up's TASK_ASSIGNED arrival (joined in the database)."""
    from strawberry import relay

    from operations.models import Task

    tasks = dict(
        Task.objects.filter(kind="FEEDBACK_FOLLOW_UP", subject_id__in=list(sent)).values_list(
            "pk", "subject_id"
        )
    )
    samples = [
        (received[str(relay.GlobalID("Task", str(pk)))] - sent[survey_id]) * 1000
        for pk, survey_id in tasks.items()
        if str(relay.GlobalID("Task", str(pk))) in received
    ]
    return {
        "answers": len(sent),
        "rate_per_s": RATE,
        "tasks": len(tasks),
        "announced": len(samples),
        "errors": errors,
        "p50_ms": round(percentile(samples, 50), 1) if samples else None,
        "p99_ms": round(percentile(samples, 99), 1) if samples else None,
    }


METRICS = """query M($from: Date!, $to: Date!) { serviceMetrics(from: $from, to: $to) {
  automationRate medianDecisionSeconds onlineServiceShare firstContactResolutionRate botContainmentRate
  humanConnectRate medianHumanWaitSeconds csat nps followUpWithinSlaRate surveysSent surveysAnswered } }"""


def main() -> None:
    setup()
    from django.core.management import call_command

    answers = answers_prepare()
    # Two ASGI processes, as the production set runs (one per core here).
    with server(workers=2) as port:
        staff_tokens = [login(port, str(STAFF_BASE + n)) for n in range(STAFF)]
        figures = follow_up_figures(*asyncio.run(follow_ups(port, answers, staff_tokens)))
        print(f"answer → follow-up assigned and announced: {figures} (goal p99 <= 2000 ms)", flush=True)

        boss = Client(port, login(port, SUPERVISOR))
        today = date.today()
        window = {"from": (today - timedelta(days=29)).isoformat(), "to": today.isoformat()}
        print(f"  30-day figures: {boss.graphql(METRICS, window)['serviceMetrics']}", flush=True)
        figures = latency(lambda: boss.graphql(METRICS, window), warmup=5, count=60)
        print(
            f"serviceMetrics (30 days) over {REQUESTS} requests, {CONVERSATIONS} chats, {SURVEYS} surveys: "
            f"{figures} (goal p99 <= 500 ms)",
            flush=True,
        )
    for path, label in (("comments.tsv", "tuning set"), ("comments_holdout.tsv", "held-out set")):
        file = str(Path(__file__).resolve().parent.parent / "feedback" / "evaluation" / path)
        for flags in ((), ("--model-only",)):
            buffer = io.StringIO()
            call_command("sentiment_eval", file, *flags, stdout=buffer)
            out = buffer.getvalue().strip().splitlines()[-1]
            print(f"sentiment, {label}, {'models alone' if flags else 'models and rules'}: {out}", flush=True)


if __name__ == "__main__":
    main()
