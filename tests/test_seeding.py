"""dlcourse.seeding: one seed makes Python, NumPy, the engine and Keras repeat themselves."""

from __future__ import annotations

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
