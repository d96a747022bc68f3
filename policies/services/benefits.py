"""Maturity and survival benefits: claim (idempotent) and payout through a payment instruction."""

import logging
from dataclasses import dataclass
from typing import ClassVar

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode, ServiceError
from elder_mode import rules as elder_rules
from elder_mode.models import RiskOperation
from payments.models import Direction
from payments.services import instruction_create

from ..models import BankAccount, Benefit, BenefitStatus, RequestStatus, RequestType, ServicingRequest
from ..signals import obligations_settle
from .common import Outcome, audit_record, idempotent, request_complete, request_open
from .notify import request_outcome_notify
from .review import payout_route

logger = logging.getLogger(__name__)


@dataclass
class BenefitClaimed(Outcome):
    MODELS: ClassVar[dict] = {"request": ServicingRequest, "benefit": Benefit}
    request: ServicingRequest
    benefit: Benefit


def benefit_claim(
    *,
    customer,
    actor,
    benefit: Benefit,
    bank_account: BankAccount,
    idempotency_key: str,
    risk_ack: str | None = None,
) -> dict:
    """Claim an available benefit to a verified account (idempotent per key)."""
    payload = {"benefit": benefit.pk, "bank_account": bank_account.pk}

    def run() -> dict:
        locked = Benefit.objects.select_for_update(of=("self",)).select_related("policy").get(pk=benefit.pk)
        now = timezone.now()
        elder_rules.risk_ack_consume(
            user=actor,
            customer=customer,
            operation=RiskOperation.BENEFIT_PAYOUT,
            challenge_id=risk_ack,
            now=now,
        )
        if locked.policy.holder_id != customer.pk:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE, _("Only the policyholder can do this."), field="benefitId"
            )
        if locked.status != BenefitStatus.AVAILABLE:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE, _("This benefit is not available to claim."), field="benefitId"
            )
        request = request_open(
            customer=customer,
            type=RequestType.BENEFIT_CLAIM,
            policy=locked.policy,
            amount=locked.amount,
            summary={"bank_account_id": bank_account.pk, "bank_account": bank_account.masked_number},
        )
        locked.status = BenefitStatus.CLAIMED
        locked.claimed_at = now
        locked.bank_account = bank_account
        locked.request = request
        locked.save(update_fields=["status", "claimed_at", "bank_account", "request"])
        status = payout_route(
            request=request,
            customer=customer,
            policy=locked.policy,
            bank_account=bank_account,
            amount=locked.amount,
            now=now,
        )
        if status == RequestStatus.AUTO_APPROVED:
            benefit_payout_start(benefit=locked)
        # Claimed is settled for the reminders: nobody is told again to claim it.
        obligations_settle(policy_ids=[locked.policy_id])
        audit_record(
            actor=actor,
            action="benefit.claim",
            obj=locked,
            before={"status": BenefitStatus.AVAILABLE},
            after={"status": locked.status, "amount": locked.amount, "request_status": request.status},
        )
        return BenefitClaimed(request=request, benefit=locked)

    return idempotent(
        user=actor,
        key=idempotency_key,
        operation="claimBenefit",
        payload=payload,
        run=run,
        outcome=BenefitClaimed,
    )


BENEFIT_PAYOUT = "BENEFIT_PAYOUT"


def benefit_payout_start(*, benefit: Benefit) -> None:
    """The payout instruction of an approved claim, in the approving transaction (one per claim: a
    benefit claimed again after a refused payout gets a new reference)."""
    instruction_create(
        direction=Direction.PAYOUT,
        purpose=BENEFIT_PAYOUT,
        reference=f"BENEFIT-{benefit.request_id}",
        subject=benefit,
        amount=benefit.amount,
        bank_account=benefit.bank_account,
    )


def benefit_paid(*, instruction) -> None:
    """The bank paid the benefit (in the settling transaction)."""
    benefit = (
        Benefit.objects.select_for_update(of=("self",))
        .select_related("request")
        .get(pk=instruction.subject_id)
    )
    if benefit.status != BenefitStatus.CLAIMED:
        return
    benefit.status = BenefitStatus.PAID
    benefit.paid_at = timezone.now()
    benefit.save(update_fields=["status", "paid_at"])
    request_complete(benefit.request)
    request_outcome_notify(benefit.request)
    audit_record(
        actor=None,
        action="benefit.pay",
        obj=benefit,
        before={"status": BenefitStatus.CLAIMED},
        after={"status": benefit.status, "amount": benefit.amount, "reference": instruction.reference},
    )


def benefit_payout_refused(*, instruction) -> None:
    """The bank refused the payout: the benefit may be claimed again (to another account)."""
    benefit = (
        Benefit.objects.select_for_update(of=("self",))
        .select_related("request")
        .get(pk=instruction.subject_id)
    )
    if benefit.status != BenefitStatus.CLAIMED:
        return
    logger.warning("benefit %s payout refused: %s", benefit.pk, instruction.last_error)
    request = benefit.request
    benefit.status = BenefitStatus.AVAILABLE
    benefit.claimed_at = None
    benefit.bank_account = None
    benefit.save(update_fields=["status", "claimed_at", "bank_account"])
    request_complete(request, status=RequestStatus.REJECTED, reasons=["PAYOUT_FAILED"])
    request_outcome_notify(request)
    audit_record(
        actor=None,
        action="benefit.pay",
        obj=benefit,
        before={"status": BenefitStatus.CLAIMED},
        after={"status": benefit.status, "amount": benefit.amount, "reference": instruction.reference},
    )
