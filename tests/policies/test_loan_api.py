"""applyPolicyLoan through the API: automatic decisions, review, payout, idempotency and authorization."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from policies.models import AuditEvent, LoanStatus, PolicyLoan, RequestStatus, ServicingRequest
from policies.services.decisions import servicing_request_approve, servicing_request_reject
from reminders.models import Notification
from tests.conftest import error_codes

from .factories import BankAccountFactory, PolicyFactory
from .gql import APPLY_POLICY_LOAN, MY_LOANS, gid


def _input(policy, account, amount="5000.00", key=None):
    return {
        "input": {
            "policyId": gid("Policy", policy),
            "amount": amount,
            "bankAccountId": gid("BankAccount", account),
            "idempotencyKey": key or uuid.uuid4().hex,
        }
    }


@pytest.fixture
def customer_gql(gql, owner):
    gql.login("13800000011")
    return gql


def test_auto_approved_loan_is_disbursed_and_accrues_from_today(customer_gql, policy, account):
    payload = customer_gql(APPLY_POLICY_LOAN, _input(policy, account))["data"]["applyPolicyLoan"]

    assert payload["errors"] == []
    assert payload["request"]["type"] == "POLICY_LOAN"
    assert payload["request"]["status"] == "AUTO_APPROVED"
    assert payload["loan"]["principal"] == "5000.00"
    assert payload["loan"]["annualRate"] == "0.0500"
    loan = PolicyLoan.objects.get()
    assert loan.status == LoanStatus.ACTIVE
    assert (str(loan.disbursed_on), str(loan.due_on)) == ("2026-11-21", "2027-05-22")
    request = ServicingRequest.objects.get()
    assert request.status == RequestStatus.COMPLETED and request.decided_by is None
    assert request.completed_at is not None
    loans = customer_gql(MY_LOANS)["data"]["myLoans"]
    assert loans[0]["interest"] == "0.00" and loans[0]["totalOwed"] == "5000.00"
    assert AuditEvent.objects.filter(action="policy_loan.apply").exists()


def test_failed_payout_cancels_the_loan_and_tells_the_customer(customer_gql, policy, account, _payments):
    _payments.fail_next("disburse")

    customer_gql(APPLY_POLICY_LOAN, _input(policy, account))

    loan = PolicyLoan.objects.get()
    assert loan.status == LoanStatus.CANCELLED
    assert ServicingRequest.objects.get().status == RequestStatus.REJECTED
    assert ServicingRequest.objects.get().reasons == ["PAYOUT_FAILED"]
    notice = Notification.objects.get(user=policy.holder.user)
    assert "未完成" in notice.title and notice.language == "zh-hans"
    # The cancelled loan no longer counts, so the customer may try again.
    again = customer_gql(APPLY_POLICY_LOAN, _input(policy, account))["data"]["applyPolicyLoan"]
    assert again["errors"] == []


def test_over_the_maximum_is_limit_exceeded_and_writes_nothing(customer_gql, policy, account):
    payload = customer_gql(APPLY_POLICY_LOAN, _input(policy, account, "8000.01"))["data"]["applyPolicyLoan"]

    assert payload["errors"][0]["code"] == "LIMIT_EXCEEDED"
    assert payload["errors"][0]["field"] == "amount"
    assert "8000.00" in payload["errors"][0]["message"]
    assert payload["loan"] is None and payload["request"] is None
    assert not ServicingRequest.objects.exists() and not PolicyLoan.objects.exists()


@pytest.mark.parametrize("amount", ["999.99", "0", "-5", "100.001"])
def test_invalid_amounts(customer_gql, policy, account, amount):
    payload = customer_gql(APPLY_POLICY_LOAN, _input(policy, account, amount))["data"]["applyPolicyLoan"]
    assert payload["errors"][0]["code"] == "INVALID"
    assert payload["errors"][0]["field"] == "amount"
    assert not ServicingRequest.objects.exists()


def test_float_amount_is_bad_user_input(customer_gql, policy, account):
    variables = _input(policy, account)
    variables["input"]["amount"] = 5000.5
    assert error_codes(customer_gql(APPLY_POLICY_LOAN, variables)) == ["BAD_USER_INPUT"]


def test_ineligible_policy_is_refused_with_its_reason(customer_gql, owner, account):
    policy = PolicyFactory(holder=owner, status="GRACE")
    payload = customer_gql(APPLY_POLICY_LOAN, _input(policy, account))["data"]["applyPolicyLoan"]
    assert payload["errors"] == [
        {"field": "policyId", "code": "NOT_ELIGIBLE", "message": "保单不在有效状态。"}
    ]


def test_large_loan_goes_to_review_and_reviewer_approval_pays_it(customer_gql, owner, account):
    staff_user = __import__("tests.accounts.factories", fromlist=["StaffFactory"]).StaffFactory().user
    policy = PolicyFactory(holder=owner, cash_values__amount="300000.00")

    payload = customer_gql(APPLY_POLICY_LOAN, _input(policy, account, "200000.01"))["data"]["applyPolicyLoan"]

    assert payload["request"]["status"] == "PENDING_REVIEW"
    assert payload["request"]["reasonCodes"] == ["AMOUNT_ABOVE_AUTO_LIMIT"]
    assert payload["loan"] is None and not PolicyLoan.objects.exists()
    request = ServicingRequest.objects.get()
    servicing_request_approve(request_id=request.pk, reviewer=staff_user)
    request.refresh_from_db()
    assert request.decided_by == staff_user
    assert PolicyLoan.objects.get().principal == Decimal("200000.01")


def test_reviewer_rejection_tells_the_customer(customer_gql, owner):
    policy = PolicyFactory(holder=owner, complaint_open=True)
    account = BankAccountFactory(customer=owner)
    payload = customer_gql(APPLY_POLICY_LOAN, _input(policy, account))["data"]["applyPolicyLoan"]
    assert payload["request"]["reasonCodes"] == ["OPEN_COMPLAINT"]

    servicing_request_reject(request_id=ServicingRequest.objects.get().pk, reviewer=None)

    assert ServicingRequest.objects.get().status == RequestStatus.REJECTED
    assert Notification.objects.filter(user=owner.user).count() == 1
    assert not PolicyLoan.objects.exists()


def test_payout_to_an_account_verified_under_24_hours_goes_to_review(customer_gql, policy, owner):
    fresh = BankAccountFactory(customer=owner, verified_at=timezone.now() - timedelta(hours=23, minutes=59))
    payload = customer_gql(APPLY_POLICY_LOAN, _input(policy, fresh))["data"]["applyPolicyLoan"]
    assert payload["request"]["reasonCodes"] == ["ACCOUNT_RECENTLY_VERIFIED"]

    day_old = BankAccountFactory(customer=owner, verified_at=timezone.now() - timedelta(hours=24))
    other_policy = PolicyFactory(holder=owner)
    payload = customer_gql(APPLY_POLICY_LOAN, _input(other_policy, day_old))["data"]["applyPolicyLoan"]
    assert payload["request"]["status"] == "AUTO_APPROVED"


def test_second_request_while_one_is_pending_is_refused(customer_gql, owner, account):
    policy = PolicyFactory(holder=owner, complaint_open=True)
    customer_gql(APPLY_POLICY_LOAN, _input(policy, account))
    payload = customer_gql(APPLY_POLICY_LOAN, _input(policy, account))["data"]["applyPolicyLoan"]
    assert payload["errors"][0]["code"] == "NOT_ELIGIBLE"
    assert ServicingRequest.objects.count() == 1


def test_same_key_same_input_returns_the_first_result(customer_gql, policy, account):
    variables = _input(policy, account, key="key-1")
    first = customer_gql(APPLY_POLICY_LOAN, variables)["data"]["applyPolicyLoan"]
    second = customer_gql(APPLY_POLICY_LOAN, variables)["data"]["applyPolicyLoan"]

    assert second["loan"]["id"] == first["loan"]["id"]
    assert second["request"]["id"] == first["request"]["id"]
    assert PolicyLoan.objects.count() == 1 and ServicingRequest.objects.count() == 1


def test_same_key_other_input_is_a_conflict(customer_gql, policy, account):
    customer_gql(APPLY_POLICY_LOAN, _input(policy, account, "5000.00", key="key-2"))
    payload = customer_gql(APPLY_POLICY_LOAN, _input(policy, account, "1000.00", key="key-2"))["data"][
        "applyPolicyLoan"
    ]

    assert payload["errors"][0]["code"] == "IDEMPOTENCY_CONFLICT"
    assert PolicyLoan.objects.count() == 1


def test_refusal_releases_the_key_for_a_corrected_retry(customer_gql, policy, account):
    refused = customer_gql(APPLY_POLICY_LOAN, _input(policy, account, "9000.00", key="key-3"))
    assert refused["data"]["applyPolicyLoan"]["errors"][0]["code"] == "LIMIT_EXCEEDED"
    # A changed amount under the same key is a new attempt, not a conflict: nothing was done.
    ok = customer_gql(APPLY_POLICY_LOAN, _input(policy, account, "8000.00", key="key-3"))["data"][
        "applyPolicyLoan"
    ]
    assert ok["errors"] == []


def test_overlong_key_is_invalid(customer_gql, policy, account):
    payload = customer_gql(APPLY_POLICY_LOAN, _input(policy, account, key="k" * 256))["data"][
        "applyPolicyLoan"
    ]
    assert payload["errors"][0] == {
        "field": "idempotencyKey",
        "code": "INVALID",
        "message": payload["errors"][0]["message"],
    }


def test_another_customers_policy_and_account_look_missing(customer_gql, policy, account, other):
    foreign_policy = PolicyFactory(holder=other)
    foreign_account = BankAccountFactory(customer=other)

    foreign = customer_gql(APPLY_POLICY_LOAN, _input(foreign_policy, account, key="a"))["data"][
        "applyPolicyLoan"
    ]
    missing = customer_gql(
        APPLY_POLICY_LOAN,
        {
            "input": {
                **_input(policy, account)["input"],
                "policyId": gid("Policy", 999999),
                "idempotencyKey": "b",
            }
        },
    )
    garbage = customer_gql(
        APPLY_POLICY_LOAN,
        {"input": {**_input(policy, account)["input"], "policyId": "bm9wZQ==", "idempotencyKey": "c"}},
    )
    foreign_acc = customer_gql(APPLY_POLICY_LOAN, _input(policy, foreign_account, key="d"))["data"][
        "applyPolicyLoan"
    ]

    expected = [{"field": "policyId", "code": "NOT_FOUND", "message": "未找到。"}]
    assert foreign["errors"] == missing["data"]["applyPolicyLoan"]["errors"] == expected
    # A malformed id is a client bug, refused before anything runs.
    assert error_codes(garbage) == ["BAD_USER_INPUT"]
    assert foreign_acc["errors"] == [{"field": "bankAccountId", "code": "NOT_FOUND", "message": "未找到。"}]
    assert not ServicingRequest.objects.exists()


def test_agent_and_anonymous_cannot_apply(gql, policy, account, agent):
    assert error_codes(gql(APPLY_POLICY_LOAN, _input(policy, account))) == ["UNAUTHENTICATED"]
    gql.login("13900000011")
    assert error_codes(gql(APPLY_POLICY_LOAN, _input(policy, account))) == ["FORBIDDEN"]
    assert not ServicingRequest.objects.exists()


def test_the_outcome_notice_is_written_in_the_customers_language(customer_gql, policy, account, _payments):
    from reminders.services.settings import notification_settings_update

    notification_settings_update(user=policy.holder.user, language="en")
    _payments.fail_next("disburse")

    customer_gql(APPLY_POLICY_LOAN, _input(policy, account))  # the request itself is in Chinese

    notice = Notification.objects.get(user=policy.holder.user)
    assert (notice.title, notice.language) == ("Policy loan not completed", "en")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-100", "请输入大于零的金额。"),
        ("0", "请输入大于零的金额。"),
        ("100.001", "请输入金额（元），最多两位小数。"),
        ("1000000000000", "金额过大。"),
    ],
)
def test_each_bad_amount_says_what_is_wrong_with_it(customer_gql, policy, account, amount, message):
    payload = customer_gql(APPLY_POLICY_LOAN, _input(policy, account, amount))["data"]["applyPolicyLoan"]
    assert payload["errors"] == [{"field": "amount", "code": "INVALID", "message": message}]


@pytest.mark.parametrize("amount", ["1e309", "NaN", "Infinity", "1" + "0" * 30])
def test_non_finite_and_absurd_amounts_are_refused_by_the_scalar(customer_gql, policy, account, amount):
    result = customer_gql(APPLY_POLICY_LOAN, _input(policy, account, amount))
    assert error_codes(result) == ["BAD_USER_INPUT"]
    assert result["errors"][0]["message"] == "input.amount 的值无效：金额无效。"
    assert not ServicingRequest.objects.exists()
