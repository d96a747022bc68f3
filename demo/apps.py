from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo book for `make run` and the benchmarks: it seeds every app, so it sits above them."""

    name = "demo"
    verbose_name = _("Demo data")
