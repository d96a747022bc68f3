"""Scalars: money and rates travel as decimal strings so that no client ever rounds through a float."""

from decimal import Decimal, InvalidOperation
from typing import NewType

import strawberry
from django.utils.translation import gettext as _

TWO_PLACES = Decimal("0.01")
MAX_DECIMAL = Decimal("1e15")
MAX_DIGITS = 24


def serialize_decimal(value: Decimal) -> str:
    value = Decimal(value)
    # Money has two decimals ("1234.50"); rates keep the precision they are stored with.
    if value.as_tuple().exponent > -2:  # type: ignore[operator]
        value = value.quantize(TWO_PLACES)
    return format(value, "f")


def parse_decimal(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(_('Send amounts as strings, for example "1000.00".'))
    try:
        parsed = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(_("Not a valid amount.")) from exc
    if not parsed.is_finite():
        raise ValueError(_("Not a valid amount."))
    # Nothing the apps send is near these bounds; past them arithmetic (quantize) would raise.
    if abs(parsed) >= MAX_DECIMAL or len(parsed.as_tuple().digits) > MAX_DIGITS:
        raise ValueError(_("Not a valid amount."))
    return parsed


DecimalScalar = strawberry.scalar(
    name="Decimal",
    description='A decimal number as a string, money with two decimals: "1234.50" (CNY).',
    serialize=serialize_decimal,
    parse_value=parse_decimal,
)


def _parse_rate(value: object) -> Decimal:
    parsed = parse_decimal(value)
    if not Decimal("0") <= parsed <= Decimal("1"):
        raise ValueError(_("A rate is a fraction from 0 to 1, for example 0.05."))
    return parsed


def _serialize_rate(value: Decimal) -> str:
    return format(Decimal(value).quantize(Decimal("0.0001")), "f")


# Annotate rate fields with `Rate`; the schema maps it to RateScalar (StrawberryConfig.scalar_map).
Rate = NewType("Rate", Decimal)
RateScalar = strawberry.scalar(
    name="Rate",
    description='A yearly rate as a decimal fraction string with four decimals: "0.0500" is 5%.',
    serialize=_serialize_rate,
    parse_value=_parse_rate,
)
