"""Labels of third-party admin screens (django-axes, django-celery-beat) that ship no Chinese
translation: marked here so that makemessages keeps them in our catalog, which Django consults
first. Never imported; it exists for the catalog."""

from django.utils.translation import gettext_noop

LABELS = [
    gettext_noop("Attempt Time"),
    gettext_noop("IP Address"),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
    gettext_noop("Path"),
    gettext_noop("Failed Logins"),
    gettext_noop("Status"),
    gettext_noop("Logout Time"),
    gettext_noop("Access lock out"),
    gettext_noop("Scheduler"),
    gettext_noop("Task Name"),
    gettext_noop("Human readable"),
]
