"""Exercises of lesson 01 (The neuron): weighted sum, perceptron prediction, perceptron training.

The reference functions here are the course's own versions; the lesson uses them (through
``dlcourse.exercises.reference``) in the cells after each exercise, so that a learner who
skips an exercise can still run the rest of the lesson.

Test inputs use small integers, halves and learning rates that are powers of two, so every
sum is exact in floating point: the perceptron's ``z > 0`` decisions cannot flip because one
learner adds in a different order than another.
"""

from __future__ import annotations

import numpy as np

from dlcourse.exercises.answers.lesson01 import perceptron_predict, train_perceptron, weighted_sum  # the notebook's answers
from dlcourse.exercises.core import Case, Exercise, Misconception, lesson, register

lesson("01", "The neuron")


# Known-wrong variants of the training rule, to name the mistake.
def _train_variant(X: np.ndarray, y: np.ndarray, learning_rate: float = 0.5, epochs: int = 10, *,
                   bias: bool = True, sign: int = 1, rate: bool = True, target_only: bool = False,
                   at_zero: int = 0, per_epoch: bool = False) -> tuple[np.ndarray, float]:
    lr = learning_rate if rate else 1.0
    w = np.zeros(X.shape[1])
    b = 0.0
    for _ in range(epochs):
        if per_epoch:
            errors = y - (X @ w + b > 0).astype(int)
            w = w + lr * errors @ X
            b = b + lr * errors.sum() * bias
            continue
        for x_i, y_i in zip(X, y):
            z = x_i @ w + b
            prediction = 1 if z > 0 or (at_zero and z == 0) else 0
            error = y_i if target_only else sign * (y_i - prediction)
            w = w + lr * error * x_i
            if bias:
                b = b + lr * error
    return w, float(b)


AND = (np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float), np.array([0, 0, 0, 1]))
OR = (np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float), np.array([0, 1, 1, 1]))
XOR = (np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float), np.array([0, 1, 1, 0]))
_THREE = (np.array([[1, 0, 2], [0, 1, -1], [2, 1, 0], [-1, -1, 1], [0.5, 2, 1], [-2, 0, -0.5]]),
          np.array([1, 0, 1, 0, 1, 0]))
_NOISY = (_THREE[0], np.array([1, 0, 1, 1, 1, 0]))  # not linearly separable: training never settles

register(Exercise(
    name="01.weighted_sum",
    title="Weighted sum",
    target="weighted_sum",
    reference=weighted_sum,
    cases=[
        Case((np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]]), np.array([0.5, -1.0]), 1.0)),
        Case((np.array([[2.0, 1.0], [-1.0, 3.0]]), np.array([1.0, -2.0]), 0.5)),
        Case((np.array([[1.0, -2.0, 0.5]]), np.array([4.0, 0.5, -2.0]), -1.5)),
    ],
    misconceptions=[
        Misconception("forgot the bias", lambda X, w, b: X @ w,
                      "you left out the bias: z = X @ w + b, with b added to every example's sum."),
        Misconception("transposed", lambda X, w, b: w @ X + b,
                      "you multiplied w with the columns of X (`w @ X` is `X.T @ w`): each row of X is one "
                      "example, so write `X @ w`."),
        Misconception("multiplied the bias", lambda X, w, b: (X @ w) * b,
                      "you multiplied by the bias; the bias is added: `X @ w + b`."),
        Misconception("no weights", lambda X, w, b: X.sum(axis=1) + b,
                      "you added the inputs without their weights: multiply each input by its weight first."),
        Misconception("no sum", lambda X, w, b: X * w + b,
                      "you multiplied input by weight but did not add the products up per example; "
                      "`X @ w` multiplies and sums in one step."),
        Misconception("summed the wrong axis", lambda X, w, b: (X * w).sum(axis=0) + b,
                      "you summed over axis 0, across the examples; sum over axis 1, the inputs of each example."),
        Misconception("column weights", lambda X, w, b: X @ w.reshape(-1, 1) + b,
                      "you made w a column (shape (n, 1)), so z came out as a column too: "
                      "keep w one-dimensional, and z has shape (m,)."),
    ],
    hints=[
        "For one example x, z = w1·x1 + w2·x2 + … + b. X holds one example per row, so you need one z per row.",
        "The matrix product `X @ w` gives, for every row of X, the sum of input × weight. What is still missing?",
        "`X @ w + b` is the whole answer; the result has one number per example, shape (m,).",
    ],
))

