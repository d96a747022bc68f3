from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    """The staff workbench page (/console/). It sits above chat, operations and policies because it
    shows their labels; it talks to them only through the GraphQL API, like the apps."""

    name = "workbench"
    verbose_name = _("Staff workbench")
