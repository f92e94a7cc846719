"""Lesson 04's exercises: the reference losses against keras.losses (reduction, clipping, natural
log), and every named mistake (no mean, unclipped log, swapped arguments, log2, ...) is recognised."""

from __future__ import annotations

import os
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlcourse.exercises.checking import run_exercise  # noqa: E402
from dlcourse.exercises.core import get_exercise, lesson_exercises  # noqa: E402
from dlcourse.exercises.lesson04 import binary_crossentropy, categorical_crossentropy, mse  # noqa: E402

RNG = np.random.default_rng(40)


def _keras(loss, y_true, y_pred) -> float:
    return float(loss(y_true, y_pred))


@pytest.mark.parametrize("shape", [(6,), (6, 1), (5, 3)])
def test_mse_matches_keras(shape):
    y_true, y_pred = RNG.normal(size=shape), RNG.normal(size=shape)
    assert mse(y_true, y_pred) == pytest.approx(_keras(keras.losses.MeanSquaredError(), y_true, y_pred), rel=1e-6)
    # Keras' functional form gives one loss per example; the reduction is their mean.
    per_example = np.asarray(keras.losses.mean_squared_error(y_true, y_pred))
    assert mse(y_true, y_pred) == pytest.approx(float(np.mean(per_example)), rel=1e-12)


@pytest.mark.parametrize("shape", [(8,), (8, 1), (4, 3)])
def test_binary_crossentropy_matches_keras(shape):
    y_true = RNG.integers(0, 2, size=shape).astype(float)
    y_pred = RNG.uniform(0.001, 0.999, size=shape)
    ours = binary_crossentropy(y_true, y_pred)
    assert ours == pytest.approx(_keras(keras.losses.BinaryCrossentropy(), y_true, y_pred), rel=1e-5)
    per_example = np.asarray(keras.losses.binary_crossentropy(y_true, y_pred))  # float64 all through
    assert ours == pytest.approx(float(np.mean(per_example)), rel=1e-12)


def test_binary_crossentropy_clips_exactly_like_keras():
    y_true = np.array([[1.0], [0.0], [1.0], [0.0], [1.0]])
    y_pred = np.array([[0.0], [1.0], [1.0], [0.0], [0.5]])
    per_example = np.asarray(keras.losses.binary_crossentropy(y_true, y_pred))  # float64: clip at 1 - 1e-7
    assert binary_crossentropy(y_true, y_pred) == pytest.approx(float(np.mean(per_example)), rel=1e-12)
    assert binary_crossentropy(np.array([1.0]), np.array([0.0])) == pytest.approx(-np.log(1e-7))
    # In float32, Keras' default, 1 - 1e-7 rounds to 1 - 1.19e-7: the numbers the lesson prints.
    float32 = _keras(keras.losses.BinaryCrossentropy(), np.array([0.0], "float32"), np.array([1.0], "float32"))
    assert float32 == pytest.approx(15.9424, abs=1e-4)
    # The notebook's answer computes in the inputs' dtype, so in float32 it agrees with Keras too.
    assert binary_crossentropy(np.array([0.0], "float32"), np.array([1.0], "float32")) == pytest.approx(float32, abs=1e-4)


@pytest.mark.parametrize("classes", [3, 10])
def test_categorical_crossentropy_matches_keras(classes):
    y_true = np.eye(classes)[RNG.integers(0, classes, size=7)]
    y_pred = RNG.dirichlet(np.ones(classes), size=7)
    ours = categorical_crossentropy(y_true, y_pred)
    assert ours == pytest.approx(_keras(keras.losses.CategoricalCrossentropy(), y_true, y_pred), rel=1e-5)
    per_example = np.asarray(keras.losses.categorical_crossentropy(y_true, y_pred))
    assert ours == pytest.approx(float(np.mean(per_example)), rel=1e-12)
    # The sparse form with integer labels gives the same number.
    labels = y_true.argmax(axis=-1)
    sparse = np.asarray(keras.losses.sparse_categorical_crossentropy(labels, y_pred))
    assert ours == pytest.approx(float(np.mean(sparse)), rel=1e-12)


def test_categorical_crossentropy_clips_exactly_like_keras():
    y_true = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    y_pred = np.array([[0.5, 0.5, 0.0], [0.0, 1.0, 0.0], [0.3, 0.7, 0.0]])
    per_example = np.asarray(keras.losses.categorical_crossentropy(y_true, y_pred))
    assert categorical_crossentropy(y_true, y_pred) == pytest.approx(float(np.mean(per_example)), rel=1e-12)


