"""Cancel unconfirmed holds daily, on django-celery-beat (editable in the admin)."""

from django.db import migrations

TASK = "elder_mode.tasks.callbacks_expire"


def install(apps, schema_editor):
    # Schedules now live in settings.PERIODIC_TASKS, installed after every migrate (core.schedules).
    pass


def uninstall(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("elder_mode", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
