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
TASKS = [
    # name, task, crontab (minute, hour) or None for every minute
    ("Daily reminder scan", "reminders.tasks.reminder_scan", ("0", "7")),
    ("Agents' morning digest", "reminders.tasks.agent_morning_digest", ("0", "8")),
    ("Push sender (deferred, retries)", "reminders.tasks.push_outbox_send_due", ("*", "*")),
]


def install(apps, schema_editor):
    ReminderRule = apps.get_model("reminders", "ReminderRule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for kind, (stages, system_push) in RULES.items():
        ReminderRule.objects.get_or_create(kind=kind, defaults={"stages": stages, "system_push_last_stage": system_push})
    for name, task, (minute, hour) in TASKS:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab, "enabled": True})


def uninstall(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task__startswith="reminders.tasks.").delete()
    apps.get_model("reminders", "ReminderRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0002_reminderrule_notificationsettings_reminder_and_more"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
