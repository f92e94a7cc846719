"""Lesson 05's exercises: the references agree with tf.GradientTape, and every named mistake is recognised."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse import nn
from dlcourse.exercises.checking import run_exercise
from dlcourse.exercises.core import get_exercise, lesson_exercises, reference

tf = pytest.importorskip("tensorflow")

NAMES = ["05.chain_rule", "05.numerical_gradient", "05.backprop"]


def test_lesson_declares_its_exercises_in_order():
    assert [e.name for e in lesson_exercises("05")] == NAMES


@pytest.mark.parametrize("x, w, b, y", [(1.5, 0.8, -0.5, 1.0), (-2.0, 0.5, 0.25, 0.0), (0.3, 2.0, -1.0, 1.0)])
def test_chain_rule_matches_gradient_tape(x, w, b, y):
    wt, bt = tf.Variable(w, dtype=tf.float64), tf.Variable(b, dtype=tf.float64)
    with tf.GradientTape() as tape:
        loss = (tf.sigmoid(wt * x + bt) - y) ** 2
    dw, db = tape.gradient(loss, [wt, bt])
    ours = reference("05.chain_rule")(x, w, b, y)
    np.testing.assert_allclose(ours, [dw.numpy(), db.numpy()], rtol=1e-12)


def tf_backprop(X, Y, W1, b1, W2, b2):
    ws = [tf.Variable(v) for v in (W1, b1, W2, b2)]
    with tf.GradientTape() as tape:
        a1 = tf.tanh(X @ ws[0] + ws[1])
        p = tf.sigmoid(a1 @ ws[2] + ws[3])
        loss = -tf.reduce_mean(Y * tf.math.log(p) + (1 - Y) * tf.math.log(1 - p))
    return [g.numpy() for g in tape.gradient(loss, ws)]


@pytest.mark.parametrize("seed, m, n, h", [(0, 4, 3, 2), (1, 7, 2, 5), (2, 1, 4, 3)])
def test_backprop_matches_gradient_tape(seed, m, n, h):
    rng = np.random.default_rng(seed)
    args = (rng.normal(size=(m, n)), rng.integers(0, 2, size=(m, 1)).astype(float), rng.normal(size=(n, h)),
            rng.normal(size=h), rng.normal(size=(h, 1)), rng.normal(size=1))
    ours = reference("05.backprop")(*args)
    for mine, theirs in zip(ours, tf_backprop(*args)):
        assert mine.shape == theirs.shape
        np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-14)


def test_backprop_agrees_with_the_engine_and_its_gradient_check():
    rng = np.random.default_rng(3)
    X, Y = rng.normal(size=(6, 3)), rng.integers(0, 2, size=(6, 1))
    model = nn.Sequential([nn.Dense(4, activation="tanh", input_shape=(3,), dtype="float64"),
                           nn.Dense(1, activation="sigmoid", dtype="float64")])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    _, grads = model.compute_gradients(X, Y)
    ours = reference("05.backprop")(X, Y.astype(float), *model.get_weights())
    for mine, theirs in zip(ours, grads):
        np.testing.assert_allclose(mine, theirs, rtol=1e-8, atol=1e-12)
    assert nn.gradient_check(model, X, Y).passed()


def test_numerical_gradient_matches_gradient_tape():
    w = np.array([[0.4, -1.3], [0.7, 0.2]])
    f = lambda v: float(np.sum(np.sin(v) * v ** 2))  # noqa: E731
    wt = tf.Variable(w)
    with tf.GradientTape() as tape:
        value = tf.reduce_sum(tf.sin(wt) * wt ** 2)
    np.testing.assert_allclose(reference("05.numerical_gradient")(f, w), tape.gradient(value, wt).numpy(), rtol=1e-8)


def test_a_numerical_gradient_that_changes_its_input_is_told_so():
    def in_place(f, w, h=1e-5):
        grad = np.zeros_like(w)
        for i in np.ndindex(w.shape):
            w[i] += h
            plus = f(w)
            w[i] -= 2 * h
            minus = f(w)
            w[i] += h  # back, up to rounding
            grad[i] = (plus - minus) / (2 * h)
        return grad

    report = run_exercise(get_exercise("05.numerical_gradient"), in_place)
    assert report.status != "passed"
    assert any("in place" in c.message for c in report.cases)
