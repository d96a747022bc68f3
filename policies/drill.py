"""The payments drill: many payouts at once through real workers while the simulated bank times out
and pays-then-times-out at random, then the sweeper and reconciliation finish the job. It proves from
the records that every instruction ended SETTLED or FAILED, that the bank's books equal the
instructions, and that nothing was paid twice. Used by `manage.py payments_drill` and by the tests."""

import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.identity import DEMO_REGIONS, resident_id_make
from accounts.models import CustomerProfile, Gender, Role, User
from core.money import business_today
from payments.models import OPEN_INSTRUCTION, InstructionStatus, PaymentInstruction, SimulatedBankEntry
from payments.services import payments_sweep

from .models import (
    BankAccount,
    Benefit,
    BenefitKind,
    BenefitStatus,
    CashValue,
    LoanStatus,
    Policy,
    PolicyLoan,
    PolicyStatus,
    Product,
    RequestStatus,
    RequestType,
)
from .services.benefits import benefit_payout_start
from .services.common import request_decide, request_open
from .services.loans import _loan_create

DRILL_PHONE = "19900000000"
DRILL_ACCOUNT = "6222020200112237"  # a well-formed card number (Luhn) of the drill customer


@dataclass(frozen=True)
class DrillReport:
    instructions: int
    settled: int
    failed: int
    paid_twice: int
    stuck: int
    ledger_mismatches: int
    state_mismatches: int
    seconds: float

    def line(self) -> str:
        return (
            f"instructions={self.instructions} settled={self.settled} failed={self.failed} "
            f"paid_twice={self.paid_twice} stuck={self.stuck} seconds={self.seconds:.1f}"
        )


def _drill_customer() -> tuple[CustomerProfile, BankAccount]:
    user, _ = User.objects.get_or_create(
        phone=DRILL_PHONE, defaults={"role": Role.CUSTOMER, "display_name": "演练"}
    )
    customer = CustomerProfile.objects.filter(user=user).first()
    if customer is None:
        customer = CustomerProfile.objects.create(
            user=user,
            name="演练客户",
            id_number=resident_id_make(region=DEMO_REGIONS[0], birth=date(1980, 5, 5), serial=999),
            birth_date=date(1980, 5, 5),
            gender=Gender.MALE,
        )
    account, _ = BankAccount.objects.get_or_create(
        customer=customer,
        bank_code="ICBC",
        defaults={
            "bank_name": "中国工商银行",
            "account_number": DRILL_ACCOUNT,
            "holder_name": customer.name,
            "verified_at": timezone.now() - timedelta(days=30),
            "added_at": timezone.now() - timedelta(days=30),
        },
    )
    return customer, account


def drill_seed(payouts: int, *, progress=None) -> list[int]:
    """Half loans, half benefits, each approved with its payout instruction committed (and so queued
    to the workers). Returns the instruction ids."""
    customer, account = _drill_customer()
    product = Product.objects.order_by("pk").first() or Product.objects.create(
        code="DRL1", name_zh="演练产品", name_en="Drill product", kind="WHOLE_LIFE"
    )
    run = timezone.now().strftime("%y%m%d%H%M%S")
    today = business_today()
    ids = []
    for index in range(payouts):
        with transaction.atomic():
            policy = Policy.objects.create(
                number=f"DR{run}{index:05d}",
                product=product,
                holder=customer,
                insured=customer,
                status=PolicyStatus.IN_FORCE,
                effective_date=today - timedelta(days=800),
                premium=Decimal("1000.00"),
                frequency="ANNUAL",
                sum_assured=Decimal("100000.00"),
                paid_to_date=today + timedelta(days=100),
            )
            CashValue.objects.create(policy=policy, policy_year=3, amount=Decimal("50000.00"))
            amount = Decimal("1000.00") + index
            kind = RequestType.POLICY_LOAN if index % 2 == 0 else RequestType.BENEFIT_CLAIM
            request = request_open(customer=customer, type=kind, policy=policy, amount=amount)
            request_decide(request, status=RequestStatus.AUTO_APPROVED)
            if kind == RequestType.POLICY_LOAN:
                loan = _loan_create(request=request, policy=policy, amount=amount, bank_account=account)
                subject_type, subject_id = "PolicyLoan", loan.pk
            else:
                benefit = Benefit.objects.create(
                    policy=policy,
                    kind=BenefitKind.SURVIVAL,
                    amount=amount,
                    available_from=today,
                    status=BenefitStatus.CLAIMED,
                    bank_account=account,
                    request=request,
                    claimed_at=timezone.now(),
                )
                benefit_payout_start(benefit=benefit)
                subject_type, subject_id = "Benefit", benefit.pk
            ids.append(PaymentInstruction.objects.get(subject_type=subject_type, subject_id=subject_id).pk)
        if progress and (index + 1) % 50 == 0:
            progress(f"seeded {index + 1}/{payouts} payouts")
    return ids


