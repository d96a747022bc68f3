"""Garbage-collector settings for long-running processes, and a record of the collector's pauses."""

import gc
import time
from collections import deque

from .metrics import GC_PAUSE_SECONDS

# The default youngest-generation threshold (700) with the next ones collected every 10 of the one
# below keeps each pass small: a pass walks only its generation and the younger ones, and the
# start-up objects are frozen out of every pass.
GEN0_THRESHOLD = 700
PAUSES_KEPT = 100_000

_started: list[float] = []
_pauses: deque[tuple[int, float]] = deque(maxlen=PAUSES_KEPT)


def _on_collect(phase: str, info: dict) -> None:
    if phase == "start":
        _started.append(time.perf_counter())
    elif _started:
        seconds = time.perf_counter() - _started.pop()
        _pauses.append((info["generation"], seconds))
        GC_PAUSE_SECONDS.labels(generation=str(info["generation"])).observe(seconds)


def record_pauses() -> None:
    """Time every collector pass (a histogram per generation on /metrics; the last 100,000 kept
    in the process for the benches)."""
    if _on_collect not in gc.callbacks:
        gc.callbacks.append(_on_collect)


def pauses(*, reset: bool = False) -> list[tuple[int, float]]:
    taken = list(_pauses)
    if reset:
        _pauses.clear()
    return taken


def freeze_loaded() -> None:
    """Freeze what was loaded after start-up and lives as long as the process (models loaded
    beside the start). What requests hold at that instant is frozen too, and stays: a few objects
    once, against a pass over the models every time."""
    gc.freeze()


def tune_collector() -> None:
    """Freeze start-up objects and record the collector's pauses, in Celery workers and ASGI servers.

    What start-up loaded (modules, classes, the schema: some 200,000 objects) lives as long as
    the process; frozen, no pass walks it again. What remains is kept small by allocating less per
    request and per socket rather than by collecting less often: a higher youngest-generation
    threshold (once 50,000) made every pass longer and promoted objects still in flight, whose
    second-generation passes then took 16-68 ms and stopped every open socket meanwhile.
    """
    gc.freeze()
    gc.set_threshold(GEN0_THRESHOLD, *gc.get_threshold()[1:])
    record_pauses()
