"""Exercises of lesson 02 (Activation functions): sigmoid, ReLU, leaky ReLU and a stable softmax.

The expected answers come from the course's engine, :mod:`dlcourse.nn.activations`, which
follows ``keras.activations`` (names, Keras 3's leaky-ReLU default ``negative_slope=0.2``,
softmax over the last axis); the tests compare the engine with Keras itself.

Numerical stability is part of the task. The checker runs the learner's function with NumPy
warnings turned on and fails a case in which NumPy warns about an overflow
(``exp(1000)`` is ``inf``), naming the input: "your `sigmoid` overflows at z = [-1000]". The
softmax case with large scores allows the overflow, so that the NaN it produces can be
matched with the named misconception ("not stable") and its fix.

Every known-wrong variant below is computed with NumPy's warnings silenced: they run while
the check prepares its expected answers, and must not print warnings into the notebook.
"""

from __future__ import annotations

import numpy as np

from dlcourse.exercises.answers.lesson02 import leaky_relu, relu, sigmoid, softmax  # the notebook's answers
from dlcourse.exercises.core import Case, Exercise, Misconception, lesson, quiet, register
from dlcourse.nn import activations as _engine

lesson("02", "Activation functions")

LEAKY_RELU_DEFAULT = 0.2  # keras.activations.leaky_relu's negative_slope in Keras 3


def _rows(e: np.ndarray) -> np.ndarray:
    return e / e.sum(axis=-1, keepdims=True)


def _stable_exp(z: np.ndarray, axis: int | None = -1) -> np.ndarray:
    return np.exp(z - np.max(z, axis=axis, keepdims=True))


_Z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
_BATCH = np.array([[-1.0, 3.0], [4.0, -6.0], [0.0, 0.25]])

register(Exercise(
    name="02.sigmoid",
    title="Sigmoid",
    target="sigmoid",
    reference=sigmoid,
    cases=[
        Case((_Z.copy(),)),
        Case((_BATCH.copy(),), label="a batch z of shape (3, 2)"),
        Case((np.array([-1000.0]),)),
        Case((np.array([1000.0]),)),
        Case((np.array([-40.0, -12.5, 12.5, 40.0]),)),
    ],
    misconceptions=[
        Misconception("lost the minus", quiet(lambda z: 1 / (1 + np.exp(z))),
                      "you wrote e^(+z); the sigmoid is 1 / (1 + e^(−z)), which is above 0.5 for positive z."),
        Misconception("precedence", quiet(lambda z: 1 / 1 + np.exp(-z)),
                      "`1 / 1 + np.exp(-z)` is 1 + e^(−z): Python divides before it adds. "
                      "Put the denominator in parentheses: `1 / (1 + np.exp(-z))`."),
        Misconception("no one plus", quiet(lambda z: 1 / np.exp(-z)),
                      "you left out the 1 in the denominator: 1 / e^(−z) is just e^z. "
                      "The sigmoid is 1 / (1 + e^(−z))."),
        Misconception("tanh", quiet(np.tanh),
                      "that is tanh, which runs from −1 to 1; the sigmoid runs from 0 to 1: 1 / (1 + e^(−z))."),
    ],
    hints=[
        "The formula is 1 / (1 + e^(−z)); `np.exp` works on whole arrays at once. Start with that and run the check.",
        "`np.exp(1000.0)` is too large for a float (it overflows to inf). For negative z, e^(−z) is huge, but the "
        "same value can be written e^z / (1 + e^z), where the exponent is negative and small.",
        "Compute `e = np.exp(-np.abs(z))` (never overflows), then return `np.where(z >= 0, 1 / (1 + e), e / (1 + e))`. "
        "Note that `np.where(cond, a, b)` computes both a and b for every element, so neither may overflow.",
    ],
))

