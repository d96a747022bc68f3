"""Money arithmetic: Decimal only, rounded to the fen half up."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

# Business dates and hours are counted here, whatever the server's zone.
BUSINESS_TZ = ZoneInfo("Asia/Shanghai")
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_fen(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def business_today() -> date:
    """Today in Asia/Shanghai, the date every business rule is counted in."""
    return timezone.localdate()
