"""The periodic jobs, in one place: settings.PERIODIC_TASKS lists them (name, task, Shanghai time),
and every `migrate` installs what is missing on django-celery-beat. Operators then change times or
switch jobs off in the admin; an installed row is never overwritten."""

from django.conf import settings


def periodic_tasks_install(**_kwargs) -> int:
    """Create the periodic tasks of settings.PERIODIC_TASKS that do not exist yet. Returns how many."""
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    created = 0
    for entry in settings.PERIODIC_TASKS:
        if "every_seconds" in entry:
            # Sub-minute jobs (presence, SLA watch) run on an interval rather than a crontab.
            interval, _ = IntervalSchedule.objects.get_or_create(
                every=entry["every_seconds"], period=IntervalSchedule.SECONDS
            )
            _task, made = PeriodicTask.objects.get_or_create(
                name=entry["name"], defaults={"task": entry["task"], "interval": interval, "enabled": True}
            )
            created += made
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=entry["minute"],
            hour=entry["hour"],
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Asia/Shanghai",
        )
        _task, made = PeriodicTask.objects.get_or_create(
            name=entry["name"], defaults={"task": entry["task"], "crontab": crontab, "enabled": True}
        )
        created += made
    return created