register(Exercise(
    name="02.relu",
    title="ReLU",
    target="relu",
    reference=relu,
    cases=[
        Case((_Z.copy(),), check_dtype=True),
        Case((_BATCH.copy(),), check_dtype=True, label="a batch z of shape (3, 2)"),
        Case((np.array([3.0, -0.001, 7.5, -1000.0]),), check_dtype=True),
    ],
    misconceptions=[
        Misconception("returned the step", lambda z: z > 0,
                      "your relu returns the step `z > 0` (True/False or 1/0), not the value: ReLU keeps z itself "
                      "where z > 0 and gives 0 elsewhere, e.g. `np.maximum(z, 0)`."),
        Misconception("np.max", lambda z: np.max(z, 0),
                      "`np.max(z, 0)` finds the largest value along axis 0; the element-wise maximum of z and 0 "
                      "is `np.maximum(z, 0)`."),
        Misconception("kept only positives", lambda z: z[z > 0],
                      "`z[z > 0]` keeps only the positive values and drops the rest, so the result is shorter; "
                      "ReLU keeps every position and puts 0 where z ≤ 0."),
        Misconception("absolute value", np.abs,
                      "you took the absolute value: negative inputs must become 0, not positive."),
        Misconception("kept the negatives", lambda z: np.minimum(z, 0),
                      "you kept the negative part and zeroed the positive one; ReLU is `np.maximum(z, 0)`."),
    ],
    hints=[
        "ReLU(z) = z where z > 0, and 0 elsewhere. NumPy has an element-wise maximum of two arrays (or an array and a number).",
        "`np.maximum(z, 0)` compares every element with 0. (`np.max` is different: it finds the largest element.)",
        "Return a new array and leave `z` unchanged: `np.maximum(z, 0)` does both. Writing `z[z < 0] = 0` would change "
        "the caller's array.",
    ],
))

register(Exercise(
    name="02.leaky_relu",
    title="Leaky ReLU",
    target="leaky_relu",
    reference=leaky_relu,
    cases=[
        Case((_Z.copy(),), label="z = [-2, -0.5, 0, 0.5, 2] (default negative_slope)"),
        Case((_Z.copy(),), {"negative_slope": 0.1}),
        Case((_BATCH.copy(),), {"negative_slope": 0.3}, label="a batch z of shape (3, 2), negative_slope = 0.3"),
        Case((np.array([-100.0, -1.0, 1.0]),), {"negative_slope": 0.01}),
    ],
    misconceptions=[
        Misconception("ignored the slope", lambda z, negative_slope=LEAKY_RELU_DEFAULT: np.where(z > 0, z, 0.2 * z),
                      "your function ignores `negative_slope` and always uses 0.2: multiply the negative inputs by "
                      "the argument."),
        Misconception("slope 0.01", lambda z, negative_slope=0.01: np.where(z > 0, z, negative_slope * z),
                      "your negative side has slope 0.01 (PyTorch's default). Use the `negative_slope` argument, "
                      "and give it Keras 3's default, 0.2."),
        Misconception("slope 0.3", lambda z, negative_slope=LEAKY_RELU_DEFAULT: np.where(z > 0, z, 0.3 * z),
                      "your negative side has slope 0.3, the default of Keras 2's `LeakyReLU(alpha=...)`. Use the "
                      "`negative_slope` argument, whose default in Keras 3 is 0.2."),
        Misconception("plain ReLU", lambda z, negative_slope=LEAKY_RELU_DEFAULT: np.maximum(z, 0),
                      "that is plain ReLU: for negative z, leaky ReLU returns `negative_slope * z`, not 0."),
        Misconception("slope not times z", lambda z, negative_slope=LEAKY_RELU_DEFAULT:
                      np.where(z > 0, z, negative_slope),
                      "for negative z you returned the slope itself; return `negative_slope * z`."),
        Misconception("sides swapped", lambda z, negative_slope=LEAKY_RELU_DEFAULT:
                      np.where(z > 0, negative_slope * z, z),
                      "your sides are swapped: z > 0 passes unchanged, and the negative side is scaled by "
                      "`negative_slope`."),
    ],
    hints=[
        "Where z > 0 the output is z; elsewhere it is `negative_slope * z`. Keep the default `negative_slope=0.2` "
        "in the signature.",
        "`np.where(condition, a, b)` picks from a where the condition holds and from b elsewhere.",
        "`return np.where(z > 0, z, negative_slope * z)`.",
    ],
))