def test_the_lesson_examples_and_the_logit_formula():
    assert mse(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 5.0])) == 1.3333333333333333
    assert binary_crossentropy(np.array([1.0, 0.0]), np.array([0.8, 0.0])) == pytest.approx(0.11157182565710733)
    onehot = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    probabilities = np.array([[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]])
    assert categorical_crossentropy(onehot, probabilities) == pytest.approx((-np.log(0.7) - np.log(0.3)) / 2)
    # BCE from a logit: max(z, 0) - z y + ln(1 + e^-|z|), as keras computes with from_logits=True.
    z = RNG.normal(0.0, 8.0, size=(9, 1))
    y = RNG.integers(0, 2, size=(9, 1)).astype(float)
    by_hand = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    keras_value = keras.losses.binary_crossentropy(y, z, from_logits=True)
    np.testing.assert_allclose(by_hand[:, 0], keras_value, rtol=1e-12)


@pytest.mark.parametrize("k", [2, 3, 10])
def test_softmax_cross_entropy_gradient_on_the_logits_is_p_minus_y(k):
    """Lesson 04, "The push on the logits: p - y" (lessons 05 and 08 rely on it): the gradient of
    the mean categorical cross-entropy of softmax(z) is (p - y) / m, by tf.GradientTape (float64);
    the lesson's rewritten loss ln sum e^z - sum y z is the same loss."""
    import tensorflow as tf

    rng = np.random.default_rng(k)
    z = rng.normal(0.0, 3.0, size=(6, k))
    y = np.eye(k)[rng.integers(0, k, size=6)]
    logits = tf.Variable(z)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(-tf.reduce_sum(y * tf.nn.log_softmax(logits), axis=-1))
    p = np.exp(z - z.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(tape.gradient(loss, logits).numpy(), (p - y) / len(z), rtol=1e-10, atol=1e-15)
    rewritten = np.log(np.exp(z).sum(axis=-1)) - (y * z).sum(axis=-1)
    np.testing.assert_allclose(rewritten.mean(), float(loss), rtol=1e-12)


def test_sigmoid_cross_entropy_gradient_on_the_logit_is_p_minus_y():
    """Lesson 04, "What each loss punishes": through a sigmoid, cross-entropy's push on the logit is
    p - y, and squared error's is 2 (p - y) p (1 - p), by tf.GradientTape (float64)."""
    import tensorflow as tf

    z = np.linspace(-6.0, 6.0, 25)
    for target in (0.0, 1.0):
        logit = tf.Variable(z)
        with tf.GradientTape(persistent=True) as tape:
            p_tf = tf.sigmoid(logit)
            ce = tf.reduce_sum(-(target * tf.math.log(p_tf) + (1 - target) * tf.math.log(1 - p_tf)))
            se = tf.reduce_sum((p_tf - target) ** 2)
        p = 1 / (1 + np.exp(-z))
        np.testing.assert_allclose(tape.gradient(ce, logit).numpy(), p - target, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(tape.gradient(se, logit).numpy(), 2 * (p - target) * p * (1 - p), rtol=1e-9, atol=1e-12)


# --- learner answers: right ones pass, wrong ones are named -------------------------------
E = 1e-7


def _bce(t, p, eps=E, log=np.log):
    q = np.clip(p, eps, 1 - eps)
    return np.mean(-(t * log(q) + (1 - t) * log(1 - q)))


def _cce(t, p):
    return np.mean(-np.sum(t * np.log(np.clip(p, E, 1 - E)), axis=-1))


RIGHT = {
    "04.mse": [lambda t, p: np.mean((p - t) ** 2), lambda t, p: np.mean(np.mean(np.square(t - p), axis=-1))],
    "04.binary_crossentropy": [_bce, lambda t, p: np.mean(-(t * np.log(p + E) + (1 - t) * np.log(1 - p + E)))],
    "04.categorical_crossentropy": [_cce, lambda t, p: -np.mean(np.log(np.clip(np.sum(t * p, axis=-1), E, 1 - E)))],
}


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_right_answers_get_full_marks_without_printing_warnings(name):
    exercise = get_exercise(name)
    for answer in RIGHT[name]:
        exercise._prepared = None
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
            warnings.simplefilter("always")
            report = run_exercise(exercise, answer)
        assert report.passed and report.points == report.max_points, str(report)
        assert not caught, [str(w.message) for w in caught]


WRONG = [
    ("04.mse", lambda t, p: np.sum((p - t) ** 2), "forgot the mean", "is their mean"),
    ("04.mse", lambda t, p: np.sum(np.mean((p - t) ** 2, axis=-1)), "summed over the batch", "summed over the examples"),
    ("04.mse", lambda t, p: np.mean(np.sum((p - t) ** 2, axis=-1)), "summed over outputs", "averages over the outputs"),
    ("04.mse", lambda t, p: np.mean((p - t) ** 2, axis=-1), "per example", "one loss per example"),
    ("04.mse", lambda t, p: np.mean(p - t), "not squared", "cancel"),
    ("04.mse", lambda t, p: np.mean(t - p), "not squared (other sign)", "cancel"),
    ("04.mse", lambda t, p: np.mean(np.abs(p - t)), "absolute", "mean absolute error"),
    ("04.mse", lambda t, p: np.sqrt(np.mean((p - t) ** 2)), "root", "RMSE"),
    ("04.mse", lambda t, p: np.mean(p - t) ** 2, "squared the mean", "square each error first"),
    ("04.mse", lambda t, p: 0.5 * np.mean((p - t) ** 2), "halved", "no ½"),
    ("04.binary_crossentropy", lambda t, p: np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p))), "not clipped",
     "Clip your probabilities"),
    ("04.binary_crossentropy", lambda t, p: np.mean(-(t * np.log(np.maximum(p, E)) + (1 - t) * np.log(1 - np.maximum(p, E)))),
     "clipped at 0 only", "both ends"),
    ("04.binary_crossentropy", lambda t, p: _bce(p, t), "swapped", "swapped `y_true` and `y_pred`"),
    ("04.binary_crossentropy", lambda t, p: np.mean(-t * np.log(np.clip(p, E, 1 - E))), "forgot (1 - y)", "(1 − y)"),
    ("04.binary_crossentropy", lambda t, p: np.sum(-(t * np.log(np.clip(p, E, 1 - E))
                                                    + (1 - t) * np.log(1 - np.clip(p, E, 1 - E)))),
     "forgot the mean", "averages them over the batch"),
    ("04.binary_crossentropy", lambda t, p: -(t * np.log(np.clip(p, E, 1 - E)) + (1 - t) * np.log(1 - np.clip(p, E, 1 - E))),
     "per example", "one loss per example"),
    ("04.binary_crossentropy", lambda t, p: _bce(t, p, log=np.log2), "log2", "natural logarithm"),
    ("04.binary_crossentropy", lambda t, p: _bce(t, p, log=np.log10), "log10", "natural logarithm"),
    ("04.binary_crossentropy", lambda t, p: -_bce(t, p), "forgot the minus", "negative"),
    ("04.binary_crossentropy", lambda t, p: _bce(t, p, eps=1e-15), "epsilon 1e-15", "1e-7"),
    ("04.categorical_crossentropy", lambda t, p: np.mean(-np.sum(t * np.log(p), axis=-1)), "not clipped",
     "Clip your probabilities"),
    ("04.categorical_crossentropy", lambda t, p: np.mean(-t * np.log(np.clip(p, E, 1 - E))), "averaged over classes",
     "sums over the classes"),
    ("04.categorical_crossentropy", lambda t, p: np.sum(-t * np.log(np.clip(p, E, 1 - E))), "forgot the mean",
     "averages them over the batch"),
    ("04.categorical_crossentropy", lambda t, p: -np.sum(t * np.log(np.clip(p, E, 1 - E)), axis=-1), "per example",
     "one loss per example"),
    ("04.categorical_crossentropy", lambda t, p: _cce(p, t), "swapped", "swapped"),
    ("04.categorical_crossentropy", lambda t, p: np.mean(-np.sum(t * np.log2(np.clip(p, E, 1 - E)), axis=-1)), "log2",
     "natural logarithm"),
    ("04.categorical_crossentropy", lambda t, p: np.mean(np.sum(-(t * np.log(np.clip(p, E, 1 - E))
                                                                  + (1 - t) * np.log(1 - np.clip(p, E, 1 - E))), axis=-1)),
     "binary formula per class", "binary cross-entropy per class"),
    ("04.categorical_crossentropy", lambda t, p: _bce(t, p), "binary cross-entropy", "binary cross-entropy"),
    ("04.categorical_crossentropy", lambda t, p: -_cce(t, p), "forgot the minus", "negative"),
]


@pytest.mark.parametrize("name, answer, misconception, phrase", WRONG,
                         ids=[f"{w[0]}-{w[2]}-{i}" for i, w in enumerate(WRONG)])
def test_each_named_mistake_is_recognised(name, answer, misconception, phrase):
    with np.errstate(all="ignore"):
        report = run_exercise(get_exercise(name), answer)
    assert not report.passed
    failed = [case for case in report.cases if not case.passed]
    assert any(case.misconception == misconception for case in failed), str(report)
    assert any(phrase in case.message for case in failed), str(report)


def test_every_misconception_is_exercised_by_a_test():
    named = {(name, mis) for name, _, mis, _ in WRONG}
    registered = {(e.name, m.name) for e in lesson_exercises("04") for m in e.misconceptions}
    assert registered == named


def test_every_exercise_has_progressive_hints_and_a_placeholder_reads_not_attempted():
    for exercise in lesson_exercises("04"):
        assert len(exercise.hints) == 3
        assert run_exercise(exercise, None).status == "not attempted"