register(Exercise(
    name="01.perceptron_predict",
    title="Perceptron prediction",
    target="perceptron_predict",
    reference=perceptron_predict,
    cases=[
        Case((np.array([[0.0, 0.0], [1.0, 1.0], [2.0, -1.0], [-1.0, 0.5]]), np.array([1.0, 1.0]), -1.0),
             check_dtype=True, label="four examples, one with z exactly 0 (w = [1, 1], b = -1)"),
        Case((AND[0], np.array([1.0, 1.0]), -1.5), check_dtype=True,
             label="AND inputs with w = [1, 1], b = -1.5"),
        Case((OR[0], np.array([1.0, 1.0]), -0.5), check_dtype=True, label="OR inputs with w = [1, 1], b = -0.5"),
        Case((np.array([[1.0, 2.0, -1.0], [0.5, -1.0, 2.0], [-2.0, 0.0, 1.0], [1.0, 1.0, 1.0], [0.0, -0.5, -1.0]]),
              np.array([2.0, -1.0, 0.5]), 0.5), check_dtype=True, label="5 examples, 3 inputs, w = [2, -1, 0.5], b = 0.5"),
        Case((np.array([[3.0, 1.0]]), np.array([-1.0, 2.0]), 0.5), check_dtype=True,
             label="a batch of 1 example, w = [-1, 2], b = 0.5"),
    ],
    misconceptions=[
        Misconception("returned z", lambda X, w, b: X @ w + b,
                      "you returned the weighted sum z itself; the perceptron outputs step(z): 1 where z > 0, else 0."),
        Misconception("z >= 0", lambda X, w, b: (X @ w + b >= 0).astype(int),
                      "at z = 0 exactly your perceptron says 1; in this course step(z) is 1 only when z > 0."),
        Misconception("swapped", lambda X, w, b: (X @ w + b <= 0).astype(int),
                      "your classes are swapped: output 1 where z > 0 and 0 elsewhere."),
        Misconception("sign", lambda X, w, b: np.sign(X @ w + b),
                      "`np.sign` gives −1 for negative z; the perceptron's outputs are 0 and 1."),
        Misconception("forgot the bias", lambda X, w, b: (X @ w > 0).astype(int),
                      "you left out the bias: threshold z = X @ w + b, not X @ w."),
    ],
    hints=[
        "First compute z for every example (your weighted sum), then turn each z into 0 or 1.",
        "`z > 0` gives an array of True/False; `.astype(int)` turns it into 1/0.",
        "`(X @ w + b > 0).astype(int)` does it in one line.",
    ],
))

register(Exercise(
    name="01.train_perceptron",
    title="Perceptron training",
    target="train_perceptron",
    reference=train_perceptron,
    returns=("w", "b"),
    cases=[
        Case(AND, {"learning_rate": 0.5, "epochs": 10}, label="AND, learning_rate = 0.5, epochs = 10"),
        Case(OR, {"learning_rate": 0.25, "epochs": 3}, label="OR, learning_rate = 0.25, epochs = 3"),
        Case(_THREE, {"learning_rate": 0.5, "epochs": 5}, label="six examples with 3 inputs, learning_rate = 0.5, epochs = 5"),
        Case((XOR[0][::-1].copy(), XOR[1][::-1].copy()), {"learning_rate": 0.25, "epochs": 3},
             label="XOR (examples in reverse order), learning_rate = 0.25, epochs = 3"),
        Case(XOR, {"learning_rate": 0.5, "epochs": 1}, label="XOR, learning_rate = 0.5, epochs = 1 (not converged: "
             "training longer or until convergence gives other weights)"),
        Case(_NOISY, {"learning_rate": 0.25, "epochs": 2},
             label="six examples with 3 inputs and one label flipped, learning_rate = 0.25, epochs = 2 (not converged)"),
        Case(_NOISY, label="the same six examples with the defaults (learning_rate = 0.5, epochs = 10)"),
    ],
    misconceptions=[
        Misconception("bias never updated", lambda X, y, learning_rate=0.5, epochs=10:
                      _train_variant(X, y, learning_rate, epochs, bias=False),
                      "your bias never changes: after each example, also do b = b + learning_rate * error."),
        Misconception("wrong sign", lambda X, y, learning_rate=0.5, epochs=10:
                      _train_variant(X, y, learning_rate, epochs, sign=-1),
                      "your update has the wrong sign: error = y − prediction (target minus output)."),
        Misconception("no learning rate", lambda X, y, learning_rate=0.5, epochs=10:
                      _train_variant(X, y, learning_rate, epochs, rate=False),
                      "you ignored learning_rate: multiply every update by it."),
        Misconception("target instead of error", lambda X, y, learning_rate=0.5, epochs=10:
                      _train_variant(X, y, learning_rate, epochs, target_only=True),
                      "you update with the target y instead of the error y − prediction, so examples the "
                      "perceptron already gets right still move the line."),
        Misconception("z >= 0", lambda X, y, learning_rate=0.5, epochs=10:
                      _train_variant(X, y, learning_rate, epochs, at_zero=1),
                      "your prediction during training says 1 at z = 0; the perceptron says 1 only when z > 0."),
        Misconception("one update per epoch", lambda X, y, learning_rate=0.5, epochs=10:
                      _train_variant(X, y, learning_rate, epochs, per_epoch=True),
                      "you update once per epoch from all the errors together; the perceptron rule updates "
                      "after every single example, in order."),
    ],
    hints=[
        "Start from `w = np.zeros(X.shape[1])` and `b = 0.0`. Loop over the epochs, and inside, over the examples in order.",
        "For one example x with target t: prediction = 1 if x @ w + b > 0 else 0; error = t − prediction.",
        "Then w = w + learning_rate * error * x and b = b + learning_rate * error. Return `w, b` after all epochs.",
    ],
))
