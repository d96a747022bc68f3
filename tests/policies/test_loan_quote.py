"""Loan quotes to the fen, and each reason a policy cannot take a loan."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from policies.calculations import loan_interest
from policies.models import LoanStatus, PolicyStatus, RequestStatus, RequestType, ServicingRequest
from policies.services.loans import policy_loan_quote

from .factories import LoanFactory, PolicyFactory, PremiumFactory, ProductFactory

TODAY = date(2026, 11, 21)


def _quote(policy, customer=None):
    return policy_loan_quote(policy=policy, customer_id=(customer or policy.holder).pk, on=TODAY)


@pytest.mark.parametrize(
    ("cash_value", "expected_max"),
    [("10000.00", "8000.00"), ("12345.67", "9876.54"), ("1250.63", "1000.50"), ("1250.61", "1000.49")],
)
def test_max_is_80_percent_of_cash_value_rounded_half_up(owner, cash_value, expected_max):
    policy = PolicyFactory(holder=owner, cash_values__amount=cash_value)
    quote = _quote(policy)
    assert quote.eligible is True
    assert quote.cash_value == Decimal(cash_value)
    assert quote.max_amount == Decimal(expected_max)


def test_existing_loan_and_its_interest_are_deducted(owner):
    policy = PolicyFactory(holder=owner, cash_values__amount="10000.00")
    # 2,000.00 at 5% for 30 days = 8.219… → 8.22
    LoanFactory(policy=policy, principal=Decimal("2000.00"), disbursed_on=TODAY - timedelta(days=30))

    quote = _quote(policy)

    assert quote.outstanding_principal == Decimal("2000.00")
    assert quote.accrued_interest == Decimal("8.22")
    assert quote.max_amount == Decimal("5991.78")


def test_unpaid_premiums_due_are_deducted_but_future_ones_are_not(owner):
    policy = PolicyFactory(holder=owner, cash_values__amount="10000.00")
    PremiumFactory(policy=policy, due_date=TODAY - timedelta(days=5), amount=Decimal("1200.00"))
    PremiumFactory(policy=policy, due_date=TODAY + timedelta(days=30), amount=Decimal("1200.00"))

    quote = _quote(policy)

    assert quote.unpaid_premiums == Decimal("1200.00")
    assert quote.max_amount == Decimal("6800.00")


def test_all_deductions_together(owner):
    policy = PolicyFactory(holder=owner, cash_values__amount="20000.00")
    LoanFactory(policy=policy, principal=Decimal("5000.00"), disbursed_on=TODAY - timedelta(days=73))
    PremiumFactory(policy=policy, due_date=TODAY, amount=Decimal("999.99"))
    # 16,000.00 − 5,000.00 − 50.00 (5,000 × 5% × 73/365) − 999.99
    assert _quote(policy).max_amount == Decimal("9950.01")


@pytest.mark.parametrize(
    ("principal", "rate", "days", "interest"),
    [
        ("1250.00", "0.0365", 1, "0.13"),  # exactly 0.125: half up, not to even
        ("1000.00", "0.0500", 0, "0.00"),  # disbursement day
        ("1000.00", "0.0500", 1, "0.14"),  # 0.1369…
        ("100000.00", "0.0550", 182, "2742.47"),  # 2742.465… → half up
        ("3650.00", "0.0500", 365, "182.50"),
    ],
)
def test_interest_by_day_rounded_half_up(owner, principal, rate, days, interest):
    loan = LoanFactory(
        policy=PolicyFactory(holder=owner),
        principal=Decimal(principal),
        annual_rate=Decimal(rate),
        disbursed_on=TODAY - timedelta(days=days),
    )
    assert loan_interest(loan, TODAY) == Decimal(interest)


def test_not_the_holder(owner, other):
    quote = _quote(PolicyFactory(holder=owner), customer=other)
    assert (quote.eligible, quote.reason_code, quote.max_amount) == (False, "NOT_HOLDER", Decimal("0.00"))


@pytest.mark.parametrize(
    "status",
    [PolicyStatus.GRACE, PolicyStatus.SUSPENDED, PolicyStatus.MATURED, PolicyStatus.PENDING_UNDERWRITING],
)
def test_wrong_status(owner, status):
    quote = _quote(PolicyFactory(holder=owner, status=status))
    assert (quote.eligible, quote.reason_code) == (False, "POLICY_STATUS")


def test_cooling_off_period(owner):
    inside = PolicyFactory(holder=owner, effective_date=TODAY - timedelta(days=14))
    after = PolicyFactory(holder=owner, effective_date=TODAY - timedelta(days=15))
    assert _quote(inside).reason_code == "COOLING_OFF"
    assert _quote(after).eligible is True


def test_product_not_loanable(owner):
    product = ProductFactory(code="CI01", loanable=False)
    assert _quote(PolicyFactory(holder=owner, product=product)).reason_code == "NOT_LOANABLE"


def test_pending_loan_request(owner):
    policy = PolicyFactory(holder=owner)
    ServicingRequest.objects.create(
        customer=owner,
        policy=policy,
        type=RequestType.POLICY_LOAN,
        status=RequestStatus.PENDING_REVIEW,
        routed_at=timezone.now(),
    )
    assert _quote(policy).reason_code == "PENDING_REQUEST"


def test_disbursing_loan_counts_against_the_maximum(owner):
    policy = PolicyFactory(holder=owner, cash_values__amount="10000.00")
    LoanFactory(policy=policy, principal=Decimal("3000.00"), status=LoanStatus.DISBURSING, interest_from=None)
    assert _quote(policy).max_amount == Decimal("5000.00")


def test_below_minimum(owner):
    quote = _quote(PolicyFactory(holder=owner, cash_values__amount="1200.00"))
    assert (quote.eligible, quote.reason_code, quote.max_amount) == (
        False,
        "BELOW_MINIMUM",
        Decimal("960.00"),
    )
