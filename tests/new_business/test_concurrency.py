"""Confirming one application from several connections at once on PostgreSQL: one policy, one premium."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from new_business.models import Application
from payments.models import PaymentInstruction
from policies.models import Policy
from tests.conftest import GraphQLClient

from .gql import CONFIRM, SUBMIT, gid, submit_input

pytestmark = pytest.mark.django_db(transaction=True)
CONCURRENT = 8


def _race(token: str, inputs: list[dict]) -> list[dict]:
    barrier = threading.Barrier(len(inputs))

    def send(variables):
        client = GraphQLClient()
        client.token = token
        try:
            barrier.wait(timeout=30)
            return client.post_raw({"query": CONFIRM, "variables": variables}).json()["data"][
                "confirmApplication"
            ]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(inputs)) as pool:
        return list(pool.map(send, inputs))


@pytest.fixture
def ready(postgres, agent_client, customer, account, customer_client):
    agent_client(SUBMIT, submit_input(customer))
    application = Application.objects.get()
    return application, account, customer_client.token


def _input(application, account, key: str) -> dict:
    return {
        "input": {
            "applicationId": gid("Application", application),
            "bankAccountId": gid("BankAccount", account),
            "idempotencyKey": key,
        }
    }


def test_concurrent_confirms_with_different_keys_issue_one_policy_and_collect_one_premium(ready, _bank):
    application, account, token = ready

    results = _race(token, [_input(application, account, f"key-{n}") for n in range(CONCURRENT)])

    accepted = [r for r in results if not r["errors"]]
    assert len(accepted) == 1
    assert {e["code"] for r in results if r["errors"] for e in r["errors"]} <= {"IN_PROGRESS", "NOT_ELIGIBLE"}
    assert Policy.objects.filter(application__isnull=False).count() == 1
    assert PaymentInstruction.objects.count() == 1
    assert len([entry for entry in _bank.log if entry["moved"]]) == 1


def test_concurrent_confirms_with_the_same_key_issue_one_policy(ready, _bank):
    application, account, token = ready

    results = _race(token, [_input(application, account, "same")] * CONCURRENT)

    ids = {r["request"]["id"] for r in results if not r["errors"]}
    assert len(ids) == 1
    assert {e["code"] for r in results if r["errors"] for e in r["errors"]} <= {"IN_PROGRESS"}
    assert Policy.objects.filter(application__isnull=False).count() == 1
    assert len([entry for entry in _bank.log if entry["moved"]]) == 1
