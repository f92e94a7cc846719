"""Loss curves and loss surfaces to run gradient descent on: the function, its gradient, its minimum.

Introduced in lesson 06 (the 1-D curves) and lesson 07 (the 2-D surfaces). They are small,
exact test problems: each knows its value, its gradient (written out by hand, and tested
against TensorFlow's automatic differentiation) and where its minimum is, so a path of
gradient-descent steps can be drawn on it and judged.

* :data:`CURVES` — one weight ``w``: ``"quadratic"`` (the parabola ``(w - 3)² + 1``),
  ``"lopsided"`` (steep on one side, gentle on the other) and ``"two valleys"``.
* :data:`SURFACES` — two weights ``(x, y)``: ``"ravine"`` (a long, narrow valley),
  ``"saddle"`` (flat in the middle, downhill on two sides) and ``"rosenbrock"`` (a curved,
  flat-bottomed valley).

Values work on NumPy arrays of any shape (for contour plots); gradients take one point.
This module only needs NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

__all__ = ["CURVES", "SURFACES", "Curve", "Surface", "get_curve", "get_surface"]


@dataclass(frozen=True)
class Curve:
    """A loss of one weight: ``loss(w)``, ``grad(w)``, its lowest point and a range to draw.

    ``curvature`` is L''(w*) at the minimum ``w_star``: gradient descent with a learning rate
    below ``2 / curvature`` converges once it is close to the minimum.
    """

    name: str
    formula: str
    loss: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]
    w_star: float
    curvature: float
    xlim: tuple[float, float]
    start: float

    def __call__(self, w):
        return self.loss(w)


@dataclass(frozen=True, eq=False)
class Surface:
    """A loss of two weights ``p = (x, y)``: ``loss(x, y)``, ``grad(p)``, a start and a view.

    ``steps`` is how many updates a race on it runs. ``learning_rates`` are starting values per
    optimizer (the race widget's defaults), each near the best that optimizer does here.
    """

    name: str
    formula: str
    loss: Callable[[np.ndarray, np.ndarray], np.ndarray]
    grad_xy: Callable[[float, float], tuple[float, float]]
    minimum: tuple[float, float]
    start: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    steps: int = 100
    log_levels: bool = False
    learning_rates: dict[str, float] = field(default_factory=dict)
    description: str = ""

    def __call__(self, x, y):
        return self.loss(x, y)

    def grad(self, p: np.ndarray) -> np.ndarray:
        """The gradient at the point ``p = (x, y)``, as an array of the same dtype as ``p``."""
        p = np.asarray(p)
        gx, gy = self.grad_xy(float(p[0]), float(p[1]))
        dtype = p.dtype if np.issubdtype(p.dtype, np.floating) else np.float64
        return np.array([gx, gy], dtype=dtype)

    def value(self, p: np.ndarray) -> float:
        """The loss at the point ``p = (x, y)``."""
        return float(self.loss(np.float64(p[0]), np.float64(p[1])))


# --- 1-D curves ----------------------------------------------------------------------------

def _quadratic(w):
    return (w - 3.0) ** 2 + 1.0


def _quadratic_grad(w):
    return 2.0 * (w - 3.0)


def _lopsided(w):
    return np.exp(w - 3.0) - (w - 3.0)


def _lopsided_grad(w):
    return np.exp(w - 3.0) - 1.0


def _two_valleys(w):
    u = w - 3.0
    return (u * u - 4.0) ** 2 / 16.0 + u / 4.0 + 2.0


def _two_valleys_grad(w):
    u = w - 3.0
    return u * (u * u - 4.0) / 4.0 + 0.25


def _two_valleys_minimum() -> float:
    # L'(w) = 0 is u³ − 4u + 1 = 0 (u = w − 3); of its two minima the left one is lower.
    roots = np.sort(np.roots([1.0, 0.0, -4.0, 1.0]).real)
    return float(roots[0] + 3.0)


_W_TWO = _two_valleys_minimum()

#: The 1-D loss curves, by name.
CURVES: dict[str, Curve] = {
    "quadratic": Curve("quadratic", "L(w) = (w − 3)² + 1", _quadratic, _quadratic_grad,
                       w_star=3.0, curvature=2.0, xlim=(-1.0, 7.0), start=0.0),
    "lopsided": Curve("lopsided", "L(w) = e^(w − 3) − (w − 3)", _lopsided, _lopsided_grad,
                      w_star=3.0, curvature=1.0, xlim=(-1.0, 6.5), start=0.0),
    "two valleys": Curve("two valleys", "L(w) = ((w − 3)² − 4)²/16 + (w − 3)/4 + 2", _two_valleys,
                         _two_valleys_grad, w_star=_W_TWO,
                         curvature=float((3 * (_W_TWO - 3) ** 2 - 4) / 4), xlim=(-0.5, 6.5), start=6.0),
}


# --- 2-D surfaces --------------------------------------------------------------------------

def _ravine(x, y):
    return 0.01 * x * x + y * y


def _ravine_grad(x, y):
    return 0.02 * x, 2.0 * y


def _saddle(x, y):
    return 0.5 * x * x - 0.5 * y * y + 0.25 * y ** 4


def _saddle_grad(x, y):
    return x, -y + y ** 3


def _rosenbrock(x, y):
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


def _rosenbrock_grad(x, y):
    return -2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)


#: The 2-D loss surfaces, by name.
SURFACES: dict[str, Surface] = {
    "ravine": Surface(
        "ravine", "L(x, y) = 0.01·x² + y²", _ravine, _ravine_grad, minimum=(0.0, 0.0),
        start=(-9.0, 2.0), xlim=(-10.0, 2.0), ylim=(-3.0, 3.0), steps=100,
        learning_rates={"SGD": 0.9, "Momentum": 0.15, "Nesterov": 0.15, "Adagrad": 1.0,
                        "Adadelta": 1.0, "RMSprop": 0.1, "Adam": 0.3, "AMSGrad": 0.3},
        description="a long, narrow valley: 100 times steeper across (y) than along (x)"),
    "saddle": Surface(
        "saddle", "L(x, y) = x²/2 − y²/2 + y⁴/4", _saddle, _saddle_grad, minimum=(0.0, 1.0),
        start=(-2.0, 0.001), xlim=(-2.5, 1.5), ylim=(-1.6, 1.6), steps=100,
        learning_rates={"SGD": 0.05, "Momentum": 0.05, "Nesterov": 0.05, "Adagrad": 0.3,
                        "Adadelta": 1.0, "RMSprop": 0.03, "Adam": 0.05, "AMSGrad": 0.05},
        description="a saddle point at (0, 0): downhill along x towards it, then away from it along y "
                    "to the minima at (0, ±1)"),
    "rosenbrock": Surface(
        "rosenbrock", "L(x, y) = (1 − x)² + 100·(y − x²)²", _rosenbrock, _rosenbrock_grad,
        minimum=(1.0, 1.0), start=(-1.2, 1.0), xlim=(-2.0, 2.0), ylim=(-1.0, 3.0), steps=300,
        log_levels=True,
        learning_rates={"SGD": 0.001, "Momentum": 0.001, "Nesterov": 0.001, "Adagrad": 1.0,
                        "Adadelta": 1.0, "RMSprop": 0.01, "Adam": 0.3, "AMSGrad": 0.3},
        description="a curved valley with a nearly flat floor; the minimum is at (1, 1)"),
}


def get_curve(name: str) -> Curve:
    """The 1-D curve called ``name`` (one of :data:`CURVES`)."""
    if name not in CURVES:
        raise ValueError(f"Unknown curve {name!r}. Valid names: {', '.join(CURVES)}.")
    return CURVES[name]


def get_surface(name: str) -> Surface:
    """The 2-D surface called ``name`` (one of :data:`SURFACES`)."""
    if name not in SURFACES:
        raise ValueError(f"Unknown surface {name!r}. Valid names: {', '.join(SURFACES)}.")
    return SURFACES[name]
