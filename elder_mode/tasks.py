"""Celery wrappers around elder mode services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def callbacks_expire() -> int:
    return services.callbacks_expire()
