"""Exercises of lesson 05 (Backpropagation): the chain rule on one neuron, a numerical gradient,
and backpropagation through the 2-layer network of lesson 03.

The network is lesson 03's, in Keras' layout: ``Z1 = X @ W1 + b1``, ``A1 = tanh(Z1)``,
``Z2 = A1 @ W2 + b2``, ``A2 = sigmoid(Z2)``, with the binary cross-entropy averaged over the
batch of m samples, ``L = -mean(Y log A2 + (1 - Y) log(1 - A2))``. Its gradients are::

    dZ2 = (A2 - Y) / m            dW2 = A1.T @ dZ2     db2 = dZ2.sum(axis=0)
    dZ1 = (dZ2 @ W2.T) * (1 - A1**2)
                                  dW1 = X.T @ dZ1      db1 = dZ1.sum(axis=0)

The tests compare the references with ``tf.GradientTape``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from dlcourse.exercises.answers.lesson05 import backprop, chain_rule, numerical_gradient  # the notebook's answers
from dlcourse.exercises.core import Case, Exercise, Misconception, lesson, register

lesson("05", "Backpropagation")


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


# --- known-wrong variants ------------------------------------------------------------------------

def _chain_variant(x: float, w: float, b: float, y: float, *, two: bool = True, slope: str = "a(1-a)",
                   sign: int = 1, db_times_x: bool = False) -> tuple[float, float]:
    z = w * x + b
    a = float(_sigmoid(z))
    dL_da = (2.0 if two else 1.0) * (a - y) * sign
    da_dz = {"a(1-a)": a * (1 - a), "none": 1.0, "z(1-z)": z * (1 - z), "a": a}[slope]
    dw = dL_da * da_dz * x
    return dw, dw if db_times_x else dL_da * da_dz


def _numerical_variant(f: Callable[[np.ndarray], float], w: np.ndarray, h: float = 1e-5, *,
                       kind: str = "central") -> np.ndarray:
    w = np.asarray(w, dtype=float)
    grad = np.zeros_like(w)
    for i in np.ndindex(w.shape):
        plus, minus = w.copy(), w.copy()
        plus[i] += h
        minus[i] -= h
        if kind == "forward":
            grad[i] = (f(plus) - f(w)) / h
        elif kind == "backward":
            grad[i] = (f(w) - f(minus)) / h
        else:  # "over h"
            grad[i] = (f(plus) - f(minus)) / h
    return grad


def _numerical_no_reset(f: Callable[[np.ndarray], float], w: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Nudges that pile up: each entry is left at w_i - h after its difference is taken."""
    work = np.asarray(w, dtype=float).copy()
    grad = np.zeros_like(work)
    for i in np.ndindex(work.shape):
        work[i] += h
        plus = f(work)
        work[i] -= 2 * h
        minus = f(work)
        grad[i] = (plus - minus) / (2 * h)
    return grad


def _backprop_variant(X, Y, W1, b1, W2, b2, *, average=True, tanh_slope="1-a^2", sign=1, extra_sigmoid=False,
                      transpose=False, hidden_slope=True):
    m = X.shape[0]
    Z1 = X @ W1 + b1
    A1 = np.tanh(Z1)
    A2 = _sigmoid(A1 @ W2 + b2)
    dZ2 = sign * (A2 - Y) / (m if average else 1)
    if extra_sigmoid:
        dZ2 = dZ2 * A2 * (1 - A2)
    dW2 = A1.T @ dZ2
    db2 = dZ2.sum(axis=0)
    slope = {"1-a^2": 1 - A1 ** 2, "1-a": 1 - A1, "1-z^2": 1 - Z1 ** 2, "a(1-a)": A1 * (1 - A1)}[tanh_slope]
    dZ1 = (dZ2 @ W2.T) * (slope if hidden_slope else 1.0)
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0)
    if transpose:
        return dW1.T, db1, dW2.T, db2
    return dW1, db1, dW2, db2


def _cube(w: np.ndarray) -> float:
    return float(np.sum(w ** 3) + 0.5 * w.flat[0] * w.flat[-1])


def _logistic_loss(w: np.ndarray) -> float:
    X = np.array([[1.0, 0.5], [-0.5, 2.0], [1.5, -1.0]])
    y = np.array([1.0, 0.0, 1.0])
    p = _sigmoid(X @ w)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _batch(seed: int, m: int, n: int, h: int, k: int = 1) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(m, n)), 2)
    Y = rng.integers(0, 2, size=(m, k)).astype(float)
    W1 = np.round(rng.normal(scale=0.8, size=(n, h)), 2)
    b1 = np.round(rng.normal(scale=0.5, size=h), 2)
    W2 = np.round(rng.normal(scale=0.8, size=(h, k)), 2)
    b2 = np.round(rng.normal(scale=0.5, size=k), 2)
    return X, Y, W1, b1, W2, b2


