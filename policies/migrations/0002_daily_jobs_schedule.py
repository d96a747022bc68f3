"""Install the daily policy jobs on django-celery-beat; operators can change the time in the admin."""

from django.db import migrations

TASK = "policies.tasks.policy_daily_jobs"


def install(apps, schema_editor):
    # Schedules now live in settings.PERIODIC_TASKS, installed after every migrate (core.schedules).
    pass


def uninstall(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
