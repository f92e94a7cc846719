"""The Playground's input features: x1, x2 and five transforms of them (lesson 11).

A network sees only the columns you give it. Giving it ``x1*x2`` makes XOR a straight-line
problem; giving it ``x1^2`` and ``x2^2`` does the same for the circle. :func:`transform`
builds the feature matrix for any points; :func:`grid` gives the points of the picture's
background, whose features the Playground computes once per configuration.

Introduced in lesson 11.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["FEATURES", "LABELS", "grid", "transform"]

#: Each feature as a function of the points ``x`` (shape ``(n, 2)``) giving one column.
FEATURES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "x1": lambda x: x[:, 0],
    "x2": lambda x: x[:, 1],
    "x1^2": lambda x: x[:, 0] ** 2,
    "x2^2": lambda x: x[:, 1] ** 2,
    "x1*x2": lambda x: x[:, 0] * x[:, 1],
    "sin(x1)": lambda x: np.sin(x[:, 0]),
    "sin(x2)": lambda x: np.sin(x[:, 1]),
}

#: How each feature is written in pictures and in the Keras code.
LABELS: dict[str, str] = {
    "x1": "x₁", "x2": "x₂", "x1^2": "x₁²", "x2^2": "x₂²", "x1*x2": "x₁·x₂", "sin(x1)": "sin x₁", "sin(x2)": "sin x₂",
}

#: NumPy expressions of the features, in terms of columns ``x1`` and ``x2`` (for generated code).
EXPRESSIONS: dict[str, str] = {
    "x1": "x1", "x2": "x2", "x1^2": "x1 ** 2", "x2^2": "x2 ** 2", "x1*x2": "x1 * x2",
    "sin(x1)": "np.sin(x1)", "sin(x2)": "np.sin(x2)",
}


def transform(x: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """The feature matrix, shape ``(n, len(features))``, float32, one column per feature in order."""
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"the Playground's points have two coordinates, shape (n, 2); got {x.shape}.")
    unknown = [f for f in features if f not in FEATURES]
    if unknown:
        raise ValueError(f"unknown features {unknown}; valid: {', '.join(FEATURES)}.")
    return np.stack([FEATURES[f](x) for f in features], axis=1).astype(np.float32)


def grid(resolution: int, extent: float = 1.2) -> np.ndarray:
    """``resolution**2`` points on a square grid over ``[-extent, extent]²``, row 0 at the top.

    Reshaped to ``(resolution, resolution)``, any per-point value is an image ready for
    ``imshow(..., extent=(-e, e, -e, e))`` with ``origin="upper"``.
    """
    ticks = np.linspace(-extent, extent, resolution, dtype=np.float32)
    x1, x2 = np.meshgrid(ticks, ticks[::-1])
    return np.stack([x1.ravel(), x2.ravel()], axis=1)
