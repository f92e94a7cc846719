"""The steps of a forward or backward pass of a small Dense network, computed as plain data.

Introduced in lessons 03 and 05. ``forward(...)`` and ``backward(...)`` accept either

* a ``dlcourse.nn.Sequential`` of ``Dense`` layers (left unchanged: the walk-through runs on a
  copy), or
* a list of weights in Keras' order ``[kernel, bias, kernel, bias, ...]`` (each kernel of shape
  (inputs, units)) together with ``activations=["relu", "sigmoid"]``, one name per layer,

and return a :class:`ForwardPass` or :class:`BackwardPass`: dataclasses holding every weighted
sum, activation, loss term and gradient as NumPy arrays, one row per sample. Every number comes
from the engine (:mod:`dlcourse.nn`): its layers compute the pass and keep their intermediate
values, its losses compute the loss terms, and its ``SGD`` optimizer computes the update.
Drawing is left to :mod:`dlcourse.explain.render`; the objects display themselves as HTML
tables with a network diagram in JupyterLab and as text in a terminal.

Weights given as a list are used in float64, so the digits of a hand calculation are not
blurred by float32 rounding; a model keeps its own dtype.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from dlcourse.nn import SGD, Dense, Sequential
from dlcourse.nn.activations import Softmax
from dlcourse.nn.errors import NNError

__all__ = ["BackwardPass", "ForwardPass", "LayerBackward", "LayerForward", "LossStep", "backward",
           "default_unit_names", "forward"]


@dataclass
class LayerForward:
    """One Dense layer's part of a forward pass (row ``s`` of each array is sample ``s``)."""

    index: int  # 1 for the first Dense layer
    role: str  # "hidden" or "output"
    activation: str
    inputs: np.ndarray  # A of the layer below (X for the first layer), shape (m, inputs)
    kernel: np.ndarray  # W, shape (inputs, units)
    bias: np.ndarray  # b, shape (units,) (zeros for a layer without bias)
    z: np.ndarray  # Z = inputs @ kernel + bias, shape (m, units)
    a: np.ndarray  # A = activation(Z), shape (m, units)
    unit_names: tuple[str, ...]

    @property
    def units(self) -> int:
        """Number of neurons in the layer."""
        return self.kernel.shape[1]


@dataclass
class LossStep:
    """The loss of a batch: one term per sample, their mean, and how the engine computed it."""

    name: str  # Keras' name, e.g. "binary_crossentropy"
    y: np.ndarray  # the targets, aligned with the predictions
    per_sample: np.ndarray  # one loss term per sample, shape (m,)
    value: float  # what the engine reports: the mean of the terms plus penalties
    penalty: float  # regularization penalties included in ``value`` (0 without regularizers)
    from_logits: bool  # computed from the output layer's z, as Keras does for sigmoid/softmax outputs


@dataclass
class ForwardPass:
    """Every step of a forward pass; shows itself as tables (notebook) or text (terminal)."""

    x: np.ndarray  # the batch, shape (m, inputs)
    layers: list[LayerForward]
    input_names: tuple[str, ...]
    loss: LossStep | None = None
    precision: int = 3  # decimals shown
    max_samples: int = 4  # samples written out step by step; the arrays always hold all of them

    @property
    def output(self) -> np.ndarray:
        """The network's output A of the last layer, shape (m, outputs)."""
        return self.layers[-1].a

    @property
    def sizes(self) -> list[int]:
        """Neurons per layer, inputs first: ``[3, 2, 1]`` for the spam network."""
        return [self.x.shape[1]] + [layer.units for layer in self.layers]

    def diagram(self, sample: int = 0) -> Any:
        """A network diagram of one sample: weights on the lines, activations in the neurons."""
        from dlcourse.explain.render import forward_diagram  # noqa: PLC0415

        return forward_diagram(self, sample)

    def _repr_html_(self) -> str:
        from dlcourse.explain.render import forward_html  # noqa: PLC0415

        return forward_html(self)

    def __str__(self) -> str:
        from dlcourse.explain.render import forward_text  # noqa: PLC0415

        return forward_text(self)

    __repr__ = __str__


