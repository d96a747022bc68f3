"""Celery wrappers around policy services: the daily jobs (money moves through payments' tasks)."""

from celery import shared_task

from .services import holds, jobs


@shared_task(acks_late=True, reject_on_worker_lost=True)
def policy_daily_jobs(day: str | None = None) -> dict:
    from datetime import date

    return jobs.policy_daily_jobs(day=date.fromisoformat(day) if day else None)


# The name it was scheduled under when it lived in elder_mode (the beat schedule refers to it).
@shared_task(name="elder_mode.tasks.callbacks_expire", acks_late=True, reject_on_worker_lost=True)
def callbacks_expire() -> int:
    return holds.callbacks_expire()


@shared_task(name="policies.tasks.retention_purge")
def retention_purge() -> dict:
    from .retention import retention_purge as purge

    return purge()
