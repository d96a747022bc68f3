"""Close chats idle for 10 minutes: checked every minute on django-celery-beat."""

from django.db import migrations


def install(apps, schema_editor):
    # Schedules now live in settings.PERIODIC_TASKS, installed after every migrate (core.schedules).
    pass


def uninstall(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task="chat.tasks.chats_close_idle").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
