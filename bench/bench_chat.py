"""Chat delivery across two ASGI processes through Redis (issue 6).

2,000 customers subscribe to `chatEvents` on process A, one conversation each. Staff members,
connected to process B, reply with `sendChatMessage` over their websockets (as the console does) at
200 messages per second in total, spread over the conversations. B stores each message and
broadcasts it through channels-redis; A delivers it to the customer's subscription.

Latency is end to end, measured by this script on one clock: from the moment the reply leaves the
staff member's socket to the moment the customer's socket receives it (storing, broadcasting and
delivering included). Needs DATABASE_URL (PostgreSQL) and REDIS_URL. Goal: p99 <= 50 ms, nothing lost.

Environment: BENCH_SUBSCRIBERS (2000), BENCH_RATE (200), BENCH_SECONDS (15), BENCH_STAFF (20).
"""

import asyncio
import gc
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    Client,
    gc_pauses,
    manage,
    pause_summary,
    percentile,
    production_env,
    rss_bytes,
    server,
    vacuum,
)

SUBSCRIBERS = int(os.environ.get("BENCH_SUBSCRIBERS", "2000"))
RATE = int(os.environ.get("BENCH_RATE", "200"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
STAFF = int(os.environ.get("BENCH_STAFF", "20"))
# BENCH_TRACE_MEMORY=1: process A traces its allocations while the subscribers connect and the
# lines holding most per socket are printed (slower; for finding what a socket costs, not figures).
TRACE_MEMORY = os.environ.get("BENCH_TRACE_MEMORY") == "1"
SUBSCRIPTION = "subscription($id: ID!, $a: Int!) { chatEvents(conversationId: $id, afterSeq: $a) { type message { seq body } } }"
SEND = (
    "mutation($i: SendChatMessageInput!) { sendChatMessage(input: $i) { message { seq } errors { code } } }"
)


def setup() -> tuple[list[str], list[str], list[str]]:
    """One conversation per customer, assigned round-robin to STAFF staff members; their tokens."""
    os.environ.update(production_env())
    import django

    django.setup()
    from strawberry import relay

    from accounts.models import CustomerProfile, Role, StaffProfile, User
    from accounts.services import _session_start
    from chat.models import Conversation, ConversationStatus, Message

    staff_users = []
    for n in range(STAFF):
        user, _ = User.objects.get_or_create(
            phone=f"137000{n:05d}", defaults={"role": Role.STAFF, "display_name": f"压测客服{n}"}
        )
        StaffProfile.objects.get_or_create(
            user=user, defaults={"name": f"压测客服{n}", "employee_no": f"B{n:05d}"}
        )
        staff_users.append(user)
    customers = list(CustomerProfile.objects.select_related("user").order_by("pk")[:SUBSCRIBERS])
    Conversation.objects.filter(topic="bench").delete()
    conversations = Conversation.objects.bulk_create(
        Conversation(
            customer=c, topic="bench", status=ConversationStatus.ACTIVE, assigned_staff=staff_users[i % STAFF]
        )
        for i, c in enumerate(customers)
    )
    customer_tokens = [
        _session_start(user=c.user, client_ip="127.0.0.1", user_agent="bench").access_token for c in customers
    ]
    staff_tokens = [
        _session_start(user=u, client_ip="127.0.0.1", user_agent="bench").access_token for u in staff_users
    ]
    gids = [str(relay.GlobalID("Conversation", str(c.pk))) for c in conversations]
    vacuum(Conversation, Message)
    return customer_tokens, staff_tokens, gids


async def _connect(port: int, token: str):
    import websockets

    ws = await websockets.connect(
        f"ws://127.0.0.1:{port}/graphql/", subprotocols=["graphql-transport-ws"], max_queue=None
    )
    await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}))
    ack = json.loads(await ws.recv())
    if ack.get("type") != "connection_ack":
        raise RuntimeError(f"not acknowledged: {ack}")
    return ws


