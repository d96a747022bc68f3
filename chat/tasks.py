"""Celery wrappers for chat housekeeping."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def chats_close_idle() -> int:
    return services.chats_close_idle()
