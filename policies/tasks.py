"""Celery wrappers around policy services: payouts after commit, and the daily jobs."""

from celery import shared_task

from .services import benefits, holds, jobs, loans


@shared_task(acks_late=True, reject_on_worker_lost=True)
def loan_disburse(loan_id: int) -> None:
    loans.loan_disburse(loan_id=loan_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def benefit_pay(benefit_id: int) -> None:
    benefits.benefit_pay(benefit_id=benefit_id)


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
