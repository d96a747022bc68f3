"""Operations the mobile apps may run when the allowlist is on (GRAPHQL_PERSISTED_ONLY): registered
by hash from the apps' .graphql files (`manage.py register_operations`)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PersistedOperation(models.Model):
    sha256 = models.CharField(_("SHA-256 of the document"), max_length=64, unique=True)
    name = models.CharField(_("operation name"), max_length=100, blank=True)
    client = models.CharField(_("client"), max_length=32, help_text=_("The app the document ships in."))
    document = models.TextField(_("document"))
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)

    class Meta:
        verbose_name = _("registered operation")
        verbose_name_plural = _("registered operations")

    def __str__(self) -> str:
        return f"{self.name or self.sha256[:12]} ({self.client})"
