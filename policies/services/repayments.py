"""One-tap repayment of several loans, across policies, all or nothing."""

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode, FieldError, ServiceError
from core.money import ZERO, business_today

from ..calculations import loan_interest, repayment_split
from ..models import (
    BankAccount,
    LoanStatus,
    PolicyLoan,
    Repayment,
    RepaymentLine,
    RequestStatus,
    RequestType,
    ServicingRequest,
)
from ..providers import payments
from ..signals import obligations_settle
from .common import Outcome, audit_record, idempotent, request_complete, request_decide, request_open
from .loans import amount_validate

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
        for loan, interest, to_interest, to_principal in lines:
            RepaymentLine.objects.create(
                repayment=repayment, loan=loan, interest=to_interest, principal=to_principal
            )
            before = {"outstanding_principal": loan.outstanding_principal, "interest": interest}
            loan.accrued_interest = interest - to_interest
            loan.outstanding_principal -= to_principal
            loan.interest_from = today
            if loan.outstanding_principal == ZERO and loan.accrued_interest == ZERO:
                loan.status = LoanStatus.REPAID
            loan.save(update_fields=["accrued_interest", "outstanding_principal", "interest_from", "status"])
            audit_record(
                actor=actor,
                action="policy_loan.repay",
                obj=loan,
                before=before,
                after={
                    "outstanding_principal": loan.outstanding_principal,
                    "interest": loan.accrued_interest,
                    "status": loan.status,
                },
            )
        # Collected last, inside the transaction: a refused debit rolls every line back.
        result = payments().collect(
            reference=f"REPAY-{repayment.pk}",
            account_number=bank_account.account_number,
            holder_name=bank_account.holder_name,
            amount=total,
        )
        if not result.ok:
            raise ServiceError(
                ErrorCode.PAYMENT_FAILED, _("The bank could not collect the payment."), field="bankAccountId"
            )
        request_complete(request)
        obligations_settle(policy_ids=[loan.policy_id for loan, *_ in lines])
        return LoansRepaid(request=request, repayment=repayment)

    return idempotent(
        user=actor, key=idempotency_key, operation="repayLoans", payload=payload, run=run, outcome=LoansRepaid
    )