_SCORES = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
_WIDE = np.array([[2.0, -1.0, 0.5, 0.0], [-3.0, 4.0, 1.0, 1.0], [0.0, 0.0, 0.0, 10.0]])
_SQUARE = np.array([[0.5, 1.5, -1.0], [2.0, 0.0, 1.0], [-2.0, 3.0, 0.25]])
_WRONG_AXIS = ("you normalised over axis 0, down the columns (across the examples). Each row is one example: "
               "sum over the last axis, `axis=-1`, so that every row sums to 1.")
_LARGE = np.array([[1000.0, 1001.0, 1002.0], [-1002.0, -1001.0, -1000.0], [-1000.0, 0.0, 1000.0]])

register(Exercise(
    name="02.softmax",
    title="Stable softmax",
    target="softmax",
    reference=softmax,
    cases=[
        Case((_SCORES.copy(),), label="z = [[1, 2, 3], [0, 0, 0]] (2 examples, 3 classes)"),
        Case((_WIDE.copy(),), label="a batch of 3 examples with 4 scores each"),
        Case((_SQUARE.copy(),), label="a square batch of 3 examples with 3 scores each"),
        Case((np.array([1.0, 2.0, 3.0]),), label="one example, z = [1, 2, 3] (shape (3,): the last axis is the only one)"),
        Case((_LARGE.copy(),), allow_overflow=True,
             label="large scores z = [[1000, 1001, 1002], [-1002, -1001, -1000], [-1000, 0, 1000]]"),
    ],
    misconceptions=[
        Misconception("not stable", quiet(lambda z: _rows(np.exp(z))),
                      "your softmax is not stable: e^1000 overflows to inf and inf / inf is NaN (and e^−1000 "
                      "underflows to 0, giving 0 / 0). Subtract each row's largest score first, "
                      "`z - z.max(axis=-1, keepdims=True)`: softmax does not change, and no exponent is positive."),
        Misconception("batch max", quiet(lambda z: _rows(np.exp(z - np.max(z)))),
                      "you subtracted the largest score of the whole batch; a row far below it underflows to "
                      "0 / 0. Subtract each row's own maximum: `z.max(axis=-1, keepdims=True)`."),
        Misconception("wrong axis", quiet(lambda z: (lambda e: e / e.sum(axis=0, keepdims=True))(_stable_exp(z, 0))),
                      _WRONG_AXIS),
        Misconception("wrong axis (rows shifted)",
                      quiet(lambda z: (lambda e: e / e.sum(axis=0, keepdims=True))(_stable_exp(z, -1))),
                      _WRONG_AXIS),
        Misconception("whole batch", quiet(lambda z: (lambda e: e / e.sum())(_stable_exp(z, None))),
                      "you divided by the sum over the whole batch, so the rows do not each sum to 1: "
                      "use `e.sum(axis=-1, keepdims=True)`."),
        Misconception("no keepdims", quiet(lambda z: (lambda e: e / e.sum(axis=-1))(_stable_exp(z))),
                      "you divided by `e.sum(axis=-1)` without `keepdims=True`: the row sums have shape (m,), and "
                      "NumPy lined them up with the columns instead of the rows."),
        Misconception("no exp", quiet(lambda z: z / z.sum(axis=-1, keepdims=True)),
                      "you divided the scores by their sum without exponentiating: softmax uses e^z, which makes "
                      "every term positive (and the largest score the most likely)."),
        Misconception("sigmoid", quiet(lambda z: 1 / (1 + np.exp(-z))),
                      "you applied the sigmoid to each score on its own; softmax divides e^z by the sum of its row, "
                      "so that the row sums to 1."),
    ],
    hints=[
        "softmax(z)_i = e^(z_i) / Σ_j e^(z_j), row by row. `e.sum(axis=-1, keepdims=True)` sums each row and keeps the "
        "result as a column, so `e / that` divides every row by its own sum.",
        "e^1000 overflows. Subtracting the same number from every score of a row does not change the softmax "
        "(the factor cancels), so subtract the row's maximum: `z - z.max(axis=-1, keepdims=True)`.",
        "`e = np.exp(z - z.max(axis=-1, keepdims=True))`, then `return e / e.sum(axis=-1, keepdims=True)`.",
    ],
))