register(Exercise(
    name="05.chain_rule",
    title="The chain rule on one neuron",
    target="chain_rule",
    reference=chain_rule,
    returns=("dL_dw", "dL_db"),
    cases=[
        Case((1.5, 0.8, -0.5, 1.0), label="x = 1.5, w = 0.8, b = -0.5, y = 1"),
        Case((-2.0, 0.5, 0.25, 0.0), label="x = -2, w = 0.5, b = 0.25, y = 0"),
        Case((3.0, -1.2, 2.0, 1.0), label="x = 3, w = -1.2, b = 2, y = 1"),
    ],
    misconceptions=[
        Misconception("forgot the sigmoid's slope", lambda x, w, b, y: _chain_variant(x, w, b, y, slope="none"),
                      "you skipped the middle link da/dz = a(1 − a): the path from L to w goes through the sigmoid."),
        Misconception("forgot the 2", lambda x, w, b, y: _chain_variant(x, w, b, y, two=False),
                      "dL/da of (a − y)² is 2(a − y): you left out the 2."),
        Misconception("wrong sign", lambda x, w, b, y: _chain_variant(x, w, b, y, sign=-1),
                      "your gradients have the wrong sign: dL/da = 2(a − y), prediction minus target."),
        Misconception("slope from z", lambda x, w, b, y: _chain_variant(x, w, b, y, slope="z(1-z)"),
                      "you wrote the sigmoid's slope with z; it is a(1 − a) with a = sigmoid(z)."),
        Misconception("slope is a", lambda x, w, b, y: _chain_variant(x, w, b, y, slope="a"),
                      "you used a as the sigmoid's slope; the slope is a(1 − a)."),
        Misconception("dL/db with x", lambda x, w, b, y: _chain_variant(x, w, b, y, db_times_x=True),
                      "your dL/db has the factor x; dz/db = 1, so dL/db = dL/da · da/dz, without x."),
    ],
    hints=[
        "Go forward first: z = w·x + b, a = sigmoid(z). Then three local slopes: dL/da, da/dz, and dz/dw = x "
        "(dz/db = 1).",
        "dL/da = 2(a − y); da/dz = a(1 − a). Multiply the slopes along the path from L to w (and to b).",
        "`a = 1 / (1 + np.exp(-(w * x + b)))`, `g = 2 * (a - y) * a * (1 - a)`, then `return g * x, g`.",
    ],
))

register(Exercise(
    name="05.numerical_gradient",
    title="A numerical gradient",
    target="numerical_gradient",
    reference=numerical_gradient,
    cases=[
        Case((_cube, np.array([1.0, -2.0, 0.5])), label="f(w) = Σ w³ + w₀·w₂/2 at w = [1, -2, 0.5]", rtol=1e-7,
             atol=1e-9),
        Case((_logistic_loss, np.array([0.3, -0.7])), label="a logistic-regression loss at w = [0.3, -0.7]",
             rtol=1e-7, atol=1e-9),
        Case((_cube, np.array([[0.5, 1.5], [-1.0, 2.0]])), label="f(w) = Σ w³ + w₀·w₃/2 at a 2×2 w", rtol=1e-7,
             atol=1e-9),
        Case((_cube, np.array([1.0, 2.0])), {"h": 0.1}, label="f(w) = Σ w³ + w₀·w₁/2 at w = [1, 2], h = 0.1 "
             "(a large step: the central difference is off by h² from the exact slope)", rtol=1e-7, atol=1e-9),
    ],
    misconceptions=[
        Misconception("one-sided difference", lambda f, w, h=1e-5: _numerical_variant(f, w, h, kind="forward"),
                      "you used the forward difference (f(w + h) − f(w)) / h; the central difference "
                      "(f(w + h) − f(w − h)) / (2h) is much more accurate."),
        Misconception("backward difference", lambda f, w, h=1e-5: _numerical_variant(f, w, h, kind="backward"),
                      "you used (f(w) − f(w − h)) / h; use the central difference (f(w + h) − f(w − h)) / (2h)."),
        Misconception("divided by h", lambda f, w, h=1e-5: _numerical_variant(f, w, h, kind="over h"),
                      "the two points are 2h apart, so divide by 2h, not h."),
        Misconception("nudges pile up", _numerical_no_reset,
                      "each nudge stayed in w for the next entries: change one entry at a time, on fresh copies "
                      "of w (e.g. `plus = w.copy(); plus[i] += h`)."),
    ],
    hints=[
        "For each entry i of w, make two copies: one with w[i] + h and one with w[i] − h. Everything else stays.",
        "`for i in np.ndindex(w.shape):` visits every entry of an array of any shape; "
        "`grad[i] = (f(plus) - f(minus)) / (2 * h)`.",
        "Start with `grad = np.zeros_like(w, dtype=float)`; inside the loop `plus, minus = w.copy(), w.copy()`, "
        "`plus[i] += h`, `minus[i] -= h`, then the central difference. Return grad.",
    ],
))

