"""Loss against prediction: what mean squared error and cross-entropy charge for one example.

Introduced in lesson 04 (loss functions).

For one example with target ``t`` (0 or 1) and predicted probability ``p``:

* mean squared error ``(p − t)²``, slope ``2 (p − t)``: a parabola, at most 1;
* binary cross-entropy ``−(t ln p + (1 − t) ln(1 − p))``, slope ``−t/p + (1 − t)/(1 − p)``:
  a wall that rises without bound as ``p`` approaches the wrong end. Keras clips ``p`` to
  ``[1e-7, 1 − 1e-7]`` first, so one example costs at most ``−ln(1e-7) ≈ 16.1``, and where the
  clip acts, the slope is 0.

When ``p = sigmoid(z)`` comes from a logit ``z``, the chain rule multiplies by
``p (1 − p)``: cross-entropy's slope becomes simply ``p − t``, while squared error's,
``2 (p − t) p (1 − p)``, fades away exactly when the prediction is confidently wrong.

* :func:`loss_and_slope` — the numbers, for arrays of predictions.
* :func:`plot_loss_curves` — both losses and their slopes, with a point at one prediction;
  :meth:`LossPlot.update` moves it without making a new figure (the loss explorer widget).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from dlcourse.viz.style import OKABE_ITO, PALETTE

if TYPE_CHECKING:
    from dlcourse.viz.figure import FastPNG

__all__ = ["EPSILON", "LOSS_LABELS", "LossPlot", "loss_and_slope", "plot_loss_curves"]

EPSILON = 1e-7  # keras.backend.epsilon(): how far Keras keeps probabilities from 0 and 1

#: The losses the picture compares, with the names shown in legends.
LOSS_LABELS: dict[str, str] = {"mse": "mean squared error", "binary_crossentropy": "binary cross-entropy"}

_STYLE = {
    "mse": {"color": OKABE_ITO["blue"], "linestyle": "--", "marker": "s"},
    "binary_crossentropy": {"color": OKABE_ITO["vermillion"], "linestyle": "-", "marker": "o"},
}


def loss_and_slope(name: str, p: np.ndarray, target: float = 1.0,
                   with_respect_to: str = "p") -> tuple[np.ndarray, np.ndarray]:
    """Loss of each prediction ``p`` for one ``target``, and its slope, as Keras computes them.

    ``name`` is ``"mse"`` or ``"binary_crossentropy"``. ``with_respect_to="p"`` gives
    ``dL/dp``; ``"z"`` gives ``dL/dz`` for ``p = sigmoid(z)``. Binary cross-entropy clips ``p``
    to ``[1e-7, 1 − 1e-7]``, like Keras, and its slope is 0 where the clip acts.
    Introduced in lesson 04.
    """
    p = np.asarray(p, dtype=float)
    t = float(target)
    if name == "mse":
        loss = (p - t) ** 2
        slope = 2 * (p - t)
    elif name == "binary_crossentropy":
        q = np.clip(p, EPSILON, 1 - EPSILON)
        loss = -(t * np.log(q) + (1 - t) * np.log(1 - q))
        slope = np.where((p < EPSILON) | (p > 1 - EPSILON), 0.0, -t / q + (1 - t) / (1 - q))
    else:
        raise ValueError(f"loss_and_slope knows {', '.join(LOSS_LABELS)}; got {name!r}")
    if with_respect_to == "z":
        slope = slope * p * (1 - p)
    elif with_respect_to != "p":
        raise ValueError(f"with_respect_to is 'p' (the prediction) or 'z' (the logit), got {with_respect_to!r}")
    return loss, slope


@dataclass(repr=False)
class LossPlot:
    """Both losses against the prediction (left) and how hard each pushes (right), with a point at ``p``.

    The right panel shows the size of the slope, ``|dL/dp|`` on a log scale or ``|dL/dz|``
    (through a sigmoid) on a linear one. :meth:`update` moves the points; :meth:`png` renders
    fast enough for a slider. Introduced in lesson 04.
    """

    fig: Any
    ax_loss: Any
    ax_slope: Any
    curves: dict[str, Any]
    slope_curves: dict[str, Any]
    points: dict[str, Any]
    slope_points: dict[str, Any]
    guides: list[Any]
    p_grid: np.ndarray
    p: float = 0.1
    target: int = 1
    with_respect_to: str = "p"
    values: dict[str, tuple[float, float]] = field(default_factory=dict)
    redraw: FastPNG | None = None

    def update(self, p: float | None = None, target: int | None = None,
               with_respect_to: str | None = None) -> dict[str, tuple[float, float]]:
        """Move to prediction ``p`` (and/or another target or slope); returns ``{loss: (value, slope)}``."""
        if (target is not None and int(target) != self.target) or \
                (with_respect_to is not None and with_respect_to != self.with_respect_to) or not self.values:
            self.target = int(self.target if target is None else target)
            self.with_respect_to = self.with_respect_to if with_respect_to is None else with_respect_to
            self._draw_curves()
        if p is not None:
            self.p = float(p)
        for name in LOSS_LABELS:
            loss, slope = loss_and_slope(name, np.array([self.p]), self.target, self.with_respect_to)
            self.values[name] = (float(loss[0]), float(slope[0]))
            self.points[name].set_data([self.p], [min(self.values[name][0], 4.9)])
            self.slope_points[name].set_data([self.p], [self._shown(abs(self.values[name][1]))])
        for guide in self.guides:
            guide.set_xdata([self.p, self.p])
        return dict(self.values)

    def _shown(self, size: float) -> float:
        return max(size, 1.5e-3) if self.with_respect_to == "p" else size

    def _draw_curves(self) -> None:
        t, wrt = self.target, self.with_respect_to
        for name in LOSS_LABELS:
            loss, slope = loss_and_slope(name, self.p_grid, t, wrt)
            self.curves[name].set_ydata(loss)
            self.slope_curves[name].set_ydata(np.maximum(np.abs(slope), 1e-3) if wrt == "p" else np.abs(slope))
        wrong_end = "0" if t == 1 else "1"
        self.ax_loss.set_title(f"Loss for one example, target {t}")
        self.ax_loss.set_xlabel(f"prediction p of class 1 (p → {wrong_end}: confidently wrong)")
        if wrt == "p":
            self.ax_slope.set_yscale("log")
            self.ax_slope.set_ylim(1e-3, 2e3)
            self.ax_slope.set_title("How hard it pushes p: |dL/dp|")
            self.ax_slope.set_ylabel("|dL/dp| (log scale)")
        else:
            self.ax_slope.set_yscale("linear")
            self.ax_slope.set_ylim(0.0, 1.05)
            self.ax_slope.set_title("How hard it pushes the logit z: |dL/dz|")
            self.ax_slope.set_ylabel("|dL/dz|, with p = sigmoid(z)")
        self.ax_slope.set_xlabel("prediction p of class 1")

    def png(self) -> bytes:
        """The current picture as PNG bytes (fast: only the points and guides are redrawn)."""
        return self._redraw().png((self.target, self.with_respect_to))

    def prepare(self) -> None:
        """Draw the background of every target and slope choice now, so that switching is fast later."""
        current = (self.target, self.with_respect_to)
        for target in (1, 0):
            for wrt in ("p", "z"):
                self.update(target=target, with_respect_to=wrt)
                self.png()
        self.update(target=current[0], with_respect_to=current[1])

    def _redraw(self) -> FastPNG:
        if self.redraw is None:
            from dlcourse.viz.figure import FastPNG  # noqa: PLC0415

            moving = [*self.guides, *self.points.values(), *self.slope_points.values()]
            self.redraw = FastPNG(self.fig, moving, dpi=None, keep_layout=False)
        return self.redraw

    def _repr_png_(self) -> tuple[bytes, dict[str, int]]:
        from dlcourse.viz.figure import png_repr  # noqa: PLC0415

        return png_repr(self.png())

    def __repr__(self) -> str:
        return f"<LossPlot target {self.target}, p = {self.p:g}>"


def plot_loss_curves(p: float = 0.1, target: int = 1, with_respect_to: str = "p",
                     figsize: tuple[float, float] = (7.2, 3.8), dpi: int = 80) -> LossPlot:
    """Mean squared error and binary cross-entropy against the prediction, with a point at ``p``.

    Left: the loss for one example with ``target`` (0 or 1); cross-entropy is cut off at 4.9
    (it reaches 16.1 at the clip). Right: the size of each loss's slope. Introduced in lesson 04.
    """
    from dlcourse.viz.figure import CourseFigure  # noqa: PLC0415

    grid = np.linspace(0.001, 0.999, 400)
    fig = CourseFigure(figsize=figsize, dpi=dpi)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.3, top=0.91, wspace=0.25)
    ax_loss, ax_slope = fig.subplots(1, 2)
    for ax in (ax_loss, ax_slope):
        ax.set_xlim(0.0, 1.0)
        ax.grid(True, color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
    ax_loss.set_ylim(0.0, 5.0)
    ax_loss.set_ylabel("loss for this example")
    curves, slope_curves, points, slope_points = {}, {}, {}, {}
    for name, label in LOSS_LABELS.items():
        style = _STYLE[name]
        (curves[name],) = ax_loss.plot(grid, np.zeros_like(grid), color=style["color"], linestyle=style["linestyle"],
                                       linewidth=2.2, label=label)
        (slope_curves[name],) = ax_slope.plot(grid, np.ones_like(grid), color=style["color"],
                                              linestyle=style["linestyle"], linewidth=2.2)
        for ax, store in ((ax_loss, points), (ax_slope, slope_points)):
            (store[name],) = ax.plot([], [], style["marker"], color=style["color"], markeredgecolor=PALETTE["line"],
                                     markersize=9, label=f"{label} at your p")
    guides = [ax.axvline(p, color=PALETTE["neutral"], linestyle=":", linewidth=1.2) for ax in (ax_loss, ax_slope)]
    handles = [curves["mse"], points["mse"], curves["binary_crossentropy"], points["binary_crossentropy"]]
    fig.legend(handles=handles, loc="lower center", ncol=2, frameon=False, fontsize=9)
    plot = LossPlot(fig, ax_loss, ax_slope, curves, slope_curves, points, slope_points, guides, grid,
                    p=float(p), target=int(target), with_respect_to=with_respect_to)
    plot.update(p)
    return plot
