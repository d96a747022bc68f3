"""Handing work to Celery after commit, so that a provider or broker failure never becomes an error
for a write that has committed: the failure is logged (masked), and the task's own retries do the rest."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, **kwargs) -> None:
    """`task.delay(**kwargs)` once the transaction commits; a failure to enqueue (or, in eager mode,
    the task's own failure) is logged, never raised into the request."""

    def enqueue() -> None:
        try:
            task.delay(**kwargs)
        except Exception:
            logger.exception("task %s could not be run after commit", task.name)

    transaction.on_commit(enqueue)
