"""The payments provider behind an interface, and the simulator that stands in for a bank.

A provider de-duplicates on the reference we send (as real bank and payment APIs do with an
idempotency key): sending an instruction again returns the first answer and moves no money twice.
A timeout or a broken connection is raised as `PaymentOutcomeUnknown`: the bank may have paid.
"""

import logging
import random
import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


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


def _faults_from_settings() -> dict:
    """SIMULATED_PAYMENT_FAULTS, e.g. "timeout=0.2,paid_then_timeout=0.1,refuse=0.05": random faults
    in every process that reads it (the drill's workers); empty in normal runs."""
    spec = getattr(settings, "SIMULATED_PAYMENT_FAULTS", "") or ""
    shares: dict[str, float] = {}
    for part in spec.split(","):
        if "=" in part:
            name, value = part.split("=", 1)
            shares[name.strip()] = float(value)
    return shares


class SimulatedPayments:
    """A bank whose ledger is a table (so every process sees the same books): pays unless told
    otherwise, answers a repeated reference with its first answer, and can be told to refuse
    (`fail_next`), to time out before paying (`timeout_next`) or to pay and then time out
    (`paid_then_timeout_next`), or by settings to do so at random shares of calls."""

    _faults: ClassVar[dict[str, list[str]]] = {}
    log: ClassVar[list[dict]] = []  # every call this process made, as the bank saw it
    _lock = threading.Lock()
    _random: random.Random | None = None

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

    @classmethod
    def payments_for(cls, reference: str) -> int:
        """How many times money moved for `reference` in the bank's books (0 or 1)."""
        from .models import SimulatedBankEntry

        return SimulatedBankEntry.objects.filter(reference=reference, paid=True).count()

    def _next_fault(self, operation: str) -> str | None:
        with self._lock:
            queued = self._faults.get(operation) or []
            if queued:
                return queued.pop(0)
        shares = _faults_from_settings()
        if not shares:
            return None
        with self._lock:
            if SimulatedPayments._random is None:
                # Seeded ("seed=7" in the spec) so that a drill can be repeated call for call.
                SimulatedPayments._random = random.Random(int(shares.get("seed", 0)))  # noqa: S311 (not secrets)
            roll = SimulatedPayments._random.random()
        for fault in ("timeout", "paid_then_timeout", "refuse"):
            share = shares.get(fault, 0.0)
            if roll < share:
                return fault
            roll -= share
        return None

    def _record(self, operation: str, reference: str, amount: Decimal, moved: bool) -> None:
        with self._lock:
            self.log.append(
                {"operation": operation, "reference": reference, "amount": amount, "moved": moved}
            )

    def _run(self, operation: str, reference: str, amount: Decimal) -> PaymentResult:
        from .models import SimulatedBankEntry

        known = SimulatedBankEntry.objects.filter(reference=reference).first()
        if known is not None:
            self._record(operation, reference, amount, False)
            return self._result(known)
        fault = self._next_fault(operation)
        if fault == "timeout":
            self._record(operation, reference, amount, False)
            raise PaymentOutcomeUnknown("simulated timeout")
        try:
            with transaction.atomic():
                entry = SimulatedBankEntry.objects.create(
                    reference=reference, operation=operation, amount=amount, paid=fault != "refuse"
                )
        except IntegrityError:
            # The same reference arrived twice at once: the bank keeps the first and answers with it.
            self._record(operation, reference, amount, False)
            return self._result(SimulatedBankEntry.objects.get(reference=reference))
        self._record(operation, reference, amount, entry.paid)
        if getattr(settings, "SIMULATED_PAYMENT_HANG_AFTER_PAY", False):
            # For the crash drill: the bank has paid and this worker never hears back (it is killed).
            logger.warning("simulated bank paid %s; hanging as asked", reference)
            threading.Event().wait()
        if fault == "paid_then_timeout":
            raise PaymentOutcomeUnknown("simulated timeout after paying")
        return self._result(entry)

    @staticmethod
    def _result(entry) -> PaymentResult:
        if entry.paid:
            return PaymentResult(True, reference=f"SIM-{entry.operation}-{entry.reference}")
        return PaymentResult(False, error="simulated refusal")

    def disburse(
        self, *, reference: str, account_number: str, holder_name: str, amount: Decimal
    ) -> PaymentResult:
        return self._run("disburse", reference, amount)

    def collect(
        self, *, reference: str, account_number: str, holder_name: str, amount: Decimal
    ) -> PaymentResult:
        return self._run("collect", reference, amount)

    def status(self, *, reference: str) -> PaymentStatus:
        from .models import SimulatedBankEntry

        known = SimulatedBankEntry.objects.filter(reference=reference).first()
        if known is None:
            return PaymentStatus(PaymentState.NOT_FOUND)
        return PaymentStatus(PaymentState.PAID if known.paid else PaymentState.REFUSED, self._result(known))


def payments() -> Payments:
    return import_string(settings.PAYMENTS_BACKEND)()
