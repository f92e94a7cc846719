"""Lesson 01's claims that need no Keras: the bias argument (AND cannot be drawn through the
origin, OR and AND can with a bias), and the exercise 1.3 example (two epochs on OR have not
converged, three have), each against an independent computation."""

from __future__ import annotations

import itertools

import numpy as np

from dlcourse.exercises.core import reference
from dlcourse.widgets.neuron import LOGIC_GATES


def _correct(X, y, w, b) -> int:
    return int(((X @ np.asarray(w, float) + b > 0).astype(int) == y).sum())


def test_without_a_bias_no_weights_get_and_right():
    """Lesson 01, "Why the bias matters": with b = 0 every weight pair gets at most 3 of AND's 4
    points. A linear program would prove it; here a dense grid and 20,000 random pairs (of any size)
    all fail, while the lesson's w = (1, 1), b = -1.5 gets all four."""
    X, y = LOGIC_GATES["AND"]
    grid = np.linspace(-3.0, 3.0, 61)
    random_pairs = np.random.default_rng(1).normal(scale=10.0, size=(20_000, 2))
    best = max(_correct(X, y, w, 0.0) for w in itertools.chain(itertools.product(grid, grid), random_pairs))
    assert best == 3
    assert _correct(X, y, (1.0, 1.0), -1.5) == 4
    # NAND must say 1 at the origin, where z = b: without a bias it is out of reach at once.
    nand = 1 - y
    assert all(_correct(X, nand, w, 0.0) < 4 for w in random_pairs)


def test_the_perceptron_rule_with_a_bias_learns_and():
    """Lesson 01, "Training on AND, OR and XOR": with its bias the perceptron learns AND."""
    X, y = LOGIC_GATES["AND"]
    w, b = reference("01.train_perceptron")(X, y, learning_rate=0.5, epochs=20)
    assert _correct(X, y, w, b) == 4 and b < 0


def test_exercise_1_3_example_has_not_converged_after_two_epochs():
    """Lesson 01, exercise 1.3: on OR with learning_rate=0.5, epochs=2 the rule returns
    ([0.5, 0.5], 0.5), which still says 1 for (0, 0); a third epoch moves b to 0.0 and gets all four."""
    X, y = LOGIC_GATES["OR"]

    def by_hand(epochs):  # the rule written out again, independently of the reference
        w, b = np.zeros(2), 0.0
        for _ in range(epochs):
            for x_i, y_i in zip(X, y):
                error = y_i - int(x_i @ w + b > 0)
                w, b = w + 0.5 * error * x_i, b + 0.5 * error
        return w, b

    train = reference("01.train_perceptron")
    for epochs in (2, 3):
        w, b = train(X, y, learning_rate=0.5, epochs=epochs)
        np.testing.assert_array_equal(w, by_hand(epochs)[0])
        assert b == by_hand(epochs)[1]
    w2, b2 = train(X, y, learning_rate=0.5, epochs=2)
    np.testing.assert_array_equal(w2, [0.5, 0.5])
    assert b2 == 0.5 and _correct(X, y, w2, b2) == 3 and w2 @ X[0] + b2 > 0 and y[0] == 0
    w3, b3 = train(X, y, learning_rate=0.5, epochs=3)
    assert b3 == 0.0 and _correct(X, y, w3, b3) == 4
