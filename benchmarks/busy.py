"""Competing load for the benchmarks: one busy process per core, started and stopped on demand.

    with competing_load():          # os.cpu_count() processes, each spinning a pure-Python loop
        ...time something...

Each process is what a learner's browser tab, video call or a classmate's kernel looks like
to the scheduler: a runnable thread that never sleeps. The processes are started with the
``spawn`` method (nothing of the parent is copied) and terminated, then joined, on exit,
also when the timed code raises.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager


def _spin() -> None:  # pragma: no cover - runs in the child processes
    while True:
        pass


@contextmanager
def competing_load(processes: int | None = None) -> Iterator[int]:
    """Run ``processes`` busy processes (default: one per core) for the duration of the block."""
    count = processes if processes is not None else (os.cpu_count() or 1)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_spin, daemon=True) for _ in range(count)]
    for worker in workers:
        worker.start()
    time.sleep(0.5)  # let them start spinning before anything is timed
    try:
        yield count
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join()


def load_average() -> str:
    """The 1-minute load average, for printing next to every figure."""
    return f"{os.getloadavg()[0]:.1f}"
