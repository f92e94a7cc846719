"""Lesson 02's exercises: the reference answers against keras.activations, and every named
mistake (overflow, input mutation, ignored slope, wrong axis, ...) is actually recognised."""

from __future__ import annotations

import os
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlcourse.exercises.checking import run_exercise  # noqa: E402
from dlcourse.exercises.core import get_exercise, lesson_exercises  # noqa: E402
from dlcourse.exercises.lesson02 import leaky_relu, relu, sigmoid, softmax  # noqa: E402

RNG = np.random.default_rng(2)
INPUTS = [np.linspace(-12.0, 12.0, 49), RNG.normal(0.0, 4.0, size=(5, 7)), np.array([-1000.0, -745.0, 0.0, 710.0, 1000.0])]


@pytest.mark.parametrize("z", INPUTS, ids=["line", "batch", "extremes"])
def test_references_match_keras_activations(z):
    np.testing.assert_allclose(sigmoid(z), keras.activations.sigmoid(z), rtol=1e-12, atol=1e-300)
    np.testing.assert_array_equal(relu(z), keras.activations.relu(z))
    np.testing.assert_allclose(leaky_relu(z), keras.activations.leaky_relu(z), rtol=1e-7)
    for slope in (0.01, 0.1, 0.3):
        np.testing.assert_allclose(leaky_relu(z, negative_slope=slope),
                                   keras.activations.leaky_relu(z, negative_slope=slope), rtol=1e-7)
    np.testing.assert_allclose(softmax(z), keras.activations.softmax(z), rtol=1e-12, atol=1e-300)
    assert relu(z).dtype == z.dtype and sigmoid(z).dtype == z.dtype


def test_references_are_stable_and_keep_their_inputs():
    z = np.array([[1000.0, 1001.0, 1002.0], [-1002.0, -1001.0, -1000.0], [-1000.0, 0.0, 1000.0]])
    before = z.copy()
    # No overflow, 0/0 or inf - inf; e^-2000 underflowing to 0 is the right answer, not a problem.
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")
        probabilities = softmax(z)
        np.testing.assert_allclose(probabilities.sum(axis=-1), 1.0)
        np.testing.assert_allclose(probabilities[0], probabilities[1])
        np.testing.assert_allclose(probabilities[2], [0.0, 0.0, 1.0])
        np.testing.assert_allclose(sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0])
    np.testing.assert_array_equal(z, before)


# The table's slope formulas, each against TensorFlow's automatic differentiation (float64).
def _sigma(z):
    return 1 / (1 + np.exp(-z))


SLOPES = {
    "sigmoid": (lambda tf, z: tf.sigmoid(z), lambda z: _sigma(z) * (1 - _sigma(z))),
    "tanh": (lambda tf, z: tf.tanh(z), lambda z: 1 - np.tanh(z) ** 2),
    "relu": (lambda tf, z: tf.nn.relu(z), lambda z: (z > 0).astype(float)),
    "leaky_relu": (lambda tf, z: tf.where(z > 0, z, 0.2 * z), lambda z: np.where(z > 0, 1.0, 0.2)),
    "swish": (lambda tf, z: z * tf.sigmoid(z), lambda z: _sigma(z) * (1 + z * (1 - _sigma(z)))),
}


@pytest.mark.parametrize("name", sorted(SLOPES))
def test_the_tables_slope_formulas_match_tensorflow_autodiff(name):
    """Lesson 02, the activations table: every f'(z) column entry, against tf.GradientTape."""
    import tensorflow as tf

    z = np.linspace(-8.0, 8.0, 161) + 0.0125  # never exactly 0, where ReLU has no slope
    variable = tf.Variable(z)
    with tf.GradientTape() as tape:
        out = SLOPES[name][0](tf, variable)
    np.testing.assert_allclose(SLOPES[name][1](z), tape.gradient(out, variable).numpy(), rtol=1e-10, atol=1e-12)


def test_swish_is_not_monotonic_and_its_slope_has_the_stated_extremes():
    """Lesson 02, "What you should have seen": swish's slope dips to about -0.1 near z = -2.4 and
    peaks at about 1.1 near z = 2.4; the table's lowest output, about -0.28."""
    z = np.linspace(-6.0, 6.0, 120_001)
    slope = SLOPES["swish"][1](z)
    assert round(slope.min(), 2) == -0.10 and round(z[slope.argmin()], 1) == -2.4
    assert round(slope.max(), 2) == 1.10 and round(z[slope.argmax()], 1) == 2.4
    assert round((z * _sigma(z)).min(), 2) == -0.28


def test_the_lesson_examples():
    np.testing.assert_allclose(sigmoid(np.array([-1000.0, 0.0, 2.0])), [0.0, 0.5, 0.88079708], atol=1e-8)
    np.testing.assert_array_equal(relu(np.array([-2.0, 0.0, 3.0])), [0.0, 0.0, 3.0])
    np.testing.assert_allclose(leaky_relu(np.array([-2.0, 0.0, 3.0]), negative_slope=0.1), [-0.2, 0.0, 3.0])
    np.testing.assert_allclose(softmax(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])),
                               [[0.09003057, 0.24472847, 0.66524096], [1 / 3, 1 / 3, 1 / 3]], atol=1e-8)
    # Keras 3's leaky ReLU default, which the lesson teaches.
    assert float(keras.activations.leaky_relu(np.array([-1.0]))[0]) == pytest.approx(-0.2)


# --- learner answers: right ones pass, wrong ones are named -------------------------------
def stable_sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def stable_softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


