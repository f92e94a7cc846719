"""Gradient descent, drawn: the path of the steps on a 1-D loss curve or a 2-D loss surface.

Introduced in lesson 06. This module only draws: the paths, and what happened on them, are
computed by :mod:`dlcourse.descent` with the engine's optimizers. The pictures:

* :func:`plot_descent` — one learning rate: the curve, the points visited, and the loss per step.
* :func:`plot_learning_rates` — a panel per learning rate (too small, good, too large, ...),
  each titled with the number of steps it took to converge.
* :func:`plot_descent_2d` — paths on the contour lines of a 2-D surface.
* :func:`plot_batch_losses` — loss after every update of batch, mini-batch and stochastic
  gradient descent, against epochs.

:class:`DescentPlot` is the live figure of the learning-rate widget; it renders to PNG with
:class:`dlcourse.viz.figure.FastPNG`, which redraws only what changed.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from dlcourse.descent import loss_gaps, verdict
from dlcourse.viz.style import CLASS_COLORS, CLASS_MARKERS, OKABE_ITO, PALETTE, finish, new_figure

__all__ = ["DescentPlot", "draw_contours", "plot_batch_losses", "plot_descent", "plot_descent_2d",
           "plot_learning_rates"]

_DASHES = ("-", "--", ":", "-.")


def _curve_grid(curve: Any, points: int = 300) -> tuple[np.ndarray, np.ndarray]:
    w = np.linspace(*curve.xlim, points)
    return w, curve.loss(w)


def _loss_range(curve: Any) -> tuple[float, float]:
    _, values = _curve_grid(curve)
    low, high = float(values.min()), float(values.max())
    margin = 0.08 * (high - low)
    return low - margin, high + margin


def _draw_path_1d(ax: Any, curve: Any, path: np.ndarray, color: str, label: str | None = None) -> tuple[Any, Any]:
    inside = path[(path >= curve.xlim[0] - 1) & (path <= curve.xlim[1] + 1)] if len(path) else path
    with np.errstate(all="ignore"):
        line, = ax.plot(inside, curve.loss(inside), "-o", color=color, markersize=4.5, linewidth=1.2,
                        markeredgecolor="white", markeredgewidth=0.5, label=label, zorder=3)
    start, = ax.plot(path[:1], curve.loss(path[:1]), "X", color=PALETTE["line"], markersize=10, zorder=4,
                     label="start" if label else None)
    return line, start


def plot_descent(curve: Any, path: np.ndarray, learning_rate: float | None = None,
                 figsize: tuple[float, float] = (5.5, 3.6)) -> Any:
    """The loss curve with the points gradient descent visited, start marked ✕.

    ``curve`` is a :class:`dlcourse.surfaces.Curve` (or anything with ``loss``, ``xlim`` and
    ``w_star``); ``path`` the visited weights.
    """
    title = curve.formula if learning_rate is None else f"learning rate η = {learning_rate:g}"
    fig, ax = new_figure(title, "weight w", "loss L(w)", figsize=figsize)
    w, values = _curve_grid(curve)
    ax.plot(w, values, color=PALETTE["neutral"], linewidth=2, label=curve.formula, zorder=1)
    _draw_path_1d(ax, curve, np.asarray(path, dtype=float), PALETTE["accent"], label="steps")
    ax.set_xlim(*curve.xlim)
    ax.set_ylim(*_loss_range(curve))
    finish(ax, loc="upper center")
    return fig


def plot_learning_rates(curve: Any, paths: Mapping[float, np.ndarray], tol: float = 1e-3,
                        names: Sequence[str] | None = None, figsize: tuple[float, float] = (9.0, 6.2)) -> Any:
    """One panel per learning rate (``paths`` maps η to the visited weights), in a 2-column grid.

    Each panel's title gives η and what happened: converged in k steps (to within ``tol`` of
    the minimum), bounced back and forth, or diverged. ``names`` adds a word per panel
    ("too small", ...).
    """
    from dlcourse.viz.figure import CourseFigure  # noqa: PLC0415

    count = len(paths)
    rows = (count + 1) // 2
    fig = CourseFigure(figsize=figsize, layout="constrained")
    axes = fig.subplots(rows, 2, squeeze=False, sharex=True, sharey=True)
    w, values = _curve_grid(curve)
    colors = (PALETTE["class0"], PALETTE["ok"], PALETTE["accent"], PALETTE["bad"])
    for index, (rate, path) in enumerate(paths.items()):
        ax = axes[index // 2][index % 2]
        path = np.asarray(path, dtype=float)
        ax.plot(w, values, color=PALETTE["neutral"], linewidth=2, zorder=1)
        _draw_path_1d(ax, curve, path, colors[index % len(colors)])
        word = f"{names[index]}: " if names and index < len(names) else ""
        ax.set_title(f"{word}η = {rate:g}, {verdict(curve, path, len(path) - 1, tol)}",
                     fontsize=10)
        ax.grid(True, color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_xlim(*curve.xlim)
        ax.set_ylim(*_loss_range(curve))
    for ax in axes[-1]:
        ax.set_xlabel("weight w")
    for row in axes:
        row[0].set_ylabel("loss L(w)")
    for index in range(count, rows * 2):
        axes[index // 2][index % 2].set_visible(False)
    fig.suptitle(f"Gradient descent on {curve.formula} (✕ = start)")
    return fig


def draw_contours(ax: Any, surface: Any, resolution: int = 160, levels: int = 14) -> None:
    """Shade ``surface``'s loss (darker = higher) and draw its contour lines and minimum on ``ax``."""
    xs = np.linspace(*surface.xlim, resolution)
    ys = np.linspace(*surface.ylim, resolution)
    X, Y = np.meshgrid(xs, ys)
    Z = surface.loss(X, Y)
    low = float(Z.min())
    shifted = Z - low
    if surface.log_levels:
        top = float(np.percentile(shifted, 95))
        values = np.logspace(np.log10(max(top, 1e-3)) - 4, np.log10(max(top, 1e-3)), levels)
        shade = np.log10(shifted + values[0])
    else:
        top = float(np.percentile(shifted, 90))
        values = top * np.linspace(0.0, 1.0, levels + 1)[1:] ** 2  # denser near the minimum
        shade = np.sqrt(shifted)
    ax.imshow(shade, extent=(*surface.xlim, *surface.ylim), origin="lower", cmap="Greys", alpha=0.28,
              aspect="auto", interpolation="bilinear", zorder=0)
    ax.contour(X, Y, Z, levels=np.unique(values + low), colors=OKABE_ITO["grey"], linewidths=0.6,
               alpha=0.8, zorder=1, negative_linestyles="solid")
    ax.plot(*surface.minimum, marker="*", markersize=15, color="white", markeredgecolor=PALETTE["line"],
            markeredgewidth=1.2, linestyle="none", zorder=2, label="minimum")
    ax.set_xlim(*surface.xlim)
    ax.set_ylim(*surface.ylim)