@dataclass
class LayerBackward:
    """One Dense layer's gradients (row ``s`` of the per-sample arrays is sample ``s``)."""

    index: int
    role: str
    activation: str
    grad_a: np.ndarray  # dL/dA, shape (m, units)
    slope: np.ndarray | None  # g'(Z) element by element; None for softmax, whose units mix
    grad_z: np.ndarray  # dL/dZ (the engine's "delta"), shape (m, units)
    grad_kernel: np.ndarray  # dL/dW, shape (inputs, units), like the kernel
    grad_bias: np.ndarray  # dL/db, shape (units,)
    new_kernel: np.ndarray | None = None  # W - learning_rate * dL/dW (when a learning rate is given)
    new_bias: np.ndarray | None = None


@dataclass
class BackwardPass:
    """Every gradient of a backward pass (and the SGD update); shows itself like ForwardPass."""

    forward: ForwardPass
    layers: list[LayerBackward]  # in the same order as forward.layers (first layer first)
    learning_rate: float | None = None

    @property
    def loss(self) -> LossStep:
        """The loss the gradients are taken of."""
        assert self.forward.loss is not None
        return self.forward.loss

    @property
    def precision(self) -> int:
        """Decimals shown (the same setting as the forward pass)."""
        return self.forward.precision

    @precision.setter
    def precision(self, value: int) -> None:
        self.forward.precision = int(value)

    def gradients(self) -> list[np.ndarray]:
        """dL/dW and dL/db of every layer, in Keras' ``get_weights()`` order."""
        return [g for layer in self.layers for g in (layer.grad_kernel, layer.grad_bias)]

    def new_weights(self) -> list[np.ndarray]:
        """The weights after one SGD step, in Keras' order (needs a learning rate)."""
        if self.learning_rate is None:
            raise NNError("this backward pass has no learning rate: call backward(..., learning_rate=0.1).")
        return [w for layer in self.layers for w in (layer.new_kernel, layer.new_bias)]  # type: ignore[misc]

    def diagram(self, sample: int | None = None) -> Any:
        """A network diagram with dL/dW on the lines and dL/dZ in the neurons (of ``sample``,
        or summed over the batch when ``sample`` is None)."""
        from dlcourse.explain.render import backward_diagram  # noqa: PLC0415

        return backward_diagram(self, sample)

    def _repr_html_(self) -> str:
        from dlcourse.explain.render import backward_html  # noqa: PLC0415

        return backward_html(self)

    def __str__(self) -> str:
        from dlcourse.explain.render import backward_text  # noqa: PLC0415

        return backward_text(self)

    __repr__ = __str__


# --- building the engine model ------------------------------------------------------------------

def default_unit_names(sizes: Sequence[int]) -> list[tuple[str, ...]]:
    """Names of the units of each Dense layer (``sizes`` without the inputs).

    One hidden layer: ``H1, H2, ...``; several: ``H1.1, H1.2, ..., H2.1, ...``; the output
    layer: ``out`` (one unit) or ``out1, out2, ...``.
    """
    names: list[tuple[str, ...]] = []
    hidden = len(sizes) - 1
    for layer, n in enumerate(sizes[:-1], start=1):
        names.append(tuple(f"H{j}" if hidden == 1 else f"H{layer}.{j}" for j in range(1, n + 1)))
    last = sizes[-1]
    names.append(("out",) if last == 1 else tuple(f"out{j}" for j in range(1, last + 1)))
    return names


def _model_from_weights(weights: Sequence[Any], activations: Sequence[str] | str | None) -> Sequential:
    arrays = [np.asarray(w, dtype=np.float64) for w in weights]
    if not arrays or len(arrays) % 2:
        raise NNError(f"weights come in pairs, in Keras' order [kernel (inputs, units), bias (units,), kernel, "
                      f"bias, ...]; got {len(arrays)} arrays.")
    n_layers = len(arrays) // 2
    if activations is None:
        example = ["relu"] * (n_layers - 1) + ["sigmoid"]
        raise NNError(f"give one activation name per layer, e.g. activations={example}.")
    if isinstance(activations, str):
        activations = [activations]
    if len(activations) != n_layers:
        raise NNError(f"{n_layers} layers of weights but {len(activations)} activation names: give one per layer.")
    layers = []
    for index in range(n_layers):
        kernel, bias = arrays[2 * index], arrays[2 * index + 1]
        if kernel.ndim != 2:
            raise NNError(f"layer {index + 1}: a kernel has shape (inputs, units), got shape {kernel.shape}.")
        if bias.shape != (kernel.shape[1],):
            raise NNError(f"layer {index + 1}: the kernel has {kernel.shape[1]} units, so the bias needs shape "
                          f"({kernel.shape[1]},), got {bias.shape}.")
        if index and kernel.shape[0] != arrays[2 * index - 2].shape[1]:
            raise NNError(f"layer {index + 1}'s kernel has {kernel.shape[0]} inputs, but layer {index} has "
                          f"{arrays[2 * index - 2].shape[1]} units: shapes (inputs, units) must chain.")
        layers.append(Dense(kernel.shape[1], activation=activations[index], dtype="float64",
                            input_shape=(kernel.shape[0],) if index == 0 else None, name=f"layer_{index + 1}"))
    model = Sequential(layers, name="walkthrough")
    model.set_weights(arrays)
    return model


