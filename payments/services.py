"""Payment instructions: written with their cause, sent after commit outside any row lock, settled
from the provider's answer; a missing answer is UNKNOWN (never FAILED) until reconciliation asks the
provider. The app that owns an instruction's purpose registers what settling or refusing it does."""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.tasks import enqueue_on_commit

from .models import Direction, InstructionStatus, PaymentInstruction
from .providers import PaymentOutcomeUnknown, PaymentState, payments

logger = logging.getLogger(__name__)

# An instruction SENT this long without an answer recorded (its worker died) is asked about.
SENT_STALE_AFTER = timedelta(minutes=5)
# A PENDING instruction whose send task never ran (the broker lost it) is sent again after this.
PENDING_STALE_AFTER = timedelta(minutes=2)
# Anything still UNKNOWN after this is an alert for operations.
UNKNOWN_ALERT_AFTER = timedelta(hours=1)

# purpose -> called with (instruction=) inside the transaction that settles or refuses it.
_ON_SETTLED: dict[str, Callable[..., None]] = {}
_ON_FAILED: dict[str, Callable[..., None]] = {}


def purpose_register(purpose: str, *, settled: Callable[..., None], failed: Callable[..., None]) -> None:
    """What a settled or refused instruction of `purpose` does (called from an AppConfig.ready)."""
    _ON_SETTLED[purpose] = settled
    _ON_FAILED[purpose] = failed


def instruction_create(
    *,
    direction: str,
    purpose: str,
    reference: str,
    subject,
    amount: Decimal,
    bank_account,
) -> PaymentInstruction:
    """Write an instruction in the caller's transaction; it is sent once that commits."""
    instruction = PaymentInstruction.objects.create(
        reference=reference,
        direction=direction,
        purpose=purpose,
        subject_type=type(subject).__name__,
        subject_id=subject.pk,
        amount=amount,
        bank_code=bank_account.bank_code,
        account_number=bank_account.account_number,
        holder_name=bank_account.holder_name,
    )
    from .tasks import instruction_send as send_task

    enqueue_on_commit(send_task, instruction_id=instruction.pk)
    return instruction


def instruction_send(*, instruction_id: int, now: datetime | None = None) -> str:
    """Send a PENDING instruction once; returns its status afterwards. Safe to run twice, from
    several workers: the claim is a short transaction of its own (SKIP LOCKED), and the provider
    de-duplicates on the reference if a crash makes us send it again."""
    now = now or timezone.now()
    with transaction.atomic():
        instruction = (
            PaymentInstruction.objects.select_for_update(skip_locked=True)
            .filter(pk=instruction_id, status=InstructionStatus.PENDING)
            .first()
        )
        if instruction is None:
            return (
                PaymentInstruction.objects.filter(pk=instruction_id).values_list("status", flat=True).first()
            )
        instruction.status = InstructionStatus.SENT
        instruction.attempts += 1
        instruction.sent_at = now
        instruction.save(update_fields=["status", "attempts", "sent_at"])
    # No transaction and no row lock from here: the bank may take seconds.
    provider = payments()
    call = provider.collect if instruction.direction == Direction.COLLECT else provider.disburse
    try:
        result = call(
            reference=instruction.reference,
            account_number=instruction.account_number,
            holder_name=instruction.holder_name,
            amount=instruction.amount,
        )
    except PaymentOutcomeUnknown as exc:
        return _mark_unknown(instruction.pk, str(exc))
    except Exception as exc:  # a provider bug or network error: the money may have moved
        logger.exception("payment %s: no usable answer from the provider", instruction.reference)
        return _mark_unknown(instruction.pk, type(exc).__name__)
    return instruction_finish(
        instruction_id=instruction.pk, paid=result.ok, error=result.error, provider_reference=result.reference
    )


def _mark_unknown(instruction_id: int, error: str) -> str:
    updated = PaymentInstruction.objects.filter(pk=instruction_id, status=InstructionStatus.SENT).update(
        status=InstructionStatus.UNKNOWN, last_error=error[:200]
    )
    if updated:
        logger.warning(
            "payment instruction %s: outcome unknown (%s); reconciliation will ask", instruction_id, error
        )
    return InstructionStatus.UNKNOWN


