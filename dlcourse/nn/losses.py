"""Loss functions and their gradients, with Keras 3's exact formulas.

A loss compares the targets ``y_true`` with the predictions ``y_pred`` and returns one
number: the per-sample losses summed over the batch and divided by the number of samples
(Keras' ``"sum_over_batch_size"`` reduction). ``gradient`` returns d(loss)/d(y_pred),
the starting point of backpropagation.

* ``MeanSquaredError``: per sample ``mean((y_true - y_pred) ** 2)`` over the last axis.
* ``BinaryCrossentropy``: per sample ``mean(-(t log p + (1 - t) log(1 - p)))``, with ``p``
  clipped to ``[1e-7, 1 - 1e-7]``; or, ``from_logits=True``, computed from the logit ``z``
  as ``max(z, 0) - z t + log(1 + e^-|z|)`` (no clipping, no overflow).
* ``CategoricalCrossentropy``: one-hot targets; ``-sum(t log p)`` with ``p`` first
  renormalised to sum to 1 and clipped to ``[1e-7, 1 - 1e-7]``, or from logits
  ``logsumexp(z) - sum(t z)``.
* ``SparseCategoricalCrossentropy``: integer class labels; ``-log p[label]`` (clipped,
  renormalised), or from logits ``logsumexp(z) - z[label]``.

Probabilities or logits (lesson 04). Called on bare probabilities (a NumPy array), a
cross-entropy clips them, so a confident mistake costs at most ``-log(1e-7)`` (about 15.94 in
float32) and gets no gradient where the clip acts: exactly what ``keras.losses`` does with
NumPy input. But in Keras 3 on TensorFlow, ``keras.activations.sigmoid`` and ``softmax`` keep
their logits on the output tensor, and the cross-entropy losses use them: a model whose last
``Dense`` has ``activation="sigmoid"`` or ``"softmax"`` is charged from ``z`` (as if
``from_logits=True``), e.g. 20.0, not 15.94, for ``z = 20`` on class 0. ``Sequential``
computes the loss from ``z`` in the same case, so the numbers match Keras'. The gradient on
the logits then takes the simple form ``p - y_true`` (``sigmoid(z)`` or ``softmax(z)``,
divided by the batch size). ``from_logits=True`` after a linear last layer is the explicit
choice, the same on every Keras backend. ``tests/test_keras_claims.py`` (lesson 04) asserts
each of these Keras behaviours.
"""

from __future__ import annotations

import numpy as np

from dlcourse.nn.activations import _stable_sigmoid
from dlcourse.nn.errors import NNError, ShapeError, lookup

EPSILON = 1e-7  # keras.backend.epsilon()


def _as_float(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a)
    return a if np.issubdtype(a.dtype, np.floating) else a.astype(np.float32)


