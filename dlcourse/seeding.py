"""One call that makes an experiment repeatable: ``seed_everything(42)``.

A network starts from random weights, and ``fit`` shuffles the examples and draws dropout masks
at random. Seeding every random generator involved — Python's, NumPy's, Keras' (and through it
TensorFlow's) and the course engine's (:func:`dlcourse.nn.set_seed`) — makes a run give the same
numbers again. ``seed_everything`` also clears the Keras session, so layer names restart
(``dense``, ``dense_1``, ...) and models of earlier cells do not pile up in memory.

TensorFlow is imported only when Keras is needed (``keras=True``, the default), by
:func:`import_keras`: it sets ``TF_CPP_MIN_LOG_LEVEL=3`` before that first import and hides the
C++ start-up notices TensorFlow prints anyway, so they do not clutter the notebook. It also
sizes TensorFlow's two thread pools (intra-op: threads inside one operation; inter-op:
operations run side by side) to the CPUs the kernel can actually use
(:func:`dlcourse.cpus.usable_cpus`, which sees a Binder or hub CPU quota that TensorFlow
does not), unless the learner has set them (``TF_NUM_INTRAOP_THREADS``,
``TF_NUM_INTEROP_THREADS`` or ``tf.config.threading``).

Introduced in lesson 08.
"""

from __future__ import annotations

import os
import random
import sys
from contextlib import contextmanager
from typing import Any, Iterator

import numpy as np

__all__ = ["follow_usable_cpus", "import_keras", "seed_everything"]


def import_keras() -> Any:
    """Import and return ``keras``, with TensorFlow's C++ log messages turned off first.

    On the first import it also sizes TensorFlow's thread pools to the usable CPUs (see the
    module's docstring); an already imported ``keras`` is returned untouched.

    Introduced in lesson 08.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    if "keras" in sys.modules:
        return sys.modules["keras"]
    with _quiet_stderr():
        import keras  # noqa: PLC0415 - TensorFlow is heavy: import it only when a lesson needs it

    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf  # noqa: PLC0415 - already imported by keras

        follow_usable_cpus(tf.config.threading)
    return keras


def follow_usable_cpus(threading: Any, environ: Any = None, cpus: int | None = None) -> dict[str, int]:
    """Give TensorFlow's intra- and inter-op pools ``cpus`` threads (default: the usable CPUs).

    ``threading`` is ``tf.config.threading``. A pool is left alone when the learner has chosen
    its size (``TF_NUM_INTRAOP_THREADS`` / ``TF_NUM_INTEROP_THREADS`` set, or a size already
    given to ``tf.config.threading``), or when TensorFlow has already started it. Returns the
    sizes set, by pool name.
    """
    from dlcourse.cpus import usable_cpus  # noqa: PLC0415 - keep ``import dlcourse`` light

    environ = os.environ if environ is None else environ
    cpus = usable_cpus() if cpus is None else cpus
    pools = {
        "intra_op": ("TF_NUM_INTRAOP_THREADS", threading.get_intra_op_parallelism_threads,
                     threading.set_intra_op_parallelism_threads),
        "inter_op": ("TF_NUM_INTEROP_THREADS", threading.get_inter_op_parallelism_threads,
                     threading.set_inter_op_parallelism_threads),
    }
    done = {}
    for name, (variable, get, set_) in pools.items():
        if environ.get(variable, "").strip() or get() != 0:
            continue
        try:
            set_(cpus)
        except RuntimeError:  # TensorFlow already runs with its pools: they cannot change now
            continue
        done[name] = cpus
    return done


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Send file descriptor 2 to the null device while TensorFlow starts.

    TensorFlow's C++ start-up notices (absl's "log messages before InitializeLog", oneDNN's
    "custom operations are on") bypass ``TF_CPP_MIN_LOG_LEVEL`` and are written straight to the
    process's stderr, which Jupyter shows under the cell. Python exceptions are unaffected: they
    are raised, not printed, inside the block.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real file descriptor 2 (an unusual host): nothing to hide
        yield
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def seed_everything(seed: int, keras: bool = True) -> None:
    """Seed Python, NumPy, the course engine and (with ``keras=True``) Keras and TensorFlow.

    With ``keras=True`` it also clears the Keras session (``keras.backend.clear_session()``).
    Call it at the start of every experiment, just before building a model: the same seed then
    gives the same initial weights, the same shuffling and the same dropout masks.

    Introduced in lesson 08.
    """
    from dlcourse.nn.seeding import set_seed  # noqa: PLC0415 - keep ``import dlcourse`` light

    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    set_seed(seed)
    if keras:
        module = import_keras()
        module.backend.clear_session()
        module.utils.set_random_seed(seed)
