"""Chat delivery: 2,000 websocket subscribers on ASGI process A; staff messages sent over HTTP to
process B at 200 per second; events cross between them through Redis (channels-redis).

Needs DATABASE_URL (PostgreSQL) and REDIS_URL. Prints delivery p50/p99 (send start → event
received) and how many were lost. Goal (issue 6): p99 <= 50 ms, nothing lost.
"""

import asyncio
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import manage, percentile, production_env, server

SUBSCRIBERS = int(os.environ.get("BENCH_SUBSCRIBERS", "2000"))
RATE = int(os.environ.get("BENCH_RATE", "200"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
SUBSCRIPTION = "subscription($id: ID!, $a: Int!) { chatEvents(conversationId: $id, afterSeq: $a) { type message { seq body } } }"
SEND = "mutation($i: SendChatMessageInput!) { sendChatMessage(input: $i) { errors { code } } }"


def setup() -> tuple[list[str], str, str, list[int]]:
    """Conversations (one per subscriber) with a staff member assigned; tokens for both sides."""
    os.environ.update(production_env())
    import django

    django.setup()
    from strawberry import relay

    from accounts.models import CustomerProfile, Role, StaffProfile, User
    from accounts.services import _session_start
    from chat.models import Conversation, ConversationStatus

    staff_user, _ = User.objects.get_or_create(
        phone="13700009999", defaults={"role": Role.STAFF, "display_name": "压测客服"}
    )
    StaffProfile.objects.get_or_create(user=staff_user, defaults={"name": "压测客服", "employee_no": "S9999"})
    customers = list(CustomerProfile.objects.select_related("user").order_by("pk")[:SUBSCRIBERS])
    Conversation.objects.filter(topic="bench").delete()
    conversations = Conversation.objects.bulk_create(
        Conversation(customer=c, topic="bench", status=ConversationStatus.ACTIVE, assigned_staff=staff_user)
        for c in customers
    )
    tokens = [
        _session_start(user=c.user, client_ip="127.0.0.1", user_agent="bench").access_token for c in customers
    ]
    staff_token = _session_start(user=staff_user, client_ip="127.0.0.1", user_agent="bench").access_token
    gids = [str(relay.GlobalID("Conversation", str(c.pk))) for c in conversations]
    return tokens, staff_token, gids


async def run(port_a: int, port_b: int, tokens, staff_token, gids) -> None:
    import httpx
    import websockets

    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    subscribed = 0

    async def subscriber(token: str, gid: str) -> None:
        nonlocal subscribed
        async with websockets.connect(
            f"ws://127.0.0.1:{port_a}/graphql/", subprotocols=["graphql-transport-ws"], max_queue=None
        ) as ws:
            await ws.send(
                json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
            )
            await ws.recv()
            await ws.send(
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {"query": SUBSCRIPTION, "variables": {"id": gid, "a": 0}},
                    }
                )
            )
            subscribed += 1
            async for raw in ws:
                event = json.loads(raw)
                if event.get("type") != "next":
                    continue
                body = event["payload"]["data"]["chatEvents"]["message"]["body"]
                if body in sent_at:
                    latencies.append((time.perf_counter() - sent_at[body]) * 1000)

    tasks = []
    for index, (token, gid) in enumerate(zip(tokens, gids, strict=True)):
        tasks.append(asyncio.create_task(subscriber(token, gid)))
        if index % 100 == 99:
            await asyncio.sleep(0.05)
    while subscribed < len(tokens):
        await asyncio.sleep(0.1)
    await asyncio.sleep(2)  # let the last subscriptions finish their replay
    print(f"{subscribed} subscribers connected to process A")

    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port_b}", headers={"Authorization": f"Bearer {staff_token}"}, timeout=30
    ) as http:
        total = RATE * SECONDS
        errors = 0

        async def send(n: int) -> None:
            nonlocal errors
            body = f"bench-{n}"
            sent_at[body] = time.perf_counter()
            response = await http.post(
                "/graphql/",
                json={
                    "query": SEND,
                    "variables": {"i": {"conversationId": gids[n % len(gids)], "body": body}},
                },
            )
            if response.status_code != 200 or response.json()["data"]["sendChatMessage"]["errors"]:
                errors += 1

        start = time.perf_counter()
        senders = []
        for n in range(total):
            target = start + n / RATE
            delay = target - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            senders.append(asyncio.create_task(send(n)))
        await asyncio.gather(*senders)
        achieved = total / (time.perf_counter() - start)
    deadline = time.perf_counter() + 10
    while len(latencies) < total and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    for task in tasks:
        task.cancel()
    lost = total - len(latencies)
    print(
        f"sent {total} at {achieved:.0f} msg/s (errors {errors}); delivered {len(latencies)}, lost {lost}; "
        f"p50 {percentile(latencies, 50):.1f} ms, p99 {percentile(latencies, 99):.1f} ms (goal p99 <= 50 ms, nothing lost)"
    )


def main() -> None:
    if not os.environ.get("REDIS_URL"):
        sys.exit("bench_chat: set REDIS_URL; the two processes share events through Redis")
    manage("migrate", "--noinput", "-v", "0")
    manage(
        "seed_demo", "--customers", str(max(SUBSCRIBERS, int(os.environ.get("BENCH_CUSTOMERS", "100000"))))
    )
    tokens, staff_token, gids = setup()
    with server() as port_a, server() as port_b:
        asyncio.run(run(port_a, port_b, tokens, staff_token, gids))


if __name__ == "__main__":
    main()
