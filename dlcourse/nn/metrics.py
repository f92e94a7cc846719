"""Metrics reported during ``fit`` and ``evaluate`` (Keras' names and rules).

A metric averages a per-sample score over all batches of an epoch: ``update_state`` adds
a batch, ``result`` gives the running average, ``reset_state`` starts over.

``"accuracy"`` (or ``"acc"``) is resolved the way Keras 3 does it, from the shapes of the
targets and the predictions:

* one output per sample (a sigmoid): **binary accuracy**, prediction ``> 0.5`` vs target;
* integer labels against several outputs: **sparse categorical accuracy**,
  ``argmax(prediction) == label``;
* one-hot targets: **categorical accuracy**, ``argmax(prediction) == argmax(target)``.

Also available: ``"mae"`` / ``"mean_absolute_error"`` and ``"mse"`` / ``"mean_squared_error"``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dlcourse.nn.errors import NNError, lookup
from dlcourse.nn.losses import _align


class Metric:
    """A running mean of a per-sample score; ``direction`` is "up" when higher is better."""

    direction = "up"

    def __init__(self, name: str) -> None:
        self.name = name
        self.reset_state()

    def scores(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        """One score per sample (or per element); subclasses define it."""
        raise NotImplementedError

    def reset_state(self) -> None:
        """Forget everything seen so far."""
        self.total = 0.0
        self.count = 0

    def update_state(self, y_true: np.ndarray, y_pred: np.ndarray) -> None:
        """Add one batch."""
        values = self.scores(y_true, y_pred)
        self.total += float(values.sum(dtype=np.float64))
        self.count += values.size

    def result(self) -> float:
        """The mean over everything added since the last reset (0.0 when empty)."""
        return self.total / self.count if self.count else 0.0

    def __call__(self, y_true: np.ndarray, y_pred: np.ndarray) -> float:
        """The metric of one batch, without touching the running state."""
        values = self.scores(np.asarray(y_true), np.asarray(y_pred))
        return float(values.mean()) if values.size else 0.0

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


class BinaryAccuracy(Metric):
    """Fraction of predictions on the right side of ``threshold`` (0.5)."""

    def __init__(self, name: str = "binary_accuracy", threshold: float = 0.5) -> None:
        self.threshold = threshold
        super().__init__(name)

    def scores(self, y_true, y_pred):
        y_true = _align(y_true, y_pred)
        return y_true == (y_pred > self.threshold)


class CategoricalAccuracy(Metric):
    """Fraction of samples whose largest output is the one-hot target's class."""

    def __init__(self, name: str = "categorical_accuracy") -> None:
        super().__init__(name)

    def scores(self, y_true, y_pred):
        return y_true.argmax(axis=-1) == y_pred.argmax(axis=-1)


class SparseCategoricalAccuracy(Metric):
    """Fraction of samples whose largest output is the integer label."""

    def __init__(self, name: str = "sparse_categorical_accuracy") -> None:
        super().__init__(name)

    def scores(self, y_true, y_pred):
        if y_true.ndim == y_pred.ndim and y_true.shape[-1:] == (1,):
            y_true = y_true[..., 0]
        return y_true == y_pred.argmax(axis=-1)


class MeanAbsoluteError(Metric):
    """Mean of ``|y_true - y_pred|`` (lower is better)."""

    direction = "down"

    def __init__(self, name: str = "mean_absolute_error") -> None:
        super().__init__(name)

    def scores(self, y_true, y_pred):
        y_true = _align(y_true, y_pred)
        return np.abs(y_true - y_pred).mean(axis=-1)


class MeanSquaredError(Metric):
    """Mean of ``(y_true - y_pred) ** 2`` (lower is better)."""

    direction = "down"

    def __init__(self, name: str = "mean_squared_error") -> None:
        super().__init__(name)

    def scores(self, y_true, y_pred):
        y_true = _align(y_true, y_pred)
        return np.square(y_true - y_pred).mean(axis=-1)


# "accuracy" and "acc" map to None: which accuracy depends on the shapes (see get()).
METRICS: dict[str, Callable[[str], Metric] | None] = {
    "accuracy": None,
    "acc": None,
    "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy,
    "mae": MeanAbsoluteError,
    "mean_absolute_error": MeanAbsoluteError,
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
}


def accuracy_for(y_true_shape: tuple[int, ...], y_pred_shape: tuple[int, ...], name: str = "accuracy") -> Metric:
    """The accuracy Keras 3 picks for targets and predictions of these shapes."""
    if y_pred_shape[-1:] == (1,):
        return BinaryAccuracy(name)
    if len(y_true_shape) < len(y_pred_shape) or (y_true_shape[-1:] == (1,) and y_pred_shape[-1] > 1):
        return SparseCategoricalAccuracy(name)
    return CategoricalAccuracy(name)


def get(
    identifier: str | Metric, y_true_shape: tuple[int, ...], y_pred_shape: tuple[int, ...]
) -> Metric:
    """A metric object from a name or a Metric; ``"accuracy"`` depends on the shapes."""
    if isinstance(identifier, Metric):
        return identifier
    if not isinstance(identifier, str):
        raise NNError(f"A metric must be a name such as 'accuracy' or a Metric, got {identifier!r}.")
    factory = lookup("metric", identifier, METRICS)
    if factory is None:
        return accuracy_for(y_true_shape, y_pred_shape, identifier)
    return factory(identifier)