def instruction_finish(
    *, instruction_id: int, paid: bool, error: str = "", provider_reference: str = ""
) -> str:
    """Record the provider's definite answer and let the owner act on it, in one transaction; an
    instruction already finished is left as it is (a late duplicate answer)."""
    with transaction.atomic():
        instruction = PaymentInstruction.objects.select_for_update().get(pk=instruction_id)
        if instruction.status not in (InstructionStatus.SENT, InstructionStatus.UNKNOWN):
            return instruction.status
        instruction.status = InstructionStatus.SETTLED if paid else InstructionStatus.FAILED
        instruction.last_error = "" if paid else (error or "refused")[:200]
        instruction.provider_reference = provider_reference[:64]
        instruction.finished_at = timezone.now()
        instruction.save(update_fields=["status", "last_error", "provider_reference", "finished_at"])
        handler = (_ON_SETTLED if paid else _ON_FAILED).get(instruction.purpose)
        if handler is not None:
            handler(instruction=instruction)
    return instruction.status


def instruction_reconcile(*, instruction_id: int) -> str:
    """Ask the provider what became of an UNKNOWN (or long-SENT) instruction and settle it; one it
    never received goes back to PENDING and is sent again under the same reference."""
    instruction = PaymentInstruction.objects.get(pk=instruction_id)
    if instruction.status == InstructionStatus.PENDING:
        return instruction_send(instruction_id=instruction.pk)
    if instruction.status not in (InstructionStatus.SENT, InstructionStatus.UNKNOWN):
        return instruction.status
    try:
        answer = payments().status(reference=instruction.reference)
    except Exception as exc:
        logger.warning("payment %s: status unavailable (%s)", instruction.reference, type(exc).__name__)
        return instruction.status
    if answer.state == PaymentState.NOT_FOUND:
        PaymentInstruction.objects.filter(
            pk=instruction.pk, status__in=(InstructionStatus.SENT, InstructionStatus.UNKNOWN)
        ).update(status=InstructionStatus.PENDING)
        return instruction_send(instruction_id=instruction.pk)
    result = answer.result
    return instruction_finish(
        instruction_id=instruction.pk,
        paid=answer.state == PaymentState.PAID,
        error=result.error if result else "",
        provider_reference=result.reference if result else "",
    )


def payments_sweep(
    *,
    now: datetime | None = None,
    limit: int = 500,
    pending_after: timedelta = PENDING_STALE_AFTER,
    sent_after: timedelta = SENT_STALE_AFTER,
) -> dict:
    """The periodic safety net: send PENDING instructions whose task was lost, reconcile UNKNOWN and
    long-SENT ones, and log an alert line for anything UNKNOWN past an hour."""
    now = now or timezone.now()
    counts = {"resent": 0, "reconciled": 0, "alerts": 0}
    # Several sweepers may list the same instruction: instruction_send's claim (SKIP LOCKED, PENDING
    # only) lets one of them send it.
    stale_pending = list(
        PaymentInstruction.objects.filter(
            status=InstructionStatus.PENDING, created_at__lte=now - pending_after
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in stale_pending:
        instruction_send(instruction_id=pk, now=now)
        counts["resent"] += 1
    unanswered = list(
        PaymentInstruction.objects.filter(status=InstructionStatus.UNKNOWN).values_list("pk", flat=True)[
            :limit
        ]
    ) + list(
        PaymentInstruction.objects.filter(
            status=InstructionStatus.SENT, sent_at__lte=now - sent_after
        ).values_list("pk", flat=True)[:limit]
    )
    for pk in unanswered:
        instruction_reconcile(instruction_id=pk)
        counts["reconciled"] += 1
    for instruction in PaymentInstruction.objects.filter(
        status=InstructionStatus.UNKNOWN, sent_at__lte=now - UNKNOWN_ALERT_AFTER
    ).only("reference", "sent_at")[:limit]:
        logger.error("ALERT payment %s outcome unknown since %s", instruction.reference, instruction.sent_at)
        counts["alerts"] += 1
    return counts
