"""dlcourse.seeding: one seed makes Python, NumPy, the engine and Keras repeat themselves."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import numpy as np
import pytest

from dlcourse.seeding import seed_everything


def test_python_numpy_and_engine_repeat_without_importing_tensorflow():
    import dlcourse.nn as nn

    def draw():
        layer = nn.Dense(3)
        layer.build((4,))
        return random.random(), np.random.rand(), np.array(layer.kernel)

    seed_everything(7, keras=False)
    first = draw()
    seed_everything(7, keras=False)
    second = draw()
    seed_everything(8, keras=False)
    other = draw()
    assert first[0] == second[0] and first[1] == second[1] and np.array_equal(first[2], second[2])
    assert first[0] != other[0] and first[1] != other[1] and not np.array_equal(first[2], other[2])


def test_importing_seeding_and_seeding_without_keras_do_not_import_tensorflow():
    code = ("import sys; from dlcourse.seeding import seed_everything; seed_everything(1, keras=False); "
            "print('tensorflow' in sys.modules, 'keras' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


def test_import_keras_hides_tensorflow_start_up_notices():
    code = ("import os; os.environ.pop('TF_CPP_MIN_LOG_LEVEL', None); from dlcourse.seeding import import_keras; "
            "k = import_keras(); print(os.environ['TF_CPP_MIN_LOG_LEVEL'], k.__name__)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["3", "keras"]
    assert "oneDNN" not in result.stderr and "InitializeLog" not in result.stderr


def _train_tiny(seed):
    keras = pytest.importorskip("keras")
    seed_everything(seed)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 8)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int64")
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dropout(0.3), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy")
    initial = model.get_weights()[0].copy()
    history = model.fit(x, y, batch_size=32, epochs=3, verbose=0, shuffle=True)
    return initial, history.history["loss"], model.layers[0].name


def test_keras_runs_repeat_exactly_and_the_session_is_cleared():
    first_weights, first_loss, first_name = _train_tiny(3)
    second_weights, second_loss, second_name = _train_tiny(3)
    other_weights, other_loss, _ = _train_tiny(4)
    assert np.array_equal(first_weights, second_weights)
    assert first_loss == second_loss  # same initial weights, same shuffling, same dropout masks
    assert not np.array_equal(first_weights, other_weights) and first_loss != other_loss
    assert first_name == second_name == "dense"  # clear_session restarts the layer names


class FakeThreading:
    """Stands in for ``tf.config.threading``: 0 means "not set", like TensorFlow's getters."""

    def __init__(self, intra=0, inter=0, started=False):
        self.sizes = {"intra": intra, "inter": inter}
        self.started = started

    def _set(self, name, n):
        if self.started:
            raise RuntimeError(f"{name} op parallelism cannot be modified after initialization.")
        self.sizes[name] = n

    def get_intra_op_parallelism_threads(self):
        return self.sizes["intra"]

    def get_inter_op_parallelism_threads(self):
        return self.sizes["inter"]

    def set_intra_op_parallelism_threads(self, n):
        self._set("intra", n)

    def set_inter_op_parallelism_threads(self, n):
        self._set("inter", n)


def test_tensorflow_pools_follow_the_usable_cpus_unless_the_learner_chose():
    from dlcourse.seeding import follow_usable_cpus

    fake = FakeThreading()
    assert follow_usable_cpus(fake, environ={}, cpus=1) == {"intra_op": 1, "inter_op": 1}
    assert fake.sizes == {"intra": 1, "inter": 1}

    fake = FakeThreading()      # the learner's environment variable wins
    assert follow_usable_cpus(fake, environ={"TF_NUM_INTRAOP_THREADS": "4"}, cpus=1) == {"inter_op": 1}
    assert fake.sizes == {"intra": 0, "inter": 1}

    fake = FakeThreading(inter=3)  # so does a size already given to tf.config.threading
    assert follow_usable_cpus(fake, environ={}, cpus=2) == {"intra_op": 2}
    assert fake.sizes == {"intra": 2, "inter": 3}

    fake = FakeThreading(started=True)  # TensorFlow already running: nothing changes, nothing raises
    assert follow_usable_cpus(fake, environ={}, cpus=1) == {}


def test_import_keras_sizes_tensorflow_to_the_usable_cpus_and_keeps_the_learners_setting():
    code = ("from dlcourse.seeding import import_keras; from dlcourse.cpus import usable_cpus; "
            "import_keras(); import tensorflow as tf; t = tf.config.threading; "
            "print(usable_cpus(), t.get_intra_op_parallelism_threads(), t.get_inter_op_parallelism_threads())")
    env = {**os.environ, "TF_NUM_INTRAOP_THREADS": "1"}
    env.pop("TF_NUM_INTEROP_THREADS", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    usable, intra, inter = (int(v) for v in out.split())
    assert (intra, inter) == (0, usable)     # intra-op left to the learner's variable
