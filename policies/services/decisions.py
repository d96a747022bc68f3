"""Decisions made by people: a reviewer approves or rejects, a customer cancels."""

from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode, ServiceError

from ..models import Benefit, BenefitStatus, RequestStatus, RequestType, ServicingRequest
from .benefits import benefit_payout_start
from .common import audit_record, request_decide, request_route, request_withdraw
from .loans import loan_create_after_approval
from .notify import request_outcome_notify


def servicing_request_approve(*, request_id: int, reviewer) -> ServicingRequest:
    """A reviewer approves a request from the review queue, which carries it out."""
    with transaction.atomic():
        request = ServicingRequest.objects.select_for_update().get(pk=request_id)
        if request.status != RequestStatus.PENDING_REVIEW:
            raise ServiceError(ErrorCode.NOT_ELIGIBLE, _("Only requests pending review can be approved."))
        request_decide(request, status=RequestStatus.APPROVED, decided_by=reviewer)
        _carry_out(request)
    return request


def servicing_request_reject(*, request_id: int, reviewer, note: str = "") -> ServicingRequest:
    with transaction.atomic():
        request = ServicingRequest.objects.select_for_update().get(pk=request_id)
        if request.status != RequestStatus.PENDING_REVIEW:
            raise ServiceError(ErrorCode.NOT_ELIGIBLE, _("Only requests pending review can be rejected."))
        if note:
            request.summary = {**request.summary, "reviewer_note": note}
            request.save(update_fields=["summary"])
        request_decide(
            request,
            status=RequestStatus.REJECTED,
            reasons=[*request.reasons, "REVIEWER_REJECTED"],
            decided_by=reviewer,
        )
        _release_claim(request)
        request_outcome_notify(request)
    return request


def servicing_request_cancel(*, request: ServicingRequest, actor) -> ServicingRequest:
    """The customer withdraws a request that is not yet decided (or is held for a callback)."""
    with transaction.atomic():
        request = ServicingRequest.objects.select_for_update().get(pk=request.pk)
        cancellable = (RequestStatus.SUBMITTED, RequestStatus.PENDING_REVIEW, RequestStatus.HELD_FOR_CALLBACK)
        if request.status not in cancellable:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE, _("This request has already been decided."), field="requestId"
            )
        before = {"status": request.status}
        request_withdraw(request, reasons=["CUSTOMER_CANCELLED"])
        audit_record(
            actor=actor, action="request.cancel", obj=request, before=before, after={"status": request.status}
        )
        _release_claim(request)
    return request


# Request types of apps above policies (new business's cooling-off refund): what approval carries out.
_CARRY_OUT: dict[str, Callable[..., None]] = {}


def carry_out_register(request_type: str, run: Callable[..., None]) -> None:
    """What approving (or releasing) a request of `request_type` does; called from an AppConfig.ready."""
    _CARRY_OUT[request_type] = run


def _carry_out(request: ServicingRequest) -> None:
    """An approved payout request: create and disburse the loan, or pay the claimed benefit."""
    if request.type == RequestType.POLICY_LOAN:
        loan_create_after_approval(request=request)
    elif request.type == RequestType.BENEFIT_CLAIM:
        benefit_payout_start(benefit=Benefit.objects.select_for_update().get(request=request))
    elif request.type in _CARRY_OUT:
        _CARRY_OUT[request.type](request=request)


def _release_claim(request: ServicingRequest) -> None:
    """A benefit claimed by a request that will not pay becomes available again."""
    if request.type == RequestType.BENEFIT_CLAIM:
        Benefit.objects.filter(request=request, status=BenefitStatus.CLAIMED).update(
            status=BenefitStatus.AVAILABLE, claimed_at=None, bank_account=None
        )


def held_request_release(*, request_id: int, staff) -> ServicingRequest:
    """The customer confirmed on the callback: go on as automation would have, or to a reviewer."""
    with transaction.atomic():
        request = ServicingRequest.objects.select_for_update().get(pk=request_id)
        if request.status != RequestStatus.HELD_FOR_CALLBACK:
            raise ServiceError(ErrorCode.NOT_ELIGIBLE, _("Only held requests can be released."))
        review = request.summary.get("review_reasons", [])
        if review:
            request_route(request, status=RequestStatus.PENDING_REVIEW, reasons=review, routed_by=staff)
            return request
        request_decide(request, status=RequestStatus.APPROVED, decided_by=staff)
        _carry_out(request)
    return request


def held_request_cancel(*, request_id: int, staff, reason: str) -> ServicingRequest:
    """The customer refused on the callback, or nobody confirmed in time: nothing is paid."""
    with transaction.atomic():
        request = ServicingRequest.objects.select_for_update().get(pk=request_id)
        if request.status != RequestStatus.HELD_FOR_CALLBACK:
            raise ServiceError(ErrorCode.NOT_ELIGIBLE, _("Only held requests can be cancelled."))
        request_decide(
            request, status=RequestStatus.CANCELLED, reasons=[*request.reasons, reason], decided_by=staff
        )
        _release_claim(request)
        request_outcome_notify(request)
    return request
