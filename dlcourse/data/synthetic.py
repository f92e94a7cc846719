"""Small, seeded 2-D datasets for lessons and the Playground, plus the spam-keyword example.

Every generator takes ``n`` (number of points), ``noise`` and ``seed`` and returns
``(x, y)``: ``x`` is float32 of shape ``(n, 2)`` with coordinates roughly in [-1, 1];
``y`` is an int64 class label (0 or 1) of shape ``(n,)``, or float32 targets for
:func:`make_regression_plane`. The same seed always gives the same points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _rng(seed: int | None) -> np.random.Generator:
    return np.random.default_rng(seed)


def _check(n: int, noise: float) -> None:
    if int(n) != n or n < 2:
        raise ValueError(f"n must be an integer of at least 2, got {n!r}.")
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}.")


def _finish(x: np.ndarray, y: np.ndarray, rng: np.random.Generator, noise: float) -> tuple[np.ndarray, np.ndarray]:
    x = x + noise * rng.standard_normal(x.shape)
    order = rng.permutation(len(x))
    return x[order].astype(np.float32), y[order]


def make_xor(n: int = 200, noise: float = 0.0, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points in the four quadrants; class 1 where x1 and x2 have the same sign (the XOR pattern)."""
    _check(n, noise)
    rng = _rng(seed)
    x = rng.uniform(-1.0, 1.0, size=(n, 2))
    x += np.sign(x) * 0.05  # a small margin around the axes, like the Playground
    y = (x[:, 0] * x[:, 1] > 0).astype(np.int64)
    return _finish(x, y, rng, noise)


