"""Celery application: Redis broker when REDIS_URL is set, eager in-process tasks otherwise."""

import os

from celery import Celery
from celery.signals import setup_logging, task_postrun, task_prerun, worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("nuanxin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect  # the worker's own process (solo and thread pools run tasks there)
@worker_process_init.connect  # each prefork child
def _tune_worker_process(**_kwargs) -> None:
    from django.conf import settings

    from core.observability import tracing_init
    from core.runtime import tune_collector

    if settings.TUNE_COLLECTOR:
        tune_collector()
    tracing_init(service="nuanxin-worker")


_task_tokens: dict = {}


@task_prerun.connect
def _task_request_id(task_id=None, task=None, **_kwargs) -> None:
    """A task's log lines carry its id where a request's carry the request id, and its changes reach
    the trigger audit trail under the task's name."""
    from core.audit import history_context
    from core.logging import request_id_var

    history = history_context(job=getattr(task, "name", "task"), task_id=task_id)
    history.__enter__()
    _task_tokens[task_id] = (request_id_var.set(f"task-{task_id}"), history)


@task_postrun.connect
def _task_request_id_end(task_id=None, **_kwargs) -> None:
    from core.logging import request_id_var

    token, history = _task_tokens.pop(task_id, (None, None))
    if token is not None:
        request_id_var.reset(token)
        history.__exit__(None, None, None)


@setup_logging.connect  # connected: Celery leaves logging to us instead of installing its own
def _django_logging(**_kwargs) -> None:
    """Workers and beat log through settings.LOGGING, whose formatter masks personal data."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
