"""Celery wrappers around new-business services."""

from celery import shared_task

from .services import callbacks


@shared_task(acks_late=True, reject_on_worker_lost=True)
def policy_callbacks_expire() -> int:
    return callbacks.policy_callbacks_expire()
