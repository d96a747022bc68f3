"""Bank verification behind an interface (the simulator stands in for the real one); payments live in
the payments app and are re-exported here for the callers that moved money before it existed."""

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from payments.providers import PaymentResult, Payments, SimulatedPayments, payments  # noqa: F401

BANKS = {
    "ICBC": _("Industrial and Commercial Bank of China"),
    "CCB": _("China Construction Bank"),
    "ABC": _("Agricultural Bank of China"),
    "BOC": _("Bank of China"),
    "BOCOM": _("Bank of Communications"),
    "CMB": _("China Merchants Bank"),
    "PSBC": _("Postal Savings Bank of China"),
}


def luhn_valid(number: str) -> bool:
    if not number.isdigit():
        return False
    total = 0
    for index, digit in enumerate(reversed(number)):
        value = int(digit)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


@dataclass(frozen=True)
class Verification:
    ok: bool
    reason_code: str | None = None


class BankVerifier(Protocol):
    def verify(
        self, *, bank_code: str, account_number: str, holder_name: str, customer_name: str
    ) -> Verification: ...


class SimulatedBankVerifier:
    """The bank confirms an account when the holder is the customer and the card number is well formed."""

    def verify(
        self, *, bank_code: str, account_number: str, holder_name: str, customer_name: str
    ) -> Verification:
        if holder_name.strip() != customer_name.strip():
            return Verification(False, "HOLDER_MISMATCH")
        if not (16 <= len(account_number) <= 19) or not luhn_valid(account_number):
            return Verification(False, "BAD_ACCOUNT_NUMBER")
        return Verification(True)


def bank_verifier() -> BankVerifier:
    return import_string(settings.BANK_VERIFIER_BACKEND)()
