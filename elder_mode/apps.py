from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElderModeConfig(AppConfig):
    name = "elder_mode"
    verbose_name = _("Elder Mode")
