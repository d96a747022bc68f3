from django.apps import AppConfig, apps


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import checks  # noqa: F401 - registers the deploy checks
        from .schedules import periodic_tasks_install

        # Sent per app with models: hook onto django-celery-beat's, whose tables hold the schedule.
        beat = apps.get_app_config("django_celery_beat")
        post_migrate.connect(periodic_tasks_install, sender=beat, dispatch_uid="core.periodic_tasks")
