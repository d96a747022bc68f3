"""Labels of third-party admin screens (django-celery-beat) that ship no Chinese
translation: marked here so that makemessages keeps them in our catalog, which Django consults
first. Never imported; it exists for the catalog."""

from django.utils.translation import gettext_noop

LABELS = [
    gettext_noop("Scheduler"),
    gettext_noop("Task Name"),
    gettext_noop("Human readable"),
]
