"""dlcourse.nn.threads: the engine multiplies on one BLAS thread, and leaves a learner's choice alone."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

import dlcourse.nn as nn
from dlcourse.nn import threads


def blas_sizes() -> list[int]:
    return [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]


class Recorder(nn.Callback):
    """Notes the BLAS pool sizes while fit trains and while it validates."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def on_train_batch_end(self, batch, logs=None):
        self.seen.append(("train", blas_sizes()))

    def on_epoch_end(self, epoch, logs=None):
        self.seen.append(("epoch end", blas_sizes()))


def small_model(units: int = 8) -> nn.Sequential:
    nn.set_seed(0)
    model = nn.Sequential([nn.Input((6,)), nn.Dense(units, activation="relu"), nn.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.fixture
def pool_of_three(monkeypatch):
    """A BLAS pool whose start-up size is 3 threads, and no thread variables in the environment."""
    if not blas_sizes():
        pytest.skip("NumPy has no BLAS library that threadpoolctl can control")
    for name in threads.USER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    threads._blas_pools()
    with threadpool_limits(3, user_api="blas"):
        monkeypatch.setattr(threads, "_startup_sizes", [3] * len(blas_sizes()))
        yield


def data(n: int = 64):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 6)).astype("float32"), rng.integers(0, 3, n)


def test_threads_for_course_sizes_is_one_and_large_multiplies_get_the_usable_cpus():
    assert threads.threads_for(2 * 128 * 784 * 64, cpus=2) == 1
    assert threads.threads_for(2 * 128 * 784 * 256, cpus=8) == 1
    assert threads.threads_for(2 * 1024 ** 3, cpus=2) == 2
    assert threads.threads_for(2 * 1024 ** 3, cpus=1) == 1


def test_fit_evaluate_and_predict_run_on_one_thread_and_restore_the_pool(pool_of_three):
    model, recorder = small_model(), Recorder()
    x, y = data()
    model.fit(x, y, batch_size=16, epochs=2, verbose=0, validation_split=0.25, callbacks=[recorder])
    assert recorder.seen and all(sizes == [1] * len(sizes) for _, sizes in recorder.seen)
    assert blas_sizes() == [3] * len(blas_sizes())           # restored after fit

    seen = []
    original = model.forward
    model.forward = lambda xb, training=False: (seen.append(blas_sizes()), original(xb, training))[1]
    model.predict(x, verbose=0)
    model.evaluate(x, y, verbose=0)
    model(x)
    assert seen and all(sizes == [1] * len(sizes) for sizes in seen)
    assert blas_sizes() == [3] * len(blas_sizes())


def test_large_multiplies_use_every_usable_cpu(pool_of_three, monkeypatch):
    monkeypatch.setattr(threads, "usable_cpus", lambda: 2)
    monkeypatch.setattr(threads, "LARGE_MATMUL_FLOPS", 2 * 16 * 6 * 8)   # the model's first layer
    recorder = Recorder()
    x, y = data()
    small_model().fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[recorder])
    assert all(sizes == [2] * len(sizes) for _, sizes in recorder.seen)


def test_a_learners_environment_variable_is_left_alone(pool_of_three, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    recorder = Recorder()
    small_model().fit(*data(), batch_size=16, epochs=1, verbose=0, callbacks=[recorder])
    assert all(sizes == [3] * len(sizes) for _, sizes in recorder.seen)


def test_a_learners_own_threadpool_limit_is_left_alone(pool_of_three):
    recorder = Recorder()
    with threadpool_limits(2, user_api="blas"):      # the learner's choice, not the start-up size
        small_model().fit(*data(), batch_size=16, epochs=1, verbose=0, callbacks=[recorder])
        assert blas_sizes() == [2] * len(blas_sizes())
    assert all(sizes == [2] * len(sizes) for _, sizes in recorder.seen)


def test_training_gives_the_same_numbers_whatever_the_thread_limit():
    x, y = data(256)
    losses = []
    for limit in (None, 1):
        model = small_model(32)
        if limit is None:
            history = model.fit(x, y, batch_size=32, epochs=3, verbose=0)
        else:
            with threadpool_limits(limit, user_api="blas"):
                history = model.fit(x, y, batch_size=32, epochs=3, verbose=0)
        losses.append(history.history["loss"])
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-5)


def test_importing_the_engine_neither_loads_threadpoolctl_nor_changes_the_pool():
    code = ("import sys; import dlcourse, dlcourse.nn; "
            "print('threadpoolctl' in sys.modules, 'tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
