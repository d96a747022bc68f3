"""Anti-fraud notices must be read and acknowledged on every money-moving path of elderly customers."""

import uuid
from datetime import date, timedelta

import pytest
import time_machine

from elder_mode.demo import seed_risk_notices
from elder_mode.models import RiskChallenge
from policies.demo import luhn_complete
from policies.models import PolicyLoan, ServicingRequest
from tests.accounts.factories import CustomerFactory
from tests.policies.factories import BankAccountFactory, BenefitFactory, PolicyFactory
from tests.policies.gql import APPLY_POLICY_LOAN, CLAIM_BENEFIT, gid

RISK_NOTICES = """
query R($op: RiskOperation!) {
  riskNotices(operation: $op) { challengeId operation minReadSeconds expiresAt required notices { id title body readAloudText } }
}
"""
ADD_BANK_ACCOUNT = """
mutation A($input: AddBankAccountInput!) { addBankAccount(input: $input) { bankAccount { id } errors { field code message readAloudText } } }
"""
AUTHORIZE = """
mutation D($input: AuthorizeRenewalDebitInput!) { authorizeRenewalDebit(input: $input) { request { status } errors { field code message } } }
"""
UPDATE_CONTACT = """
mutation U($input: UpdateContactInfoInput!) { updateContactInfo(input: $input) { request { status } errors { field code message } } }
"""


@pytest.fixture(autouse=True)
def notices(db):
    seed_risk_notices()


def _challenge(client, operation: str) -> str:
    return client(RISK_NOTICES, {"op": operation})["data"]["riskNotices"]["challengeId"]


def _paths(elder, account, policy):
    """Each gated mutation with its operation, as (name, operation, query, payload key, input builder)."""
    benefit = BenefitFactory(policy=policy, amount="6000.00")
    card = iter(luhn_complete(f"62170001234{n:04d}") for n in range(100))
    return {
        "loan": (
            "POLICY_LOAN",
            APPLY_POLICY_LOAN,
            "applyPolicyLoan",
            lambda: {
                "policyId": gid("Policy", policy),
                "amount": "1000.00",
                "bankAccountId": gid("BankAccount", account),
                "idempotencyKey": uuid.uuid4().hex,
            },
        ),
        "benefit": (
            "BENEFIT_PAYOUT",
            CLAIM_BENEFIT,
            "claimBenefit",
            lambda: {
                "benefitId": gid("Benefit", benefit),
                "bankAccountId": gid("BankAccount", account),
                "idempotencyKey": uuid.uuid4().hex,
            },
        ),
        "bank_account": (
            "BANK_ACCOUNT_CHANGE",
            ADD_BANK_ACCOUNT,
            "addBankAccount",
            lambda: {"bankCode": "CCB", "accountNumber": next(card), "holderName": elder.name},
        ),
        "debit": (
            "BANK_ACCOUNT_CHANGE",
            AUTHORIZE,
            "authorizeRenewalDebit",
            lambda: {"policyIds": [gid("Policy", policy)], "bankAccountId": gid("BankAccount", account)},
        ),
        "contact": (
            "CONTACT_CHANGE",
            UPDATE_CONTACT,
            "updateContactInfo",
            lambda: {"email": f"{uuid.uuid4().hex[:8]}@example.com"},
        ),
    }


PATHS = ["loan", "benefit", "bank_account", "debit", "contact"]


@pytest.mark.parametrize("path", PATHS)
def test_every_gate_and_code(elder_gql, elder, elder_account, elder_policy, frozen_time, path):
    operation, query, key, build = _paths(elder, elder_account, elder_policy)[path]

    def send(ack=None):
        return elder_gql(
            query, {"input": {**build(), **({"riskAcknowledgement": {"challengeId": ack}} if ack else {})}}
        )["data"][key]

    requests_before = ServicingRequest.objects.count()
    missing = send()
    assert missing["errors"][0]["code"] == "RISK_ACK_REQUIRED"
    assert missing["errors"][0]["field"] == "riskAcknowledgement"

    challenge = _challenge(elder_gql, operation)
    frozen_time.shift(timedelta(seconds=9))
    assert send(challenge)["errors"][0]["code"] == "RISK_ACK_TOO_SOON"
    assert ServicingRequest.objects.count() == requests_before

    frozen_time.shift(timedelta(seconds=1))
    assert send(challenge)["errors"] == []
    # Single use.
    assert send(challenge)["errors"][0]["code"] == "INVALID"

    other_operation = "CONTACT_CHANGE" if operation != "CONTACT_CHANGE" else "POLICY_LOAN"
    wrong_op = _challenge(elder_gql, other_operation)
    frozen_time.shift(timedelta(seconds=10))
    assert send(wrong_op)["errors"][0]["code"] == "INVALID"

    expired = _challenge(elder_gql, operation)
    frozen_time.shift(timedelta(minutes=15, seconds=1))
    elder_gql.login("13800000022")  # the access token lasts 15 minutes too
    assert send(expired)["errors"][0]["code"] == "INVALID"
    assert send("not-a-uuid")["errors"][0]["code"] == "INVALID"


