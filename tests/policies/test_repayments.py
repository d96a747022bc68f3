"""repayLoans: interest first, part-payments, pay-off, and all-or-nothing across policies."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from policies.models import LoanStatus, PolicyLoan, Repayment, RepaymentLine, ServicingRequest
from tests.conftest import error_codes

from .factories import BankAccountFactory, LoanFactory, PolicyFactory
from .gql import REPAY_LOANS, gid

TODAY = date(2026, 11, 21)
REPAYMENT_QUOTE = """
query Q($ids: [ID!]) { repaymentQuote(loanIds: $ids) { items { loan { id } principal interest total } total } }
"""


@pytest.fixture
def loans(owner, account):
    # Two loans on two policies: 10,000.00 for 73 days (interest 100.00) and 2,000.00 for 30 days (8.22).
    first = LoanFactory(
        policy=PolicyFactory(holder=owner, cash_values__amount="50000.00"),
        principal=Decimal("10000.00"),
        disbursed_on=TODAY - timedelta(days=73),
        bank_account=account,
    )
    second = LoanFactory(
        policy=PolicyFactory(holder=owner),
        principal=Decimal("2000.00"),
        disbursed_on=TODAY - timedelta(days=30),
        bank_account=account,
    )
    return first, second


@pytest.fixture
def customer_gql(gql, owner):
    gql.login("13800000011")
    return gql


def _repay(client, items, account, key=None):
    return client(
        REPAY_LOANS,
        {
            "input": {
                "items": items,
                "bankAccountId": gid("BankAccount", account),
                "idempotencyKey": key or uuid.uuid4().hex,
            }
        },
    )["data"]["repayLoans"]


def test_quote_lists_principal_and_interest_to_the_fen(customer_gql, loans):
    quote = customer_gql(REPAYMENT_QUOTE)["data"]["repaymentQuote"]
    assert [(i["principal"], i["interest"], i["total"]) for i in quote["items"]] == [
        ("10000.00", "100.00", "10100.00"),
        ("2000.00", "8.22", "2008.22"),
    ]
    assert quote["total"] == "12108.22"
    only_second = customer_gql(REPAYMENT_QUOTE, {"ids": [gid("PolicyLoan", loans[1])]})["data"][
        "repaymentQuote"
    ]
    assert only_second["total"] == "2008.22"


def test_part_payment_pays_interest_first_then_principal(customer_gql, loans, account):
    first, _ = loans
    payload = _repay(customer_gql, [{"loanId": gid("PolicyLoan", first), "amount": "150.00"}], account)

    assert payload["errors"] == []
    assert payload["repayment"]["total"] == "150.00"
    line = RepaymentLine.objects.get()
    assert (line.interest, line.principal) == (Decimal("100.00"), Decimal("50.00"))
    first.refresh_from_db()
    assert (first.outstanding_principal, first.accrued_interest, first.interest_from) == (
        Decimal("9950.00"),
        Decimal("0.00"),
        TODAY,
    )
    # Answered while the bank collects; completed once it has the money (the debit runs after commit).
    assert payload["request"]["type"] == "LOAN_REPAYMENT" and payload["request"]["status"] == "AUTO_APPROVED"
    assert payload["repayment"]["status"] == "COLLECTING"
    assert ServicingRequest.objects.get(type="LOAN_REPAYMENT").status == "COMPLETED"
    assert Repayment.objects.get().status == "SETTLED"


def test_payment_smaller_than_interest_leaves_the_rest_of_the_interest_owed(customer_gql, loans, account):
    first, _ = loans
    _repay(customer_gql, [{"loanId": gid("PolicyLoan", first), "amount": "100.00"}], account)
    first.refresh_from_db()
    assert (first.outstanding_principal, first.accrued_interest) == (Decimal("10000.00"), Decimal("0.00"))


def test_pay_off_when_amount_is_omitted(customer_gql, loans, account):
    _, second = loans
    payload = _repay(customer_gql, [{"loanId": gid("PolicyLoan", second)}], account)

    assert payload["repayment"]["total"] == "2008.22"
    second.refresh_from_db()
    assert second.status == LoanStatus.REPAID and second.outstanding_principal == Decimal("0.00")


def test_one_tap_repays_loans_on_two_policies(customer_gql, loans, account):
    first, second = loans
    payload = _repay(
        customer_gql,
        [{"loanId": gid("PolicyLoan", first), "amount": "1100.00"}, {"loanId": gid("PolicyLoan", second)}],
        account,
    )

    assert payload["errors"] == []
    assert payload["repayment"]["total"] == "3108.22"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (LoanStatus.ACTIVE, LoanStatus.REPAID)
    assert first.outstanding_principal == Decimal("9000.00")


def test_one_bad_item_applies_nothing(customer_gql, loans, account):
    first, second = loans
    payload = _repay(
        customer_gql,
        [
            {"loanId": gid("PolicyLoan", first), "amount": "500.00"},
            {"loanId": gid("PolicyLoan", second), "amount": "2008.23"},
        ],
        account,
    )

    assert payload["errors"] == [
        {"field": "items.1.amount", "code": "LIMIT_EXCEEDED", "message": "超过应还金额2008.22元。"}
    ]
    assert (
        not Repayment.objects.exists() and not ServicingRequest.objects.filter(type="LOAN_REPAYMENT").exists()
    )
    first.refresh_from_db()
    assert first.outstanding_principal == Decimal("10000.00")


def test_part_payment_below_100_is_refused_but_a_smaller_pay_off_is_fine(customer_gql, owner, account):
    small = LoanFactory(
        policy=PolicyFactory(holder=owner),
        principal=Decimal("1000.00"),
        disbursed_on=TODAY,
        bank_account=account,
    )
    refused = _repay(customer_gql, [{"loanId": gid("PolicyLoan", small), "amount": "99.99"}], account)
    assert refused["errors"][0]["code"] == "INVALID" and refused["errors"][0]["field"] == "items.0.amount"
    small.outstanding_principal = Decimal("50.00")
    small.save()
    ok = _repay(customer_gql, [{"loanId": gid("PolicyLoan", small), "amount": "50.00"}], account)
    assert ok["errors"] == []


def test_a_refused_debit_applies_nothing_and_the_customer_is_told(customer_gql, loans, account, _payments):
    _payments.fail_next("collect")
    payload = _repay(customer_gql, [{"loanId": gid("PolicyLoan", loans[0])}], account)

    assert payload["errors"] == []
    repayment = Repayment.objects.get()
    assert repayment.status == "FAILED"
    assert repayment.request.status == "REJECTED" and repayment.request.reasons == ["COLLECTION_FAILED"]
    loan = PolicyLoan.objects.get(pk=loans[0].pk)
    assert (loan.status, loan.outstanding_principal) == (LoanStatus.ACTIVE, Decimal("10000.00"))
    assert _payments.payments_for(f"REPAY-{repayment.pk}") == 0
    from reminders.models import Notification

    assert Notification.objects.filter(
        user=loans[0].policy.holder.user, subject_id=str(repayment.request_id)
    ).exists()
    # The loan can be repaid again at once (another key).
    again = _repay(customer_gql, [{"loanId": gid("PolicyLoan", loans[0])}], account)
    assert again["errors"] == [] and PolicyLoan.objects.get(pk=loans[0].pk).status == LoanStatus.REPAID


def test_duplicate_loan_and_empty_items_are_invalid(customer_gql, loans, account):
    loan = gid("PolicyLoan", loans[0])
    assert (
        _repay(customer_gql, [{"loanId": loan}, {"loanId": loan}], account)["errors"][0]["code"] == "INVALID"
    )
    assert _repay(customer_gql, [], account)["errors"][0]["code"] == "INVALID"


def test_same_key_replays_and_does_not_pay_twice(customer_gql, loans, account):
    items = [{"loanId": gid("PolicyLoan", loans[0]), "amount": "200.00"}]
    first = _repay(customer_gql, items, account, key="repay-1")
    second = _repay(customer_gql, items, account, key="repay-1")

    assert first["repayment"]["id"] == second["repayment"]["id"]
    assert Repayment.objects.count() == 1
    assert (
        _repay(customer_gql, [{"loanId": items[0]["loanId"], "amount": "300.00"}], account, key="repay-1")[
            "errors"
        ][0]["code"]
        == "IDEMPOTENCY_CONFLICT"
    )


def test_another_customers_loan_looks_missing(customer_gql, loans, account, other):
    foreign = LoanFactory(policy=PolicyFactory(holder=other), bank_account=BankAccountFactory(customer=other))
    foreign_payload = _repay(customer_gql, [{"loanId": gid("PolicyLoan", foreign)}], account, key="x")
    missing_payload = _repay(customer_gql, [{"loanId": gid("PolicyLoan", 999999)}], account, key="y")
    assert foreign_payload["errors"] == missing_payload["errors"]
    assert foreign_payload["errors"][0]["code"] == "NOT_FOUND"


def test_agent_and_anonymous_are_refused(gql, loans, account, agent):
    variables = {
        "input": {
            "items": [{"loanId": gid("PolicyLoan", loans[0])}],
            "bankAccountId": gid("BankAccount", account),
            "idempotencyKey": "k",
        }
    }
    assert error_codes(gql(REPAY_LOANS, variables)) == ["UNAUTHENTICATED"]
    gql.login("13900000011")
    assert error_codes(gql(REPAY_LOANS, variables)) == ["FORBIDDEN"]


def test_a_quote_for_someone_elses_loan_looks_missing(customer_gql, other):
    from strawberry import relay

    from tests.conftest import error_codes

    foreign = LoanFactory(policy=PolicyFactory(holder=other))
    result = customer_gql(REPAYMENT_QUOTE, {"ids": [str(relay.GlobalID("PolicyLoan", str(foreign.pk)))]})
    missing = customer_gql(REPAYMENT_QUOTE, {"ids": [str(relay.GlobalID("PolicyLoan", "999999"))]})
    assert error_codes(result) == error_codes(missing) == ["NOT_FOUND"]
    assert result["data"] is None
