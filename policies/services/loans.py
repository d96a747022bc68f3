"""Policy loans: apply (idempotent, serialized per policy), create after approval, disburse through a
payment instruction (paid after commit, outside any lock; settled or refused by the bank's answer)."""

import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import ClassVar

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode, ServiceError
from core.money import CENT, business_today
from elder_mode import rules as elder_rules
from elder_mode.models import RiskOperation
from payments.models import Direction
from payments.services import instruction_create

from ..calculations import LoanQuote, loan_quote
from ..models import (
    OPEN_REQUEST,
    UNPAID_PREMIUM,
    BankAccount,
    LoanStatus,
    Policy,
    PolicyLoan,
    RequestStatus,
    RequestType,
    ServicingRequest,
)
from .common import Outcome, audit_record, idempotent, reason_text, request_complete, request_open
from .notify import request_outcome_notify
from .review import payout_route

logger = logging.getLogger(__name__)


MAX_AMOUNT = Decimal("1e12")


def amount_validate(amount: Decimal, *, field: str = "amount") -> Decimal:
    """An amount as a person means it: above zero, in yuan and fen, and not absurdly large."""
    if amount is None or not amount.is_finite() or amount <= 0:
        raise ServiceError(ErrorCode.INVALID, _("Enter an amount greater than zero."), field=field)
    if amount >= MAX_AMOUNT:
        raise ServiceError(ErrorCode.INVALID, _("This amount is too large."), field=field)
    if amount != amount.quantize(CENT):
        raise ServiceError(
            ErrorCode.INVALID, _("Enter an amount in yuan with at most two decimals."), field=field
        )
    return amount.quantize(CENT)


def policy_loan_quote(*, policy: Policy, customer_id: int | None, on=None) -> LoanQuote:
    """Quote one policy from the database (the list views quote from prefetched rows instead)."""
    on = on or business_today()
    return loan_quote(
        policy,
        on=on,
        customer_id=customer_id,
        cash_values=list(policy.cash_values.all()),
        loans=list(policy.loans.filter(status__in=(LoanStatus.ACTIVE, LoanStatus.DISBURSING))),
        premiums=list(policy.premiums.filter(status__in=UNPAID_PREMIUM, due_date__lte=on)),
        has_open_loan_request=ServicingRequest.objects.filter(
            policy=policy, type=RequestType.POLICY_LOAN, status__in=OPEN_REQUEST
        ).exists(),
    )


def _quote_refusal(quote: LoanQuote) -> ServiceError:
    return ServiceError(ErrorCode.NOT_ELIGIBLE, reason_text(quote.reason_code), field="policyId")


@dataclass
class LoanApplied(Outcome):
    MODELS: ClassVar[dict] = {"request": ServicingRequest, "loan": PolicyLoan}
    request: ServicingRequest
    loan: PolicyLoan | None  # None while the request waits for a person


def loan_apply(
    *,
    customer,
    actor,
    policy: Policy,
    amount: Decimal,
    bank_account: BankAccount,
    idempotency_key: str,
    risk_ack: str | None = None,
) -> dict:
    """Apply for a loan against a policy's cash value (idempotent per key)."""
    amount = amount_validate(amount)
    payload = {"policy": policy.pk, "amount": str(amount), "bank_account": bank_account.pk}

    def run() -> dict:
        # The policy row lock serializes every loan on this policy: two requests can never
        # both fit under the maximum that only one of them fits under.
        locked = Policy.objects.select_for_update(of=("self",)).select_related("product").get(pk=policy.pk)
        now = timezone.now()
        elder_rules.risk_ack_consume(
            user=actor, customer=customer, operation=RiskOperation.POLICY_LOAN, challenge_id=risk_ack, now=now
        )
        quote = policy_loan_quote(policy=locked, customer_id=customer.pk)
        if not quote.eligible:
            raise _quote_refusal(quote)
        if amount < quote.min_amount:
            raise ServiceError(
                ErrorCode.INVALID,
                _("The minimum loan is %(min)s yuan.") % {"min": quote.min_amount},
                field="amount",
            )
        if amount > quote.max_amount:
            raise ServiceError(
                ErrorCode.LIMIT_EXCEEDED,
                _("You can borrow at most %(max)s yuan on this policy.") % {"max": quote.max_amount},
                field="amount",
            )
        request = request_open(
            customer=customer,
            type=RequestType.POLICY_LOAN,
            policy=locked,
            amount=amount,
            summary={
                "bank_account_id": bank_account.pk,
                "bank_account": bank_account.masked_number,
                "max_amount": str(quote.max_amount),
            },
        )
        status = payout_route(
            request=request,
            customer=customer,
            policy=locked,
            bank_account=bank_account,
            amount=amount,
            now=now,
        )
        loan = None
        if status == RequestStatus.AUTO_APPROVED:
            loan = _loan_create(request=request, policy=locked, amount=amount, bank_account=bank_account)
        audit_record(
            actor=actor,
            action="policy_loan.apply",
            obj=request,
            after={"policy": locked.number, "amount": amount, "status": request.status},
        )
        return LoanApplied(request=request, loan=loan)

    return idempotent(
        user=actor,
        key=idempotency_key,
        operation="applyPolicyLoan",
        payload=payload,
        run=run,
        outcome=LoanApplied,
    )


