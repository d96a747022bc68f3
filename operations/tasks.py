"""Periodic jobs of the pool: thin wrappers of their services."""

from celery import shared_task

from .services import dispatch, presence, sla


@shared_task(name="operations.tasks.presence_sweep")
def presence_sweep() -> int:
    return presence.presence_sweep()


@shared_task(name="operations.tasks.sla_flags_announce")
def sla_flags_announce() -> dict:
    return sla.sla_flags_announce()


@shared_task(name="operations.tasks.pool_dispatch")
def pool_dispatch() -> int:
    return dispatch.pool_dispatch()
