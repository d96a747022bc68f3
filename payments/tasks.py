"""Celery wrappers around the payment services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def instruction_send(instruction_id: int) -> str:
    return services.instruction_send(instruction_id=instruction_id)


@shared_task
def payments_sweep() -> dict:
    return services.payments_sweep()
