"""Bank verification and payments behind interfaces; the simulators stand in for the real ones."""

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

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


@dataclass(frozen=True)
class PaymentResult:
    ok: bool
    reference: str = ""
    error: str = ""


class Payments(Protocol):
    def disburse(
        self, *, reference: str, account_number: str, holder_name: str, amount: Decimal
    ) -> PaymentResult: ...

    def collect(
        self, *, reference: str, account_number: str, holder_name: str, amount: Decimal
    ) -> PaymentResult: ...


class SimulatedPayments:
    """Always succeeds unless a test asked for failures with `fail_next`."""

    _failures: ClassVar[dict[str, int]] = {}
    log: ClassVar[list[dict]] = []

    @classmethod
    def fail_next(cls, operation: str, times: int = 1) -> None:
        cls._failures[operation] = cls._failures.get(operation, 0) + times

    @classmethod
    def reset(cls) -> None:
        cls._failures.clear()
        cls.log.clear()

    def _run(self, operation: str, reference: str, amount: Decimal) -> PaymentResult:
        self.log.append({"operation": operation, "reference": reference, "amount": amount})
        if self._failures.get(operation):
            self._failures[operation] -= 1
            return PaymentResult(False, error="simulated failure")
        return PaymentResult(True, reference=f"SIM-{operation}-{reference}")

    def disburse(
        self, *, reference: str, account_number: str, holder_name: str, amount: Decimal
    ) -> PaymentResult:
        return self._run("disburse", reference, amount)

    def collect(
        self, *, reference: str, account_number: str, holder_name: str, amount: Decimal
    ) -> PaymentResult:
        return self._run("collect", reference, amount)


def bank_verifier() -> BankVerifier:
    return import_string(settings.BANK_VERIFIER_BACKEND)()


def payments() -> Payments:
    return import_string(settings.PAYMENTS_BACKEND)()