def _working_copy(network: Any, activations: Sequence[str] | str | None, n_inputs: int) -> Sequential:
    if isinstance(network, Sequential):
        if activations is not None:
            raise NNError("activations= is for a list of weights; a model already knows its activations.")
        for layer in network.layers:
            if not isinstance(layer, Dense):
                raise NNError(f"the walk-through explains models made of Dense layers only; "
                              f"'{layer.name}' is a {type(layer).__name__}.")
        model = network.astype(network.dtype)  # a copy: the learner's model keeps its state
        if not model.built:
            model.build((n_inputs,))
        return model
    if isinstance(network, (list, tuple)):
        return _model_from_weights(network, activations)
    raise NNError(f"expected a dlcourse.nn Sequential model or a list of weights [kernel, bias, ...], "
                  f"got {type(network).__name__}.")


def _batch(x: Any, model: Sequential) -> np.ndarray:
    x = np.asarray(x, dtype=model.dtype)
    if x.ndim == 1:
        x = x[None, :]  # one sample
    if x.ndim != 2:
        raise NNError(f"x must hold one sample per row, shape (m, inputs); got shape {x.shape}.")
    return x


def _names(names: Sequence[str] | None, count: int, default: Sequence[str], what: str) -> tuple[str, ...]:
    if names is None:
        return tuple(default)
    names = tuple(str(n) for n in names)
    if len(names) != count:
        raise NNError(f"{what}: expected {count} names, got {len(names)}.")
    return names


def _run(network: Any, x: Any, y: Any, activations: Sequence[str] | str | None, loss: Any,
         learning_rate: float | None = None) -> tuple[Sequential, np.ndarray, float | None]:
    """Run the engine on a working copy: a forward pass, plus loss and backward pass when ``y`` is given."""
    first = np.asarray(x)
    model = _working_copy(network, activations, first.shape[-1] if first.ndim else 1)
    xb = _batch(x, model)
    if y is None:
        model(xb)
        return model, xb, None
    if loss is None:
        if model.loss is None:
            raise NNError("give the loss, e.g. loss='binary_crossentropy' (or compile the model first).")
        loss = model.loss
    model.compile(optimizer=SGD(learning_rate if learning_rate is not None else 0.01), loss=loss)
    value, _ = model.compute_gradients(xb, y, training=False)
    return model, xb, value


def _forward_pass(model: Sequential, x: np.ndarray, y: Any, value: float | None,
                  input_names: Sequence[str] | None, unit_names: Sequence[Sequence[str]] | None,
                  precision: int, max_samples: int) -> ForwardPass:
    sizes = [layer.units for layer in model.layers]
    defaults = default_unit_names(sizes)
    if unit_names is not None and len(unit_names) != len(sizes):
        raise NNError(f"unit_names: expected one list of names per layer ({len(sizes)}), got {len(unit_names)}.")
    steps = []
    for index, layer in enumerate(model.layers):
        bias = layer.bias if layer.bias is not None else np.zeros(layer.units, model.dtype)
        names = _names(None if unit_names is None else unit_names[index], layer.units, defaults[index],
                       f"unit_names of layer {index + 1}")
        steps.append(LayerForward(
            index=index + 1, role="output" if index == len(sizes) - 1 else "hidden",
            activation=layer.activation.name, inputs=layer.last_input.copy(), kernel=layer.kernel.copy(),
            bias=bias.copy(), z=layer.last_z.copy(), a=layer.last_output.copy(), unit_names=names))
    inputs = _names(input_names, x.shape[1], [f"x{i}" for i in range(1, x.shape[1] + 1)], "input_names")
    loss_step = None if y is None else _loss_step(model, y, value)
    return ForwardPass(x=x.copy(), layers=steps, input_names=inputs, loss=loss_step, precision=int(precision),
                       max_samples=int(max_samples))