def plot_descent_2d(surface: Any, paths: Mapping[str, np.ndarray], title: str | None = None,
                    figsize: tuple[float, float] = (6.0, 4.2)) -> Any:
    """Paths of gradient descent on the contour lines of a 2-D ``surface``, one label per path."""
    fig, ax = new_figure(title or f"Gradient descent on the {surface.name}: {surface.formula}",
                         "weight x", "weight y", figsize=figsize)
    draw_contours(ax, surface)
    for index, (name, path) in enumerate(paths.items()):
        path = np.asarray(path, dtype=float)
        ax.plot(path[:, 0], path[:, 1], linestyle=_DASHES[index % len(_DASHES)],
                marker=CLASS_MARKERS[index % len(CLASS_MARKERS)], markersize=3.5, linewidth=1.4,
                color=CLASS_COLORS[index % len(CLASS_COLORS)], label=name, zorder=3)
    ax.plot(*surface.start, "X", color=PALETTE["line"], markersize=10, linestyle="none", label="start", zorder=4)
    finish(ax, outside=True)
    return fig


def plot_batch_losses(runs: Mapping[str, Sequence[float]], updates_per_epoch: Mapping[str, float],
                      title: str = "Loss after every update", ylabel: str = "training loss (MSE)",
                      figsize: tuple[float, float] = (7.0, 3.8)) -> Any:
    """The loss after each update of several runs, against epochs, on a log scale.

    ``runs`` maps a label to the losses after update 1, 2, ...; ``updates_per_epoch`` maps the
    same label to how many updates make one epoch, so every run lines up on the epoch axis.
    """
    fig, ax = new_figure(title, "epoch (passes over the training set)", ylabel, figsize=figsize)
    for index, (name, losses) in enumerate(runs.items()):
        losses = np.asarray(losses, dtype=float)
        epochs = np.arange(1, len(losses) + 1) / float(updates_per_epoch[name])
        every = max(1, len(losses) // 12)
        ax.plot(epochs, losses, label=name, color=CLASS_COLORS[index % len(CLASS_COLORS)],
                linestyle=_DASHES[index % len(_DASHES)], marker=CLASS_MARKERS[index % len(CLASS_MARKERS)],
                markevery=every, markersize=5, linewidth=1.0 if len(losses) > 200 else 1.8,
                alpha=0.85, zorder=3 - index * 0.1)
    ax.set_yscale("log")
    finish(ax)
    return fig


class DescentPlot:
    """The learning-rate widget's figure: the curve with the path (left), loss per step (right).

    :meth:`update` moves the path; :meth:`png` renders it (only the path is redrawn).
    """

    def __init__(self, curve: Any, max_steps: int = 100, figsize: tuple[float, float] = (6.4, 3.5)) -> None:
        from dlcourse.viz.figure import CourseFigure  # noqa: PLC0415

        self.curve = curve
        self.fig = CourseFigure(figsize=figsize, layout="constrained")
        self.ax, self.ax_loss = self.fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.35, 1.0]})
        w, values = _curve_grid(curve)
        ax = self.ax
        ax.plot(w, values, color=PALETTE["neutral"], linewidth=2, label="loss curve", zorder=1)
        ax.axvline(curve.w_star, color=PALETTE["neutral"], linestyle=":", linewidth=1, zorder=0)
        self.line, = ax.plot([], [], "-o", color=PALETTE["accent"], markersize=4.5, linewidth=1.2,
                             markeredgecolor="white", markeredgewidth=0.5, label="steps", zorder=3)
        self.start, = ax.plot([], [], "X", color=PALETTE["line"], markersize=10, label="start", zorder=4)
        ax.set_xlim(*curve.xlim)
        ax.set_ylim(*_loss_range(curve))
        ax.set_xlabel("weight w")
        ax.set_ylabel("loss L(w)")
        ax.set_title(curve.formula, fontsize=10)
        ax.grid(True, color="#dddddd", linewidth=0.6)
        ax.legend(loc="upper center", fontsize=8, framealpha=0.9)
        ax2 = self.ax_loss
        self.loss_line, = ax2.plot([], [], "-o", color=PALETTE["accent"], markersize=3, linewidth=1.2)
        ax2.set_yscale("log")
        ax2.set_xlim(0, max_steps)
        ax2.set_ylim(1e-10, 1e4)
        ax2.set_xlabel("step")
        ax2.set_ylabel("L(w) − L(w*) (log scale)")
        ax2.set_title("distance to the lowest loss", fontsize=10)
        ax2.grid(True, color="#dddddd", linewidth=0.6)
        from dlcourse.viz.figure import FastPNG  # noqa: PLC0415

        self.renderer = FastPNG(self.fig, lambda: (self.line, self.start, self.loss_line), dpi=90)
        self.path = np.zeros(0)

    def update(self, path: np.ndarray) -> None:
        """Show ``path`` (the visited weights, from :func:`dlcourse.descent.descent_path`)."""
        path = np.asarray(path, dtype=float)
        self.path = path
        curve = self.curve
        with np.errstate(all="ignore"):
            shown = path[np.abs(path) < 1e3]
            self.line.set_data(shown, curve.loss(shown))
            self.start.set_data(path[:1], curve.loss(path[:1]))
        self.loss_line.set_data(np.arange(len(path)), loss_gaps(curve, path))

    def png(self) -> bytes:
        """The figure as PNG bytes (fast: only the path is redrawn)."""
        return self.renderer.png()

    def _repr_png_(self) -> tuple[bytes, dict[str, int]]:
        from dlcourse.viz.figure import png_repr  # noqa: PLC0415

        return png_repr(self.png())
