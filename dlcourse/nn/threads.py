"""How many BLAS threads the engine's matrix multiplies use: one, unless a matmul is large.

NumPy hands every ``@`` to its BLAS library (OpenBLAS in the wheels), which by default starts
one thread per core and splits each multiply between them. For the course's networks that is
a bad bet: a 128x784 @ 784x64 multiply takes a fraction of a millisecond, and its threads
wait for each other at the end of it. On an idle 2-core machine two threads are no faster
than one for these sizes; as soon as anything else wants the CPU (a browser, a video call,
another kernel, a CPU quota on Binder or a hub) the waiting threads spin and an MNIST epoch
goes from about 0.6 s to 10-50 s (``benchmarks/contention.py``). One thread per multiply
keeps the epoch steady.

So ``fit``, ``evaluate``, ``predict`` and the other entry points of
:class:`~dlcourse.nn.Sequential` run inside :func:`blas_threads`, which limits the BLAS pool
to :func:`threads_for` threads: 1 for multiplies below :data:`LARGE_MATMUL_FLOPS`, else the
CPUs this process can use (:func:`dlcourse.cpus.usable_cpus`: affinity and cgroup quota).
Outside these calls the pool is left as it was.

A learner's own choice wins: if ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS`` (or
``MKL_NUM_THREADS``, ``BLIS_NUM_THREADS``, ``GOTO_NUM_THREADS``) is set, or the pool no longer
has its start-up size (e.g. inside the learner's own ``threadpoolctl.threadpool_limits``), the
engine does not touch it. The start-up size is the pool's size when the engine first looks
(at the first ``fit``, ``predict``, ...), normally one thread per core.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dlcourse.cpus import usable_cpus

__all__ = ["LARGE_MATMUL_FLOPS", "USER_VARIABLES", "blas_threads", "threads_for", "user_has_chosen"]

#: Multiplies of at least this many floating-point operations (2 m k n) get all usable CPUs.
#: At 1024x1024x1024 (2.1 GFLOP) two threads are ~1.8x faster on an idle 2-core machine and
#: at worst ~0.7x under load; at the course's sizes (<= 0.1 GFLOP) they are no faster idle and
#: 10-17x slower under load.
LARGE_MATMUL_FLOPS = 1e9

#: Environment variables by which a learner fixes the BLAS thread count themselves.
USER_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                  "BLIS_NUM_THREADS", "GOTO_NUM_THREADS")

_controller: Any = None
_startup_sizes: list[int] | None = None


def threads_for(matmul_flops: float, cpus: int | None = None) -> int:
    """The BLAS threads for multiplies of ``matmul_flops`` (2 m k n): 1, or ``cpus`` if large."""
    cpus = usable_cpus() if cpus is None else cpus
    return max(1, cpus) if matmul_flops >= LARGE_MATMUL_FLOPS else 1


def _blas_pools() -> Any:
    """threadpoolctl's view of the BLAS libraries loaded in this process (made once).

    Also notes each pool's start-up size, to tell a learner's later limit from it.
    """
    global _controller, _startup_sizes
    if _controller is None:
        from threadpoolctl import ThreadpoolController  # noqa: PLC0415 - only when the engine computes

        _controller = ThreadpoolController().select(user_api="blas")
        _startup_sizes = [lib.get_num_threads() for lib in _controller.lib_controllers]
    return _controller


def user_has_chosen(pools: Any = None, environ: Any = None, startup: list[int] | None = None) -> bool:
    """Whether the learner fixed the BLAS thread count (environment variable or their own limit).

    A pool counts as the learner's when its size differs from its start-up size (``startup``,
    one entry per pool; by default the sizes noted when the engine first looked).
    """
    environ = os.environ if environ is None else environ
    if any(environ.get(name, "").strip() for name in USER_VARIABLES):
        return True
    pools = _blas_pools() if pools is None else pools
    startup = _startup_sizes if startup is None else startup
    sizes = [lib.get_num_threads() for lib in pools.lib_controllers]
    return startup is not None and sizes != list(startup)


@contextmanager
def blas_threads(matmul_flops: float) -> Iterator[None]:
    """Limit NumPy's BLAS to :func:`threads_for` threads in the block, unless the learner chose.

    Nested uses (``fit`` calling ``evaluate`` for validation) keep the outer limit.
    """
    pools = _blas_pools()
    if not pools.lib_controllers or user_has_chosen(pools):
        yield
        return
    threads = threads_for(matmul_flops)
    libs = [lib for lib in pools.lib_controllers if lib.get_num_threads() != threads]
    before = [lib.get_num_threads() for lib in libs]
    for lib in libs:
        lib.set_num_threads(threads)
    try:
        yield
    finally:
        for lib, size in zip(libs, before):
            lib.set_num_threads(size)
