"""applicationEvents over graphql-transport-ws: the stored progress first, then each step live and in
order; a reconnect with afterSeq gets what it missed; others' applications look missing."""

import itertools
from decimal import Decimal

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from strawberry import relay

from config.asgi import application as asgi_application
from new_business.models import Application
from new_business.services import applications, issue
from operations.models import Task, TaskKind, TaskOutcome
from operations.services import tasks as pool
from tests.accounts.factories import AgentFactory
from tests.conftest import access_token
from tests.operations.conftest import online

from .conftest import answers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("thread_connections_closed")]
EVENTS = """
subscription P($id: ID!, $after: Int!) {
  applicationEvents(applicationId: $id, afterSeq: $after) { seq status text }
}
"""
_ids = itertools.count(1)


async def _subscribe(token: str, variables: dict) -> WebsocketCommunicator:
    ws = WebsocketCommunicator(asgi_application, "/graphql/", subprotocols=["graphql-transport-ws"])
    connected, _ = await ws.connect()
    assert connected
    await ws.send_json_to({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    assert (await ws.receive_json_from(timeout=5))["type"] == "connection_ack"
    await ws.send_json_to(
        {"id": str(next(_ids)), "type": "subscribe", "payload": {"query": EVENTS, "variables": variables}}
    )
    return ws


async def _steps(ws, count: int) -> list[tuple[int, str, str]]:
    out = []
    for _ in range(count):
        message = await ws.receive_json_from(timeout=5)
        assert message["type"] == "next", message
        step = message["payload"]["data"]["applicationEvents"]
        out.append((step["seq"], step["status"], step["text"]))
    return out


def _submit(agent, customer) -> Application:
    return applications.application_submit(
        agent=agent,
        actor=agent.user,
        customer=customer,
        product_code="WL01",
        sum_assured=Decimal("100000"),
        frequency="MONTHLY",
        term_years=20,
        health_answers=[applications.HealthAnswer(**a) for a in answers("TREATMENT_NOW")],
        idempotency_key="s1",
    ).application


def _underwrite(underwriter) -> None:
    task = Task.objects.get(kind=TaskKind.UNDERWRITING)
    online(underwriter)
    pool.task_accept(user=underwriter.user, task=task)
    pool.task_complete(user=underwriter.user, task=task, outcome=TaskOutcome.APPROVE)


def _confirm(customer, account, application_id: int) -> None:
    issue.application_confirm(
        customer=customer,
        actor=customer.user,
        application=Application.objects.get(pk=application_id),
        bank_account=account,
        idempotency_key="c1",
    )


def _gid(pk) -> str:
    return str(relay.GlobalID("Application", str(pk)))


async def test_the_agent_watches_each_step_in_order_and_a_reconnect_replays_what_it_missed(
    agent, customer, account, underwriter
):
    underwriter.team = "新疆核保中心"
    await database_sync_to_async(underwriter.save)(update_fields=["team"])
    app = await database_sync_to_async(_submit)(agent, customer)
    token = await database_sync_to_async(access_token)(agent.user)

    ws = await _subscribe(token, {"id": _gid(app.pk), "after": 0})
    replayed = await _steps(ws, 2)
    await database_sync_to_async(_underwrite)(underwriter)
    live = await _steps(ws, 3)
    await ws.disconnect()
    # While the agent is away the customer pays and the policy is issued.
    await database_sync_to_async(_confirm)(customer, account, app.pk)
    ws = await _subscribe(token, {"id": _gid(app.pk), "after": 5})
    missed = await _steps(ws, 2)
    await ws.disconnect()

    assert [s[:2] for s in replayed] == [(1, "SUBMITTED"), (2, "UNDERWRITING")]
    assert live == [
        (3, "UNDERWRITING", "新疆核保中心的核保人员正在审核"),
        (4, "APPROVED", "核保通过"),
        (5, "AWAITING_PAYMENT", "等待客户确认并缴纳首期保费 313.20 元"),
    ]
    assert [s[:2] for s in missed] == [(6, "AWAITING_PAYMENT"), (7, "ISSUED")]
    assert missed[1][2].startswith("保单 NX")


async def test_another_agents_application_looks_missing(agent, customer, db):
    app = await database_sync_to_async(_submit)(agent, customer)
    other = await database_sync_to_async(AgentFactory)(user__phone="13900000079")
    token = await database_sync_to_async(access_token)(other.user)

    ws = await _subscribe(token, {"id": _gid(app.pk), "after": 0})
    foreign = await ws.receive_json_from(timeout=5)
    await ws.disconnect()
    ws = await _subscribe(token, {"id": _gid(99999999), "after": 0})
    missing = await ws.receive_json_from(timeout=5)
    await ws.disconnect()

    assert foreign["payload"] == missing["payload"]
    assert missing["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"
