"""New-business arithmetic, pure (no queries): premium from the rate table, the premium schedule and
the guaranteed cash value table. Every amount is rounded to the fen, half up, at the step the
policy document states it."""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.money import to_fen
from policies.models import Frequency

# Instalments a year, and each instalment as a share of the annual premium (the usual modal factors
# of the Chinese market: paying more often costs a little more in total).
PERIODS = {Frequency.ANNUAL: 1, Frequency.SEMI_ANNUAL: 2, Frequency.QUARTERLY: 4, Frequency.MONTHLY: 12}
MODAL_FACTOR = {
    Frequency.ANNUAL: Decimal("1"),
    Frequency.SEMI_ANNUAL: Decimal("0.52"),
    Frequency.QUARTERLY: Decimal("0.265"),
    Frequency.MONTHLY: Decimal("0.09"),
}
THOUSAND = Decimal(1000)


@dataclass(frozen=True)
class Premium:
    annual: Decimal  # sum assured / 1,000 × the annual rate
    instalment: Decimal  # annual × the frequency's modal factor
    per_year: Decimal  # what the customer pays in a policy year: instalment × instalments


def premium_for(*, sum_assured: Decimal, rate_per_thousand: Decimal, frequency: str) -> Premium:
    annual = to_fen(sum_assured * rate_per_thousand / THOUSAND)
    instalment = to_fen(annual * MODAL_FACTOR[frequency])
    return Premium(annual=annual, instalment=instalment, per_year=instalment * PERIODS[frequency])


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def premium_due_dates(*, effective: date, frequency: str, term_years: int) -> list[date]:
    """Every instalment's due date over the paying term; the first is the issue date."""
    step = 12 // PERIODS[frequency]
    return [add_months(effective, step * k) for k in range(term_years * PERIODS[frequency])]


def cash_value_table(
    *, premium_per_year: Decimal, term_years: int, base: Decimal, step: Decimal, cap: Decimal
) -> list[tuple[int, Decimal]]:
    """(policy year, guaranteed cash value) for each year of the paying term: the premiums paid by
    then × min(cap, base + step × year)."""
    return [
        (year, to_fen(premium_per_year * year * min(cap, base + step * year)))
        for year in range(1, term_years + 1)
    ]
