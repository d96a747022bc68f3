"""Celery wrappers for reminders and push. Senders are idempotent (claimed rows, at-least-once) and
acknowledged late, so a worker lost mid-batch has its batch delivered again."""

from celery import shared_task

from core.money import business_today

from .services import outbox, push, scan


@shared_task(acks_late=True, reject_on_worker_lost=True)
def reminder_scan(day: str | None = None) -> dict:
    """The daily scan, then the system's pushes handed to workers in batches: a first day over a
    large book can have tens of thousands, more than one task should hold."""
    from datetime import date

    result = scan.reminder_scan(day=date.fromisoformat(day) if day else business_today(), system_push=False)
    due = push.reminders_due_for_system_push(rules=scan.reminder_rules())
    batch = push.SYSTEM_PUSH_BATCH
    for start in range(0, len(due), batch):
        reminders_system_push.delay(due[start : start + batch])
    return {
        "created": result.created,
        "resolved": result.resolved,
        "expired": result.expired,
        "system_push_batches": -(-len(due) // batch),
    }


@shared_task(acks_late=True, reject_on_worker_lost=True)
def reminders_system_push(reminder_ids: list[int]) -> int:
    return push.reminders_system_push(reminder_ids=reminder_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def push_outbox_drain() -> dict:
    return outbox.push_outbox_drain()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def push_outbox_send_due() -> dict:
    """The periodic sender: deferred pushes at 08:00, retries when their backoff ends, stragglers."""
    outbox.push_outbox_reap()
    return outbox.push_outbox_drain_all()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def agent_morning_digest() -> int:
    return push.agent_morning_digest()


@shared_task(name="reminders.tasks.retention_purge")
def retention_purge() -> dict:
    from .retention import retention_purge as purge

    return purge()
