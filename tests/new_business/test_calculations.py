"""The arithmetic of a new policy, by hand."""

from datetime import date
from decimal import Decimal

from new_business.calculations import add_months, cash_value_table, premium_due_dates, premium_for


def test_a_month_later_is_the_months_last_day_when_it_has_no_such_day():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)


def test_a_quarterly_schedule_keeps_the_issue_day_not_a_drifting_one():
    dues = premium_due_dates(effective=date(2026, 11, 30), frequency="QUARTERLY", term_years=1)

    # Each counted from the issue day (30 Feb does not exist, 30 May does again).
    assert dues == [date(2026, 11, 30), date(2027, 2, 28), date(2027, 5, 30), date(2027, 8, 30)]


def test_premiums_round_half_up_to_the_fen_at_each_step():
    # 123,000 / 1,000 × 18.3333 = 2,254.99590 → 2,255.00; quarterly × 0.265 = 597.575 → 597.58.
    premium = premium_for(
        sum_assured=Decimal("123000"), rate_per_thousand=Decimal("18.3333"), frequency="QUARTERLY"
    )

    assert (premium.annual, premium.instalment, premium.per_year) == (
        Decimal("2255.00"),
        Decimal("597.58"),
        Decimal("2390.32"),
    )


def test_cash_values_grow_to_their_cap():
    table = cash_value_table(
        premium_per_year=Decimal("1000.00"),
        term_years=4,
        base=Decimal("0.50"),
        step=Decimal("0.20"),
        cap=Decimal("0.95"),
    )

    assert table == [
        (1, Decimal("700.00")),
        (2, Decimal("1800.00")),
        (3, Decimal("2850.00")),
        (4, Decimal("3800.00")),
    ]
