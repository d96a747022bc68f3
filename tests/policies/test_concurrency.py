"""Races on real PostgreSQL connections: idempotency keys and the loan maximum hold under concurrency."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection

from policies.models import LoanStatus, PolicyLoan, ServicingRequest
from tests.conftest import GraphQLClient

from .factories import BankAccountFactory, PolicyFactory
from .gql import APPLY_POLICY_LOAN, gid

pytestmark = pytest.mark.django_db(transaction=True)
CONCURRENT = 20


def _race(token: str, inputs: list[dict]) -> list[dict]:
    """Send each input from its own thread (own connection), all released at once."""
    barrier = threading.Barrier(len(inputs))

    def send(variables):
        client = GraphQLClient()
        client.token = token
        try:
            barrier.wait(timeout=30)
            response = client.post_raw({"query": APPLY_POLICY_LOAN, "variables": variables})
            return response.json()["data"]["applyPolicyLoan"]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(inputs)) as pool:
        return list(pool.map(send, inputs))


@pytest.fixture
def setup(postgres):
    from tests.accounts.factories import CustomerFactory

    owner = CustomerFactory(user__phone="13800000031")
    policy = PolicyFactory(holder=owner, cash_values__amount="10000.00")  # maximum 8,000.00
    account = BankAccountFactory(customer=owner)
    client = GraphQLClient()
    token = client.login("13800000031")["accessToken"]
    return policy, account, token


def _variables(policy, account, amount: str, key: str) -> dict:
    return {
        "input": {
            "policyId": gid("Policy", policy),
            "amount": amount,
            "bankAccountId": gid("BankAccount", account),
            "idempotencyKey": key,
        }
    }


def test_identical_concurrent_requests_make_exactly_one_loan(setup):
    policy, account, token = setup
    variables = _variables(policy, account, "5000.00", "same-key")

    results = _race(token, [variables] * CONCURRENT)

    assert PolicyLoan.objects.count() == 1
    assert ServicingRequest.objects.count() == 1
    loan_id = PolicyLoan.objects.get().pk
    for result in results:
        if result["errors"]:
            # A replay that arrived while the first was running is told so; nothing else.
            assert [e["code"] for e in result["errors"]] == ["IN_PROGRESS"]
        else:
            assert result["loan"]["id"] == gid("PolicyLoan", loan_id)
    assert any(not r["errors"] for r in results)


def test_concurrent_requests_with_different_keys_never_exceed_the_maximum(setup):
    policy, account, token = setup
    inputs = [_variables(policy, account, "3000.00", f"key-{i}") for i in range(CONCURRENT)]

    results = _race(token, inputs)

    live = PolicyLoan.objects.filter(policy=policy).exclude(status=LoanStatus.CANCELLED)
    total = sum((loan.principal for loan in live), Decimal("0"))
    assert total <= Decimal("8000.00")
    assert 1 <= live.count() <= 2
    refused = [e["code"] for r in results for e in r["errors"]]
    assert set(refused) <= {"NOT_ELIGIBLE", "LIMIT_EXCEEDED"}
    assert len(refused) == CONCURRENT - live.count()
