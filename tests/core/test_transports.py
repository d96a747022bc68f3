"""Every query and mutation of the schema answers the same over the websocket as over HTTP.

Generated from the schema: a new operation is covered without being listed here. Each runs with
sample arguments (foreign-looking ids, plain values) as a customer, an agent and a staff member; the
two transports must agree on the top-level error codes, the payload's error codes and which root
fields are null, and neither may answer INTERNAL or an error without a code.
"""

import itertools
from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from strawberry import relay

from accounts.models import AuthSession
from config.asgi import application
from policies.models import PolicyLoan
from tests.accounts.factories import AgentFactory, CustomerFactory, StaffFactory
from tests.conftest import GraphQLClient, access_token
from tests.policies.factories import BankAccountFactory, PolicyFactory
from tests.schema_ops import operations, payload_error_codes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("thread_connections_closed")]
_ids = itertools.count(1)
# Run by itself below: it ends the session both transports share.
SESSION_ENDING = ("logout",)
OPERATIONS = list(operations(skip=SESSION_ENDING))


async def _connect(token: str) -> WebsocketCommunicator:
    ws = WebsocketCommunicator(application, "/graphql/", subprotocols=["graphql-transport-ws"])
    connected, _ = await ws.connect()
    assert connected
    await ws.send_json_to({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    assert (await ws.receive_json_from(timeout=10))["type"] == "connection_ack"
    return ws


async def _ws_run(ws: WebsocketCommunicator, document: str, variables: dict) -> dict:
    op_id = str(next(_ids))
    payload = {"query": document, "variables": variables}
    await ws.send_json_to({"id": op_id, "type": "subscribe", "payload": payload})
    message = await ws.receive_json_from(timeout=10)
    assert message["id"] == op_id, message
    if message["type"] == "error":  # a request error: the protocol's own message
        return {"data": None, "errors": message["payload"]}
    assert message["type"] == "next", message
    assert await ws.receive_json_from(timeout=10) == {"id": op_id, "type": "complete"}
    return message["payload"]


def _over_websocket(token: str, runs: list[tuple[str, dict]]) -> list[dict]:
    async def run() -> list[dict]:
        ws = await _connect(token)
        try:
            return [await _ws_run(ws, document, variables) for document, variables in runs]
        finally:
            await ws.disconnect()

    return async_to_sync(run)()


def _summary(result: dict) -> dict:
    errors = result.get("errors") or []
    for error in errors:
        code = (error.get("extensions") or {}).get("code")
        assert code, f"an error without a code: {error}"
        assert code != "INTERNAL", f"INTERNAL: {error}"
    data = result.get("data") or {}
    return {
        "codes": sorted(error["extensions"]["code"] for error in errors),
        "payload_codes": payload_error_codes(data),
        "null_fields": sorted(key for key, value in data.items() if value is None),
    }


@pytest.fixture(params=["customer", "agent", "staff"])
def viewer(request):
    agent = AgentFactory(user__phone="13900000031")
    customer = CustomerFactory(user__phone="13800000031")
    PolicyFactory(holder=customer, servicing_agent=agent)
    BankAccountFactory(customer=customer)
    staff = StaffFactory(user__phone="13700000031")
    return {"customer": customer, "agent": agent, "staff": staff}[request.param].user


def test_every_operation_answers_alike_over_http_and_the_websocket(viewer):
    token = access_token(viewer)
    runs = [(op.document, op.variables) for op in OPERATIONS]

    over_ws = _over_websocket(token, runs)
    http = GraphQLClient()
    over_http = [http(document, variables, token=token) for document, variables in runs]

    for op, ws_result, http_result in zip(OPERATIONS, over_ws, over_http, strict=True):
        assert _summary(ws_result) == _summary(http_result), f"{op}: {ws_result} != {http_result}"


def test_logout_over_the_websocket_ends_the_session_as_over_http():
    customer = CustomerFactory(user__phone="13800000032")
    (op,) = operations(skip=tuple(o.field for o in OPERATIONS))
    over_ws = _over_websocket(access_token(customer.user), [(op.document, op.variables)])
    over_http = GraphQLClient()(op.document, op.variables, token=access_token(customer.user))

    assert over_ws[0]["data"]["logout"]["ok"] is over_http["data"]["logout"]["ok"] is True
    assert AuthSession.objects.filter(user=customer.user, revoked_at__isnull=True).count() == 0


APPLY_LOAN = """
mutation Apply($input: ApplyPolicyLoanInput!) {
  applyPolicyLoan(input: $input) {
    loan { principal status } request { type status } errors { code message }
  }
}
"""


def test_a_policy_loan_applied_over_the_websocket_is_made():
    # given a working-age customer with a loanable policy and a verified account
    customer = CustomerFactory(user__phone="13800000033")
    policy = PolicyFactory(holder=customer)
    account = BankAccountFactory(customer=customer)
    variables = {
        "input": {
            "policyId": str(relay.GlobalID("Policy", str(policy.pk))),
            "bankAccountId": str(relay.GlobalID("BankAccount", str(account.pk))),
            "amount": "1000.00",
            "idempotencyKey": "ws-loan-1",
        }
    }

    # when the app sends applyPolicyLoan over its websocket
    (result,) = _over_websocket(access_token(customer.user), [(APPLY_LOAN, variables)])

    # then the loan is made, as over HTTP
    payload = result["data"]["applyPolicyLoan"]
    assert payload["errors"] == [], payload
    assert payload["loan"]["principal"] == "1000.00"
    loan = PolicyLoan.objects.get(policy=policy)
    assert loan.principal == Decimal("1000.00")


TWO_OPERATIONS = "query A { viewer { role } } query B { viewer { displayName } }"


def test_a_document_with_several_operations_and_no_name_is_refused_on_both_transports():
    customer = CustomerFactory(user__phone="13800000034")
    token = access_token(customer.user)

    (over_ws,) = _over_websocket(token, [(TWO_OPERATIONS, {})])
    over_http = GraphQLClient()(TWO_OPERATIONS, token=token)

    for result in (over_ws, over_http):
        assert result["data"] is None
        assert [e["extensions"]["code"] for e in result["errors"]] == ["BAD_USER_INPUT"]


def test_a_syntax_error_fails_that_operation_and_the_socket_lives_on():
    customer = CustomerFactory(user__phone="13800000035")

    broken, working = _over_websocket(
        access_token(customer.user), [("query { viewer { role ", {}), ("query { viewer { role } }", {})]
    )

    assert [e["extensions"]["code"] for e in broken["errors"]] == ["BAD_USER_INPUT"]
    assert working["data"] == {"viewer": {"role": "CUSTOMER"}}


AMOUNT = """
mutation M($i: ApplyPolicyLoanInput!) { applyPolicyLoan(input: $i) { errors { code } } }
"""
BAD_AMOUNT = {"i": {"policyId": "x", "amount": "abc", "bankAccountId": "x", "idempotencyKey": "k"}}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (None, "i.amount 的值无效：金额无效。"),
        ("en", "The value of i.amount is not valid: Not a valid amount."),
    ],
)
def test_request_errors_speak_the_clients_language_and_keep_the_detail(language, message):
    customer = CustomerFactory(user__phone="13800000036")
    result = GraphQLClient()(AMOUNT, BAD_AMOUNT, token=access_token(customer.user), lang=language)
    (error,) = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == message
    assert "Variable '$i' has invalid value" in error["extensions"]["detail"]


