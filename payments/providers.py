"""The payments provider behind an interface, and the simulator that stands in for a bank.

A provider de-duplicates on the reference we send (as real bank and payment APIs do with an
idempotency key): sending an instruction again returns the first answer and moves no money twice.
A timeout or a broken connection is raised as `PaymentOutcomeUnknown`: the bank may have paid.
"""

import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class PaymentOutcomeUnknown(Exception):
    """No answer from the provider (a timeout, a dropped connection): ask `status` later."""


@dataclass(frozen=True)
class PaymentResult:
    ok: bool
    reference: str = ""
    error: str = ""


class PaymentState:
    PAID = "PAID"
    REFUSED = "REFUSED"
    NOT_FOUND = "NOT_FOUND"


@dataclass(frozen=True)
class PaymentStatus:
    state: str  # PaymentState
    result: PaymentResult | None = None


class Payments(Protocol):
    def disburse(
        self, *, reference: str, account_number: str, holder_name: str, amount: Decimal
    ) -> PaymentResult: ...

    def collect(
        self, *, reference: str, account_number: str, holder_name: str, amount: Decimal
    ) -> PaymentResult: ...

    def status(self, *, reference: str) -> PaymentStatus: ...


class SimulatedPayments:
    """A bank in memory: pays unless told otherwise, keeps a ledger by reference, and can be told to
    refuse (`fail_next`), to time out before paying (`timeout_next`), or to pay and then time out
    (`paid_then_timeout_next`) for the next calls of an operation."""

    _faults: ClassVar[dict[str, list[str]]] = {}
    log: ClassVar[list[dict]] = []  # every call, as the bank saw it
    ledger: ClassVar[dict[str, dict]] = {}  # reference -> the one movement of money made for it
    _lock = threading.Lock()

    @classmethod
    def _queue(cls, operation: str, fault: str, times: int) -> None:
        with cls._lock:
            cls._faults.setdefault(operation, []).extend([fault] * times)

    @classmethod
    def fail_next(cls, operation: str, times: int = 1) -> None:
        cls._queue(operation, "refuse", times)

    @classmethod
    def timeout_next(cls, operation: str, times: int = 1) -> None:
        cls._queue(operation, "timeout", times)

    @classmethod
    def paid_then_timeout_next(cls, operation: str, times: int = 1) -> None:
        cls._queue(operation, "paid_then_timeout", times)

    @classmethod
    def reset(cls) -> None:
        with cls._lock:
            cls._faults.clear()
            cls.log.clear()
            cls.ledger.clear()

    @classmethod
    def payments_for(cls, reference: str) -> int:
        """How many times money moved for `reference` (a bank that de-duplicates: 0 or 1)."""
        return sum(1 for entry in cls.log if entry["reference"] == reference and entry["moved"])

    def _run(self, operation: str, reference: str, amount: Decimal) -> PaymentResult:
        with self._lock:
            known = self.ledger.get(reference)
            if known is not None:
                self.log.append(
                    {"operation": operation, "reference": reference, "amount": amount, "moved": False}
                )
                return known["result"]
            faults = self._faults.get(operation) or []
            fault = faults.pop(0) if faults else None
            if fault == "timeout":
                self.log.append(
                    {"operation": operation, "reference": reference, "amount": amount, "moved": False}
                )
                raise PaymentOutcomeUnknown("simulated timeout")
            if fault == "refuse":
                result = PaymentResult(False, error="simulated refusal")
            else:
                result = PaymentResult(True, reference=f"SIM-{operation}-{reference}")
            self.ledger[reference] = {"operation": operation, "amount": amount, "result": result}
            self.log.append(
                {"operation": operation, "reference": reference, "amount": amount, "moved": result.ok}
            )
            if fault == "paid_then_timeout":
                raise PaymentOutcomeUnknown("simulated timeout after paying")
            return result

    def disburse(
        self, *, reference: str, account_number: str, holder_name: str, amount: Decimal
    ) -> PaymentResult:
        return self._run("disburse", reference, amount)

    def collect(
        self, *, reference: str, account_number: str, holder_name: str, amount: Decimal
    ) -> PaymentResult:
        return self._run("collect", reference, amount)

    def status(self, *, reference: str) -> PaymentStatus:
        with self._lock:
            known = self.ledger.get(reference)
        if known is None:
            return PaymentStatus(PaymentState.NOT_FOUND)
        result = known["result"]
        return PaymentStatus(PaymentState.PAID if result.ok else PaymentState.REFUSED, result)


def payments() -> Payments:
    return import_string(settings.PAYMENTS_BACKEND)()
