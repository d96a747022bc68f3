"""Every movement of money to or from a bank, as a row written with the business change that causes
it (an outbox): the provider is called after commit, outside any row lock, and its answer comes back
as a change of this row's status."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit
from core.crypto import EncryptedCharField
from core.masking import mask_account_number

MONEY = {"max_digits": 14, "decimal_places": 2}


class Direction(models.TextChoices):
    COLLECT = "COLLECT", _("Collection from the customer")
    PAYOUT = "PAYOUT", _("Payout to the customer")


class InstructionStatus(models.TextChoices):
    PENDING = "PENDING", _("Waiting to be sent")
    SENT = "SENT", _("Sent to the bank")
    SETTLED = "SETTLED", _("Settled")
    FAILED = "FAILED", _("Refused by the bank")
    UNKNOWN = "UNKNOWN", _("Outcome unknown (being reconciled)")


OPEN_INSTRUCTION = (InstructionStatus.PENDING, InstructionStatus.SENT, InstructionStatus.UNKNOWN)


@audit.track
class PaymentInstruction(models.Model):
    # Sent to the provider, which de-duplicates on it: a retry can never pay twice.
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    # What the money is for; the owning app registers what its settlement or refusal does.
    purpose = models.CharField(_("purpose"), max_length=32)
    subject_type = models.CharField(_("subject type"), max_length=32)
    subject_id = models.BigIntegerField(_("subject"))
    amount = models.DecimalField(_("amount"), **MONEY)
    # Copied from the customer's account at the time: the record of where the money went, even if
    # the account is later changed or removed.
    bank_code = models.CharField(_("bank code"), max_length=16)
    account_number = EncryptedCharField(_("account number"), max_length=19)
    holder_name = models.CharField(_("holder name"), max_length=64)
    status = models.CharField(
        _("status"), max_length=8, choices=InstructionStatus.choices, default=InstructionStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    provider_reference = models.CharField(_("bank's reference"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("settled or refused at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment instruction")
        verbose_name_plural = _("payment instructions")
        indexes = [
            # The sweeper and reconciliation read only the unfinished ones.
            models.Index(
                fields=["status", "sent_at"],
                name="payment_open_idx",
                condition=Q(status__in=["PENDING", "SENT", "UNKNOWN"]),
            ),
            models.Index(fields=["subject_type", "subject_id"], name="payment_subject_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=False) | Q(status__in=["PENDING", "SENT", "UNKNOWN"]),
                name="payment_finished_is_timed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} {self.status}"

    @property
    def masked_account_number(self) -> str:
        return mask_account_number(self.account_number)


class SimulatedBankEntry(models.Model):
    """The simulator's own ledger (the stand-in bank's books, for `make run`, tests and the drill):
    one row per reference it moved money for, whatever process called it."""

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    operation = models.CharField(_("operation"), max_length=8)
    amount = models.DecimalField(_("amount"), **MONEY)
    paid = models.BooleanField(_("paid"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("simulated bank entry")
        verbose_name_plural = _("simulated bank entries")

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} {'paid' if self.paid else 'refused'}"