def test_another_users_challenge_is_invalid(gql, elder, elder_account, elder_policy, frozen_time):
    CustomerFactory(user__phone="13800000044", birth_date=date(1950, 1, 1))
    gql.login("13800000044")
    theirs = _challenge(gql, "POLICY_LOAN")
    gql.login("13800000022")
    frozen_time.shift(timedelta(seconds=30))
    _operation, query, key, build = _paths(elder, elder_account, elder_policy)["loan"]
    payload = gql(query, {"input": {**build(), "riskAcknowledgement": {"challengeId": theirs}}})["data"][key]
    assert payload["errors"][0]["code"] == "INVALID"
    assert not PolicyLoan.objects.exists()


def test_a_refused_operation_does_not_spend_the_acknowledgement(
    elder_gql, elder, elder_account, elder_policy, frozen_time
):
    challenge = _challenge(elder_gql, "POLICY_LOAN")
    frozen_time.shift(timedelta(seconds=10))
    base = _paths(elder, elder_account, elder_policy)["loan"][3]()
    too_much = elder_gql(
        APPLY_POLICY_LOAN,
        {"input": {**base, "amount": "999999.00", "riskAcknowledgement": {"challengeId": challenge}}},
    )
    assert too_much["data"]["applyPolicyLoan"]["errors"][0]["code"] == "LIMIT_EXCEEDED"
    assert RiskChallenge.objects.get(pk=challenge).used_at is None
    ok = elder_gql(
        APPLY_POLICY_LOAN,
        {"input": {**base, "idempotencyKey": "k2", "riskAcknowledgement": {"challengeId": challenge}}},
    )
    assert ok["data"]["applyPolicyLoan"]["errors"] == []


def test_younger_customers_need_no_acknowledgement(gql, owner, policy, account):
    gql.login("13800000011")
    payload = gql(
        APPLY_POLICY_LOAN,
        {
            "input": {
                "policyId": gid("Policy", policy),
                "amount": "1000.00",
                "bankAccountId": gid("BankAccount", account),
                "idempotencyKey": "y",
            }
        },
    )
    assert payload["data"]["applyPolicyLoan"]["errors"] == []
    assert gql(RISK_NOTICES, {"op": "POLICY_LOAN"})["data"]["riskNotices"]["required"] is False


def test_elder_mode_on_makes_a_younger_customer_acknowledge(gql, owner, policy, account):
    gql.login("13800000011")
    gql("mutation { updateAccessibility(input: {elderMode: true}) { errors { code } } }")
    payload = gql(
        APPLY_POLICY_LOAN,
        {
            "input": {
                "policyId": gid("Policy", policy),
                "amount": "1000.00",
                "bankAccountId": gid("BankAccount", account),
                "idempotencyKey": "z",
            }
        },
    )
    assert payload["data"]["applyPolicyLoan"]["errors"][0]["code"] == "RISK_ACK_REQUIRED"


@pytest.mark.parametrize(("today", "required"), [(date(2026, 5, 11), False), (date(2026, 5, 12), True)])
def test_age_boundary_on_the_loan_path(gql, db, today, required):
    customer = CustomerFactory(user__phone="13800000055", birth_date=date(1966, 5, 12))
    with time_machine.travel(today, tick=False):
        policy = PolicyFactory(holder=customer, effective_date=date(2025, 1, 1))
        account = BankAccountFactory(customer=customer)
        gql.login("13800000055")
        payload = gql(
            APPLY_POLICY_LOAN,
            {
                "input": {
                    "policyId": gid("Policy", policy),
                    "amount": "1000.00",
                    "bankAccountId": gid("BankAccount", account),
                    "idempotencyKey": "b",
                }
            },
        )
    codes = [e["code"] for e in payload["data"]["applyPolicyLoan"]["errors"]]
    assert codes == (["RISK_ACK_REQUIRED"] if required else [])


def test_notices_in_both_languages_with_read_aloud_text(elder_gql):
    zh = elder_gql(RISK_NOTICES, {"op": "POLICY_LOAN"})["data"]["riskNotices"]
    en = elder_gql(RISK_NOTICES, {"op": "POLICY_LOAN"}, lang="en")["data"]["riskNotices"]
    assert zh["required"] is True and zh["minReadSeconds"] == 10
    assert [n["title"] for n in zh["notices"]] == ["谨防借款诈骗", "贷款需按时还款"]
    assert en["notices"][0]["title"] == "Beware of loan scams"
    assert all(n["readAloudText"] for n in zh["notices"] + en["notices"])
    assert zh["challengeId"] != en["challengeId"]
