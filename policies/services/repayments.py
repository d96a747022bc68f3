"""One-tap repayment of several loans, across policies, all or nothing: one debit through a payment
instruction; the loans change when the bank has the money."""

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode, FieldError, ServiceError
from core.money import ZERO, business_today
from payments.models import Direction
from payments.services import instruction_create

from ..calculations import loan_interest, repayment_split
from ..models import (
    BankAccount,
    LoanStatus,
    PolicyLoan,
    Repayment,
    RepaymentLine,
    RepaymentStatus,
    RequestStatus,
    RequestType,
    ServicingRequest,
)
from ..signals import obligations_settle
from .common import Outcome, audit_record, idempotent, request_complete, request_decide, request_open
from .loans import amount_validate
from .notify import request_outcome_notify

logger = logging.getLogger(__name__)

MIN_PART_PAYMENT = Decimal("100.00")
MAX_ITEMS = 50


@dataclass(frozen=True)
class RepayItem:
    loan: PolicyLoan
    amount: Decimal | None  # None pays the loan off


def repayment_quote(*, loans, on=None) -> list[dict]:
    on = on or business_today()
    rows = []
    for loan in loans:
        interest = loan_interest(loan, on)
        rows.append(
            {
                "loan": loan,
                "principal": loan.outstanding_principal,
                "interest": interest,
                "total": loan.outstanding_principal + interest,
            }
        )
    return rows


@dataclass
class LoansRepaid(Outcome):
    MODELS: ClassVar[dict] = {"request": ServicingRequest, "repayment": Repayment}
    request: ServicingRequest
    repayment: Repayment


def loans_repay(
    *, customer, actor, items: list[RepayItem], bank_account: BankAccount, idempotency_key: str
) -> dict:
    """Repay several loans in one debit (idempotent per key)."""
    if not items:
        raise ServiceError(ErrorCode.INVALID, _("Choose at least one loan to repay."), field="items")
    if len(items) > MAX_ITEMS:
        raise ServiceError(ErrorCode.INVALID, _("Too many loans in one repayment."), field="items")
    if len({item.loan.pk for item in items}) != len(items):
        raise ServiceError(ErrorCode.INVALID, _("Each loan may appear only once."), field="items")
    amounts = {
        item.loan.pk: None if item.amount is None else amount_validate(item.amount, field=f"items.{i}.amount")
        for i, item in enumerate(items)
    }
    payload = {"items": sorted((pk, str(a)) for pk, a in amounts.items()), "bank_account": bank_account.pk}

    def run() -> dict:
        today = business_today()
        # Lock in id order so that two repayments over overlapping loans cannot deadlock.
        loans = {
            loan.pk: loan
            for loan in PolicyLoan.objects.select_for_update(of=("self",))
            .select_related("policy")
            .filter(pk__in=amounts, policy__holder=customer)
            .order_by("pk")
        }
        errors, lines, total = [], [], ZERO
        for index, (loan_pk, requested) in enumerate(amounts.items()):
            loan = loans[loan_pk]
            field = f"items.{index}"
            if loan.status != LoanStatus.ACTIVE:
                errors.append(
                    FieldError(ErrorCode.NOT_ELIGIBLE, _("This loan is not active."), f"{field}.loanId")
                )
                continue
            interest = loan_interest(loan, today)
            owed = loan.outstanding_principal + interest
            amount = owed if requested is None else requested
            if amount > owed:
                errors.append(
                    FieldError(
                        ErrorCode.LIMIT_EXCEEDED,
                        _("This is more than the %(owed)s yuan owed.") % {"owed": owed},
                        f"{field}.amount",
                    )
                )
                continue
            if amount < owed and amount < MIN_PART_PAYMENT:
                errors.append(
                    FieldError(
                        ErrorCode.INVALID,
                        _("A part-payment must be at least %(min)s yuan.") % {"min": MIN_PART_PAYMENT},
                        f"{field}.amount",
                    )
                )
                continue
            to_interest, to_principal = repayment_split(
                interest=interest, principal=loan.outstanding_principal, amount=amount
            )
            lines.append((loan, interest, to_interest, to_principal))
            total += amount
        if errors:
            raise ServiceError.many(errors)

        if RepaymentLine.objects.filter(
            loan__in=[loan for loan, *_ in lines], repayment__status=RepaymentStatus.COLLECTING
        ).exists():
            raise ServiceError(
                ErrorCode.IN_PROGRESS,
                _("A repayment of one of these loans is still being collected."),
                field="items",
            )
        request = request_open(
            customer=customer,
            type=RequestType.LOAN_REPAYMENT,
            amount=total,
            summary={"bank_account": bank_account.masked_number, "loans": [loan.pk for loan, *_ in lines]},
        )
        request_decide(request, status=RequestStatus.AUTO_APPROVED)
        repayment = Repayment.objects.create(
            customer=customer, request=request, bank_account=bank_account, total=total, paid_on=today
        )
        RepaymentLine.objects.bulk_create(
            RepaymentLine(repayment=repayment, loan=loan, interest=to_interest, principal=to_principal)
            for loan, _interest, to_interest, to_principal in lines
        )
        # The loans change only once the bank has the money (repayment_collected): a debit that fails
        # or never answers can never leave a loan marked repaid without it.
        instruction_create(
            direction=Direction.COLLECT,
            purpose=REPAYMENT_COLLECTION,
            reference=f"REPAY-{repayment.pk}",
            subject=repayment,
            amount=total,
            bank_account=bank_account,
        )
        audit_record(
            actor=actor,
            action="policy_loan.repay_requested",
            obj=repayment,
            after={"total": total, "loans": ",".join(str(loan.pk) for loan, *_ in lines)},
        )
        return LoansRepaid(request=request, repayment=repayment)

    return idempotent(
        user=actor, key=idempotency_key, operation="repayLoans", payload=payload, run=run, outcome=LoansRepaid
    )


