"""Celery wrappers around accounts' provider calls."""

from celery import shared_task

from .sms import sms_send as _sms_send


@shared_task(autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600, max_retries=6)
def sms_send(*, phone: str, text: str) -> None:
    """Send one SMS through the configured provider; provider errors are retried with backoff."""
    _sms_send(phone=phone, text=text)


@shared_task(name="accounts.tasks.retention_purge")
def retention_purge() -> dict:
    from .retention import retention_purge as purge

    return purge()
