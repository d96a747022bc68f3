"""The persisted-operation allowlist for the apps, and the cost limit beside depth and aliases."""

from pathlib import Path

import pytest
from django.core.management import call_command

from core.graphql.persisted import cache_clear, document_hash
from core.models import PersistedOperation
from tests.accounts.factories import CustomerFactory, StaffFactory
from tests.conftest import GraphQLClient, error_codes
from tests.policies.factories import PolicyFactory

pytestmark = pytest.mark.django_db
OPERATIONS = Path(__file__).parent / "operations"
REGISTERED = (OPERATIONS / "my_policies.graphql").read_text()
UNREGISTERED = "query Other { myPolicies(first: 5) { edges { node { number } } } }"


@pytest.fixture
def allowlist(settings):
    settings.GRAPHQL_PERSISTED_ONLY = True
    call_command("register_operations", str(OPERATIONS), client="customer-app")
    cache_clear()
    yield
    cache_clear()


@pytest.fixture
def customer_client(db):
    customer = CustomerFactory(user__phone="13800000097")
    PolicyFactory(holder=customer, number="TP0000000097")
    client = GraphQLClient()
    client.login("13800000097")  # logging in is allowed: an anonymous call without the app's header
    return client


def test_the_command_registers_each_file_once_by_its_hash(allowlist):
    call_command("register_operations", str(OPERATIONS / "my_policies.graphql"), client="customer-app")

    row = PersistedOperation.objects.get()
    assert (row.sha256, row.name, row.client) == (document_hash(REGISTERED), "MyPolicies", "customer-app")


def test_an_unregistered_operation_is_refused_and_a_registered_one_runs(allowlist, customer_client):
    refused = customer_client.post_raw({"query": UNREGISTERED})
    by_text = customer_client(REGISTERED)
    by_hash = customer_client.post_raw(
        {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": document_hash(REGISTERED)}}}
    ).json()

    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    for answer in (by_text, by_hash):
        assert [e["node"]["number"] for e in answer["data"]["myPolicies"]["edges"]] == ["TP0000000097"]


def test_an_unknown_hash_is_refused_even_without_the_allowlist(customer_client):
    response = customer_client.post_raw(
        {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}}
    )

    assert response.status_code == 400 and "PersistedQueryNotFound" in response.json()["errors"][0]["message"]


def test_the_apps_header_binds_anonymous_calls_and_staff_are_free(allowlist, db):
    anonymous_app = GraphQLClient().post_raw(
        {"query": "query { __typename }"}, HTTP_X_NUANXIN_CLIENT="agent-app"
    )
    StaffFactory(user__phone="13700000097", roles=["supervisor"])
    staff = GraphQLClient()
    staff.login("13700000097")

    assert anonymous_app.status_code == 400
    assert "errors" not in staff(
        UNREGISTERED.replace("myPolicies(first: 5) { edges { node { number } } }", "viewer { id }")
    )


def test_the_allowlist_is_off_unless_set(customer_client):
    assert "errors" not in customer_client(UNREGISTERED)


def test_an_operation_asking_too_much_at_once_is_refused_before_it_runs(db):
    from tests.accounts.factories import AgentFactory

    AgentFactory(user__phone="13900000097")
    client = GraphQLClient()
    client.login("13900000097")
    # 100 customers × their policies × each policy's loans and benefits: about 53,500 field resolutions.
    greedy = """query { agentCustomers(first: 100) { edges { node { id name
      policies { number loans { id principal status } benefits { id amount } } } } } }"""
    modest = "query { agentCustomers(first: 20) { edges { node { id name policies { number status } } } } }"

    result = client(greedy)

    assert error_codes(result) == ["BAD_USER_INPUT"]
    assert result["errors"][0]["extensions"]["detail"] == "Operation cost 53501 exceeds the limit of 30000."
    assert result.get("data") is None
    assert "errors" not in client(modest)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("thread_connections_closed")
async def test_over_the_websocket_an_apps_unregistered_operation_is_refused(settings):
    from channels.db import database_sync_to_async
    from channels.testing import WebsocketCommunicator

    from config.asgi import application
    from tests.conftest import access_token

    settings.GRAPHQL_PERSISTED_ONLY = True
    customer = await database_sync_to_async(CustomerFactory)(user__phone="13800000096")
    await database_sync_to_async(call_command)("register_operations", str(OPERATIONS), client="customer-app")
    cache_clear()
    token = await database_sync_to_async(access_token)(customer.user)
    ws = WebsocketCommunicator(application, "/graphql/", subprotocols=["graphql-transport-ws"])
    assert (await ws.connect())[0]
    await ws.send_json_to({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    assert (await ws.receive_json_from(timeout=5))["type"] == "connection_ack"

    await ws.send_json_to({"id": "1", "type": "subscribe", "payload": {"query": UNREGISTERED}})
    refused = await ws.receive_json_from(timeout=5)
    await ws.send_json_to({"id": "2", "type": "subscribe", "payload": {"query": REGISTERED}})
    allowed = await ws.receive_json_from(timeout=5)
    await ws.disconnect()

    assert refused["type"] == "error" and refused["payload"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert allowed["type"] == "next" and allowed["payload"]["data"]["myPolicies"]["edges"] == []