RIGHT = {
    "02.sigmoid": [stable_sigmoid, lambda z: 0.5 * (1 + np.tanh(z / 2))],
    "02.relu": [lambda z: np.maximum(z, 0), lambda z: np.where(z > 0, z, 0.0), lambda z: z * (z > 0)],
    "02.leaky_relu": [lambda z, negative_slope=0.2: np.where(z > 0, z, negative_slope * z),
                      lambda z, negative_slope=0.2: np.maximum(z, negative_slope * z)],
    "02.softmax": [stable_softmax],
}


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_right_answers_get_full_marks_without_printing_warnings(name):
    exercise = get_exercise(name)
    for answer in RIGHT[name]:
        exercise._prepared = None  # compute the expected answers and known-wrong variants again
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
            warnings.simplefilter("always")
            report = run_exercise(exercise, answer)
        assert report.passed and report.points == report.max_points, str(report)
        assert not caught, [str(w.message) for w in caught]  # in a notebook they would show under the cell


def _mutating_relu(z):
    z[z < 0] = 0
    return z


def _naive_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _naive_softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _wrong_axis_softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


# (exercise, wrong answer, misconception name, or None with a phrase the core checker says)
WRONG = [
    ("02.sigmoid", _naive_sigmoid, None, "your `sigmoid` overflows at z = [-1000]"),
    ("02.sigmoid", lambda z: np.exp(z) / (1 + np.exp(z)), None, "your `sigmoid` overflows at z = [1000]"),
    ("02.sigmoid", lambda z: np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z))), None,
     "overflows at z = [-1000]"),
    ("02.sigmoid", lambda z: 1 / (1 + np.exp(z)), "lost the minus", "e^(+z)"),
    ("02.sigmoid", lambda z: 1 / 1 + np.exp(-z), "precedence", "parentheses"),
    ("02.sigmoid", lambda z: 1 / np.exp(-z), "no one plus", "left out the 1"),
    ("02.sigmoid", np.tanh, "tanh", "that is tanh"),
    ("02.relu", lambda z: z > 0, "returned the step", "step"),
    ("02.relu", lambda z: (z > 0).astype(int), "returned the step", "step"),
    ("02.relu", _mutating_relu, None, "changed its input `z` in place"),
    ("02.relu", lambda z: np.max(z, 0), "np.max", "np.maximum(z, 0)"),
    ("02.relu", lambda z: z[z > 0], "kept only positives", "drops the rest"),
    ("02.relu", np.abs, "absolute value", "absolute value"),
    ("02.relu", lambda z: np.minimum(z, 0), "kept the negatives", "negative part"),
    ("02.leaky_relu", lambda z, negative_slope=0.2: np.where(z > 0, z, 0.2 * z), "ignored the slope",
     "ignores `negative_slope`"),
    ("02.leaky_relu", lambda z, negative_slope=0.01: np.where(z > 0, z, negative_slope * z), "slope 0.01", "0.01"),
    ("02.leaky_relu", lambda z, negative_slope=0.2: np.where(z > 0, z, 0.3 * z), "slope 0.3", "Keras 2"),
    ("02.leaky_relu", lambda z, negative_slope=0.2: np.maximum(z, 0), "plain ReLU", "plain ReLU"),
    ("02.leaky_relu", lambda z, negative_slope=0.2: np.where(z > 0, z, negative_slope), "slope not times z",
     "the slope itself"),
    ("02.leaky_relu", lambda z, negative_slope=0.2: np.where(z > 0, negative_slope * z, z), "sides swapped",
     "swapped"),
    ("02.softmax", _naive_softmax, "not stable", "not stable"),
    ("02.softmax", lambda z: (lambda e: e / e.sum(axis=-1, keepdims=True))(np.exp(z - z.max())), "batch max",
     "whole batch"),
    ("02.softmax", lambda z: (lambda e: e / e.sum(axis=0, keepdims=True))(np.exp(z - z.max(axis=0, keepdims=True))),
     "wrong axis", "axis 0"),
    ("02.softmax", _wrong_axis_softmax, "wrong axis (rows shifted)", "axis 0"),
    ("02.softmax", lambda z: (lambda e: e / e.sum())(np.exp(z - z.max())), "whole batch", "whole batch"),
    ("02.softmax", lambda z: (lambda e: e / e.sum(axis=-1))(np.exp(z - z.max(axis=-1, keepdims=True))),
     "no keepdims", "keepdims=True"),
    ("02.softmax", lambda z: z / z.sum(axis=-1, keepdims=True), "no exp", "without exponentiating"),
    ("02.softmax", lambda z: 1 / (1 + np.exp(-z)), "sigmoid", "sigmoid"),
]


@pytest.mark.parametrize("name, answer, misconception, phrase", WRONG,
                         ids=[f"{w[0]}-{w[2] or w[3][:20]}" for w in WRONG])
def test_each_named_mistake_is_recognised(name, answer, misconception, phrase):
    with np.errstate(all="ignore"):
        report = run_exercise(get_exercise(name), answer)
    assert not report.passed
    failed = [case for case in report.cases if not case.passed]
    if misconception is not None:
        assert any(case.misconception == misconception for case in failed), str(report)
    assert any(phrase in case.message for case in failed), str(report)


def test_every_misconception_is_exercised_by_a_test():
    named = {(name, mis) for name, _, mis, _ in WRONG if mis}
    registered = {(e.name, m.name) for e in lesson_exercises("02") for m in e.misconceptions}
    assert registered == named


def test_every_exercise_has_progressive_hints_and_a_placeholder_reads_not_attempted():
    for exercise in lesson_exercises("02"):
        assert len(exercise.hints) == 3
        report = run_exercise(exercise, None)
        assert report.status == "not attempted"

    def placeholder(z):
        raise NotImplementedError("Replace this line with your code.")

    assert run_exercise(get_exercise("02.relu"), placeholder).status == "not attempted"
