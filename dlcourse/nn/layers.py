"""Layers: ``Dense``, ``Flatten``, ``Dropout`` (and ``Input`` to declare the input shape).

A layer turns a batch ``x`` (one sample per row) into a batch of outputs (``forward``) and,
during training, turns the gradient of the loss with respect to its outputs into the
gradients of its own weights and of its inputs (``backward``).

After a forward pass a ``Dense`` layer keeps what it computed, for explainers and plots:

* ``last_input``  the batch it received, shape ``(batch, inputs)``
* ``last_z``      the weighted sums ``z = x @ kernel + bias``, shape ``(batch, units)``
* ``last_output`` the activations ``a = activation(z)``

and after a backward pass:

* ``last_output_grad``  dL/da (None when the model computed the loss from ``z`` directly)
* ``last_delta``        dL/dz ("delta", the error signal of each neuron)
* ``kernel_grad``, ``bias_grad``  dL/dkernel and dL/dbias (penalties included)

Weights use Keras' layout: ``kernel`` has shape ``(inputs, units)``, ``bias`` ``(units,)``.
Assigning to ``layer.kernel`` or ``layer.bias`` copies into the existing array, so a
model that owns the layer keeps training the values you assigned.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict

import numpy as np

from dlcourse.nn import activations as activations_module
from dlcourse.nn import initializers as initializers_module
from dlcourse.nn import regularizers as regularizers_module
from dlcourse.nn.errors import NNError, ShapeError
from dlcourse.nn.seeding import get_rng

_name_counters: defaultdict[str, itertools.count] = defaultdict(itertools.count)


def unique_name(base: str) -> str:
    """Keras-style automatic names: ``dense``, ``dense_1``, ``dense_2``, ..."""
    n = next(_name_counters[base])
    return base if n == 0 else f"{base}_{n}"


def clear_session() -> None:
    """Restart automatic layer and model names from ``dense``, ``sequential``, ... ."""
    _name_counters.clear()


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _shape_tuple(shape) -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(s) for s in shape)


class Layer:
    """Base class. Weights live in ``self.params`` and their gradients in ``self.grads``
    (dicts keyed by ``"kernel"``, ``"bias"``, ...), in Keras' ``get_weights`` order."""

    def __init__(
        self, name: str | None = None, input_shape=None, dtype="float32", seed: int | None = None
    ) -> None:
        self.name = name or unique_name(_snake(type(self).__name__))
        self.dtype = np.dtype(dtype)
        self.input_shape: tuple[int, ...] | None = None if input_shape is None else _shape_tuple(input_shape)
        self.seed = seed
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.built = False

    # --- building -------------------------------------------------------------------------
    def build(self, input_shape) -> None:
        """Create the weights for samples of shape ``input_shape`` (batch axis excluded)."""
        self.input_shape = _shape_tuple(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """Shape of one output sample for one input sample of ``input_shape``."""
        return tuple(input_shape)

    @property
    def output_shape(self) -> tuple[int, ...] | None:
        """Shape of one output sample (batch axis excluded), once built."""
        return None if self.input_shape is None else self.compute_output_shape(self.input_shape)

    # --- computing ------------------------------------------------------------------------
    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """The layer's output for the batch ``x``."""
        raise NotImplementedError

    def backward(self, grad_output: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """Gradients of the weights (stored in ``grads``) and of the inputs (returned)."""
        raise NotImplementedError

    def __call__(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x = np.asarray(x)
        if not self.built:
            self.build(x.shape[1:])
        if x.dtype != self.dtype:
            x = x.astype(self.dtype)
        return self.forward(x, training=training)

    # --- weights --------------------------------------------------------------------------
    @property
    def weights(self) -> list[np.ndarray]:
        """The weight arrays themselves (not copies)."""
        return list(self.params.values())

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the weights, in Keras' order (kernel, then bias)."""
        return [w.copy() for w in self.params.values()]

    def set_weights(self, weights: list[np.ndarray]) -> None:
        """Copy new values into the weights (same order and shapes as ``get_weights``)."""
        if len(weights) != len(self.params):
            raise NNError(
                f"Layer '{self.name}' has {len(self.params)} weight arrays "
                f"({', '.join(self.params) or 'none'}), got {len(weights)}."
            )
        for key, value in zip(list(self.params), weights):
            self._assign(key, value)

    def _assign(self, key: str, value) -> None:
        value = np.asarray(value)
        target = self.params[key]
        if value.shape != target.shape:
            raise ShapeError(
                f"{type(self).__name__} '{self.name}': {key} has shape {target.shape}, "
                f"got an array of shape {value.shape}."
            )
        target[...] = value

    def count_params(self) -> int:
        """Number of weights (all trainable)."""
        return int(sum(w.size for w in self.params.values()))

    def regularization_loss(self) -> float:
        """Penalties this layer adds to the loss (0 when it has no regularizers)."""
        return 0.0

    def _set_dtype(self, dtype) -> None:
        self.dtype = np.dtype(dtype)
        self.params = {k: v.astype(self.dtype) for k, v in self.params.items()}
        self.grads = {k: v.astype(self.dtype) for k, v in self.grads.items()}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} '{self.name}' output_shape={self.output_shape}>"


class Input:
    """Declares the shape of one input sample, as in ``Sequential([Input((784,)), ...])``."""

    def __init__(self, shape, name: str | None = None) -> None:
        self.shape = _shape_tuple(shape)
        self.name = name

    def __repr__(self) -> str:
        return f"Input(shape={self.shape})"


class Dense(Layer):
    """A fully connected layer: ``output = activation(x @ kernel + bias)``.

    ``units`` neurons, each with one weight per input feature (a column of ``kernel``) and
    a bias. Keras' arguments: ``activation`` (name or object, default linear),
    ``use_bias``, ``kernel_initializer`` (``"glorot_uniform"``), ``bias_initializer``
    (``"zeros"``), ``kernel_regularizer``, ``bias_regularizer``, ``input_shape``. ``seed``
    gives the layer its own random generator for a reproducible start.
    """

    def __init__(
        self,
        units: int,
        activation=None,
        use_bias: bool = True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        input_shape=None,
        name: str | None = None,
        seed: int | None = None,
        dtype="float32",
        input_dim: int | None = None,
    ) -> None:
        if input_shape is None and input_dim is not None:
            input_shape = (input_dim,)
        super().__init__(name=name, input_shape=input_shape, dtype=dtype, seed=seed)
        if int(units) != units or units < 1:
            raise NNError(f"Dense needs a positive whole number of units, got {units!r}.")
        self.units = int(units)
        self.activation = activations_module.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers_module.get(kernel_initializer)
        self.bias_initializer = initializers_module.get(bias_initializer)
        self.kernel_regularizer = regularizers_module.get(kernel_regularizer)
        self.bias_regularizer = regularizers_module.get(bias_regularizer)
        self.last_input: np.ndarray | None = None
        self.last_z: np.ndarray | None = None
        self.last_output: np.ndarray | None = None
        self.last_output_grad: np.ndarray | None = None
        self.last_delta: np.ndarray | None = None
        if self.input_shape is not None:
            self.build(self.input_shape)

    def build(self, input_shape) -> None:
        input_shape = _shape_tuple(input_shape)
        if len(input_shape) < 1:
            raise ShapeError(f"Dense '{self.name}' needs inputs with a feature axis, got sample shape {input_shape}.")
        rng = get_rng(self.seed)
        n_in = input_shape[-1]
        self.params = {"kernel": self.kernel_initializer((n_in, self.units), self.dtype, rng)}
        self.grads = {"kernel": np.zeros((n_in, self.units), self.dtype)}
        if self.use_bias:
            self.params["bias"] = self.bias_initializer((self.units,), self.dtype, rng)
            self.grads["bias"] = np.zeros(self.units, self.dtype)
        super().build(input_shape)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    # Weights and gradients by name; assignment copies into the existing arrays.
    @property
    def kernel(self) -> np.ndarray:
        return self.params["kernel"]

    @kernel.setter
    def kernel(self, value) -> None:
        self._assign("kernel", value)

    @property
    def bias(self) -> np.ndarray | None:
        return self.params.get("bias")

    @bias.setter
    def bias(self, value) -> None:
        self._assign("bias", value)

    @property
    def kernel_grad(self) -> np.ndarray:
        return self.grads["kernel"]

    @property
    def bias_grad(self) -> np.ndarray | None:
        return self.grads.get("bias")

    def _check_input(self, x: np.ndarray) -> None:
        n_in = self.params["kernel"].shape[0]
        if x.ndim < 2 or x.shape[-1] != n_in:
            raise ShapeError(
                f"Dense '{self.name}' expects inputs with {n_in} features, got shape {x.shape}."
            )

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._check_input(x)
        z = x @ self.params["kernel"]
        if self.use_bias:
            z += self.params["bias"]
        a = self.activation.forward(z)
        self.last_input, self.last_z, self.last_output = x, z, a
        return a

    def backward(self, grad_output: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """From dL/da: delta = dL/dz = activation.backward(z, a, dL/da), then ``backward_delta``."""
        if self.last_z is None:
            raise NNError(f"Dense '{self.name}': call forward before backward.")
        self.last_output_grad = grad_output
        delta = self.activation.backward(self.last_z, self.last_output, grad_output)
        return self._backward_delta(delta, need_input_grad)

    def backward_delta(self, delta: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """From delta = dL/dz directly (used when the loss is computed from ``z``)."""
        self.last_output_grad = None
        return self._backward_delta(delta, need_input_grad)

    def _backward_delta(self, delta: np.ndarray, need_input_grad: bool) -> np.ndarray | None:
        # dL/dkernel = x^T delta, dL/dbias = sum of delta over the batch, dL/dx = delta kernel^T
        self.last_delta = delta
        x = self.last_input
        if x.ndim > 2:
            x = x.reshape(-1, x.shape[-1])
            delta = delta.reshape(-1, delta.shape[-1])
        kernel, grads = self.params["kernel"], self.grads
        np.matmul(x.T, delta, out=grads["kernel"])
        if self.kernel_regularizer is not None:
            self.kernel_regularizer.add_gradient(kernel, grads["kernel"])
        if self.use_bias:
            np.sum(delta, axis=0, out=grads["bias"])
            if self.bias_regularizer is not None:
                self.bias_regularizer.add_gradient(self.params["bias"], grads["bias"])
        if not need_input_grad:
            return None
        return (delta @ kernel.T).reshape(self.last_input.shape)

    def regularization_loss(self) -> float:
        total = 0.0
        if self.kernel_regularizer is not None:
            total += self.kernel_regularizer.penalty(self.params["kernel"])
        if self.bias_regularizer is not None and self.use_bias:
            total += self.bias_regularizer.penalty(self.params["bias"])
        return total

    @property
    def has_regularizer(self) -> bool:
        """Whether this layer adds a penalty to the loss."""
        return self.kernel_regularizer is not None or (self.use_bias and self.bias_regularizer is not None)

    def __repr__(self) -> str:
        return f"<Dense '{self.name}' units={self.units} activation={self.activation.name}>"


class Flatten(Layer):
    """Reshape each sample to one long vector, e.g. 28x28 images to 784 numbers."""

    def __init__(self, input_shape=None, name: str | None = None, dtype="float32") -> None:
        super().__init__(name=name, input_shape=input_shape, dtype=dtype)
        self._in_shape: tuple[int, ...] | None = None
        if self.input_shape is not None:
            self.build(self.input_shape)

    def compute_output_shape(self, input_shape):
        return (int(np.prod(input_shape, dtype=np.int64)),)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._in_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_output: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        return grad_output.reshape(self._in_shape) if need_input_grad else None


class Dropout(Layer):
    """During training, zero each input with probability ``rate`` and scale the others by
    ``1 / (1 - rate)`` (inverted dropout, like Keras), so the expected value is unchanged;
    at inference (``predict``, ``evaluate``) pass inputs through unchanged."""

    def __init__(self, rate: float, seed: int | None = None, name: str | None = None, dtype="float32") -> None:
        super().__init__(name=name, dtype=dtype, seed=seed)
        if not 0 <= rate < 1:
            raise NNError(f"Dropout rate must be in [0, 1), got {rate}.")
        self.rate = float(rate)
        self._rng = get_rng(seed) if seed is not None else None
        self.mask: np.ndarray | None = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        if not training or self.rate == 0:
            self.mask = None
            return x
        rng = self._rng if self._rng is not None else get_rng()
        keep = rng.random(x.shape, dtype=np.float32) >= self.rate
        self.mask = keep * x.dtype.type(1.0 / (1.0 - self.rate))  # 0 or 1/(1-rate)
        return x * self.mask

    def backward(self, grad_output: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        if not need_input_grad:
            return None
        return grad_output if self.mask is None else grad_output * self.mask
