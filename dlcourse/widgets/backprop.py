"""Move one weight and watch the loss and its slope, the number backpropagation computes (lesson 05).

``slope_explorer()`` picks one weight (or bias) of a small network and plots the loss of a
batch as that weight moves, all other weights fixed. At the weight's current value it draws
the tangent line whose slope is dL/dw from the engine's backward pass, and prints the same
slope estimated by a central difference. The ``value`` slider (first, so the keyboard reaches
it first) moves the weight; the menu picks another one. Its frames (:class:`SlopeFrames`, no
widgets needed) use one figure made once: a slider move redraws only the point and the tangent;
a new weight redraws the curve.

Introduced in lesson 05.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["SPAM_EMAILS", "SlopeFrames", "slope_explorer"]

#: Four emails (keywords "free", "win", "offer") and their labels (1 = spam), used in lesson 05.
SPAM_EMAILS: tuple[tuple[tuple[float, ...], ...], tuple[int, ...]] = (
    ((1.0, 0.0, 1.0), (0.0, 1.0, 1.0), (1.0, 1.0, 0.0), (0.0, 0.0, 1.0)),
    (1, 0, 1, 0),
)


class _SlopePlot:
    """The loss curve of one weight, a point on it and its tangent, re-rendered fast.

    The axes are the same for every weight, so they are drawn once (the background); each
    change redraws only the curve, the tangent and the point on top of it.
    """

    def __init__(self, ylabel: str) -> None:
        from dlcourse.viz.figure import FastPNG  # noqa: PLC0415
        from dlcourse.viz.style import PALETTE, finish, new_figure  # noqa: PLC0415

        self.fig, self.ax = new_figure("Loss as one weight moves (the others stay fixed)", "value of the chosen weight",
                                       ylabel, figsize=(6.2, 3.9))
        self.fig.set_dpi(85)
        (self.curve,) = self.ax.plot([], [], color=PALETTE["class0"], linewidth=2, label="loss L(w) of the batch")
        (self.tangent,) = self.ax.plot([], [], color=PALETTE["accent"], linewidth=2.2, linestyle="--",
                                       label="tangent: slope dL/dw from backprop")
        (self.point,) = self.ax.plot([], [], "o", color=PALETTE["class1"], markersize=9, markeredgecolor="white",
                                     label="current value", zorder=5)
        finish(self.ax, loc="upper center")
        self.fast = FastPNG(self.fig, (self.curve, self.tangent, self.point), dpi=None)

    def set_limits(self, xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
        """Fix the axes (the same for every weight); the background is drawn again on the next png."""
        self.ax.set_xlim(*xlim)
        self.ax.set_ylim(*ylim)
        self.fast.reset()

    def set_point(self, w: float, loss: float, slope: float, reach: float) -> None:
        """Put the point at (w, loss) and the tangent of ``slope`` through it, ``reach`` each way."""
        self.point.set_data([w], [loss])
        xs = np.array([w - reach, w + reach])
        self.tangent.set_data(xs, loss + slope * (xs - w))

    def png(self) -> bytes:
        """The picture as PNG bytes: the kept axes plus the curve, tangent and point as they are now."""
        return self.fast.png()


class SlopeFrames:
    """The explorer's frames without widgets: ``frames({"value": w, "weight": label})`` is a :class:`Frame`.

    Builds the engine model of ``weights`` and every weight's loss curve once (so the axes fit
    them all); ``labels`` lists the weights as the menu does, ``start_value(label)`` is a weight's
    value in the example. Each frame sets the chosen weight (the others keep the example's values),
    takes the slope from the engine's backward pass and checks it by a central difference.
    Introduced in lesson 05.
    """

    def __init__(self, weights: Sequence[np.ndarray] | None = None, x: Any = None, y: Any = None,
                 activations: Sequence[str] = ("relu", "sigmoid"), loss: str = "binary_crossentropy",
                 input_names: Sequence[str] | None = None, span: float = 2.0) -> None:
        from dlcourse import nn  # noqa: PLC0415
        from dlcourse.data import SPAM_EXAMPLE  # noqa: PLC0415
        from dlcourse.explain.walkthrough import default_unit_names  # noqa: PLC0415

        if weights is None:
            weights = SPAM_EXAMPLE.weights()
            input_names = SPAM_EXAMPLE.features if input_names is None else input_names
        if x is None or y is None:
            x, y = SPAM_EMAILS
        self.start_weights = [np.array(w, dtype=np.float64) for w in weights]
        self.x, self.y, self.span = np.asarray(x, dtype=np.float64), np.asarray(y), span
        kernels = self.start_weights[::2]
        self.model = nn.Sequential([nn.Dense(k.shape[1], activation=a, dtype="float64", name=f"layer_{i + 1}",
                                             input_shape=(k.shape[0],) if i == 0 else None)
                                    for i, (k, a) in enumerate(zip(kernels, activations))], name="slope_explorer")
        self.model.compile(optimizer=nn.SGD(), loss=loss)
        self.model.set_weights(self.start_weights)
        names = list(input_names) if input_names is not None else [f"x{i + 1}" for i in range(kernels[0].shape[0])]
        units = default_unit_names([k.shape[1] for k in kernels])
        #: every weight and bias: label -> (array index, position)
        self.where: dict[str, tuple[int, tuple[int, ...]]] = {}
        for layer, kernel in enumerate(kernels):
            below = names if layer == 0 else list(units[layer - 1])
            for i in range(kernel.shape[0]):
                for j in range(kernel.shape[1]):
                    self.where[f"weight {below[i]} → {units[layer][j]}"] = (2 * layer, (i, j))
            for j in range(kernel.shape[1]):
                self.where[f"bias of {units[layer][j]}"] = (2 * layer + 1, (j,))
        self.labels = list(self.where)
        self.live = self.model.weights  # the model's own arrays: writing into them changes the model
        self.plot = _SlopePlot(f"loss L ({loss})")
        self.figure = self.plot.fig
        self.grid = np.linspace(-span, span, 81)
        self.curves = {}
        for label, key in self.where.items():  # every curve now (about 0.2 ms per point): the axes fit them all
            self.curves[label] = np.array([self._loss_at(key, v) for v in self.grid])
            self._reset()
        low = min(float(c.min()) for c in self.curves.values())
        high = max(float(c.max()) for c in self.curves.values())
        pad = 0.06 * (high - low or 1.0)
        self.plot.set_limits((-span, span), (max(low - pad, 0.0) if low >= 0 else low - pad, high + 4 * pad))

    def start_value(self, label: str) -> float:
        """The example's value of the weight named ``label``, as a slider shows it."""
        array, index = self.where[label]
        return round(float(self.start_weights[array][index]), 4)  # float32 weights: 0.699999988 -> 0.7

    def _reset(self) -> None:
        for w, w0 in zip(self.live, self.start_weights):
            w[...] = w0

    def _loss_at(self, key: tuple[int, tuple[int, ...]], value: float) -> float:
        array, index = key
        self.live[array][index] = value
        return float(self.model.evaluate(self.x, self.y, batch_size=len(self.x), verbose=0))

    def __call__(self, values: Mapping[str, Any]) -> Any:
        from dlcourse.viz.network import format_number  # noqa: PLC0415
        from dlcourse.widgets.frame import Frame  # noqa: PLC0415

        label, w = values["weight"], values["value"]
        key = self.where[label]
        self._reset()  # every other weight keeps the example's value
        array, index = key
        self.live[array][index] = w
        current, grads = self.model.compute_gradients(self.x, self.y, training=False)
        slope = float(grads[array][index])
        h = 1e-5
        numeric = (self._loss_at(key, w + h) - self._loss_at(key, w - h)) / (2 * h)
        self.live[array][index] = w
        self.plot.curve.set_data(self.grid, self.curves[label])
        self.plot.set_point(w, current, slope, reach=0.35 * self.span)
        p, span = 4, self.span
        step = "moves this weight <b>left</b>" if slope > 0 else "moves this weight <b>right</b>" if slope < 0 \
            else "leaves this weight <b>where it is</b>"
        return Frame(
            self.plot.png(),
            f"{label} = <b>{w:.2f}</b>: loss L = <b>{format_number(current, p)}</b><br>"
            f"slope dL/dw from backpropagation = <b>{format_number(slope, p)}</b> (the dashed tangent)<br>"
            f"slope by central difference (L(w + h) − L(w − h)) / 2h, h = 1e-5: <b>{format_number(numeric, p)}</b><br>"
            f"Gradient descent, w ← w − learning_rate × dL/dw, {step}.",
            f"The loss of the batch as {label} moves from {-span:g} to {span:g}, the others fixed; a point "
            f"at {label} = {w:.2f}, loss {format_number(current, p)}, with its tangent of slope "
            f"{format_number(slope, p)}.")


def slope_explorer(weights: Sequence[np.ndarray] | None = None, x: Any = None, y: Any = None,
                   activations: Sequence[str] = ("relu", "sigmoid"), loss: str = "binary_crossentropy",
                   input_names: Sequence[str] | None = None, start: str | None = None,
                   span: float = 2.0) -> Any:
    """A widget: a ``value`` slider for one weight and a menu of weights, over the loss curve.

    Defaults: the spam network of lesson 03 on the four emails of :data:`SPAM_EMAILS`, with
    binary cross-entropy, starting on the first weight (from "free" into H1). ``start`` names
    another, as the menu does (``"weight H1 → out"``, ``"bias of out"``). ``span``: how far the
    slider and the curve reach on each side of zero. Its controls are named ``value`` and
    ``weight`` (a new weight puts the slider at its example value, one draw); its frames are
    :class:`SlopeFrames`. Introduced in lesson 05.
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from dlcourse.widgets.live import LiveWidget  # noqa: PLC0415
    from dlcourse.widgets.menu import Menu  # noqa: PLC0415
    from dlcourse.widgets.picture import row  # noqa: PLC0415

    frames = SlopeFrames(weights, x, y, activations, loss, input_names, span)
    default = start if start in frames.where else frames.labels[0]
    controls = {
        "value": widgets.FloatSlider(value=frames.start_value(default), min=-span, max=span, step=0.05,
                                     description="value", readout_format=".2f", continuous_update=True,
                                     style={"description_width": "60px"}, layout={"width": "420px"},
                                     tooltip="the chosen weight's value: moves the point along the loss curve"),
        "weight": Menu(options=frames.labels, value=default, description="weight",
                       style={"description_width": "60px"}, layout={"width": "280px"}),
    }

    def start_at_example(widget: Any) -> None:
        widget.controls["value"].value = frames.start_value(widget.controls["weight"].value)

    return LiveWidget(
        controls, frames, react={"weight": start_at_example},
        help="<b>value</b> moves the chosen weight (the other weights keep their values); <b>weight</b> picks "
             "which one. The curve is the loss of the whole batch; the dashed line touches it at the current "
             "value with the slope backpropagation computed. Keyboard: Tab to a control, then ← → (slider) or "
             "↑ ↓ (menu).",
        arrange=lambda c, help_text, picture: [row(c["value"], c["weight"]), help_text,
                                               row(picture, picture.readout)])
