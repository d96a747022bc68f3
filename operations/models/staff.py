"""The staff side of the pool: who is online (kept alive by the workbench's heartbeat), what each
person may be given (skills with a capacity each) and which languages and dialects they speak."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .tasks import Language, Skill


class Availability(models.TextChoices):
    ONLINE = "ONLINE", _("Online")
    AWAY = "AWAY", _("Away")
    OFFLINE = "OFFLINE", _("Offline")


class StaffPresence(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="presence",
        verbose_name=_("staff member"),
    )
    status = models.CharField(
        max_length=8, choices=Availability.choices, default=Availability.OFFLINE, verbose_name=_("status")
    )
    # Refreshed by the workbench every few seconds; 60 s of silence makes the person OFFLINE.
    last_heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    # Idle longest first: the one given work least recently gets the next piece.
    last_assigned_at = models.DateTimeField(_("last given work at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("staff presence")
        verbose_name_plural = _("staff presence")
        indexes = [models.Index(fields=["status", "last_heartbeat_at"], name="presence_live_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.status}"


class StaffSkill(models.Model):
    """A skill a person is dispatched for, and how many pieces of it they hold at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="skills",
        verbose_name=_("staff member"),
    )
    skill = models.CharField(_("skill"), max_length=12, choices=Skill.choices)
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=3)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="staff_skill_unique"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=50), name="staff_capacity_1_50"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_skill_display()} ×{self.capacity}"


class StaffLanguage(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="languages",
        verbose_name=_("staff member"),
    )
    language = models.CharField(_("language"), max_length=4, choices=Language.choices)

    class Meta:
        verbose_name = _("language spoken")
        verbose_name_plural = _("languages spoken")
        constraints = [models.UniqueConstraint(fields=["user", "language"], name="staff_language_unique")]

    def __str__(self) -> str:
        return self.get_language_display()
