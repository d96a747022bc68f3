"""Loan arithmetic and the loan quote: pure functions over already-loaded rows (no queries),
so that lists of policies can be quoted from prefetched data."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from core.money import ZERO, to_fen

from .models import LoanStatus, PolicyStatus, PremiumStatus

DAYS_PER_YEAR = Decimal(365)


def loan_interest(loan, on: date) -> Decimal:
    """Unpaid interest on `on`: carried interest plus simple daily interest since `interest_from`."""
    if loan.interest_from is None or loan.status != LoanStatus.ACTIVE:
        return loan.accrued_interest or ZERO
    days = max((on - loan.interest_from).days, 0)
    return loan.accrued_interest + to_fen(
        loan.outstanding_principal * loan.annual_rate * days / DAYS_PER_YEAR
    )


def loan_owed(loan, on: date) -> Decimal:
    return loan.outstanding_principal + loan_interest(loan, on)


def repayment_split(*, interest: Decimal, principal: Decimal, amount: Decimal) -> tuple[Decimal, Decimal]:
    """Interest first, then principal."""
    to_interest = min(amount, interest)
    return to_interest, min(amount - to_interest, principal)


def current_policy_year(effective: date, on: date) -> int:
    years = on.year - effective.year - ((on.month, on.day) < (effective.month, effective.day))
    return max(years, 0) + 1


def current_cash_value(policy, on: date, cash_values) -> Decimal:
    """The cash value of the policy year `on` falls in (the latest year tabulated at or before it)."""
    year = current_policy_year(policy.effective_date, on)
    best = None
    for row in cash_values:
        if row.policy_year <= year and (best is None or row.policy_year > best.policy_year):
            best = row
    return best.amount if best else ZERO


@dataclass
class LoanQuote:
    eligible: bool
    reason_code: str | None
    max_amount: Decimal
    annual_rate: Decimal
    term_days: int
    min_amount: Decimal
    cash_value: Decimal = ZERO
    outstanding_principal: Decimal = ZERO
    accrued_interest: Decimal = ZERO
    unpaid_premiums: Decimal = ZERO
    # The arithmetic maximum before eligibility: a reviewer's approval re-checks against it.
    headroom: Decimal = ZERO


def loan_quote(
    policy,
    *,
    on: date,
    customer_id: int | None,
    cash_values,
    loans,
    premiums,
    has_open_loan_request: bool,
) -> LoanQuote:
    """What this customer may borrow on this policy today, and why not when they may not.

    maximum = ratio × cash value − outstanding principal − unpaid interest − unpaid premiums due.
    """
    product = policy.product
    live_loans = [loan for loan in loans if loan.status in (LoanStatus.ACTIVE, LoanStatus.DISBURSING)]
    cash_value = current_cash_value(policy, on, cash_values)
    outstanding = sum((loan.outstanding_principal for loan in live_loans), ZERO)
    interest = sum((loan_interest(loan, on) for loan in live_loans), ZERO)
    unpaid = sum(
        (
            p.amount
            for p in premiums
            if p.status in (PremiumStatus.DUE, PremiumStatus.FAILED) and p.due_date <= on
        ),
        ZERO,
    )
    maximum = max(to_fen(cash_value * product.loan_ratio) - outstanding - interest - unpaid, ZERO)
    quote = LoanQuote(
        eligible=False,
        reason_code=None,
        max_amount=maximum,
        annual_rate=product.loan_annual_rate,
        term_days=product.loan_term_days,
        min_amount=product.loan_min_amount,
        cash_value=cash_value,
        outstanding_principal=outstanding,
        accrued_interest=interest,
        unpaid_premiums=unpaid,
        headroom=maximum,
    )
    if customer_id is None or policy.holder_id != customer_id:
        quote.reason_code = "NOT_HOLDER"
    elif policy.status != PolicyStatus.IN_FORCE:
        quote.reason_code = "POLICY_STATUS"
    elif not product.loanable:
        quote.reason_code = "NOT_LOANABLE"
    elif on < policy.effective_date + timedelta(days=product.cooling_off_days):
        quote.reason_code = "COOLING_OFF"
    elif has_open_loan_request:
        quote.reason_code = "PENDING_REQUEST"
    elif maximum < product.loan_min_amount:
        quote.reason_code = "BELOW_MINIMUM"
    else:
        quote.eligible = True
    if not quote.eligible:
        quote.max_amount = ZERO if quote.reason_code != "BELOW_MINIMUM" else maximum
    return quote
