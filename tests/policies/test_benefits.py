"""claimBenefit: payout, review for fresh accounts, failures, cancellation, idempotency, authorization."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from policies.models import Benefit, BenefitStatus, RequestStatus, ServicingRequest
from reminders.models import Notification
from tests.conftest import error_codes

from .factories import BankAccountFactory, BenefitFactory, PolicyFactory
from .gql import CLAIM_BENEFIT, gid

CANCEL = """
mutation C($input: CancelServicingRequestInput!) {
  cancelServicingRequest(input: $input) { request { id status reasonCodes } errors { field code } }
}
"""


@pytest.fixture
def benefit(policy):
    return BenefitFactory(policy=policy)


@pytest.fixture
def customer_gql(gql, owner):
    gql.login("13800000011")
    return gql


def _claim(client, benefit, account, key=None):
    variables = {
        "input": {
            "benefitId": gid("Benefit", benefit),
            "bankAccountId": gid("BankAccount", account),
            "idempotencyKey": key or uuid.uuid4().hex,
        }
    }
    return client(CLAIM_BENEFIT, variables)["data"]["claimBenefit"]


def test_claim_is_paid_to_the_account(customer_gql, benefit, account, _payments):
    payload = _claim(customer_gql, benefit, account)

    assert payload["errors"] == []
    assert payload["request"]["status"] == "AUTO_APPROVED"
    benefit.refresh_from_db()
    assert benefit.status == BenefitStatus.PAID and benefit.bank_account == account
    assert ServicingRequest.objects.get().status == RequestStatus.COMPLETED
    assert [entry["amount"] for entry in _payments.log] == [benefit.amount]
    assert Notification.objects.filter(user=benefit.policy.holder.user, kind="SERVICING_RESULT").exists()


def test_claiming_twice_is_not_eligible(customer_gql, benefit, account):
    _claim(customer_gql, benefit, account)
    again = _claim(customer_gql, benefit, account)
    assert again["errors"][0]["code"] == "NOT_ELIGIBLE"


def test_failed_payout_makes_the_benefit_available_again(customer_gql, benefit, account, _payments):
    _payments.fail_next("disburse")
    _claim(customer_gql, benefit, account)

    benefit.refresh_from_db()
    assert benefit.status == BenefitStatus.AVAILABLE
    request = ServicingRequest.objects.get()
    assert (request.status, request.reasons) == (RequestStatus.REJECTED, ["PAYOUT_FAILED"])


def test_fresh_account_goes_to_review_and_the_customer_may_cancel(customer_gql, benefit, owner):
    fresh = BankAccountFactory(customer=owner, verified_at=timezone.now() - timedelta(hours=2))
    payload = _claim(customer_gql, benefit, fresh)
    assert payload["request"]["status"] == "PENDING_REVIEW"
    assert Benefit.objects.get().status == BenefitStatus.CLAIMED

    cancelled = customer_gql(CANCEL, {"input": {"requestId": payload["request"]["id"]}})["data"]
    assert cancelled["cancelServicingRequest"]["request"]["status"] == "CANCELLED"
    assert Benefit.objects.get().status == BenefitStatus.AVAILABLE
    # A decided request cannot be cancelled.
    again = customer_gql(CANCEL, {"input": {"requestId": payload["request"]["id"]}})["data"]
    assert again["cancelServicingRequest"]["errors"][0]["code"] == "NOT_ELIGIBLE"


def test_others_cannot_cancel_my_request(customer_gql, benefit, owner, other):
    fresh = BankAccountFactory(customer=owner, verified_at=timezone.now())
    request_id = _claim(customer_gql, benefit, fresh)["request"]["id"]
    customer_gql.login("13800000012")
    refused = customer_gql(CANCEL, {"input": {"requestId": request_id}})["data"]["cancelServicingRequest"]
    missing = customer_gql(CANCEL, {"input": {"requestId": gid("ServicingRequest", 999999)}})["data"]
    assert (
        refused["errors"]
        == missing["cancelServicingRequest"]["errors"]
        == [{"field": "requestId", "code": "NOT_FOUND"}]
    )


def test_same_key_replays(customer_gql, benefit, account):
    first = _claim(customer_gql, benefit, account, key="b-1")
    second = _claim(customer_gql, benefit, account, key="b-1")
    assert first["request"]["id"] == second["request"]["id"]
    assert ServicingRequest.objects.count() == 1


def test_another_customers_benefit_looks_missing(customer_gql, account, other):
    foreign = BenefitFactory(policy=PolicyFactory(holder=other))
    assert _claim(customer_gql, foreign, account)["errors"] == [
        {"field": "benefitId", "code": "NOT_FOUND", "message": "未找到。"}
    ]


def test_agent_and_anonymous_are_refused(gql, benefit, account, agent):
    variables = {
        "input": {
            "benefitId": gid("Benefit", benefit),
            "bankAccountId": gid("BankAccount", account),
            "idempotencyKey": "k",
        }
    }
    assert error_codes(gql(CLAIM_BENEFIT, variables)) == ["UNAUTHENTICATED"]
    gql.login("13900000011")
    assert error_codes(gql(CLAIM_BENEFIT, variables)) == ["FORBIDDEN"]