def make_circles(n: int = 200, noise: float = 0.0, factor: float = 0.5, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """A disc (class 1) inside a ring (class 0); ``factor`` is the inner radius over the outer."""
    _check(n, noise)
    if not 0 < factor < 1:
        raise ValueError(f"factor must be between 0 and 1, got {factor!r}.")
    rng = _rng(seed)
    n_in = n // 2
    radius = np.concatenate([
        rng.uniform(0.0, factor * 0.8, n_in),
        rng.uniform(factor * 1.2 + 0.1, 1.0, n - n_in),
    ])
    angle = rng.uniform(0, 2 * np.pi, n)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    y = np.concatenate([np.ones(n_in, np.int64), np.zeros(n - n_in, np.int64)])
    return _finish(x, y, rng, noise)


def make_moons(n: int = 200, noise: float = 0.0, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (class 0 on top, class 1 below)."""
    _check(n, noise)
    rng = _rng(seed)
    n0 = n // 2
    t0 = rng.uniform(0, np.pi, n0)
    t1 = rng.uniform(0, np.pi, n - n0)
    upper = np.stack([np.cos(t0), np.sin(t0)], axis=1)
    lower = np.stack([1 - np.cos(t1), 0.5 - np.sin(t1)], axis=1)
    x = (np.concatenate([upper, lower]) - [0.5, 0.25]) / 1.5
    y = np.concatenate([np.zeros(n0, np.int64), np.ones(n - n0, np.int64)])
    return _finish(x, y, rng, noise)


def make_spirals(n: int = 200, noise: float = 0.0, turns: float = 1.5, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two spirals winding around each other, ``turns`` times (the hardest Playground set)."""
    _check(n, noise)
    rng = _rng(seed)
    n0 = n // 2
    parts, labels = [], []
    for label, count in ((0, n0), (1, n - n0)):
        t = np.sqrt(rng.uniform(0.02, 1.0, count))  # denser where the spiral is longer
        angle = t * turns * 2 * np.pi + label * np.pi
        parts.append(np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1))
        labels.append(np.full(count, label, np.int64))
    return _finish(np.concatenate(parts), np.concatenate(labels), rng, noise)


def make_blobs(n: int = 200, noise: float = 0.0, spread: float = 0.25, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian clouds centred at (0.5, 0.5) (class 1) and (-0.5, -0.5) (class 0).

    ``spread`` is each cloud's standard deviation; ``noise`` adds to it, so more noise means
    more overlap.
    """
    _check(n, noise)
    rng = _rng(seed)
    n1 = n // 2
    centres = np.concatenate([np.full((n1, 2), 0.5), np.full((n - n1, 2), -0.5)])
    x = centres + spread * rng.standard_normal((n, 2))
    y = np.concatenate([np.ones(n1, np.int64), np.zeros(n - n1, np.int64)])
    return _finish(x, y, rng, noise)


def make_regression_plane(n: int = 200, noise: float = 0.0, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points in the square with a real-valued target on a tilted plane: y = (x1 + x2) / 2.

    Here ``noise`` perturbs the target (a regression problem), not the points.
    """
    _check(n, noise)
    rng = _rng(seed)
    x = rng.uniform(-1.0, 1.0, size=(n, 2)).astype(np.float32)
    y = (x[:, 0] + x[:, 1]) / 2 + noise * rng.standard_normal(n)
    return x, y.astype(np.float32)


SYNTHETIC = {
    "xor": make_xor,
    "circles": make_circles,
    "moons": make_moons,
    "spirals": make_spirals,
    "blobs": make_blobs,
    "plane": make_regression_plane,
}
"""The synthetic generators by short name (the names the Playground's dataset menu uses)."""


def make_dataset(name: str, n: int = 200, noise: float = 0.0, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Make a synthetic dataset by name: one of ``xor, circles, moons, spirals, blobs, plane``."""
    if name not in SYNTHETIC:
        raise ValueError(f"Unknown synthetic dataset {name!r}. Valid names: {', '.join(SYNTHETIC)}.")
    return SYNTHETIC[name](n=n, noise=noise, seed=seed)


# --- The spam-keyword example (lesson 03, forward propagation) ---------------------------------

SPAM_FEATURES: tuple[str, ...] = ("free", "win", "offer")
"""The three keyword features of the spam example: 1 if the email contains the word."""


@dataclass(frozen=True)
class SpamExample:
    """The worked spam-filter network of lesson 03: 3 keyword inputs, 2 ReLU units, 1 sigmoid output.

    ``hidden_kernel`` has Keras' layout (inputs, units): column 0 holds H1's weights
    [0.5, -0.2, 0.3], column 1 H2's [0.4, 0.1, -0.5]. Biases are zero.
    """

    features: tuple[str, ...] = SPAM_FEATURES
    x: tuple[float, ...] = (1.0, 0.0, 1.0)
    hidden_kernel: tuple[tuple[float, float], ...] = ((0.5, 0.4), (-0.2, 0.1), (0.3, -0.5))
    hidden_bias: tuple[float, float] = (0.0, 0.0)
    output_kernel: tuple[tuple[float], ...] = ((0.7,), (0.2,))
    output_bias: tuple[float] = (0.0,)

    def weights(self) -> list[np.ndarray]:
        """The weights as float32 arrays in Keras' order: kernel, bias, kernel, bias."""
        return [np.asarray(w, dtype=np.float32) for w in
                (self.hidden_kernel, self.hidden_bias, self.output_kernel, self.output_bias)]


SPAM_EXAMPLE = SpamExample()


def make_spam_keywords(n: int = 200, noise: float = 0.1, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Emails as keyword indicators (``free``, ``win``, ``offer``) with spam labels.

    Each keyword appears with probability 0.4. An email is spam when the
    :data:`SPAM_EXAMPLE` network says so; then a fraction ``noise`` of labels is flipped,
    because real mail is never that tidy. Returns float32 ``x`` of shape (n, 3) and int64 ``y``.
    """
    _check(n, noise)
    if noise > 1:
        raise ValueError(f"noise is a fraction of flipped labels and must be <= 1, got {noise!r}.")
    rng = _rng(seed)
    x = (rng.uniform(size=(n, 3)) < 0.4).astype(np.float32)
    w1, b1, w2, b2 = SPAM_EXAMPLE.weights()
    hidden = np.maximum(x @ w1 + b1, 0)
    y = ((hidden @ w2 + b2)[:, 0] > 0).astype(np.int64)  # sigmoid(z) > 0.5  <=>  z > 0
    flip = rng.uniform(size=n) < noise
    y[flip] = 1 - y[flip]
    return x, y
