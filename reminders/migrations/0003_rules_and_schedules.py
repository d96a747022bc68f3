"""Default reminder rules (editable in the admin) and the periodic tasks on django-celery-beat."""

from django.db import migrations

RULES = {
    "RENEWAL_PREMIUM_DUE": ([30, 7, 1], True),
    "LOAN_REPAYMENT_DUE": ([15, 3, 0], True),
    # Benefits have no deadline: the agent follows up; the system does not push them on its own.
    "MATURITY_BENEFIT": ([0], False),
    "SURVIVAL_BENEFIT": ([0], False),
    "LAPSE_RISK": ([15], True),
    # Raised 30 days ahead for the agent; if still unpushed 7 days ahead, the system pushes it.
    "DEBIT_AUTHORIZATION_ISSUE": ([30, 7], True),
}


def install(apps, schema_editor):
    ReminderRule = apps.get_model("reminders", "ReminderRule")
    for kind, (stages, system_push) in RULES.items():
        ReminderRule.objects.get_or_create(kind=kind, defaults={"stages": stages, "system_push_last_stage": system_push})
    # Schedules now live in settings.PERIODIC_TASKS, installed after every migrate (core.schedules).


def uninstall(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task__startswith="reminders.tasks.").delete()
    apps.get_model("reminders", "ReminderRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0002_reminderrule_notificationsettings_reminder_and_more"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