class Loss:
    """Base class of the losses: call it like Keras, ``loss(y_true, y_pred) -> float``."""

    name = "loss"

    def __init__(self, from_logits: bool = False, name: str | None = None) -> None:
        self.from_logits = bool(from_logits)
        if name is not None:
            self.name = name

    # --- public API ---------------------------------------------------------------------
    def __call__(self, y_true: np.ndarray, y_pred: np.ndarray) -> float:
        """The loss averaged over the batch (a Python float)."""
        value, _ = self.value_and_gradient(y_true, y_pred, need_gradient=False)
        return value

    def per_sample(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        """One loss value per sample (Keras' ``keras.losses.<name>`` functions)."""
        y_true, y_pred = self.prepare(y_true, y_pred)
        values, _ = self._compute(y_true, y_pred, self.from_logits, need_gradient=False)
        return values

    def gradient(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        """d(loss) / d(y_pred), an array shaped like ``y_pred``."""
        _, grad = self.value_and_gradient(y_true, y_pred)
        return grad

    def value_and_gradient(
        self,
        y_true: np.ndarray,
        y_pred: np.ndarray,
        from_logits: bool | None = None,
        need_gradient: bool = True,
    ) -> tuple[float, np.ndarray | None]:
        """The loss (a float) and d(loss)/d(y_pred) in one go.

        ``from_logits`` overrides the loss' own setting (the model uses it to compute a
        cross-entropy from a softmax layer's weighted sums, as Keras does).
        """
        y_true, y_pred = self.prepare(y_true, y_pred)
        total, grad = self.reduced(y_true, y_pred, from_logits, need_gradient)
        return float(total), grad

    # --- used by the model (inputs already checked and converted) ----------------------
    def prepare(self, y_true: np.ndarray, y_pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Convert and check targets and predictions; raise a ShapeError on mismatch."""
        y_pred = _as_float(y_pred)
        y_true = np.asarray(y_true, dtype=y_pred.dtype)
        y_true = _align(y_true, y_pred)
        if y_true.shape != y_pred.shape:
            raise ShapeError(
                f"Loss '{self.name}' needs targets shaped like the predictions {y_pred.shape}, "
                f"got targets of shape {y_true.shape}."
            )
        return y_true, y_pred

    def reduced(
        self, y_true: np.ndarray, y_pred: np.ndarray, from_logits: bool | None, need_gradient: bool
    ) -> tuple[np.floating, np.ndarray | None]:
        """Sum over batch size of the per-sample losses, and its gradient."""
        if from_logits is None:
            from_logits = self.from_logits
        values, grad = self._compute(y_true, y_pred, from_logits, need_gradient)
        n = values.size
        total = values.sum(dtype=y_pred.dtype) / y_pred.dtype.type(max(n, 1))
        if grad is not None:
            grad *= y_pred.dtype.type(1) / y_pred.dtype.type(max(n, 1))
        return total, grad

    def _compute(
        self, y_true: np.ndarray, y_pred: np.ndarray, from_logits: bool, need_gradient: bool
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Per-sample losses and the gradient of their *sum* with respect to ``y_pred``."""
        raise NotImplementedError

    def get_config(self) -> dict:
        return {"from_logits": self.from_logits}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _align(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """Keras' squeeze_or_expand_to_same_rank: (N,) targets against (N, 1) predictions, etc."""
    if y_true.ndim == y_pred.ndim - 1 and y_pred.shape[-1:] == (1,):
        return y_true[..., None]
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1:] == (1,):
        return y_true[..., 0]
    return y_true


class MeanSquaredError(Loss):
    """``mean((y_true - y_pred) ** 2)``; gradient ``2 (y_pred - y_true) / (batch * outputs)``."""

    name = "mean_squared_error"

    def __init__(self, name: str | None = None) -> None:
        super().__init__(from_logits=False, name=name)

    def _compute(self, y_true, y_pred, from_logits, need_gradient):
        diff = y_pred - y_true
        k = y_pred.dtype.type(diff.shape[-1] if diff.ndim else 1)
        values = np.square(diff).mean(axis=-1) if diff.ndim else np.square(diff)[None]
        grad = None
        if need_gradient:
            grad = diff
            grad *= y_pred.dtype.type(2) / k
        return values, grad

    def get_config(self) -> dict:
        return {}


class BinaryCrossentropy(Loss):
    """Cross-entropy for yes/no targets (0 or 1), one sigmoid output per target."""

    name = "binary_crossentropy"

    def _compute(self, y_true, y_pred, from_logits, need_gradient):
        t = y_true
        k = y_pred.dtype.type(y_pred.shape[-1] if y_pred.ndim else 1)
        grad = None
        if from_logits:
            z = y_pred
            with np.errstate(under="ignore"):
                values = np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))
            if need_gradient:
                grad = _stable_sigmoid(z)  # d/dz = sigmoid(z) - t
                grad -= t
                grad /= k
        else:
            eps = y_pred.dtype.type(EPSILON)
            p = np.clip(y_pred, eps, 1 - eps)
            values = -(t * np.log(p) + (1 - t) * np.log(1 - p))
            if need_gradient:
                grad = (-t / p + (1 - t) / (1 - p)) / k
                grad[(y_pred < eps) | (y_pred > 1 - eps)] = 0  # clipping stops the gradient
        values = values.mean(axis=-1) if values.ndim else values[None]
        return values, grad


class CategoricalCrossentropy(Loss):
    """Cross-entropy for one-hot targets over several classes (softmax outputs)."""

    name = "categorical_crossentropy"

    def _compute(self, y_true, y_pred, from_logits, need_gradient):
        t = y_true
        grad = None
        if from_logits:
            shifted = y_pred - y_pred.max(axis=-1, keepdims=True)
            with np.errstate(under="ignore"):
                e = np.exp(shifted)
            s = e.sum(axis=-1, keepdims=True)
            values = (t * (np.log(s) - shifted)).sum(axis=-1)
            if need_gradient:
                e /= s
                grad = e - t  # softmax(z) - y_true
        else:
            eps = y_pred.dtype.type(EPSILON)
            total = y_pred.sum(axis=-1, keepdims=True)
            q = y_pred / total  # renormalised so each row sums to 1
            c = np.clip(q, eps, 1 - eps)
            values = -(t * np.log(c)).sum(axis=-1)
            if need_gradient:
                g = -t / c
                g[(q < eps) | (q > 1 - eps)] = 0
                grad = (g - (g * q).sum(axis=-1, keepdims=True)) / total
        return values, grad


class SparseCategoricalCrossentropy(Loss):
    """Cross-entropy with integer class labels (no one-hot encoding needed)."""

    name = "sparse_categorical_crossentropy"

    def prepare(self, y_true, y_pred):
        y_pred = _as_float(y_pred)
        labels = np.asarray(y_true)
        if labels.ndim == y_pred.ndim and labels.shape[-1:] == (1,):
            labels = labels[..., 0]
        if labels.shape != y_pred.shape[:-1]:
            raise ShapeError(
                f"Loss '{self.name}' needs one integer label per sample: labels of shape "
                f"{y_pred.shape[:-1]} for predictions of shape {y_pred.shape}, got labels of "
                f"shape {np.asarray(y_true).shape}."
            )
        return check_labels(labels, y_pred.shape[-1], self.name), y_pred

    def _compute(self, y_true, y_pred, from_logits, need_gradient):
        labels = y_true
        n_classes = y_pred.shape[-1]
        flat = y_pred.reshape(-1, n_classes)
        rows = np.arange(flat.shape[0])
        lab = labels.reshape(-1)
        if from_logits:
            shifted = flat - flat.max(axis=-1, keepdims=True)
            with np.errstate(under="ignore"):
                e = np.exp(shifted)
            s = e.sum(axis=-1, keepdims=True)
            values = np.log(s[:, 0]) - shifted[rows, lab]
            grad = None
            if need_gradient:
                e /= s  # softmax(z) ...
                e[rows, lab] -= 1  # ... minus the one-hot target, without building it
                grad = e.reshape(y_pred.shape)
            return values.reshape(labels.shape), grad
        eps = y_pred.dtype.type(EPSILON)
        c = np.clip(flat, eps, 1 - eps)
        s = c.sum(axis=-1, keepdims=True)
        values = np.log(s[:, 0]) - np.log(c[rows, lab])
        grad = None
        if need_gradient:
            g = np.repeat(1 / s, n_classes, axis=-1)
            g[rows, lab] -= 1 / c[rows, lab]
            g[(flat < eps) | (flat > 1 - eps)] = 0
            grad = g.reshape(y_pred.shape)
        return values.reshape(labels.shape), grad


def check_labels(labels: np.ndarray, n_classes: int, where: str) -> np.ndarray:
    """Integer class labels in ``[0, n_classes)`` as an index array, or an NNError."""
    if labels.size and not np.issubdtype(labels.dtype, np.integer):
        as_int = labels.astype(np.intp)
        if not np.array_equal(as_int, labels):
            raise NNError(f"'{where}' needs integer class labels, got values such as {labels.flat[0]!r}.")
        labels = as_int
    labels = labels.astype(np.intp, copy=False)
    if labels.size:
        lo, hi = int(labels.min()), int(labels.max())
        if lo < 0 or hi >= n_classes:
            bad = lo if lo < 0 else hi
            raise NNError(
                f"'{where}' got the label {bad}, but the model has {n_classes} outputs, "
                f"so labels must be between 0 and {n_classes - 1}."
            )
    return labels


LOSSES: dict[str, type[Loss]] = {
    "mean_squared_error": MeanSquaredError,
    "mse": MeanSquaredError,
    "binary_crossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
}


def get(identifier: str | Loss) -> Loss:
    """A loss from its Keras name (``"sparse_categorical_crossentropy"``) or a Loss object."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if isinstance(identifier, str):
        return lookup("loss", identifier, LOSSES)()
    raise NNError(
        f"A loss must be a name such as 'mse' or a Loss object, got {identifier!r}. "
        f"Valid names: {', '.join(sorted(LOSSES))}."
    )


def mean_squared_error(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """Per-sample mean squared error (like ``keras.losses.mean_squared_error``)."""
    return MeanSquaredError().per_sample(y_true, y_pred)


def binary_crossentropy(y_true: np.ndarray, y_pred: np.ndarray, from_logits: bool = False) -> np.ndarray:
    """Per-sample binary cross-entropy."""
    return BinaryCrossentropy(from_logits).per_sample(y_true, y_pred)


def categorical_crossentropy(
    y_true: np.ndarray, y_pred: np.ndarray, from_logits: bool = False
) -> np.ndarray:
    """Per-sample categorical cross-entropy (one-hot targets)."""
    return CategoricalCrossentropy(from_logits).per_sample(y_true, y_pred)


def sparse_categorical_crossentropy(
    y_true: np.ndarray, y_pred: np.ndarray, from_logits: bool = False
) -> np.ndarray:
    """Per-sample categorical cross-entropy with integer labels."""
    return SparseCategoricalCrossentropy(from_logits).per_sample(y_true, y_pred)
