"""Collector settings of long-running processes, and the record of its pauses."""

import gc

import pytest
from celery.signals import worker_process_init

from core import runtime


@pytest.fixture
def restored_collector():
    threshold = gc.get_threshold()
    callbacks = list(gc.callbacks)
    yield
    gc.set_threshold(*threshold)
    gc.callbacks[:] = callbacks
    gc.unfreeze()


def test_the_test_process_leaves_its_collector_alone():
    import config.asgi  # noqa: F401  (imported by the websocket tests too)

    assert runtime._on_collect not in gc.callbacks


def test_a_celery_worker_process_freezes_start_up_and_times_its_pauses(restored_collector, settings):
    settings.TUNE_COLLECTOR = True
    import config.celery_app  # noqa: F401  (connects the signal handlers)

    gc.set_threshold(50_000, 10, 10)
    unfrozen = gc.get_freeze_count()
    worker_process_init.send(sender=None)

    assert gc.get_threshold() == (runtime.GEN0_THRESHOLD, 10, 10)
    assert gc.get_freeze_count() > unfrozen  # what start-up loaded is out of the collector's passes
    assert runtime._on_collect in gc.callbacks


def test_the_asgi_process_tunes_its_collector(restored_collector, settings, monkeypatch):
    settings.TUNE_COLLECTOR = True
    import importlib
    import threading

    import config.asgi
    import feedback.sentiment

    models = []
    monkeypatch.setattr(feedback.sentiment, "warm", lambda: models.append({"loaded": ["model"]}))
    gc.set_threshold(50_000, 10, 10)
    importlib.reload(config.asgi)
    for thread in threading.enumerate():
        if thread.name == "sentiment-warm":
            thread.join(timeout=60)

    assert gc.get_threshold()[0] == runtime.GEN0_THRESHOLD
    assert runtime._on_collect in gc.callbacks
    # What loads beside the start is frozen once loaded: no pass walks the models again.
    assert models and not any(obj is models[0] for obj in gc.get_objects())


def test_every_pass_is_timed_by_generation_and_counted_on_metrics(restored_collector):
    from core.metrics import GC_PAUSE_SECONDS

    runtime.record_pauses()
    runtime.record_pauses()  # once only
    assert gc.callbacks.count(runtime._on_collect) == 1
    runtime.pauses(reset=True)
    before = GC_PAUSE_SECONDS.labels(generation="2")._sum.get()

    gc.collect()
    gc.collect(0)

    taken = runtime.pauses(reset=True)
    assert [generation for generation, _ in taken][-2:] == [2, 0]
    assert all(0 <= seconds < 5 for _, seconds in taken)
    assert GC_PAUSE_SECONDS.labels(generation="2")._sum.get() > before
    assert runtime.pauses() == []