def _loss_step(model: Sequential, y: Any, value: float | None) -> LossStep:
    last = model.layers[-1]
    loss = model.loss
    # The engine leaves last_output_grad empty when it computed the loss from z (as Keras does
    # for a cross-entropy after a sigmoid or softmax output).
    fused = last.last_output_grad is None
    aligned, _ = loss.prepare(y, last.last_output)
    if fused:
        per_sample = type(loss)(from_logits=True).per_sample(y, last.last_z)
    else:
        per_sample = loss.per_sample(y, last.last_output)
    penalty = float(model.regularization_loss())
    total = float(np.mean(per_sample)) + penalty if value is None else float(value)
    return LossStep(name=loss.name, y=np.asarray(aligned).copy(), per_sample=np.asarray(per_sample).reshape(-1),
                    value=total, penalty=penalty, from_logits=fused)


# --- the public functions -----------------------------------------------------------------------

def forward(network: Any, x: Any, activations: Sequence[str] | str | None = None, *, y: Any = None,
            loss: Any = None, input_names: Sequence[str] | None = None,
            unit_names: Sequence[Sequence[str]] | None = None, precision: int = 3,
            max_samples: int = 4) -> ForwardPass:
    """Walk through a forward pass: every weighted sum and activation, layer by layer.

    Args:
        network: a ``dlcourse.nn.Sequential`` of ``Dense`` layers, or a list of weights in
            Keras' order ``[kernel (inputs, units), bias (units,), kernel, bias, ...]``.
        x: one sample (shape (inputs,)) or a batch (shape (m, inputs)).
        activations: one activation name per layer, for a list of weights.
        y, loss: targets and a loss (name or ``dlcourse.nn`` loss) to add the loss terms;
            a compiled model's loss is used when ``loss`` is left out.
        input_names: names of the inputs (default ``x1, x2, ...``).
        unit_names: names of each layer's units (default ``H1, H2, ..., out``).
        precision: decimals shown. ``max_samples``: samples written out term by term.

    Introduced in lesson 03.
    """
    model, xb, value = _run(network, x, y, activations, loss)
    return _forward_pass(model, xb, y, value, input_names, unit_names, precision, max_samples)


def backward(network: Any, x: Any, y: Any, activations: Sequence[str] | str | None = None, *,
             loss: Any = None, learning_rate: float | None = None, input_names: Sequence[str] | None = None,
             unit_names: Sequence[Sequence[str]] | None = None, precision: int = 3,
             max_samples: int = 4) -> BackwardPass:
    """Walk through a backward pass: dL/dA, dL/dZ, dL/dW and dL/db of every layer.

    The arguments are those of :func:`forward`, plus the targets ``y`` and the ``loss``
    (required unless the model is compiled). With a ``learning_rate`` the walk-through also
    shows one step of gradient descent, ``W - learning_rate * dL/dW``, computed by the
    engine's ``SGD`` optimizer.

    Introduced in lesson 05.
    """
    if y is None:
        raise NNError("backward needs the targets y: the gradients are those of the loss.")
    model, xb, value = _run(network, x, y, activations, loss, learning_rate)
    passed = _forward_pass(model, xb, y, value, input_names, unit_names, precision, max_samples)
    layers = []
    for index, layer in enumerate(model.layers):
        if layer.last_output_grad is not None:
            grad_a = layer.last_output_grad.copy()
        else:
            # Fused output layer: the engine went from the loss straight to dL/dZ; dL/dA is the
            # loss' gradient with respect to the probabilities.
            grad_a = model.loss.gradient(y, layer.last_output)
        slope = None if isinstance(layer.activation, Softmax) else layer.activation.derivative(layer.last_z)
        grad_bias = layer.bias_grad.copy() if layer.bias_grad is not None else np.zeros(layer.units, model.dtype)
        layers.append(LayerBackward(
            index=index + 1, role=passed.layers[index].role, activation=layer.activation.name,
            grad_a=np.asarray(grad_a).copy(), slope=None if slope is None else slope.copy(),
            grad_z=layer.last_delta.copy(), grad_kernel=layer.kernel_grad.copy(), grad_bias=grad_bias))
    if learning_rate is not None:
        weights = [w for step in passed.layers for w in (step.kernel.copy(), step.bias.copy())]
        SGD(learning_rate=learning_rate).apply([g for lb in layers for g in (lb.grad_kernel, lb.grad_bias)],
                                               weights)
        for step, (kernel, bias) in zip(layers, zip(weights[::2], weights[1::2])):
            step.new_kernel, step.new_bias = kernel, bias
    return BackwardPass(forward=passed, layers=layers, learning_rate=learning_rate)
