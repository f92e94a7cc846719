"""A neuron with two inputs, drawn: the points by class, its decision line and the side it calls 1.

The decision line of a neuron with weights ``w = (w1, w2)`` and bias ``b`` is where
``w1·x1 + w2·x2 + b = 0``; on one side ``z > 0`` (the neuron outputs 1), on the other ``z < 0``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from dlcourse.viz.style import CLASS_COLORS, PALETTE, class_style, finish, new_figure

__all__ = ["NeuronPlot", "decision_line", "plot_lines", "plot_neuron", "plot_points", "positive_side"]


def decision_line(w: Sequence[float], b: float, xlim: tuple[float, float],
                  ylim: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Two end points ``(xs, ys)`` of the line ``w1·x1 + w2·x2 + b = 0`` across the plot.

    A vertical line when ``w2 == 0``; NaNs (nothing drawn) when both weights are 0.
    """
    w1, w2 = float(w[0]), float(w[1])
    if w2 != 0:
        xs = np.array(xlim, dtype=float)
        return xs, -(w1 * xs + b) / w2
    if w1 != 0:
        return np.full(2, -b / w1), np.array(ylim, dtype=float)
    return np.full(2, np.nan), np.full(2, np.nan)


def positive_side(w: Sequence[float], b: float, xlim: tuple[float, float],
                  ylim: tuple[float, float]) -> np.ndarray:
    """The corners (k, 2) of the part of the plot where ``w1·x1 + w2·x2 + b > 0`` (k = 0 if none).

    The plot rectangle cut by the decision line: its corners on the positive side plus the two
    points where the line crosses its edges.
    """
    w1, w2 = float(w[0]), float(w[1])
    corners = [(xlim[0], ylim[0]), (xlim[1], ylim[0]), (xlim[1], ylim[1]), (xlim[0], ylim[1])]
    z = [w1 * x + w2 * y + b for x, y in corners]
    kept: list[tuple[float, float]] = []
    for i, (point, value) in enumerate(zip(corners, z)):
        after, value_after = corners[(i + 1) % 4], z[(i + 1) % 4]
        if value > 0:
            kept.append(point)
        if (value > 0) != (value_after > 0):  # the line crosses this edge
            t = value / (value - value_after)
            kept.append((point[0] + t * (after[0] - point[0]), point[1] + t * (after[1] - point[1])))
    return np.array(kept, dtype=float).reshape(-1, 2)


def plot_points(ax: Any, X: np.ndarray, y: np.ndarray, names: Sequence[str] = ("class 0", "class 1")) -> list[Any]:
    """Scatter ``X`` (shape (m, 2)) by class, each class with its own colour and marker."""
    artists = []
    for label in np.unique(y):
        mask = y == label
        artists.append(ax.scatter(X[mask, 0], X[mask, 1], s=90, zorder=3, label=names[int(label)],
                                  **class_style(int(label))))
    return artists


@dataclass(repr=False)
class NeuronPlot:
    """The pieces of a neuron figure that :meth:`update` changes (no new figure is made)."""

    fig: Any
    ax: Any
    line: Any
    region: Any
    wrong: Any
    X: np.ndarray
    y: np.ndarray
    name: str
    points: list[Any] = field(default_factory=list)
    _fast: Any = field(default=None, init=False)

    def update(self, w: Sequence[float], b: float) -> int:
        """Move the line and the shading to ``w``, ``b``; returns how many points are correct."""
        w = np.asarray(w, dtype=float)
        xs, ys = decision_line(w, b, self.ax.get_xlim(), self.ax.get_ylim())
        self.line.set_data(xs, ys)
        self.region.set_xy(positive_side(w, b, self.ax.get_xlim(), self.ax.get_ylim()))
        predicted = (self.X @ w + b > 0).astype(int)
        mistakes = self.X[predicted != self.y]
        self.wrong.set_offsets(mistakes if len(mistakes) else np.empty((0, 2)))
        correct = int((predicted == self.y).sum())
        self.ax.set_title(f"{self.name}: {correct} of {len(self.y)} points correct", y=1.0)  # fixed: FastPNG
        return correct

    def png(self) -> bytes:
        """The current picture as PNG bytes, fast enough for a slider (the neuron explorer uses it).

        Axes, labels and legend are drawn once; each call draws only what :meth:`update` changes
        (shading, line, circles, title) and what lies on top of the shading (grid, frame, points).
        """
        if self._fast is None:
            from dlcourse.viz.figure import FastPNG  # noqa: PLC0415

            def moving() -> list[Any]:
                ax = self.ax
                return [self.region, *ax.get_xgridlines(), *ax.get_ygridlines(), *ax.spines.values(),
                        *self.points, self.wrong, self.line, ax.title]

            self._fast = FastPNG(self.fig, moving)
        return self._fast.png()

    def _repr_png_(self) -> bytes:
        return self.fig._repr_png_()

    def __repr__(self) -> str:
        return f"<NeuronPlot {self.ax.get_title()!r}>"


