"""Collector settings of long-running processes."""

import gc

import pytest
from celery.signals import worker_process_init

from core.runtime import GEN0_THRESHOLD


@pytest.fixture
def restored_collector():
    threshold = gc.get_threshold()
    yield
    gc.set_threshold(*threshold)
    gc.unfreeze()


def test_a_celery_worker_process_collects_young_objects_less_often(restored_collector):
    import config.celery_app  # noqa: F401  (connects the signal handlers)

    gc.set_threshold(700, 10, 10)
    unfrozen = gc.get_freeze_count()
    worker_process_init.send(sender=None)

    assert gc.get_threshold() == (GEN0_THRESHOLD, 10, 10)
    assert gc.get_freeze_count() > unfrozen  # what start-up loaded is out of the collector's passes


def test_the_asgi_process_tunes_its_collector(restored_collector):
    import importlib

    import config.asgi

    gc.set_threshold(700, 10, 10)
    importlib.reload(config.asgi)

    assert gc.get_threshold()[0] == GEN0_THRESHOLD
