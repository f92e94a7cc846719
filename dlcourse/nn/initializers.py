"""Weight initialisers with Keras' names and formulas.

A kernel of shape ``(fan_in, fan_out)`` starts random so that neurons differ; the scale
keeps the variance of the weighted sums roughly constant from layer to layer:

* ``glorot_uniform`` (Keras' default): uniform in ``[-limit, limit]``,
  ``limit = sqrt(6 / (fan_in + fan_out))``;
* ``glorot_normal``: truncated normal, ``stddev = sqrt(2 / (fan_in + fan_out))``;
* ``he_uniform`` / ``he_normal``: the same with ``2 / fan_in`` (suits ReLU);
* ``lecun_uniform`` / ``lecun_normal``: the same with ``1 / fan_in``;
* ``random_uniform`` (±0.05), ``random_normal`` (stddev 0.05), ``zeros``, ``ones``.

The random numbers come from NumPy, not from TensorFlow: the same seed gives a different
(equally good) start than Keras. To compare the two, copy weights with ``set_weights``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from dlcourse.nn.errors import NNError, lookup

Initializer = Callable[[tuple[int, ...], np.dtype, np.random.Generator], np.ndarray]


def _fans(shape: tuple[int, ...]) -> tuple[float, float]:
    if len(shape) == 0:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    receptive = math.prod(shape[:-2]) if len(shape) > 2 else 1
    return float(shape[-2] * receptive), float(shape[-1] * receptive)


def _truncated_normal(shape, stddev, dtype, rng):
    # Normal samples re-drawn until they fall within two standard deviations.
    out = rng.standard_normal(shape)
    bad = np.abs(out) > 2.0
    while bad.any():
        out[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2.0
    return (out * stddev).astype(dtype)


def _variance_scaling(scale: float, mode: str, distribution: str) -> Initializer:
    def init(shape: tuple[int, ...], dtype: np.dtype, rng: np.random.Generator) -> np.ndarray:
        fan_in, fan_out = _fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[mode]
        s = scale / max(1.0, n)
        if distribution == "uniform":
            limit = math.sqrt(3.0 * s)
            return rng.uniform(-limit, limit, size=shape).astype(dtype)
        # Keras divides by 0.8796... so that the truncated distribution has the wanted stddev.
        return _truncated_normal(shape, math.sqrt(s) / 0.87962566103423978, dtype, rng)

    return init


def zeros(shape: tuple[int, ...], dtype: np.dtype, rng: np.random.Generator) -> np.ndarray:
    """All zeros (Keras' default for biases)."""
    return np.zeros(shape, dtype=dtype)


def ones(shape: tuple[int, ...], dtype: np.dtype, rng: np.random.Generator) -> np.ndarray:
    """All ones."""
    return np.ones(shape, dtype=dtype)


def random_uniform(shape: tuple[int, ...], dtype: np.dtype, rng: np.random.Generator) -> np.ndarray:
    """Uniform in [-0.05, 0.05] (Keras' ``RandomUniform`` defaults)."""
    return rng.uniform(-0.05, 0.05, size=shape).astype(dtype)


def random_normal(shape: tuple[int, ...], dtype: np.dtype, rng: np.random.Generator) -> np.ndarray:
    """Normal with mean 0 and stddev 0.05 (Keras' ``RandomNormal`` defaults)."""
    return (rng.standard_normal(shape) * 0.05).astype(dtype)


INITIALIZERS: dict[str, Initializer] = {
    "glorot_uniform": _variance_scaling(1.0, "fan_avg", "uniform"),
    "glorot_normal": _variance_scaling(1.0, "fan_avg", "normal"),
    "he_uniform": _variance_scaling(2.0, "fan_in", "uniform"),
    "he_normal": _variance_scaling(2.0, "fan_in", "normal"),
    "lecun_uniform": _variance_scaling(1.0, "fan_in", "uniform"),
    "lecun_normal": _variance_scaling(1.0, "fan_in", "normal"),
    "random_uniform": random_uniform,
    "random_normal": random_normal,
    "zeros": zeros,
    "ones": ones,
}


def get(identifier: str | Initializer) -> Initializer:
    """An initialiser from its name, or a callable ``f(shape, dtype, rng) -> array`` unchanged."""
    if isinstance(identifier, str):
        return lookup("initializer", identifier, INITIALIZERS)
    if callable(identifier):
        return identifier
    raise NNError(f"An initializer must be a name or a callable, got {identifier!r}.")
