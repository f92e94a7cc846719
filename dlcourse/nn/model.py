"""``Sequential``: a stack of layers trained like a Keras model.

The same calls as Keras, with the same meaning::

    model = Sequential([
        Dense(64, activation="relu", input_shape=(784,)),
        Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=5, batch_size=128, validation_split=0.1)
    loss, acc = model.evaluate(x_test, y_test)

One training step (``train_on_batch``, or each batch of ``fit``) is:

1. forward: each layer computes its output from the previous one (``layer.last_*``);
2. loss: compare the last output with the targets; regularization penalties are added;
3. backward: from d(loss)/d(output) back through the layers, each storing the gradients
   of its weights (``layer.kernel_grad``, ``layer.bias_grad``);
4. update: the optimizer changes every weight using its gradient.

``compute_gradients(x, y)`` runs steps 1-3 only, to look at the gradients without
changing anything.

Like Keras, a cross-entropy loss after a softmax (or sigmoid) output layer is computed
from that layer's weighted sums ``z`` rather than from the rounded probabilities; the
gradient of the loss with respect to ``z`` is then simply ``(softmax(z) - y) / batch``.

For speed, all weights of a model live in one contiguous float32 array (each layer's
``kernel`` and ``bias`` are views into it), and so do their gradients: the optimizer
then updates the whole model with a handful of NumPy operations per step. Every entry
point (``fit``, ``evaluate``, ``predict``, ...) runs NumPy's matrix multiplies on one BLAS
thread unless they are large (:mod:`dlcourse.nn.threads`), which keeps training fast when
other programs share the CPU.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Sequence

import numpy as np

from dlcourse.nn import losses as losses_module
from dlcourse.nn import metrics as metrics_module
from dlcourse.nn import optimizers as optimizers_module
from dlcourse.nn.activations import Sigmoid, Softmax
from dlcourse.nn.callbacks import Callback, History, ProgbarLogger, format_logs, overrides
from dlcourse.nn.errors import NNError, ShapeError
from dlcourse.nn.layers import Dense, Input, Layer, unique_name
from dlcourse.nn.seeding import get_rng
from dlcourse.nn.threads import blas_threads

_CROSSENTROPIES = (
    losses_module.BinaryCrossentropy,
    losses_module.CategoricalCrossentropy,
    losses_module.SparseCategoricalCrossentropy,
)


class Sequential:
    """A linear stack of layers with Keras' ``compile`` / ``fit`` / ``evaluate`` / ``predict``."""

    def __init__(self, layers: Sequence[Layer | Input] | None = None, name: str | None = None) -> None:
        self.name = name or unique_name("sequential")
        self.layers: list[Layer] = []
        self._input_shape: tuple[int, ...] | None = None
        self.built = False
        self.optimizer: optimizers_module.Optimizer | None = None
        self.loss: losses_module.Loss | None = None
        self._metric_ids: list = []
        self.metrics: list[metrics_module.Metric] = []
        self.compiled = False
        self.stop_training = False
        self.history: History | None = None
        self._flat_params: np.ndarray | None = None
        self._flat_grads: np.ndarray | None = None
        for layer in layers or []:
            self.add(layer)

    # --- structure ------------------------------------------------------------------------
    def add(self, layer: Layer | Input) -> None:
        """Append a layer (or an ``Input`` declaring the input shape, first only)."""
        if isinstance(layer, Input):
            if self.layers:
                raise NNError("Input(...) can only be the first entry of a Sequential model.")
            self._input_shape = layer.shape
            return
        if not isinstance(layer, Layer):
            raise NNError(f"Sequential layers must be layers such as Dense(...), got {layer!r}.")
        if not self.layers and self._input_shape is None and layer.input_shape is not None:
            self._input_shape = layer.input_shape
        self.layers.append(layer)
        self.built = False
        if self._input_shape is not None:
            self.build(self._input_shape)

    @property
    def dtype(self) -> np.dtype:
        """The floating-point type of the weights (float32 unless changed)."""
        return self.layers[0].dtype if self.layers else np.dtype("float32")

    def build(self, input_shape=None) -> None:
        """Create all weights for samples of ``input_shape`` (batch axis optional: ``(None, 784)``)."""
        if input_shape is None:
            input_shape = self._input_shape
        if input_shape is None:
            raise NNError(
                f"Model '{self.name}' does not know its input shape yet: give the first layer "
                f"input_shape=(...), start with Input((...)), or call fit / build(input_shape)."
            )
        shape = tuple(input_shape)
        if shape and shape[0] is None:
            shape = shape[1:]
        self._input_shape = tuple(int(s) for s in shape)
        shape = self._input_shape
        for layer in self.layers:
            if not layer.built:
                layer.build(shape)
            elif layer.input_shape is not None and tuple(layer.input_shape)[-1:] != tuple(shape)[-1:]:
                raise ShapeError(
                    f"{type(layer).__name__} '{layer.name}' was built for inputs of shape "
                    f"{layer.input_shape}, but the layer before it outputs shape {shape}."
                )
            shape = layer.compute_output_shape(shape)
        self._link_weights()
        self.built = True

    def _link_weights(self) -> None:
        """Move all weights (and gradients) into two flat arrays; layers keep views into them."""
        dtype = self.dtype
        total = sum(w.size for layer in self.layers for w in layer.params.values())
        self._flat_params = np.empty(total, dtype)
        self._flat_grads = np.zeros(total, dtype)
        offset = 0
        for layer in self.layers:
            for key, w in list(layer.params.items()):
                view = self._flat_params[offset:offset + w.size].reshape(w.shape)
                view[...] = w
                layer.params[key] = view
                layer.grads[key] = self._flat_grads[offset:offset + w.size].reshape(w.shape)
                offset += w.size
        self._first_weighted = next((i for i, layer in enumerate(self.layers) if layer.params), len(self.layers))
        self._regularized = [layer for layer in self.layers if getattr(layer, "has_regularizer", False)]

    def _ensure_built(self, x: np.ndarray) -> None:
        if not self.layers:
            raise NNError(f"Model '{self.name}' has no layers yet: add some with model.add(...).")
        if not self.built:
            self.build(self._input_shape or x.shape[1:])

    @property
    def input_shape(self) -> tuple | None:
        """``(None, features...)`` once known."""
        return None if self._input_shape is None else (None, *self._input_shape)

    @property
    def output_shape(self) -> tuple | None:
        """``(None, outputs...)`` once built."""
        if not self.built:
            return None
        return (None, *self.layers[-1].output_shape)

    @property
    def weights(self) -> list[np.ndarray]:
        """All weight arrays (live, not copies), in Keras' order."""
        return [w for layer in self.layers for w in layer.params.values()]

    trainable_weights = weights

    def get_weights(self) -> list[np.ndarray]:
        """Copies of all weights: for each layer its kernel ``(inputs, units)`` then its bias."""
        return [w.copy() for w in self.weights]

    def set_weights(self, weights: Sequence[np.ndarray]) -> None:
        """Set all weights from a list like ``get_weights()`` (e.g. from a Keras model)."""
        if not self.built:
            raise NNError(f"Model '{self.name}' is not built yet, so it has no weights to set.")
        mine = self.weights
        if len(weights) != len(mine):
            raise NNError(f"Model '{self.name}' has {len(mine)} weight arrays, got {len(weights)}.")
        for layer in self.layers:
            n = len(layer.params)
            layer.set_weights(list(weights[:n]))
            weights = weights[n:]

    def count_params(self) -> int:
        """Total number of weights."""
        if not self.built:
            raise NNError(f"Model '{self.name}' is not built yet: its size depends on the input shape.")
        return sum(layer.count_params() for layer in self.layers)

    def summary(self, print_fn=None) -> None:
        """Print a Keras-like table: layer (type), output shape, number of parameters."""
        print_fn = print_fn or print
        cols = (33, 24, 15)
        lines = [f'Model: "{self.name}"']

        def row(cells, left, mid, right, align=("<", "<", ">")):
            parts = [f" {c:{a}{w - 2}} " for c, w, a in zip(cells, cols, align)]
            return left + mid.join(parts) + right

        def rule(left, fill, mid, right):
            return left + mid.join(fill * w for w in cols) + right

        lines.append(rule("┏", "━", "┳", "┓"))
        lines.append(row(("Layer (type)", "Output Shape", "Param #"), "┃", "┃", "┃"))
        lines.append(rule("┡", "━", "╇", "┩"))
        for i, layer in enumerate(self.layers):
            shape = "?" if layer.output_shape is None else str((None, *layer.output_shape))
            params = f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"
            lines.append(row((f"{layer.name} ({type(layer).__name__})", shape, params), "│", "│", "│"))
            if i < len(self.layers) - 1:
                lines.append(rule("├", "─", "┼", "┤"))
        lines.append(rule("└", "─", "┴", "┘"))
        total = sum(layer.count_params() for layer in self.layers if layer.built)
        size = _format_bytes(total * self.dtype.itemsize)
        lines.append(f" Total params: {total:,} ({size})")
        lines.append(f" Trainable params: {total:,} ({size})")
        lines.append(" Non-trainable params: 0 (0.00 B)")
        print_fn("\n".join(lines))

    # --- compile --------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics: Sequence | None = None) -> None:
        """Choose the optimizer, the loss and the metrics to report (names or objects)."""
        if loss is None:
            raise NNError("compile needs a loss, e.g. loss='mse' or loss='sparse_categorical_crossentropy'.")
        self.optimizer = optimizers_module.get(optimizer)
        self.loss = losses_module.get(loss)
        if isinstance(metrics, (str, metrics_module.Metric)):
            metrics = [metrics]
        self._metric_ids = list(metrics or [])
        for m in self._metric_ids:  # fail early on unknown names
            metrics_module.get(m, (1, 2), (1, 2))
        self.metrics = []
        self.compiled = True

    def _require_compiled(self, what: str) -> None:
        if not self.compiled:
            raise NNError(f"Call model.compile(optimizer=..., loss=...) before {what}.")

    def _fused(self) -> bool:
        # Keras computes a cross-entropy from the logits z of a softmax/sigmoid output layer.
        last = self.layers[-1]
        return (
            isinstance(self.loss, _CROSSENTROPIES)
            and isinstance(last, Dense)
            and isinstance(last.activation, (Softmax, Sigmoid))
        )

    # --- data helpers ---------------------------------------------------------------------
    def _prepare_x(self, x) -> np.ndarray:
        x = np.asarray(x)
        if x.dtype != self.dtype:
            x = x.astype(self.dtype)
        if x.ndim < 1:
            raise ShapeError(f"Model '{self.name}' needs a batch of samples, got a scalar.")
        return x

    def _prepare_y(self, y, n: int) -> np.ndarray:
        y = np.asarray(y)
        if len(y) != n:
            raise ShapeError(f"Got {n} input samples but {len(y)} targets: they must match one to one.")
        out_shape = (n, *self.layers[-1].output_shape)
        try:
            return self.loss.prepare(y, np.empty(out_shape, self.dtype))[0]
        except ShapeError as err:
            raise ShapeError(
                f"Model '{self.name}' outputs shape {(None, *out_shape[1:])} per batch, but the "
                f"targets have shape {y.shape}. {err}"
            ) from None

    def _resolve_metrics(self, y_raw_shape: tuple[int, ...]) -> None:
        if len(self.metrics) == len(self._metric_ids):
            return
        pred_shape = (1, *self.layers[-1].output_shape)
        self.metrics = [metrics_module.get(m, (1, *y_raw_shape[1:]), pred_shape) for m in self._metric_ids]

    def _threads(self, batch: int):
        """The BLAS thread limit for this model's multiplies on batches of ``batch`` samples."""
        largest = max((w.size for w in self.weights if w.ndim == 2), default=0)
        return blas_threads(2.0 * batch * largest)

    # --- the core: forward, loss, backward ------------------------------------------------
    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Run the batch through every layer (each keeps its intermediate values)."""
        for layer in self.layers:
            x = layer.forward(x, training=training)
        return x

    def __call__(self, x, training: bool = False) -> np.ndarray:
        x = self._prepare_x(x)
        self._ensure_built(x)
        with np.errstate(under="ignore"), self._threads(len(x)):
            return self.forward(x, training=training)

    def regularization_loss(self) -> float:
        """Sum of all layers' penalties (0 without regularizers)."""
        total = 0.0
        for layer in self._regularized:
            total += layer.regularization_loss()
        return total

    def _loss(self, y: np.ndarray, out: np.ndarray, need_gradient: bool, fused: bool | None = None):
        """Mean loss of the batch (without penalties) and d(loss)/d(output or z)."""
        if fused is None:
            fused = self._fused()
        if fused:
            return self.loss.reduced(y, self.layers[-1].last_z, True, need_gradient)
        return self.loss.reduced(y, out, None, need_gradient)

    def backward(self, grad: np.ndarray, fused: bool = False, need_input_grad: bool = False) -> np.ndarray | None:
        """Backpropagate ``grad`` (d loss / d output, or d loss / d z when ``fused``)."""
        last = len(self.layers) - 1
        stop = -1 if need_input_grad else self._first_weighted - 1  # nothing to learn below that
        for i in range(last, stop, -1):
            layer = self.layers[i]
            wanted = need_input_grad or i > self._first_weighted
            if i == last and fused:
                grad = layer.backward_delta(grad, wanted)
            else:
                grad = layer.backward(grad, wanted)
        return grad

    def _forward_backward(self, x: np.ndarray, y: np.ndarray, training: bool = True):
        fused = self._fused()
        out = self.forward(x, training=training)
        value, grad = self._loss(y, out, need_gradient=True, fused=fused)
        penalty = self.regularization_loss() if self._regularized else 0.0
        self.backward(grad, fused=fused)
        return float(value) + float(penalty), out

    def compute_gradients(self, x, y, training: bool = True) -> tuple[float, list[np.ndarray]]:
        """One forward and backward pass on a batch, without updating the weights.

        Returns the loss (penalties included) and copies of the gradients in
        ``get_weights()`` order. Each layer also keeps its values from this pass
        (``last_input``, ``last_z``, ``last_output``, ``last_delta``, ``kernel_grad``, ...).
        ``training=True`` applies dropout like a training step does.
        """
        self._require_compiled("compute_gradients")
        x = self._prepare_x(x)
        self._ensure_built(x)
        y = self._prepare_y(y, len(x))
        with np.errstate(under="ignore"), self._threads(len(x)):  # too small for float32: 0
            loss, _ = self._forward_backward(x, y, training=training)
        return loss, [g.copy() for layer in self.layers for g in layer.grads.values()]

    def _train_step(self, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        loss, out = self._forward_backward(x, y, training=True)
        self.optimizer.apply([self._flat_grads], [self._flat_params])
        return loss, out

    # --- Keras' training API --------------------------------------------------------------
    def train_on_batch(self, x, y, return_dict: bool = False):
        """One update on one batch; returns its loss (or [loss, metrics...] / a dict)."""
        self._require_compiled("train_on_batch")
        x = self._prepare_x(x)
        self._ensure_built(x)
        y_raw = np.asarray(y)
        y = self._prepare_y(y_raw, len(x))
        self._resolve_metrics(y_raw.shape)
        with np.errstate(under="ignore"), self._threads(len(x)):
            loss, out = self._train_step(x, y)
        logs = {"loss": loss}
        for m in self.metrics:
            m.reset_state()
            m.update_state(y, out)
            logs[m.name] = m.result()
        return logs if return_dict else _flatten(logs)

    def test_on_batch(self, x, y, return_dict: bool = False):
        """Loss (and metrics) of one batch, without training."""
        return self.evaluate(x, y, batch_size=len(x), verbose=0, return_dict=return_dict)

    def fit(
        self,
        x=None,
        y=None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose="auto",
        callbacks: Sequence[Callback] | None = None,
        validation_split: float = 0.0,
        validation_data=None,
        shuffle: bool = True,
        initial_epoch: int = 0,
        validation_batch_size: int | None = None,
    ) -> History:
        """Train for ``epochs`` passes over the data; returns a ``History``.

        Same arguments and meaning as Keras: ``batch_size`` defaults to 32; with
        ``shuffle=True`` the samples are reshuffled every epoch; ``validation_split`` keeps
        the *last* fraction of the data (taken before shuffling) for validation;
        ``validation_data=(x_val, y_val)`` gives validation data directly.
        ``history.history`` holds one value per epoch for ``loss``, each metric, and
        ``val_`` versions of them.
        """
        self._require_compiled("fit")
        if x is None or y is None:
            raise NNError("fit needs inputs x and targets y.")
        x = self._prepare_x(x)
        self._ensure_built(x)
        y_raw = np.asarray(y)
        y = self._prepare_y(y_raw, len(x))
        self._resolve_metrics(y_raw.shape)
        if validation_data is None and validation_split:
            if not 0 < validation_split < 1:
                raise NNError(f"validation_split must be between 0 and 1, got {validation_split}.")
            split = int(math.floor(len(x) * (1.0 - validation_split)))
            if split == 0 or split == len(x):
                raise NNError(f"validation_split={validation_split} leaves no data for training or validation.")
            validation_data = (x[split:], y_raw[split:])
            x, y = x[:split], y[:split]
        if validation_data is not None:
            if len(validation_data) != 2:
                raise NNError("validation_data must be a tuple (x_val, y_val).")
            val_x = self._prepare_x(validation_data[0])
            val_y = self._prepare_y(validation_data[1], len(val_x))
        batch_size = int(batch_size or 32)
        n = len(x)
        steps = math.ceil(n / batch_size)
        verbose = 1 if verbose == "auto" else int(verbose)

        cbs = list(callbacks or [])
        if verbose:
            cbs.insert(0, ProgbarLogger(verbose))
        history = History()
        cbs.append(history)
        for cb in cbs:
            cb.set_model(self)
            cb.set_params({"epochs": epochs, "steps": steps, "verbose": verbose})
        batch_begin = [cb for cb in cbs if overrides(cb, "on_train_batch_begin")]
        batch_end = [cb for cb in cbs if overrides(cb, "on_train_batch_end")]

        self.stop_training = False
        self.history = history
        for cb in cbs:
            cb.on_train_begin()
        rng = get_rng()
        xb_buffer = np.empty((batch_size, *x.shape[1:]), x.dtype) if shuffle and n >= batch_size else None
        logs: dict[str, float] = {}
        epoch = initial_epoch
        with np.errstate(under="ignore"), self._threads(batch_size):
            for epoch in range(initial_epoch, epochs):
                for m in self.metrics:
                    m.reset_state()
                for cb in cbs:
                    cb.on_epoch_begin(epoch)
                order = rng.permutation(n) if shuffle else None
                loss_sum, seen = 0.0, 0
                for step in range(steps):
                    for cb in batch_begin:
                        cb.on_train_batch_begin(step)
                    start, stop = step * batch_size, min((step + 1) * batch_size, n)
                    if order is None:
                        xb, yb = x[start:stop], y[start:stop]
                    else:
                        idx = order[start:stop]
                        if stop - start == batch_size:
                            xb = np.take(x, idx, axis=0, out=xb_buffer, mode="clip")
                        else:
                            xb = x[idx]
                        yb = y[idx]
                    loss, out = self._train_step(xb, yb)
                    loss_sum += loss * (stop - start)
                    seen += stop - start
                    for m in self.metrics:
                        m.update_state(yb, out)
                    if batch_end:
                        batch_logs = self._logs(loss_sum / seen)
                        for cb in batch_end:
                            cb.on_train_batch_end(step, batch_logs)
                    if self.stop_training:
                        break
                logs = self._logs(loss_sum / max(seen, 1))
                if validation_data is not None:
                    val_logs = self._evaluate(val_x, val_y, validation_batch_size or batch_size)
                    logs.update({"val_" + k: v for k, v in val_logs.items()})
                for cb in cbs:
                    cb.on_epoch_end(epoch, logs)
                if self.stop_training:
                    break
        for cb in cbs:
            cb.on_train_end(logs)
        return history

    def _logs(self, loss: float) -> dict[str, float]:
        logs = {"loss": float(loss)}
        for m in self.metrics:
            logs[m.name] = m.result()
        return logs

    def _evaluate(self, x: np.ndarray, y: np.ndarray, batch_size: int) -> dict[str, float]:
        for m in self.metrics:
            m.reset_state()
        loss_sum, n = 0.0, len(x)
        with np.errstate(under="ignore"), self._threads(batch_size):
            for start in range(0, n, batch_size):
                xb, yb = x[start:start + batch_size], y[start:start + batch_size]
                out = self.forward(xb, training=False)
                value, _ = self._loss(yb, out, need_gradient=False)
                penalty = self.regularization_loss() if self._regularized else 0.0
                loss_sum += (float(value) + float(penalty)) * len(xb)
                for m in self.metrics:
                    m.update_state(yb, out)
        return self._logs(loss_sum / max(n, 1))

    def evaluate(self, x=None, y=None, batch_size: int | None = None, verbose="auto", return_dict: bool = False):
        """Loss (penalties included) and metrics on data, without training.

        Returns the loss alone when no metrics were compiled, else ``[loss, metric, ...]``
        (or a dict with ``return_dict=True``), like Keras.
        """
        self._require_compiled("evaluate")
        x = self._prepare_x(x)
        self._ensure_built(x)
        y_raw = np.asarray(y)
        y = self._prepare_y(y_raw, len(x))
        self._resolve_metrics(y_raw.shape)
        start = time.perf_counter()
        batch_size = int(batch_size or 32)
        logs = self._evaluate(x, y, batch_size)
        if verbose:  # "auto", 1 or 2, like Keras
            steps = math.ceil(len(x) / batch_size)
            print(f"{steps}/{steps} - {time.perf_counter() - start:.0f}s - {format_logs(logs)}")
        return logs if return_dict else _flatten(logs)

    def predict(self, x, batch_size: int | None = None, verbose=0) -> np.ndarray:
        """The model's outputs for ``x`` (dropout off), computed ``batch_size`` (32) samples at a time."""
        x = self._prepare_x(x)
        self._ensure_built(x)
        batch_size = int(batch_size or 32)
        with np.errstate(under="ignore"), self._threads(batch_size):
            parts = [self.forward(x[i:i + batch_size], training=False) for i in range(0, len(x), batch_size)]
        if not parts:
            return np.empty((0, *self.layers[-1].output_shape), self.dtype)
        return np.concatenate(parts) if len(parts) > 1 else parts[0].copy()

    # --- utilities ------------------------------------------------------------------------
    def astype(self, dtype) -> "Sequential":
        """A copy of the model (compiled settings included) whose weights use ``dtype``."""
        clone = copy.deepcopy(self)
        for layer in clone.layers:
            layer._set_dtype(dtype)
        if clone.built:
            clone._link_weights()
        if clone.optimizer is not None:
            clone.optimizer.reset()
        return clone

    def __repr__(self) -> str:
        return f"<Sequential '{self.name}' layers={[layer.name for layer in self.layers]}>"


def _flatten(logs: dict[str, float]):
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def _format_bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.2f} {unit}"
        n /= 1024
    return f"{n:.2f} GB"