register(Exercise(
    name="05.backprop",
    title="Backpropagation through a 2-layer network",
    target="backprop",
    reference=backprop,
    returns=("dW1", "db1", "dW2", "db2"),
    cases=[
        Case(_batch(1, m=4, n=3, h=2),
             label="random case (seed 1): 4 samples, 3 inputs, 2 hidden units"),
        Case(_batch(2, m=5, n=2, h=2),
             label="random case (seed 2): 5 samples, 2 inputs, 2 hidden units (square W1)"),
        Case(_batch(3, m=6, n=4, h=3),
             label="random case (seed 3): 6 samples, 4 inputs, 3 hidden units"),
        Case(_batch(4, m=3, n=2, h=4, k=2), label="random case (seed 4): 3 samples, 2 inputs, 4 hidden units, 2 outputs"),
        Case(_batch(5, m=1, n=3, h=2, k=3), label="random case (seed 5): 1 sample, 3 inputs, 2 hidden units, 3 outputs"),
    ],
    misconceptions=[
        Misconception("not averaged", lambda *a: _backprop_variant(*a, average=False),
                      "your gradients are m times too large: the loss is the mean over the batch, so "
                      "dZ2 = (A2 − Y) / m."),
        Misconception("1 - tanh", lambda *a: _backprop_variant(*a, tanh_slope="1-a"),
                      "tanh's slope is 1 − tanh(z)², i.e. 1 − A1**2; you used 1 − A1."),
        Misconception("1 - z squared", lambda *a: _backprop_variant(*a, tanh_slope="1-z^2"),
                      "tanh's slope is 1 − tanh(z)² = 1 − A1**2; you squared Z1 instead of A1."),
        Misconception("sigmoid slope on tanh", lambda *a: _backprop_variant(*a, tanh_slope="a(1-a)"),
                      "A1 * (1 − A1) is the sigmoid's slope; the hidden layer uses tanh: 1 − A1**2."),
        Misconception("no hidden slope", lambda *a: _backprop_variant(*a, hidden_slope=False),
                      "you left out the activation's slope in the hidden layer: dZ1 = (dZ2 @ W2.T) * (1 − A1**2)."),
        Misconception("extra sigmoid slope", lambda *a: _backprop_variant(*a, extra_sigmoid=True),
                      "with cross-entropy the sigmoid's slope cancels: dZ2 = (A2 − Y) / m, without * A2 * (1 − A2)."),
        Misconception("wrong sign", lambda *a: _backprop_variant(*a, sign=-1),
                      "your gradients have the wrong sign: dZ2 = (A2 − Y) / m, prediction minus target."),
        Misconception("transposed", lambda *a: _backprop_variant(*a, transpose=True),
                      "your dW has the shape of W transposed: dW1 = X.T @ dZ1 has W1's shape (inputs, units), "
                      "and dW2 = A1.T @ dZ2 W2's."),
    ],
    hints=[
        "First the forward pass, keeping A1 and A2. Then go backwards: dZ2 = (A2 − Y) / m is where it starts.",
        "A layer's gradients: dW = (its input).T @ dZ and db = dZ.sum(axis=0). To go one layer down: "
        "dA1 = dZ2 @ W2.T, then dZ1 = dA1 * (1 − A1**2).",
        "dZ2 = (A2 - Y) / m; dW2 = A1.T @ dZ2; db2 = dZ2.sum(axis=0); dZ1 = (dZ2 @ W2.T) * (1 - A1**2); "
        "dW1 = X.T @ dZ1; db1 = dZ1.sum(axis=0); return dW1, db1, dW2, db2.",
    ],
))