async def _ws_english(token: str) -> WebsocketCommunicator:
    ws = WebsocketCommunicator(
        application, "/graphql/", subprotocols=["graphql-transport-ws"], headers=[(b"accept-language", b"en")]
    )
    assert (await ws.connect())[0]
    await ws.send_json_to({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    assert (await ws.receive_json_from(timeout=10))["type"] == "connection_ack"
    return ws


def test_subscription_errors_carry_codes_in_the_handshakes_language():
    customer = CustomerFactory(user__phone="13800000037")
    token = access_token(customer.user)
    missing = str(relay.GlobalID("Conversation", "999999"))

    async def run():
        ws = await _ws_english(token)
        results = []
        for op_id, query in (
            ("a", 'subscription { chatEvents(conversationId: "' + missing + '") { nope } }'),
            ("b", 'subscription { chatEvents(conversationId: "' + missing + '") { type } }'),
            ("c", 'subscription { chatEvents(conversationId: "!!") { type } }'),
        ):
            await ws.send_json_to({"id": op_id, "type": "subscribe", "payload": {"query": query}})
            message = await ws.receive_json_from(timeout=10)
            if message["type"] == "error":
                errors = message["payload"]
            else:
                errors = message["payload"]["errors"]
                assert await ws.receive_json_from(timeout=10) == {"id": op_id, "type": "complete"}
            results.append([(e["extensions"]["code"], e["message"]) for e in errors])
        await ws.disconnect()
        return results

    unknown_field, missing_chat, bad_id = async_to_sync(run)()
    assert unknown_field == [("BAD_USER_INPUT", "The request asks for something the API does not have.")]
    assert missing_chat == [("NOT_FOUND", "Not found.")]
    assert bad_id[0][0] in ("BAD_USER_INPUT", "NOT_FOUND") and bad_id[0][1].isascii()
