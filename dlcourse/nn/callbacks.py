"""Callbacks: code that ``fit`` runs at fixed moments of training (Keras' hooks).

Subclass :class:`Callback` and override what you need; ``self.model`` is the model being
trained and ``logs`` a dict of Python floats such as ``{"loss": 0.31, "accuracy": 0.91}``
(with ``val_...`` entries at the end of an epoch when there is validation data)::

    class LivePlot(Callback):
        def on_epoch_end(self, epoch, logs=None):
            plot.add_point(epoch, logs["loss"])

Hooks: ``on_train_begin(logs)``, ``on_epoch_begin(epoch, logs)``,
``on_train_batch_begin(batch, logs)``, ``on_train_batch_end(batch, logs)`` (running
averages of the epoch so far), ``on_epoch_end(epoch, logs)``, ``on_train_end(logs)``.
Setting ``self.model.stop_training = True`` ends ``fit`` after the current batch.

Provided: :class:`History` (``fit`` returns it), :class:`EarlyStopping`,
:class:`LambdaCallback` and :class:`ProgbarLogger` (the ``verbose`` display).
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

from dlcourse.nn.errors import NNError

Logs = dict[str, float]


class Callback:
    """Base class: every hook does nothing."""

    def __init__(self) -> None:
        self.model: Any = None
        self.params: dict = {}

    def set_model(self, model: Any) -> None:
        """Called by ``fit`` before training."""
        self.model = model

    def set_params(self, params: dict) -> None:
        """``fit``'s settings: ``epochs``, ``steps``, ``verbose``."""
        self.params = params

    def on_train_begin(self, logs: Logs | None = None) -> None:
        """Before the first epoch."""

    def on_train_end(self, logs: Logs | None = None) -> None:
        """After the last epoch (``logs``: those of the last epoch)."""

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        """At the start of epoch ``epoch`` (counted from 0)."""

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        """At the end of an epoch, after validation."""

    def on_train_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Before training on batch ``batch`` (counted from 0 in each epoch)."""

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """After the weight update of batch ``batch``."""


def overrides(callback: Callback, hook: str) -> bool:
    """Whether ``callback`` does something in ``hook`` (lets ``fit`` skip building logs)."""
    if isinstance(callback, LambdaCallback):
        return getattr(callback, "_" + hook) is not None
    return getattr(type(callback), hook) is not getattr(Callback, hook)


class History(Callback):
    """Records the logs of every epoch: ``history.history["loss"]`` is a list, one per epoch."""

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)

    def __repr__(self) -> str:
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"


class EarlyStopping(Callback):
    """Stop training when a monitored value has stopped improving (Keras 3 semantics).

    Args:
        monitor: the logged value to watch, e.g. ``"val_loss"`` (default) or ``"val_accuracy"``.
        min_delta: a change smaller than this does not count as an improvement.
        patience: epochs without improvement after which training stops.
        verbose: 1 prints a message when stopping / restoring.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (losses and errors: min, accuracies: max).
        baseline: the wait counter only restarts once the value beats this too.
        restore_best_weights: at the end, go back to the weights of the best epoch.
        start_from_epoch: epochs to wait before monitoring at all (warm-up).

    After training, ``stopped_epoch`` is the epoch at which training stopped (0: it did not
    stop early) and ``best_epoch`` the epoch with the best value.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"EarlyStopping mode {mode!r} is unknown, fallback to auto mode.", stacklevel=2)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.min_delta = abs(min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.monitor_op: Callable[[float, float], bool] | None = None
        self.wait = 0
        self.stopped_epoch = 0
        self.best: float | None = None
        self.best_weights = None
        self.best_epoch = 0

    def _set_monitor_op(self) -> None:
        if self.mode == "min":
            self.monitor_op = _less
        elif self.mode == "max":
            self.monitor_op = _greater
        else:
            name = self.monitor.removeprefix("val_")
            if name == "loss":
                self.monitor_op = _less
            for metric in getattr(self.model, "metrics", None) or []:
                if getattr(metric, "name", None) == name:
                    self.monitor_op = _greater if metric.direction == "up" else _less
            if self.monitor_op is None:
                raise NNError(
                    f"EarlyStopping received monitor={self.monitor!r}, but cannot tell whether it "
                    f"should go up or down. Pass mode='max' or mode='min'."
                )
        if self.monitor_op is _less:
            self.min_delta *= -1

    def _is_improvement(self, value: float, reference: float | None) -> bool:
        return reference is None or self.monitor_op(value - self.min_delta, reference)

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(logs or {})}",
                stacklevel=2,
            )
            return
        if epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()  # so far, the current weights are the best
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)


