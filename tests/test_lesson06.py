"""Lesson 06's exercises: the references against Keras, and every named mistake recognised.

``06.gradient_descent``'s reference must walk the same points as ``keras.optimizers.SGD``
stepping a ``keras.Variable`` with gradients from ``tf.GradientTape``. ``06.minibatches`` must
cut epochs the way Keras' ``fit`` does (every example once, the smaller batch last). Each
misconception must be named when a learner makes exactly that mistake.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from dlcourse.exercises import lesson06  # noqa: E402
from dlcourse.exercises.checking import run_exercise  # noqa: E402
from dlcourse.exercises.core import get_exercise, lesson_exercises, reference  # noqa: E402
from dlcourse.exercises.feedback import NOT_ATTEMPTED, PASSED  # noqa: E402

TF_LOSSES = {
    lesson06.parabola_grad: lambda w: (w - 3.0) ** 2 + 1.0,
    lesson06.bowl_grad: lambda w: w[0] ** 2 + 2 * w[1] ** 2,
    lesson06.lopsided_grad: lambda w: tf.exp(w - 3.0) - (w - 3.0),
}


def keras_descent(loss, w0, learning_rate, steps):
    w = keras.Variable(np.array(w0, dtype=np.float64), dtype="float64")
    opt = keras.optimizers.SGD(learning_rate=learning_rate)
    points = [w.numpy().copy()]
    for _ in range(steps):
        with tf.GradientTape() as tape:
            value = loss(w)
        opt.apply_gradients([(tape.gradient(value, w), w)])
        points.append(w.numpy().copy())
    return np.array(points)


def test_lesson_06_has_its_two_exercises():
    assert [e.name for e in lesson_exercises("06")] == ["06.gradient_descent", "06.minibatches"]


@pytest.mark.parametrize("case", get_exercise("06.gradient_descent").cases, ids=lambda c: c.label[:40])
def test_gradient_descent_reference_matches_keras_sgd(case):
    grad, w0, learning_rate, steps = case.args
    ours = reference("06.gradient_descent")(*case.args)
    theirs = keras_descent(TF_LOSSES[grad], w0, learning_rate, steps)
    # Keras keeps the learning rate in float32: agreement to float32 precision.
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)
    assert ours.shape == (steps + 1, *np.shape(w0))


def test_case_gradients_match_gradient_tape():
    for grad, loss in TF_LOSSES.items():
        for w in ([[0.5, -1.5], [2.0, 1.0]] if grad is lesson06.bowl_grad else [-1.0, 2.0, 4.5]):
            v = tf.Variable(np.array(w, dtype=np.float64))
            with tf.GradientTape() as tape:
                value = loss(v)
            np.testing.assert_allclose(grad(np.array(w)), tape.gradient(value, v).numpy(), rtol=1e-12)


def test_gradient_descent_reference_passes_and_placeholder_is_not_attempted():
    exercise = get_exercise("06.gradient_descent")
    assert run_exercise(exercise, lesson06.gradient_descent).status == PASSED

    def placeholder(grad, w0, learning_rate, steps):
        raise NotImplementedError("Replace this line with your code.")

    assert run_exercise(exercise, placeholder).status == NOT_ATTEMPTED


# What a learner would actually write for each named mistake (not the misconception functions).
def _ascent(grad, w0, learning_rate, steps):
    w, points = np.array(w0, dtype=float), [np.array(w0, dtype=float)]
    for _ in range(steps):
        w = w + learning_rate * grad(w)
        points.append(w)
    return np.array(points)


def _no_rate(grad, w0, learning_rate, steps):
    w, points = np.array(w0, dtype=float), [np.array(w0, dtype=float)]
    for _ in range(steps):
        w = w - grad(w)
        points.append(w)
    return np.array(points)


def _last_only(grad, w0, learning_rate, steps):
    w = np.array(w0, dtype=float)
    for _ in range(steps):
        w = w - learning_rate * grad(w)
    return w


def _no_start(grad, w0, learning_rate, steps):
    w, points = np.array(w0, dtype=float), []
    for _ in range(steps):
        w = w - learning_rate * grad(w)
        points.append(w)
    return np.array(points)


def _range_minus_one(grad, w0, learning_rate, steps):
    w, points = np.array(w0, dtype=float), [np.array(w0, dtype=float)]
    for _ in range(steps - 1):
        w = w - learning_rate * grad(w)
        points.append(w)
    return np.array(points)


def _inclusive_range(grad, w0, learning_rate, steps):
    w, points = np.array(w0, dtype=float), [np.array(w0, dtype=float)]
    for _ in range(steps + 1):
        w = w - learning_rate * grad(w)
        points.append(w)
    return np.array(points)


def _in_place(grad, w0, learning_rate, steps):
    w = np.array(w0, dtype=float)
    points = [w]
    for _ in range(steps):
        w -= learning_rate * grad(w)
        points.append(w)
    return np.array(points)


@pytest.mark.parametrize("wrong, name", [
    (_ascent, "ascent"), (_no_rate, "no learning rate"), (_last_only, "only the last point"),
    (_no_start, "left out the start"), (_range_minus_one, "one step too few"),
    (_inclusive_range, "one step too many"), (_in_place, "same array every time"),
])
def test_each_gradient_descent_mistake_is_named(wrong, name):
    exercise = get_exercise("06.gradient_descent")
    assert name in {m.name for m in exercise.misconceptions}
    report = run_exercise(exercise, wrong)
    assert report.status != PASSED
    named = {c.misconception for c in report.cases if c.kind == "misconception"}
    assert named == {name}, f"{wrong.__name__}: named {named}; messages: {[c.message for c in report.cases]}"


# --- 06.minibatches ------------------------------------------------------------------------------
def test_minibatches_reference_cuts_epochs_like_keras():
    batches = list(lesson06.minibatches(10, 3, np.random.default_rng(0)))
    assert [len(b) for b in batches] == [3, 3, 3, 1], "full batches first, the rest last (as Keras' fit)"
    assert sorted(np.concatenate(batches).tolist()) == list(range(10))
    assert not np.array_equal(np.concatenate(batches), np.arange(10))
    again = list(lesson06.minibatches(10, 3, np.random.default_rng(0)))
    assert all(np.array_equal(a, b) for a, b in zip(batches, again))
    assert [len(b) for b in lesson06.minibatches(5, 8, np.random.default_rng(0))] == [5]
    rng = np.random.default_rng(1)
    first, second = (np.concatenate(list(lesson06.minibatches(20, 6, rng))) for _ in range(2))
    assert not np.array_equal(first, second), "each epoch reshuffles"


def test_minibatches_reference_trains_like_keras_fit():
    """A linear model trained on the reference's batches = Keras' fit on the same batches."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (40, 2)).astype(np.float32)
    y = (x @ np.array([0.5, -0.3]) + 0.1).astype(np.float32)
    batches = list(lesson06.minibatches(40, 16, np.random.default_rng(3)))
    order = np.concatenate(batches)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    model.fit(x[order], y[order], batch_size=16, epochs=1, shuffle=False, verbose=0)
    w, b = np.zeros(2), 0.0
    for idx in batches:
        error = x[idx] @ w + b - y[idx]
        w = w - 0.1 * 2 * x[idx].T @ error / len(idx)
        b = b - 0.1 * 2 * error.mean()
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(kernel.ravel(), w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bias, [b], rtol=1e-5, atol=1e-6)