def drill_settle(ids: list[int], *, timeout: float = 300.0, quiet_for: float = 3.0, progress=None) -> None:
    """Wait for the workers; when nothing has moved for `quiet_for` seconds, sweep and reconcile what
    is left (as the periodic job would), until every instruction is final or `timeout` passes."""
    deadline = time.monotonic() + timeout
    last_open, last_change = None, time.monotonic()
    while time.monotonic() < deadline:
        open_count = PaymentInstruction.objects.filter(pk__in=ids, status__in=OPEN_INSTRUCTION).count()
        if open_count == 0:
            return
        if open_count != last_open:
            last_open, last_change = open_count, time.monotonic()
            if progress:
                progress(f"{open_count} instructions not final yet")
        elif time.monotonic() - last_change >= quiet_for:
            payments_sweep(
                pending_after=timedelta(seconds=quiet_for), sent_after=timedelta(seconds=quiet_for)
            )
            last_change = time.monotonic()
        time.sleep(0.2)  # a drill polls the records; nothing here stands in for synchronisation


def drill_report(ids: list[int], *, seconds: float) -> DrillReport:
    instructions = list(PaymentInstruction.objects.filter(pk__in=ids))
    by_reference = {i.reference: i for i in instructions}
    ledger = {e.reference: e for e in SimulatedBankEntry.objects.filter(reference__in=list(by_reference))}
    # Money moved more than once for one loan or benefit: the bank's paid entries per subject.
    paid_per_subject = (
        PaymentInstruction.objects.filter(pk__in=ids, reference__in=[r for r, e in ledger.items() if e.paid])
        .values("subject_type", "subject_id")
        .annotate(n=Count("pk"))
    )
    paid_twice = sum(1 for row in paid_per_subject if row["n"] > 1)
    ledger_mismatches = 0
    for reference, instruction in by_reference.items():
        entry = ledger.get(reference)
        paid = entry is not None and entry.paid and entry.amount == instruction.amount
        if (instruction.status == InstructionStatus.SETTLED) != paid:
            ledger_mismatches += 1
    state_mismatches = 0
    loans = {
        loan.pk: loan
        for loan in PolicyLoan.objects.filter(
            pk__in=[i.subject_id for i in instructions if i.subject_type == "PolicyLoan"]
        )
    }
    benefits = {
        b.pk: b
        for b in Benefit.objects.filter(
            pk__in=[i.subject_id for i in instructions if i.subject_type == "Benefit"]
        )
    }
    for instruction in instructions:
        settled = instruction.status == InstructionStatus.SETTLED
        if instruction.subject_type == "PolicyLoan":
            ok = loans[instruction.subject_id].status == (
                LoanStatus.ACTIVE if settled else LoanStatus.CANCELLED
            )
        else:
            ok = benefits[instruction.subject_id].status == (
                BenefitStatus.PAID if settled else BenefitStatus.AVAILABLE
            )
        state_mismatches += 0 if ok or instruction.status in OPEN_INSTRUCTION else 1
    return DrillReport(
        instructions=len(instructions),
        settled=sum(1 for i in instructions if i.status == InstructionStatus.SETTLED),
        failed=sum(1 for i in instructions if i.status == InstructionStatus.FAILED),
        paid_twice=paid_twice,
        stuck=sum(1 for i in instructions if i.status in OPEN_INSTRUCTION),
        ledger_mismatches=ledger_mismatches,
        state_mismatches=state_mismatches,
        seconds=seconds,
    )