def plot_neuron(X: np.ndarray, y: np.ndarray, w: Sequence[float], b: float, name: str = "data",
                lim: tuple[float, float] | None = None) -> NeuronPlot:
    """A figure of the points, the decision line and the region the neuron calls class 1 (shaded)."""
    from matplotlib.patches import Polygon  # noqa: PLC0415

    X = np.asarray(X, dtype=float)
    y = np.asarray(y).astype(int)
    if lim is None:
        low, high = float(X.min()), float(X.max())
        pad = 0.35 * (high - low or 1.0)
        lim = (low - pad, high + pad)
    fig, ax = new_figure(name, "input x₁", "input x₂", figsize=(6.4, 4.0))
    ax.set_xlim(lim)
    ax.set_ylim(lim)
    ax.set_aspect("equal")
    ax.set_facecolor(_light(CLASS_COLORS[0]))  # the side where z < 0; the polygon covers z > 0
    region = Polygon(np.empty((0, 2)), closed=True, facecolor=_light(CLASS_COLORS[1]), edgecolor="none", zorder=0)
    ax.add_patch(region)
    points = plot_points(ax, X, y)
    wrong = ax.scatter([], [], s=260, facecolors="none", edgecolors=PALETTE["line"], linewidths=1.6, zorder=4,
                       label="misclassified (circled)")
    (line,) = ax.plot([], [], color=PALETTE["line"], linewidth=2, label="decision line (z = 0)")
    ax.fill([], [], color=_light(CLASS_COLORS[1]), label="shaded: neuron outputs 1")
    finish(ax, outside=True)
    plot = NeuronPlot(fig, ax, line, region, wrong, X, y, name, points)
    plot.update(w, b)
    return plot


def _light(colour: str, amount: float = 0.75) -> tuple[float, float, float]:
    """``colour`` mixed with white (0 = unchanged, 1 = white)."""
    from matplotlib.colors import to_rgb  # noqa: PLC0415

    r, g, b = to_rgb(colour)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def plot_lines(X: np.ndarray, y: np.ndarray, lines: Sequence[tuple[Sequence[float], float, str]],
               title: str, lim: tuple[float, float] = (-0.5, 1.5)) -> Any:
    """Points by class and several decision lines, each ``(w, b, label)``, told apart by dash style.

    Returns the matplotlib Figure.
    """
    X = np.asarray(X, dtype=float)
    fig, ax = new_figure(title, "input x₁", "input x₂", figsize=(6.4, 4.4))
    ax.set_xlim(lim)
    ax.set_ylim(lim)
    ax.set_aspect("equal")
    plot_points(ax, X, np.asarray(y).astype(int))
    for index, (w, b, label) in enumerate(lines):
        xs, ys = decision_line(w, b, lim, lim)
        ax.plot(xs, ys, color=PALETTE["line"], linestyle=("-", "--", ":", "-.")[index % 4], linewidth=2, label=label)
    finish(ax, outside=True)
    return fig