def test_minibatches_reference_passes():
    report = run_exercise(get_exercise("06.minibatches"), lesson06.minibatches)
    assert report.status == PASSED and report.points == report.max_points == 6


def _dropped(n, batch_size, rng):
    order = rng.permutation(n)
    for start in range(0, n - batch_size + 1, batch_size):
        yield order[start:start + batch_size]


def _unshuffled(n, batch_size, rng):
    for start in range(0, n, batch_size):
        yield np.arange(start, min(start + batch_size, n))


def _with_replacement(n, batch_size, rng):
    for start in range(0, n, batch_size):
        yield rng.integers(0, n, size=min(batch_size, n - start))


def _sliding(n, batch_size, rng):
    order = rng.permutation(n)
    for start in range(0, n, max(1, batch_size // 2)):
        yield order[start:start + batch_size]


def _global_rng(n, batch_size, rng):
    order = np.random.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


@pytest.mark.parametrize("wrong, name", [
    (_dropped, "dropped the last batch"), (_unshuffled, "no shuffle"), (_with_replacement, "overlapping batches"),
    (_sliding, "overlapping batches"), (_global_rng, "ignored rng"),
])
def test_each_minibatch_mistake_is_named(wrong, name):
    report = run_exercise(get_exercise("06.minibatches"), wrong)
    assert report.status != PASSED
    named = {c.misconception for c in report.cases if c.kind == "misconception"}
    assert name in named, f"{wrong.__name__}: named {named}; messages: {[c.message for c in report.cases]}"


def test_minibatch_placeholder_and_errors_are_reported_kindly():
    exercise = get_exercise("06.minibatches")

    def placeholder(n, batch_size, rng):
        raise NotImplementedError("Replace this line with your code.")

    report = run_exercise(exercise, placeholder)
    assert report.points == 0 and report.status == "not attempted"
    assert "still raises NotImplementedError" in report.headline

    def returns_nothing(n, batch_size, rng):
        rng.permutation(n)

    report = run_exercise(exercise, returns_nothing)
    assert report.points == 0 and "yield" in report.cases[0].message


def test_explorer_slider_has_no_notch_at_one_half_and_its_nearest_nearly_lands():
    """Lesson 06, "What you should have seen": the log slider's notches are powers of 10 a factor
    1.12 apart; none is 0.5, the nearest reads 0.501 and its first step from the parabola's start
    lands within 0.01 of the minimum."""
    import ipywidgets as widgets

    from dlcourse.surfaces import CURVES
    from dlcourse.widgets.descent import learning_rate_explorer

    def sliders(box):
        for child in getattr(box, "children", ()):
            if isinstance(child, widgets.FloatLogSlider):
                yield child
            yield from sliders(child)

    (rate,) = sliders(learning_rate_explorer(curve="quadratic", learning_rate=0.1))
    exponents = np.arange(rate.min, rate.max + rate.step / 2, rate.step)
    notches = rate.base ** exponents
    assert rate.base ** rate.step == pytest.approx(1.12, abs=0.005)
    assert np.abs(notches - 0.5).min() > 1e-3
    nearest = notches[np.argmin(np.abs(notches - 0.5))]
    assert f"{nearest:{rate.readout_format}}" == "0.501"
    curve = CURVES["quadratic"]
    first_step = curve.start - nearest * curve.grad(curve.start)
    assert 0 < abs(first_step - curve.w_star) < 0.01
