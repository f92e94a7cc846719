"""Weight penalties added to the loss, with Keras 3's formulas.

* ``L2(l2=0.01)``: ``l2 * sum(w ** 2)``, gradient ``2 * l2 * w`` ("weight decay");
* ``L1(l1=0.01)``: ``l1 * sum(|w|)``, gradient ``l1 * sign(w)`` (pushes weights to exactly 0);
* ``L1L2(l1=0.0, l2=0.0)``: both.

Like Keras, a model adds the penalties of all its layers to the loss it reports during
``fit`` and ``evaluate``, and to the gradients it trains on.
"""

from __future__ import annotations

import numpy as np

from dlcourse.nn.errors import NNError, lookup


class Regularizer:
    """Base class: ``penalty(w)`` (a float) and its ``gradient(w)`` (an array like ``w``)."""

    def __call__(self, weights: np.ndarray) -> float:
        return self.penalty(weights)

    def penalty(self, weights: np.ndarray) -> float:
        """The amount added to the loss."""
        raise NotImplementedError

    def gradient(self, weights: np.ndarray) -> np.ndarray:
        """d penalty / d weights."""
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class L1L2(Regularizer):
    """``l1 * sum(|w|) + l2 * sum(w ** 2)`` (Keras' defaults for ``L1L2``: both 0)."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        if l1 < 0 or l2 < 0:
            raise NNError(f"Regularization factors must be >= 0, got l1={l1}, l2={l2}.")
        self.l1 = float(l1)
        self.l2 = float(l2)

    def penalty(self, weights: np.ndarray) -> float:
        t = weights.dtype.type
        total = t(0)
        if self.l1:
            total = total + t(self.l1) * np.abs(weights).sum(dtype=weights.dtype)
        if self.l2:
            total = total + t(self.l2) * np.square(weights).sum(dtype=weights.dtype)
        return total

    def gradient(self, weights: np.ndarray) -> np.ndarray:
        t = weights.dtype.type
        grad = np.zeros_like(weights)
        if self.l1:
            grad += t(self.l1) * np.sign(weights)
        if self.l2:
            grad += t(2 * self.l2) * weights
        return grad

    def add_gradient(self, weights: np.ndarray, out: np.ndarray) -> None:
        """``out += gradient(weights)`` without temporary arrays beyond one (used in training)."""
        t = weights.dtype.type
        if self.l1:
            out += t(self.l1) * np.sign(weights)
        if self.l2:
            out += t(2 * self.l2) * weights

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """``l1 * sum(|w|)``; Keras' default ``l1=0.01``."""

    def __init__(self, l1: float = 0.01) -> None:
        super().__init__(l1=l1, l2=0.0)

    def get_config(self) -> dict:
        return {"l1": self.l1}


class L2(L1L2):
    """``l2 * sum(w ** 2)``; Keras' default ``l2=0.01``."""

    def __init__(self, l2: float = 0.01) -> None:
        super().__init__(l1=0.0, l2=l2)

    def get_config(self) -> dict:
        return {"l2": self.l2}


# Keras-style lower-case aliases (in Keras 3 they are the classes themselves).
l1 = L1
l2 = L2
l1_l2 = L1L2


REGULARIZERS: dict[str, type[Regularizer]] = {"l1": L1, "l2": L2, "l1_l2": L1L2, "l1l2": L1L2}


def get(identifier: str | Regularizer | None) -> Regularizer | None:
    """A regularizer from a name (``"l2"``: Keras' default factor), an object, or None."""
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, str):
        return lookup("regularizer", identifier, REGULARIZERS)()
    raise NNError(f"A regularizer must be a name such as 'l2' or a Regularizer, got {identifier!r}.")