async def run(port_a: int, port_b: int, customer_tokens, staff_tokens, gids) -> None:
    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    ready = asyncio.Event()
    subscribed = 0

    semaphore = asyncio.Semaphore(100)  # connect in waves, as phones do, not all in one instant

    async def subscriber(token: str, gid: str) -> None:
        nonlocal subscribed
        async with semaphore:
            ws = await _connect(port_a, token)
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
        if subscribed == len(customer_tokens):
            ready.set()
        async for raw in ws:
            event = json.loads(raw)
            if event.get("type") != "next":
                continue
            message = event["payload"]["data"]["chatEvents"]["message"]
            if message and message["body"] in sent_at:
                latencies.append((time.perf_counter() - sent_at[message["body"]]) * 1000)

    started = time.perf_counter()
    if TRACE_MEMORY:
        Client(port_a).request("GET", "/bench/memory-growth.json?mark=1")
    rss_before = rss_bytes(port_a)
    tasks = [asyncio.create_task(subscriber(t, g)) for t, g in zip(customer_tokens, gids, strict=True)]
    await asyncio.wait_for(ready.wait(), timeout=300)
    await asyncio.sleep(2)  # the last subscriptions finish their (empty) replay
    per_socket = (rss_bytes(port_a) - rss_before) / len(customer_tokens)
    if TRACE_MEMORY:
        _, growth = Client(port_a).request("GET", "/bench/memory-growth.json")
        print(f"  {growth['total'] / len(customer_tokens):8.0f} B/socket traced in all")
        for where, size, count in growth["top"]:
            print(
                f"  {size / len(customer_tokens):8.0f} B/socket {count / len(customer_tokens):7.1f} blocks/socket  {where}"
            )
    print(
        f"{subscribed} subscribers on process A in {time.perf_counter() - started:.1f} s; "
        f"{per_socket / 1024:.0f} KB of resident memory per subscribed socket (goal <= 50 KB)"
    )

    staff = [await _connect(port_b, token) for token in staff_tokens]
    # The load generator must not pause to collect garbage while it timestamps: its own 2,000
    # sockets would make every full collection a visible stall in the figures.
    gc.freeze()
    gc.disable()
    errors: list[dict] = []

    async def staff_reader(ws) -> None:
        async for raw in ws:
            event = json.loads(raw)
            if event.get("type") == "next":
                payload = event["payload"]
                if payload.get("errors") or payload["data"]["sendChatMessage"]["errors"]:
                    errors.append(payload)
            elif event.get("type") == "error":
                errors.append(event)

    readers = [asyncio.create_task(staff_reader(ws)) for ws in staff]

    async def send_at_rate(count: int, prefix: str) -> float:
        start = time.perf_counter()
        for n in range(count):
            delay = start + n / RATE - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            conversation = n % len(gids)
            body = f"{prefix}-{n}"
            sent_at[body] = time.perf_counter()
            await staff[conversation % len(staff)].send(
                json.dumps(
                    {
                        "id": body,
                        "type": "subscribe",
                        "payload": {
                            "query": SEND,
                            "variables": {"i": {"conversationId": gids[conversation], "body": body}},
                        },
                    }
                )
            )
        return count / (time.perf_counter() - start)

    async def delivered(count: int) -> None:
        deadline = time.perf_counter() + 10
        while len(latencies) < count and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)

    # Warm-up (not counted): pools fill, caches load, as in a process that has been up a while.
    await send_at_rate(RATE, "warmup")
    await delivered(RATE)
    latencies.clear()
    gc_pauses(port_a), gc_pauses(port_b)  # from here on: the collector's pauses under the load

    total = RATE * SECONDS
    achieved = await send_at_rate(total, "bench")
    await delivered(total)
    pauses_a, pauses_b = gc_pauses(port_a), gc_pauses(port_b)
    for task in [*tasks, *readers]:
        task.cancel()
    lost = total - len(latencies)
    print(
        f"sent {total} at {achieved:.0f} msg/s through B ({len(staff)} staff sockets, {len(errors)} errors); "
        f"delivered {len(latencies)} on A, lost {lost}"
    )
    print(f"process A (subscribers) {pause_summary(pauses_a)}")
    print(f"process B (senders) {pause_summary(pauses_b)}")
    if errors:
        print("first error:", errors[0])
    if latencies:
        worst_pause = max(
            (percentile([seconds * 1000 for _, seconds in p], 99) for p in (pauses_a, pauses_b) if p),
            default=0,
        )
        print(
            f"delivery p50 {percentile(latencies, 50):.1f} ms, p90 {percentile(latencies, 90):.1f} ms, "
            f"p99 {percentile(latencies, 99):.1f} ms, max {max(latencies):.1f} ms (goal p99 <= 50 ms, nothing lost); "
            f"gc pause p99 {worst_pause:.2f} ms (goal <= 10); {per_socket / 1024:.0f} KB per socket (goal <= 50)"
        )


def main() -> None:
    if not os.environ.get("REDIS_URL"):
        sys.exit("bench_chat: set REDIS_URL; the two processes share events through Redis")
    manage("migrate", "--noinput", "-v", "0")
    manage(
        "seed_demo", "--customers", str(max(SUBSCRIBERS, int(os.environ.get("BENCH_CUSTOMERS", "100000"))))
    )
    customer_tokens, staff_tokens, gids = setup()
    with server() as port_a, server() as port_b:
        try:
            import uvloop

            uvloop.run(run(port_a, port_b, customer_tokens, staff_tokens, gids))
        except ImportError:
            asyncio.run(run(port_a, port_b, customer_tokens, staff_tokens, gids))


if __name__ == "__main__":
    main()
