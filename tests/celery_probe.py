"""A task for tests only (a worker started with `--include tests.celery_probe`): it logs and raises
text with personal data, so a test can read what the worker's log pipeline writes."""

import logging

from celery import shared_task

logger = logging.getLogger("nuanxin.probe")


@shared_task
def probe(text: str) -> None:
    logger.warning("probe says: %s", text)
    raise ValueError(text)
