"""Celery wrappers for chat housekeeping."""

from celery import shared_task

from .services import lifecycle


@shared_task(acks_late=True, reject_on_worker_lost=True)
def chats_close_idle() -> int:
    return lifecycle.chats_close_idle()


@shared_task(name="chat.tasks.retention_purge")
def retention_purge() -> dict:
    from .retention import retention_purge as purge

    return purge()
