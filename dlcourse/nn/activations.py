"""Activation functions and their derivatives.

Each activation is a small object with three methods:

* ``forward(x)`` (also ``act(x)``): the function itself, applied to the weighted sums ``z``;
* ``derivative(x)``: its slope ``f'(x)`` element by element (for plots and explainers);
* ``backward(x, y, grad)``: the chain rule step used by backpropagation. Given the
  gradient of the loss with respect to the output ``y = f(x)``, return the gradient with
  respect to ``x``. For element-wise activations that is simply ``grad * f'(x)``.

Names and defaults follow ``keras.activations``: ``"linear"``, ``"sigmoid"``, ``"tanh"``,
``"relu"``, ``"leaky_relu"`` (negative slope 0.2, like Keras 3), ``"softmax"`` and
``"swish"`` (also called ``"silu"``). ``get("relu")`` turns a name into an object;
an unknown name raises an error listing the valid ones.

Everything is written to be numerically stable: no NaN and no warnings even at ±1000
(where an exponential is too large for float32 the formula still gives the exact limit).
"""

from __future__ import annotations

import numpy as np

from dlcourse.nn.errors import NNError, lookup


class Activation:
    """Base class: an activation function ``y = f(x)`` with its derivative."""

    name = "activation"

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Apply the activation to ``x``."""
        raise NotImplementedError

    def derivative(self, x: np.ndarray) -> np.ndarray:
        """The slope ``f'(x)``, element by element."""
        raise NotImplementedError

    def backward(self, x: np.ndarray, y: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """Chain rule: gradient w.r.t. ``x`` from the gradient ``grad`` w.r.t. ``y = f(x)``."""
        return grad * self.derivative(x)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        if not np.issubdtype(x.dtype, np.floating):
            x = x.astype(np.float32)
        return self.forward(x)

    def get_config(self) -> dict:
        """The arguments that recreate this activation."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Linear(Activation):
    """``f(x) = x``: no activation at all (Keras' default for ``Dense``)."""

    name = "linear"

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x

    def derivative(self, x: np.ndarray) -> np.ndarray:
        return np.ones_like(x)

    def backward(self, x: np.ndarray, y: np.ndarray, grad: np.ndarray) -> np.ndarray:
        return grad


def _stable_sigmoid(x: np.ndarray) -> np.ndarray:
    # For x < -88, e^-x is too large for float32 and becomes inf; 1 / (1 + inf) = 0 is then
    # exactly the right answer (the true value is below 1e-38), so that overflow is harmless.
    with np.errstate(over="ignore", under="ignore"):
        return 1 / (1 + np.exp(-x))


class Sigmoid(Activation):
    """``f(x) = 1 / (1 + e^-x)``, squashing any number into (0, 1); ``f' = f (1 - f)``."""

    name = "sigmoid"

    def forward(self, x: np.ndarray) -> np.ndarray:
        return _stable_sigmoid(x)

    def derivative(self, x: np.ndarray) -> np.ndarray:
        y = _stable_sigmoid(x)
        return y * (1.0 - y)

    def backward(self, x: np.ndarray, y: np.ndarray, grad: np.ndarray) -> np.ndarray:
        return grad * (y * (1.0 - y))


class Tanh(Activation):
    """``f(x) = tanh(x)``, into (-1, 1); ``f' = 1 - f^2``."""

    name = "tanh"

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.tanh(x)

    def derivative(self, x: np.ndarray) -> np.ndarray:
        y = np.tanh(x)
        return 1.0 - y * y

    def backward(self, x: np.ndarray, y: np.ndarray, grad: np.ndarray) -> np.ndarray:
        return grad * (1.0 - y * y)


class ReLU(Activation):
    """``f(x) = max(x, 0)``; the slope is 1 for ``x > 0`` and 0 otherwise (0 at ``x = 0``)."""

    name = "relu"

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.maximum(x, 0)

    def derivative(self, x: np.ndarray) -> np.ndarray:
        return (x > 0).astype(x.dtype)

    def backward(self, x: np.ndarray, y: np.ndarray, grad: np.ndarray) -> np.ndarray:
        return grad * (x > 0)


class LeakyReLU(Activation):
    """``f(x) = x`` for ``x > 0``, ``negative_slope * x`` otherwise (Keras 3 default 0.2)."""

    name = "leaky_relu"

    def __init__(self, negative_slope: float = 0.2) -> None:
        self.negative_slope = float(negative_slope)

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.where(x > 0, x, x * x.dtype.type(self.negative_slope))  # also right for slopes > 1

    def derivative(self, x: np.ndarray) -> np.ndarray:
        return np.where(x > 0, x.dtype.type(1), x.dtype.type(self.negative_slope))

    def backward(self, x: np.ndarray, y: np.ndarray, grad: np.ndarray) -> np.ndarray:
        return np.where(x > 0, grad, grad * grad.dtype.type(self.negative_slope))

    def get_config(self) -> dict:
        return {"negative_slope": self.negative_slope}


class Softmax(Activation):
    """``f(x)_i = e^{x_i} / sum_j e^{x_j}`` along the last axis: a probability distribution.

    Softmax is not element-wise: each output depends on every input of its row, so
    ``derivative`` returns the full Jacobian ``J[n, i, j] = d y_i / d x_j = y_i (δ_ij - y_j)``
    and ``backward`` applies it without building it: ``y * (grad - sum(grad * y))``.
    """

    name = "softmax"

    def forward(self, x: np.ndarray) -> np.ndarray:
        shifted = x - x.max(axis=-1, keepdims=True)  # largest exponent is e^0 = 1: no overflow
        with np.errstate(under="ignore"):
            e = np.exp(shifted)
        e /= e.sum(axis=-1, keepdims=True)
        return e

    def derivative(self, x: np.ndarray) -> np.ndarray:
        y = self.forward(x)
        eye = np.eye(y.shape[-1], dtype=y.dtype)
        return y[..., :, None] * (eye - y[..., None, :])

    def backward(self, x: np.ndarray, y: np.ndarray, grad: np.ndarray) -> np.ndarray:
        with np.errstate(under="ignore"):
            return y * (grad - (grad * y).sum(axis=-1, keepdims=True))


class Swish(Activation):
    """``f(x) = x * sigmoid(x)`` (also called SiLU); ``f' = s (1 + x (1 - s))`` with ``s = sigmoid(x)``."""

    name = "swish"

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x * _stable_sigmoid(x)

    def derivative(self, x: np.ndarray) -> np.ndarray:
        s = _stable_sigmoid(x)
        with np.errstate(under="ignore"):
            return s * (1.0 + x * (1.0 - s))

    def backward(self, x: np.ndarray, y: np.ndarray, grad: np.ndarray) -> np.ndarray:
        return grad * self.derivative(x)


ACTIVATIONS: dict[str, type[Activation]] = {
    "linear": Linear,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "softmax": Softmax,
    "swish": Swish,
    "silu": Swish,
}


def get(identifier: str | Activation | None) -> Activation:
    """Turn a name (``"relu"``), ``None`` (linear) or an :class:`Activation` into an activation."""
    if identifier is None:
        return Linear()
    if isinstance(identifier, Activation):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Activation):
        return identifier()
    if isinstance(identifier, str):
        return lookup("activation", identifier, ACTIVATIONS)()
    raise NNError(
        f"An activation must be a name such as 'relu' or an Activation object "
        f"(which knows its derivative), got {identifier!r}. "
        f"Valid names: {', '.join(sorted(ACTIVATIONS))}."
    )


def linear(x: np.ndarray) -> np.ndarray:
    """``x`` unchanged."""
    return Linear()(x)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic sigmoid ``1 / (1 + e^-x)``."""
    return Sigmoid()(x)


def tanh(x: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent."""
    return Tanh()(x)


def relu(x: np.ndarray) -> np.ndarray:
    """Rectified linear unit ``max(x, 0)``."""
    return ReLU()(x)


def leaky_relu(x: np.ndarray, negative_slope: float = 0.2) -> np.ndarray:
    """Leaky ReLU: ``x`` if ``x > 0`` else ``negative_slope * x`` (Keras 3 default 0.2)."""
    return LeakyReLU(negative_slope)(x)


def softmax(x: np.ndarray) -> np.ndarray:
    """Softmax along the last axis."""
    return Softmax()(x)


def swish(x: np.ndarray) -> np.ndarray:
    """Swish / SiLU ``x * sigmoid(x)``."""
    return Swish()(x)
