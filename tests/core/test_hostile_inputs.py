"""Inputs that used to reach the database or arithmetic and come back INTERNAL, tried on every
operation of the schema (generated, so new operations are covered): NUL characters and unpaired
surrogates in any string, bad paging arguments on any list, absurd amounts in any money input."""

import pytest
from graphql import GraphQLScalarType

from tests.accounts.factories import AgentFactory, CustomerFactory, StaffFactory
from tests.conftest import GraphQLClient, access_token
from tests.policies.factories import BankAccountFactory, PolicyFactory
from tests.schema_ops import GRAPHQL_SCHEMA, operations, payload_error_codes

NUL = "13800\x0000001"
SURROGATE = "abc\ud800def"


@pytest.fixture(params=["customer", "agent", "staff"])
def token(request, db):
    agent = AgentFactory(user__phone="13900000071")
    customer = CustomerFactory(user__phone="13800000071")
    PolicyFactory(holder=customer, servicing_agent=agent)
    BankAccountFactory(customer=customer)
    staff = StaffFactory(user__phone="13700000071")
    return access_token({"customer": customer, "agent": agent, "staff": staff}[request.param].user)


def _codes(result: dict) -> list[str]:
    return [e["extensions"]["code"] for e in result.get("errors") or []]


def _contains(value, text) -> bool:
    if isinstance(value, dict):
        return any(_contains(v, text) for v in value.values())
    if isinstance(value, list):
        return any(_contains(v, text) for v in value)
    return value == text


def _with_strings(text):
    def override(name, type_):
        if isinstance(type_, GraphQLScalarType) and type_.name in ("String", "ID"):
            return text
        return NotImplemented

    return override


def _string_operations(text):
    return [
        op
        for op in operations(optional=True, override=_with_strings(text))
        if any("String" in str(t) or "ID" in str(t) for t in op.arguments.values())
        or any(isinstance(v, dict) for v in op.variables.values())
    ]


@pytest.mark.parametrize("text", [NUL, SURROGATE], ids=["nul", "surrogate"])
def test_unstorable_text_in_any_string_input_is_bad_user_input(token, text):
    client = GraphQLClient()
    checked = 0
    for op in _string_operations(text):
        response = client.post_raw({"query": op.document, "variables": op.variables}, token=token)
        assert response.status_code in (200, 400), op
        result = response.json()
        codes = _codes(result)
        assert "INTERNAL" not in codes, (str(op), result)
        if _contains(op.variables, text):
            assert codes == ["BAD_USER_INPUT"], (str(op), result)
            checked += 1
    assert checked >= 35


@pytest.mark.parametrize("text", [NUL, SURROGATE], ids=["nul", "surrogate"])
def test_unstorable_text_written_in_the_document_is_refused_too(db, text):
    escaped = "\\u0000" if text == NUL else "\\ud800"
    document = 'mutation { login(input: {phone: "138' + escaped + '", password: "x"}) { accessToken } }'
    result = GraphQLClient()(document)
    assert _codes(result) == ["BAD_USER_INPUT"]


PAGING = [{"first": 101}, {"first": -1}, {"last": -1}, {"after": "!!"}, {"before": "bm9wZQ=="}]


def _paged_operations():
    """Every query field with Relay paging arguments, with its required arguments sampled."""
    for op in operations():
        args = GRAPHQL_SCHEMA.query_type.fields[op.field].args if op.kind == "query" else {}
        if {"first", "last", "after", "before"} <= set(args):
            yield op, args


@pytest.mark.parametrize("paging", PAGING, ids=lambda a: ",".join(f"{k}={v}" for k, v in a.items()))
def test_bad_paging_on_every_connection_is_bad_user_input(token, paging):
    client = GraphQLClient()
    checked = 0
    for op, args in _paged_operations():
        arguments = {**op.arguments, **{name: args[name].type for name in paging}}
        declared = ", ".join(f"${name}: {type_}" for name, type_ in arguments.items())
        passed = ", ".join(f"{name}: ${name}" for name in arguments)
        document = f"query P({declared}) {{ {op.field}({passed}) {{ __typename }} }}"
        result = client(document, {**op.variables, **paging}, token=token)
        codes = _codes(result)
        assert codes in (["BAD_USER_INPUT"], ["FORBIDDEN"]), (op.field, result)
        checked += 1
    assert checked >= 5


@pytest.mark.parametrize("chat_first", [-5, 0, 501])
def test_chat_messages_paging_is_bad_user_input(token, chat_first):
    document = 'query C($n: Int!) { chatMessages(conversationId: "Q29udmVyc2F0aW9uOjE=", first: $n) { seq } }'
    assert _codes(GraphQLClient()(document, {"n": chat_first}, token=token)) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("amount", ["1e309", "NaN", "-Infinity", "1e-40", "9" * 40])
def test_absurd_amounts_in_every_money_input_are_refused_not_internal(token, amount):
    def override(name, type_):
        if isinstance(type_, GraphQLScalarType) and type_.name == "Decimal":
            return amount
        return NotImplemented

    client = GraphQLClient()
    checked = 0
    for op in operations(optional=True, override=override):
        if not _contains(op.variables, amount):
            continue
        result = client(op.document, op.variables, token=token)
        codes = _codes(result)
        assert "INTERNAL" not in codes, (str(op), result)
        # Refused at the edge, or by the service (which may first find the ids missing).
        refused = codes == ["BAD_USER_INPUT"] or payload_error_codes(result.get("data"))
        assert refused or codes in (["FORBIDDEN"], ["UNAUTHENTICATED"]), (str(op), result)
        checked += 1
    assert checked >= 2
