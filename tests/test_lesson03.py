"""Lesson 03's exercises: the references agree with Keras, and every named mistake is recognised."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse import nn
from dlcourse.exercises.checking import run_exercise
from dlcourse.exercises.core import get_exercise, lesson_exercises, reference

keras = pytest.importorskip("keras")

NAMES = ["03.dense_layer", "03.forward_pass", "03.count_params"]


def test_lesson_declares_its_exercises_in_order():
    assert [e.name for e in lesson_exercises("03")] == NAMES


def test_a_wrong_answer_without_a_name_is_still_failed_with_a_difference():
    exercise = get_exercise("03.forward_pass")
    report = run_exercise(exercise, lambda X, W1, b1, W2, b2: reference("03.forward_pass")(X, W1, b1, W2, b2) + 0.01)
    assert report.status == "failed"
    assert all(c.kind == "wrong" and "differ" in c.message for c in report.cases)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_dense_layer_matches_keras_dense(activation):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 4)).astype(np.float32)
    layer = keras.layers.Dense(3, activation=activation)
    layer.build((None, 4))
    w, b = [v + 0.1 * rng.normal(size=v.shape).astype(np.float32) for v in layer.get_weights()]
    layer.set_weights([w, b])
    functions = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z))}
    ours = reference("03.dense_layer")(x.astype(float), w.astype(float), b.astype(float), functions[activation])
    np.testing.assert_allclose(ours, layer(x).numpy(), rtol=1e-5, atol=1e-6)


def test_forward_pass_matches_a_keras_model():
    rng = np.random.default_rng(1)
    weights = [rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2)), rng.normal(size=2)]
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(2, activation="sigmoid")])
    model.set_weights([w.astype(np.float32) for w in weights])
    x = rng.normal(size=(6, 3))
    ours = reference("03.forward_pass")(x, *weights)
    np.testing.assert_allclose(ours, model.predict(x.astype(np.float32), verbose=0), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("sizes", [[3, 2, 1], [784, 128, 10], [4, 8, 8, 3], [2, 1]])
def test_count_params_matches_keras_and_the_engine(sizes):
    model = keras.Sequential([keras.Input((sizes[0],))] + [keras.layers.Dense(n) for n in sizes[1:]])
    engine = nn.Sequential([nn.Input((sizes[0],))] + [nn.Dense(n) for n in sizes[1:]])
    assert reference("03.count_params")(sizes) == model.count_params() == engine.count_params()


def test_spam_network_in_the_engine_reproduces_the_worked_example():
    from dlcourse.data import SPAM_EXAMPLE

    model = nn.Sequential([nn.Dense(2, activation="relu", input_shape=(3,)), nn.Dense(1, activation="sigmoid")])
    model.set_weights(SPAM_EXAMPLE.weights())
    assert round(float(model.predict(np.array([SPAM_EXAMPLE.x]))[0, 0]), 3) == 0.636
    w1, b1, w2, b2 = SPAM_EXAMPLE.weights()
    hidden = reference("03.dense_layer")(np.array([SPAM_EXAMPLE.x]), w1, b1, lambda z: np.maximum(z, 0))
    np.testing.assert_allclose(hidden, [[0.8, 0.0]], atol=1e-7)