REPAYMENT_COLLECTION = "REPAYMENT_COLLECTION"


def repayment_collected(*, instruction) -> None:
    """The bank took the money: apply each line to its loan as of the day the customer asked
    (interest first, then principal), in the settling transaction."""
    repayment = Repayment.objects.select_for_update().select_related("request").get(pk=instruction.subject_id)
    if repayment.status != RepaymentStatus.COLLECTING:
        return
    lines = list(repayment.lines.order_by("loan_id"))
    loans = {
        loan.pk: loan
        for loan in PolicyLoan.objects.select_for_update(of=("self",))
        .filter(pk__in=[line.loan_id for line in lines])
        .order_by("pk")
    }
    for line in lines:
        loan = loans[line.loan_id]
        paid = line.interest + line.principal
        # What is owed now may differ from the quote (a rollover or an offset in between): split the
        # money again against the loan as it stands.
        interest = loan_interest(loan, repayment.paid_on) if loan.status == LoanStatus.ACTIVE else ZERO
        principal = loan.outstanding_principal if loan.status == LoanStatus.ACTIVE else ZERO
        to_interest, to_principal = repayment_split(interest=interest, principal=principal, amount=paid)
        if to_interest + to_principal < paid:
            logger.error(
                "ALERT repayment %s: %s of loan %s's line exceeds what was owed; refund it",
                repayment.pk,
                paid - to_interest - to_principal,
                loan.pk,
            )
        if (line.interest, line.principal) != (to_interest, to_principal):
            line.interest, line.principal = to_interest, to_principal
            line.save(update_fields=["interest", "principal"])
        if loan.status != LoanStatus.ACTIVE:
            continue
        before = {"outstanding_principal": loan.outstanding_principal, "interest": interest}
        loan.accrued_interest = interest - to_interest
        loan.outstanding_principal -= to_principal
        loan.interest_from = max(repayment.paid_on, loan.interest_from or repayment.paid_on)
        if loan.outstanding_principal == ZERO and loan.accrued_interest == ZERO:
            loan.status = LoanStatus.REPAID
        loan.save(update_fields=["accrued_interest", "outstanding_principal", "interest_from", "status"])
        audit_record(
            actor=None,
            action="policy_loan.repay",
            obj=loan,
            before=before,
            after={
                "outstanding_principal": loan.outstanding_principal,
                "interest": loan.accrued_interest,
                "status": loan.status,
                "reference": instruction.reference,
            },
        )
    repayment.status = RepaymentStatus.SETTLED
    repayment.save(update_fields=["status"])
    request_complete(repayment.request)
    obligations_settle(policy_ids=[loan.policy_id for loan in loans.values()])


def repayment_refused(*, instruction) -> None:
    """The bank refused the debit: nothing is applied; the customer is told."""
    repayment = Repayment.objects.select_for_update().select_related("request").get(pk=instruction.subject_id)
    if repayment.status != RepaymentStatus.COLLECTING:
        return
    repayment.status = RepaymentStatus.FAILED
    repayment.save(update_fields=["status"])
    request_complete(repayment.request, status=RequestStatus.REJECTED, reasons=["COLLECTION_FAILED"])
    request_outcome_notify(repayment.request)
