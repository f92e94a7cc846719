"""A mutated answer, typed as a learner would type it in the notebook, gets a message that points at the mistake.

Each answer is the solution notebook's answer cell with one mistake, executed from source (as a
cell runs) and checked with ``check()``, the function the notebook's check cell calls.
"""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse.exercises import check

MUTATED = [
    ("01.weighted_sum", "def weighted_sum(X, w, b):\n    return X @ w\n", "left out the bias"),
    ("01.perceptron_predict", "def perceptron_predict(X, w, b):\n    return (X @ w + b >= 0).astype(int)\n",
     "z = 0"),
    ("04.mse", "def mse(y_true, y_pred):\n    return np.sum(np.square(y_pred - y_true))\n", "mean"),
    ("06.gradient_descent",
     "def gradient_descent(grad, w0, learning_rate, steps):\n    w = np.array(w0, dtype=float)\n    points = [w]\n"
     "    for _ in range(steps):\n        w = w + learning_rate * grad(w)\n        points.append(w)\n"
     "    return np.array(points)\n", "uphill"),
    ("06.gradient_descent",
     "def gradient_descent(grad, w0, learning_rate, steps):\n    w = np.array(w0, dtype=float)\n    points = [w]\n"
     "    for _ in range(steps - 1):\n        w = w - learning_rate * grad(w)\n        points.append(w)\n"
     "    return np.array(points)\n", "one update too few"),
    ("01.weighted_sum", "def weighted_sum(X, w, b):\n    return -(X @ w + b)\n", "opposite sign"),
    ("03.dense_layer", "def dense_layer(A_prev, W, b, activation):\n    return activation(A_prev @ W) + b\n",
     "bias after the activation"),
]


@pytest.mark.parametrize("name, source, phrase", MUTATED, ids=[f"{m[0]}-{m[2]}" for m in MUTATED])
def test_a_mutated_answer_gets_a_message_about_its_mistake(name, source, phrase):
    namespace = {"np": np}
    exec(compile(source, "<cell>", "exec"), namespace)  # noqa: S102 - the learner's cell
    target = next(v for k, v in namespace.items() if callable(v) and k != "np")
    report = check(name, target, save=False)
    assert not report.passed
    text = str(report)
    assert phrase in text, text
