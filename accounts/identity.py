"""Chinese resident identity card numbers (居民身份证号码), checked with python-stdnum (GB 11643)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

# County codes valid for every birth year the demo book uses (1935-2009).
DEMO_REGIONS = (
    "110101", "110102", "110105", "110106", "110107", "110108", "120101", "120102", "120103",
    "120104", "310101", "310104", "310105", "310106", "310107", "310109", "310110",
)  # fmt: skip


def resident_id_validate(value: str) -> None:
    """Length, digits, check digit, a real birth date and a known county code."""
    try:
        ric.validate(value)
    except StdnumError as exc:
        raise ValidationError(_("Enter a valid 18-digit resident ID number."), code="invalid") from exc


def resident_id_make(*, region: str, birth: date, serial: int) -> str:
    """A well-formed number (check digit computed) for demo and test data."""
    body = f"{region}{birth:%Y%m%d}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")
