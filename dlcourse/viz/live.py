"""A live training plot: loss and accuracy redrawn after every epoch while ``fit`` runs.

``LivePlot()`` is a callback for both Keras and the course engine (:mod:`dlcourse.nn`)::

    model.fit(x, y, epochs=10, validation_data=(x_val, y_val), verbose=0, callbacks=[LivePlot()])

In a notebook it shows one widget: a progress line (epoch i/n, elapsed time, the latest
numbers) above one picture with two panels, loss and accuracy, training dashed and validation
solid. The progress line changes after every epoch; the picture is re-rendered at most once a
second (``interval``), and always after the first and the last epoch, because drawing it costs
about as much as a short epoch: the same matplotlib figure gets the new points and is rendered
into the same ``ipywidgets.Image``, so nothing new is appended and the output does not grow. Outside a
notebook (a terminal, a script) it prints one text line per epoch instead.

It works with Keras without importing it: it is a course-engine ``Callback`` that also has every
hook Keras calls (``on_test_begin``, ``on_predict_batch_end``, ...), as do-nothing methods. Use
``verbose=0`` in ``fit`` so Keras' own progress bar does not print next to it.

Introduced in lesson 09.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from dlcourse.nn.callbacks import Callback

__all__ = ["LivePlot"]


def _in_notebook() -> bool:
    """True inside a Jupyter kernel (where widgets can be shown)."""
    try:
        from IPython import get_ipython  # noqa: PLC0415
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _nothing(self: Any, *args: Any, **kwargs: Any) -> None:
    """A hook that does nothing (Keras calls it; the live plot has no use for it)."""


_nothing._is_default = True  # type: ignore[attr-defined] # Keras may then run batch hooks asynchronously


class LivePlot(Callback):
    """Redraw loss and accuracy after every epoch, in place, while ``fit`` runs (Keras or engine).

    Args:
        metrics: the logged values to plot, one panel each (default ``("loss", "accuracy")``;
            a metric that is not logged is skipped).
        title: the figure's title.
        mode: ``"widget"`` (a figure updated in place), ``"text"`` (a line per epoch) or
            ``"auto"`` (widget in a notebook, text elsewhere).
        stream: where text mode writes (default ``sys.stdout``).
        interval: the fewest seconds between two renderings of the picture while ``fit`` runs
            (``0``: after every epoch). The first and the last epoch are always drawn.

    After ``fit``: ``figure`` is the one figure (holding every epoch), ``redraws`` how many
    times it was rendered,
    ``history`` the values it plotted, and ``seconds`` the training time.
    Introduced in lesson 09.
    """

    # Keras hooks the live plot does not need (Keras calls them on every callback).
    on_batch_begin = on_batch_end = _nothing
    on_train_batch_begin = on_train_batch_end = _nothing
    on_test_begin = on_test_end = on_test_batch_begin = on_test_batch_end = _nothing
    on_predict_begin = on_predict_end = on_predict_batch_begin = on_predict_batch_end = _nothing

    def __init__(self, metrics: tuple[str, ...] = ("loss", "accuracy"), title: str = "Training progress",
                 mode: str = "auto", stream: TextIO | None = None, interval: float = 1.0) -> None:
        super().__init__()
        if mode not in ("auto", "widget", "text"):
            raise ValueError(f"mode must be 'auto', 'widget' or 'text', got {mode!r}")
        if not interval >= 0:
            raise ValueError(f"interval must be a number of seconds >= 0, got {interval!r}")
        self.interval = float(interval)
        self.metrics = tuple(metrics)
        self.title = title
        self.mode = mode
        self.stream = stream
        self.figure: Any = None
        self.redraws = 0
        self.history: dict[str, list[float]] = {}
        self.seconds = 0.0
        self._widget: Any = None
        self._image: Any = None
        self._status: Any = None
        self._lines: dict[str, Any] = {}
        self._axes: dict[str, Any] = {}
        self._clock = time.perf_counter  # tests replace it
        self._start = 0.0
        self._drawn_at: float | None = None  # when the picture was last rendered (None: not yet)
        self._behind = False  # the picture lacks epochs the history has
        self._epochs = 0
        self._shown = False

    # Keras sets ``model`` through this; the engine calls the same method.
    def set_model(self, model: Any) -> None:
        """Remember the model being trained (called by ``fit``)."""
        self.model = model

    @property
    def widget(self) -> Any:
        """The ipywidgets box (progress line and picture), made on first use."""
        if self._widget is None:
            import ipywidgets as widgets  # noqa: PLC0415

            from dlcourse.widgets.picture import Picture  # noqa: PLC0415

            self._status = widgets.HTML("waiting for the first epoch …")
            self._image = Picture(readout=self._status)
            self._widget = widgets.VBox([self._status, self._image])
        return self._widget

    def _text_mode(self) -> bool:
        return self.mode == "text" or (self.mode == "auto" and not _in_notebook())

    def on_train_begin(self, logs: dict | None = None) -> None:
        """Start the clock; in widget mode, show the (empty) widget once."""
        self._start = self._clock()
        self._epochs = int((self.params or {}).get("epochs") or 0)
        self.history = {}
        self.redraws = 0
        self._drawn_at, self._behind = None, False
        self.figure = None
        self._lines, self._axes = {}, {}
        if not self._text_mode() and not self._shown:
            from IPython.display import display  # noqa: PLC0415

            display(self.widget)
            self._shown = True

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Record this epoch's numbers and redraw (or print a line)."""
        logs = {k: float(v) for k, v in (logs or {}).items()}
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)
        now = self._clock()
        self.seconds = now - self._start
        line = self._progress(epoch, logs)
        if self._text_mode():
            stream = self.stream or sys.stdout
            stream.write(line + "\n")
            stream.flush()
            return
        self._status.value = line
        last = self._epochs and epoch + 1 >= self._epochs
        if self._drawn_at is None or last or now - self._drawn_at >= self.interval:
            self._redraw()
            self._drawn_at, self._behind = now, False
        else:
            self._behind = True

    def on_train_end(self, logs: dict | None = None) -> None:
        """Draw the epochs not drawn yet (training may stop early); say how long it took."""
        self.seconds = self._clock() - self._start
        if self._behind:
            self._redraw()
            self._behind = False
        if not self._text_mode() and self._status is not None:
            done = len(next(iter(self.history.values()), []))
            self._status.value = f"<b>done</b>: {done} epochs in {self.seconds:.1f} s"

    def _progress(self, epoch: int, logs: dict[str, float]) -> str:
        total = self._epochs or epoch + 1
        done = epoch + 1
        per_epoch = self.seconds / max(len(next(iter(self.history.values()), [1])), 1)
        left = max(total - done, 0) * per_epoch
        order = sorted(logs, key=lambda k: (k.startswith("val_"), k.removeprefix("val_") != "loss", k))
        numbers = " · ".join(f"{k} {logs[k]:.4f}" for k in order)
        return f"epoch {done}/{total} · {self.seconds:.1f} s elapsed · ~{left:.0f} s left · {numbers}"

    def _build_figure(self) -> None:
        from dlcourse.viz.figure import CourseFigure  # noqa: PLC0415 - matplotlib only when drawing
        from dlcourse.viz.style import PALETTE  # noqa: PLC0415

        shown = [m for m in self.metrics if m in self.history] or [next(iter(self.history))]
        fig = CourseFigure(figsize=(4.6 * len(shown), 3.4), layout="constrained")
        axes = fig.subplots(1, len(shown), squeeze=False)[0]
        for ax, metric in zip(axes, shown):
            ax.set_title(metric.replace("_", " ").capitalize() + " per epoch")
            ax.set_xlabel("epoch")
            ax.set_ylabel(metric.replace("_", " ") + (" (fraction correct)" if "acc" in metric else ""))
            ax.grid(True, color="#dddddd", linewidth=0.6)
            (self._lines[metric],) = ax.plot([], [], color=PALETTE["train"], linestyle="--", marker="o",
                                             markersize=4, label="training")
            if "val_" + metric in self.history:
                (self._lines["val_" + metric],) = ax.plot([], [], color=PALETTE["validation"], linestyle="-",
                                                          marker="^", markersize=5, label="validation")
            ax.legend(loc="best", frameon=True, framealpha=0.9)
            self._axes[metric] = ax
        fig.suptitle(self.title)
        self.figure = fig

    def _redraw(self) -> None:
        from dlcourse.viz.figure import frame_png  # noqa: PLC0415
        from dlcourse.viz.style import epoch_axis  # noqa: PLC0415
        from dlcourse.widgets.picture import Frame  # noqa: PLC0415

        if self.figure is None:
            self._build_figure()
        count = len(next(iter(self.history.values())))
        for key, line in self._lines.items():
            values = self.history.get(key, [])
            line.set_data(range(1, len(values) + 1), values)
        for ax in self._axes.values():
            ax.relim()
            ax.autoscale_view()
            epoch_axis(ax, max(self._epochs, count))
        self.widget  # noqa: B018 - make sure the picture exists (shown or not)
        self._image.figure = self.figure
        latest = ", ".join(f"{key} {values[-1]:.4g}" for key, values in self.history.items() if len(values))
        self._image.show(Frame(frame_png(self.figure), self._status.value,
                               f"Training curves after {count} epochs: {latest}."))
        self.redraws += 1