def _less(a: float, b: float) -> bool:
    return a < b


def _greater(a: float, b: float) -> bool:
    return a > b


class LambdaCallback(Callback):
    """A callback from plain functions, e.g. ``LambdaCallback(on_epoch_end=lambda epoch, logs: ...)``."""

    def __init__(
        self,
        on_epoch_begin: Callable | None = None,
        on_epoch_end: Callable | None = None,
        on_train_begin: Callable | None = None,
        on_train_end: Callable | None = None,
        on_train_batch_begin: Callable | None = None,
        on_train_batch_end: Callable | None = None,
    ) -> None:
        super().__init__()
        self._on_epoch_begin = on_epoch_begin
        self._on_epoch_end = on_epoch_end
        self._on_train_begin = on_train_begin
        self._on_train_end = on_train_end
        self._on_train_batch_begin = on_train_batch_begin
        self._on_train_batch_end = on_train_batch_end

    def on_epoch_begin(self, epoch, logs=None):
        if self._on_epoch_begin:
            self._on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self._on_epoch_end:
            self._on_epoch_end(epoch, logs)

    def on_train_begin(self, logs=None):
        if self._on_train_begin:
            self._on_train_begin(logs)

    def on_train_end(self, logs=None):
        if self._on_train_end:
            self._on_train_end(logs)

    def on_train_batch_begin(self, batch, logs=None):
        if self._on_train_batch_begin:
            self._on_train_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        if self._on_train_batch_end:
            self._on_train_batch_end(batch, logs)


def format_logs(logs: Logs) -> str:
    """``loss: 0.3120 - accuracy: 0.9100`` (Keras' display)."""
    return " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())


class ProgbarLogger(Callback):
    """Prints progress like Keras: ``verbose=1`` a live bar per epoch, ``verbose=2`` one line."""

    def __init__(self, verbose: int = 1, interval: float = 0.1, stream=None) -> None:
        super().__init__()
        self.verbose = verbose
        self.interval = interval
        self.stream = stream
        self._start = 0.0
        self._last = 0.0

    def _write(self, text: str) -> None:
        stream = self.stream or sys.stdout
        stream.write(text)
        stream.flush()

    def on_epoch_begin(self, epoch, logs=None):
        self._start = self._last = time.perf_counter()
        self._write(f"Epoch {epoch + 1}/{self.params.get('epochs', '?')}\n")

    def _line(self, done: int, logs: Logs | None, final: bool) -> str:
        steps = self.params.get("steps") or done
        elapsed = time.perf_counter() - self._start
        width = 20
        filled = int(width * done / steps) if steps else width
        bar = "━" * filled + ("╸" if filled < width else "") + " " * max(0, width - filled - 1)
        per_step = elapsed / max(done, 1)
        timing = f"{elapsed:.0f}s {per_step * 1000:.0f}ms/step" if final else f"{elapsed:.0f}s"
        text = f"{done}/{steps} {bar} {timing}"
        if logs:
            text += " - " + format_logs(logs)
        return text

    def on_train_batch_end(self, batch, logs=None):
        if self.verbose != 1:
            return
        now = time.perf_counter()
        if now - self._last >= self.interval:
            self._last = now
            self._write("\r" + self._line(batch + 1, logs, final=False))

    def on_epoch_end(self, epoch, logs=None):
        steps = self.params.get("steps") or 0
        prefix = "\r" if self.verbose == 1 else ""
        self._write(prefix + self._line(steps, logs, final=True) + "\n")