LOAN_DISBURSEMENT = "LOAN_DISBURSEMENT"


def _loan_create(
    *, request: ServicingRequest, policy: Policy, amount: Decimal, bank_account: BankAccount
) -> PolicyLoan:
    """The loan and its payout instruction, in the approving transaction; paid once that commits."""
    loan = PolicyLoan.objects.create(
        policy=policy,
        request=request,
        bank_account=bank_account,
        principal=amount,
        outstanding_principal=amount,
        annual_rate=policy.product.loan_annual_rate,
        term_days=policy.product.loan_term_days,
        status=LoanStatus.DISBURSING,
    )
    instruction_create(
        direction=Direction.PAYOUT,
        purpose=LOAN_DISBURSEMENT,
        reference=f"LOAN-{loan.pk}",
        subject=loan,
        amount=amount,
        bank_account=bank_account,
    )
    return loan


def loan_create_after_approval(*, request: ServicingRequest) -> PolicyLoan:
    """A reviewer approved: check the maximum again (time has passed) and start the payout."""
    policy = (
        Policy.objects.select_for_update(of=("self",)).select_related("product").get(pk=request.policy_id)
    )
    quote = policy_loan_quote(policy=policy, customer_id=request.customer_id)
    # This request itself is the open one; only the amount still has to fit.
    if request.amount > quote.headroom or quote.reason_code not in (None, "PENDING_REQUEST"):
        raise ServiceError(ErrorCode.LIMIT_EXCEEDED, _("The amount no longer fits under the loan maximum."))
    bank_account = BankAccount.objects.get(pk=_request_bank_account_id(request))
    return _loan_create(request=request, policy=policy, amount=request.amount, bank_account=bank_account)


def _request_bank_account_id(request: ServicingRequest) -> int:
    return request.summary["bank_account_id"]


def loan_disbursed(*, instruction) -> None:
    """The bank paid the loan out (in the settling transaction): it runs from today."""
    loan = (
        PolicyLoan.objects.select_for_update(of=("self",))
        .select_related("request")
        .get(pk=instruction.subject_id)
    )
    if loan.status != LoanStatus.DISBURSING:
        return
    today = business_today()
    loan.status = LoanStatus.ACTIVE
    loan.disbursed_on = loan.interest_from = today
    loan.due_on = today + timedelta(days=loan.term_days)
    loan.save(update_fields=["status", "disbursed_on", "interest_from", "due_on"])
    request_complete(loan.request)
    request_outcome_notify(loan.request)
    audit_record(
        actor=None,
        action="policy_loan.disburse",
        obj=loan,
        before={"status": LoanStatus.DISBURSING},
        after={"status": loan.status, "amount": loan.principal, "reference": instruction.reference},
    )


def loan_payout_refused(*, instruction) -> None:
    """The bank refused the payout (a definite answer, never a timeout): the loan is cancelled."""
    loan = (
        PolicyLoan.objects.select_for_update(of=("self",))
        .select_related("request")
        .get(pk=instruction.subject_id)
    )
    if loan.status != LoanStatus.DISBURSING:
        return
    logger.warning("loan %s payout refused: %s", loan.pk, instruction.last_error)
    loan.status = LoanStatus.CANCELLED
    loan.save(update_fields=["status"])
    request_complete(loan.request, status=RequestStatus.REJECTED, reasons=["PAYOUT_FAILED"])
    request_outcome_notify(loan.request)
    audit_record(
        actor=None,
        action="policy_loan.disburse",
        obj=loan,
        before={"status": LoanStatus.DISBURSING},
        after={"status": loan.status, "amount": loan.principal, "reference": instruction.reference},
    )
