"""Maturity and survival benefits: claim (idempotent) and payout."""

import logging
from dataclasses import dataclass
from typing import ClassVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode, ServiceError
from elder_mode import rules as elder_rules
from elder_mode.models import RiskOperation

from ..models import BankAccount, Benefit, BenefitStatus, RequestStatus, RequestType, ServicingRequest
from ..providers import payments
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


def benefit_payout_start(*, benefit: Benefit) -> None:
    from ..tasks import benefit_pay

    transaction.on_commit(lambda: benefit_pay.delay(benefit.pk))


def benefit_pay(*, benefit_id: int) -> Benefit:
    """Pay a claimed benefit; idempotent: anything but an approved claim is left alone."""
    with transaction.atomic():
        benefit = (
            Benefit.objects.select_for_update(of=("self",))
            .select_related("bank_account", "request")
            .get(pk=benefit_id)
        )
        approved = (RequestStatus.AUTO_APPROVED, RequestStatus.APPROVED)
        if (
            benefit.status != BenefitStatus.CLAIMED
            or benefit.request is None
            or benefit.request.status not in approved
        ):
            return benefit
        result = payments().disburse(
            reference=f"BENEFIT-{benefit.pk}",
            account_number=benefit.bank_account.account_number,
            holder_name=benefit.bank_account.holder_name,
            amount=benefit.amount,
        )
        request = benefit.request
        if result.ok:
            benefit.status = BenefitStatus.PAID
            benefit.paid_at = timezone.now()
            benefit.save(update_fields=["status", "paid_at"])
            request_complete(request)
        else:
            logger.warning("benefit %s payout failed: %s", benefit.pk, result.error)
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
            after={"status": benefit.status, "amount": benefit.amount},
        )
    return benefit
