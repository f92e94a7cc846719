"""Random numbers for the engine: one shared generator, re-seeded only on request.

Nothing is seeded at import. ``set_seed(42)`` makes everything that follows reproducible
(weight initialisation, dropout masks, shuffling in ``fit``); a layer built with its own
``seed=`` uses a private generator instead and does not touch the shared one.
"""

from __future__ import annotations

import numpy as np

_generator: np.random.Generator | None = None


def set_seed(seed: int | None) -> None:
    """Re-seed the engine's shared random generator (``None``: fresh, unpredictable)."""
    global _generator
    _generator = np.random.default_rng(seed)


def get_rng(seed: int | None = None) -> np.random.Generator:
    """A private generator for ``seed``, or the shared one when ``seed`` is None."""
    global _generator
    if seed is not None:
        return np.random.default_rng(seed)
    if _generator is None:
        _generator = np.random.default_rng()
    return _generator
