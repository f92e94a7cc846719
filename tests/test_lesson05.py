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


def test_a_value_feeding_several_units_sums_its_paths():
    """Lesson 05, "A value that feeds several units": dL/dx = sum over the hidden units of
    dL/dz_H * w(x -> H), which is dZ1 W1ᵀ; against the gradient tf.GradientTape gives the inputs."""
    from dlcourse.data import SPAM_EXAMPLE
    from dlcourse.widgets.backprop import SPAM_EMAILS

    X, Y = np.array(SPAM_EMAILS[0], float), np.array(SPAM_EMAILS[1], float).reshape(-1, 1)
    W1, b1, W2, b2 = (np.asarray(w, float) for w in SPAM_EXAMPLE.weights())
    x = tf.Variable(X)
    with tf.GradientTape() as tape:
        z1 = x @ W1 + b1
        p = tf.sigmoid(tf.nn.relu(z1) @ W2 + b2)
        loss = -tf.reduce_mean(Y * tf.math.log(p) + (1 - Y) * tf.math.log(1 - p))
    Z1 = X @ W1 + b1
    dZ2 = (1 / (1 + np.exp(-(np.maximum(Z1, 0) @ W2 + b2))) - Y) / len(X)
    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
    path_sums = np.array([[sum(dZ1[s, h] * W1[i, h] for h in range(2)) for i in range(3)] for s in range(4)])
    np.testing.assert_allclose(path_sums, tape.gradient(loss, x).numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(dZ1 @ W1.T, path_sums, rtol=1e-12, atol=1e-15)
    assert (Z1[2] > 0).all() and abs(path_sums[2, 0] - (-0.0455)) < 5e-5  # the lesson's email 3, both paths on


def test_exercise_5_3_worked_example_in_full():
    """Lesson 05, exercise 5.3: the whole expected output, dW1, db1, dW2 and db2 (4 decimals), from
    tf.GradientTape."""
    f = lambda a: np.array(a, float)  # noqa: E731
    args = (f([[1, 2], [0, -1]]), f([[1], [0]]), f([[0.5, -0.5], [0.25, 0.75]]), f([0, 0]), f([[1], [-1]]), f([0]))
    stated = [[[-0.105, 0.105], [-0.4903, 0.3879]], [0.1753, -0.0729], [[-0.2634], [-0.3798]], [0.0482]]
    for taped, text in zip(tf_backprop(*args), stated):
        np.testing.assert_array_equal(np.round(taped, 4), text)


def test_units_that_start_equal_stay_equal_in_the_engine():
    """Lesson 05, "Why the starting weights are random": the spam filter trained by the engine for
    200 steps from equal weights keeps both hidden columns equal; from the engine's default random
    (glorot_uniform) start they differ."""
    from dlcourse.widgets.backprop import SPAM_EMAILS

    emails, labels = np.array(SPAM_EMAILS[0]), np.array(SPAM_EMAILS[1])

    def trained(weights=None):
        nn.set_seed(5)
        model = nn.Sequential([nn.Input((3,)), nn.Dense(2, activation="relu"), nn.Dense(1, activation="sigmoid")])
        if weights is not None:
            model.set_weights(weights)
        model.compile(optimizer=nn.SGD(learning_rate=0.5), loss="binary_crossentropy")
        model.fit(emails, labels, epochs=200, batch_size=4, verbose=0)
        return model.get_weights()[0]

    twins = trained([np.full((3, 2), 0.3), np.zeros(2), np.full((2, 1), 0.3), np.zeros(1)])
    assert np.abs(twins - 0.3).max() > 0.1
    np.testing.assert_array_equal(twins[:, 0], twins[:, 1])
    random_start = trained()
    assert np.abs(random_start[:, 0] - random_start[:, 1]).max() > 0.1


def _matmul_multiply_adds(function, *specs) -> int:
    """Multiply-adds of every MatMul in the graph TensorFlow traces for ``function``."""
    total = 0
    for op in function.get_concrete_function(*specs).graph.get_operations():
        if op.type == "MatMul":
            (a0, a1), (b0, b1) = op.inputs[0].shape, op.inputs[1].shape
            m, k = (a1, a0) if op.get_attr("transpose_a") else (a0, a1)
            n = b0 if op.get_attr("transpose_b") else b1
            total += m * k * n
    return total


def test_backward_pass_cost_is_what_tensorflow_autodiff_computes():
    """"What a backward pass costs" (lesson 05): for 784-128-10 and a batch of 32, the lesson counts
    2 × forward − m·784·128 multiply-adds (no dX for the first layer), 1.01 × the forward pass.
    TensorFlow's gradient graph does exactly that many more than its forward graph."""
    m, sizes = 32, [784, 128, 10]
    kernels = [tf.Variable(tf.zeros((n_in, n_out))) for n_in, n_out in zip(sizes[:-1], sizes[1:])]

    def loss(x, y):
        a = x
        for i, kernel in enumerate(kernels):
            a = a @ kernel if i == len(kernels) - 1 else tf.nn.relu(a @ kernel)
        return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, a))

    @tf.function
    def gradients(x, y):
        with tf.GradientTape() as tape:
            value = loss(x, y)
        return tape.gradient(value, kernels)

    specs = (tf.TensorSpec((m, sizes[0])), tf.TensorSpec((m,), tf.int32))
    forward = _matmul_multiply_adds(tf.function(loss), *specs)
    backward = _matmul_multiply_adds(gradients, *specs) - forward
    assert forward == sum(m * n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    assert backward == 2 * forward - m * sizes[0] * sizes[1]
    assert round(backward / forward, 2) == 1.01
