"""Accessibility profiles, anti-fraud risk notices and their acknowledgements, callback holds."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CustomerProfile
from core.masking import mask_phone


class Dialect(models.TextChoices):
    NONE = "NONE", _("Mandarin")
    CANTONESE = "CANTONESE", _("Cantonese")
    MINNAN = "MINNAN", _("Minnan")
    SICHUANESE = "SICHUANESE", _("Sichuanese")
    WU = "WU", _("Wu (Shanghainese)")


class AccessibilityProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="accessibility",
        verbose_name=_("user"),
    )
    elder_mode = models.BooleanField(_("elder mode"), default=False)
    font_scale = models.DecimalField(_("font scale"), max_digits=3, decimal_places=2, default=1)
    high_contrast = models.BooleanField(_("high contrast"), default=False)
    read_aloud = models.BooleanField(_("read aloud"), default=False)
    hide_marketing = models.BooleanField(_("hide marketing"), default=False)
    dialect = models.CharField(_("dialect"), max_length=12, choices=Dialect.choices, default=Dialect.NONE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("accessibility profile")
        verbose_name_plural = _("accessibility profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(font_scale__gte=1, font_scale__lte=2), name="font_scale_range"
            )
        ]

    def __str__(self) -> str:
        return f"accessibility of user {self.user_id}"


class RiskOperation(models.TextChoices):
    POLICY_LOAN = "POLICY_LOAN", _("Policy loan")
    BANK_ACCOUNT_CHANGE = "BANK_ACCOUNT_CHANGE", _("Bank account change")
    BENEFIT_PAYOUT = "BENEFIT_PAYOUT", _("Benefit payout")
    CONTACT_CHANGE = "CONTACT_CHANGE", _("Contact change")
    NEW_POLICY = "NEW_POLICY", _("Buying a new policy")
    POLICY_CANCELLATION = "POLICY_CANCELLATION", _("Cancelling a policy")


class RiskNotice(models.Model):
    operation = models.CharField(_("operation"), max_length=24, choices=RiskOperation.choices)
    title_zh = models.CharField(_("title (Chinese)"), max_length=128)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_zh = models.TextField(_("body (Chinese)"))
    body_en = models.TextField(_("body (English)"))
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("risk notice")
        verbose_name_plural = _("risk notices")
        ordering = ("operation", "order", "pk")

    def __str__(self) -> str:
        return self.title_zh


class RiskChallenge(models.Model):
    """Notices shown to one user for one operation; acknowledged once, not before the minimum read time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("challenge"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    operation = models.CharField(max_length=24, choices=RiskOperation.choices, verbose_name=_("operation"))
    notices = models.ManyToManyField(RiskNotice, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now, verbose_name=_("issued at"))
    min_read_seconds = models.PositiveIntegerField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("used at"))

    class Meta:
        verbose_name = _("risk acknowledgement")
        verbose_name_plural = _("risk acknowledgements")

    def __str__(self) -> str:
        return f"{self.operation} challenge {self.pk}"


class TrustedContact(models.Model):
    """Someone the customer trusts, told by SMS when a payout of theirs is held for a callback."""

    customer = models.OneToOneField(
        CustomerProfile, on_delete=models.CASCADE, related_name="trusted_contact", verbose_name=_("customer")
    )
    name = models.CharField(_("name"), max_length=64)
    phone = models.CharField(_("phone"), max_length=11)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("trusted contact")
        verbose_name_plural = _("trusted contacts")

    def __str__(self) -> str:
        return f"{self.name} {mask_phone(self.phone)}"


class CallbackStatus(models.TextChoices):
    OPEN = "OPEN", _("Waiting for the call")
    CONFIRMED = "CONFIRMED", _("Confirmed by the customer")
    REFUSED = "REFUSED", _("Refused by the customer")
    EXPIRED = "EXPIRED", _("No outcome in time")


class CallbackTask(models.Model):
    """Staff call an elderly customer before a held payout goes on."""

    request = models.OneToOneField(
        "policies.ServicingRequest", on_delete=models.CASCADE, related_name="callback"
    )
    customer = models.ForeignKey(
        CustomerProfile, on_delete=models.CASCADE, related_name="callbacks", verbose_name=_("customer")
    )
    reasons = models.JSONField(default=list)
    amount = models.DecimalField(max_digits=14, decimal_places=2, verbose_name=_("amount"))
    status = models.CharField(
        max_length=12, choices=CallbackStatus.choices, default=CallbackStatus.OPEN, verbose_name=_("status")
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    due_by = models.DateTimeField(verbose_name=_("due by"))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("callback before payout")
        verbose_name_plural = _("callbacks before payouts")
        indexes = [models.Index(fields=["status", "due_by"])]

    def __str__(self) -> str:
        return f"callback for request {self.request_id}"
