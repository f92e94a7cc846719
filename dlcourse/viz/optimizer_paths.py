"""Optimizers racing on a 2-D loss surface: their paths drawn on its contour lines.

Introduced in lesson 07. This module only draws: the paths are computed by
:mod:`dlcourse.descent` with the course engine's optimizers (Keras 3's exact update rules)::

    paths = race(SURFACES["rosenbrock"], ["SGD", "Adam"])     # dlcourse.descent
    plot_race(SURFACES["rosenbrock"], paths)

* :data:`OPTIMIZER_STYLES` — a colour, marker and dash per racer of
  :data:`dlcourse.descent.OPTIMIZER_NAMES` (never colour alone).
* :func:`plot_race` / :func:`plot_races` — the paths on contours (one surface / several).
* :class:`RacePlot` — the live figure of the race widget (only the paths are redrawn).
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from dlcourse.descent import OPTIMIZER_NAMES
from dlcourse.viz.descent import draw_contours
from dlcourse.viz.style import OKABE_ITO, PALETTE

__all__ = ["OPTIMIZER_STYLES", "RacePlot", "plot_race", "plot_races"]

#: Colour, marker and line style per optimizer (never colour alone).
OPTIMIZER_STYLES: dict[str, dict[str, Any]] = {
    "SGD": {"color": OKABE_ITO["vermillion"], "marker": "o", "linestyle": "-"},
    "Momentum": {"color": OKABE_ITO["blue"], "marker": "s", "linestyle": "-"},
    "Nesterov": {"color": OKABE_ITO["sky_blue"], "marker": "D", "linestyle": "--"},
    "Adagrad": {"color": OKABE_ITO["bluish_green"], "marker": "^", "linestyle": "-."},
    "Adadelta": {"color": OKABE_ITO["yellow"], "marker": "v", "linestyle": ":"},
    "RMSprop": {"color": OKABE_ITO["orange"], "marker": "P", "linestyle": "--"},
    "Adam": {"color": OKABE_ITO["black"], "marker": "h", "linestyle": "-"},
    "AMSGrad": {"color": OKABE_ITO["reddish_purple"], "marker": "<", "linestyle": ":"},
}


def _label(name: str, learning_rate: float | None) -> str:
    return name if learning_rate is None else f"{name} (η = {learning_rate:g})"


class RacePlot:
    """A contour plot of a surface with one path artist per optimizer, updated in place.

    The legend lists ``names`` (with their learning rates when given) and is drawn once, with
    the contours; :meth:`update` sets the paths (and how many steps of them to show) and
    :meth:`png` renders the figure, redrawing only the paths.
    """

    def __init__(self, surface: Any, names: Sequence[str] = OPTIMIZER_NAMES,
                 learning_rates: Mapping[str, float] | None = None, title: str | None = None,
                 figsize: tuple[float, float] = (5.6, 4.0), ax: Any = None, legend: bool = True) -> None:
        self.surface = surface
        owns_figure = ax is None
        if ax is None:
            from dlcourse.viz.figure import CourseFigure  # noqa: PLC0415

            self.fig = CourseFigure(figsize=figsize, layout="constrained")
            self.ax = self.fig.add_subplot()
        else:
            self.fig, self.ax = ax.figure, ax
        ax = self.ax
        draw_contours(ax, surface)
        ax.plot(*surface.start, "X", color=PALETTE["line"], markersize=9, markeredgecolor="white",
                linestyle="none", zorder=5)
        ax.set_title(title or f"{surface.name}: {surface.formula}", fontsize=10)
        ax.set_xlabel("weight x")
        ax.set_ylabel("weight y")
        self.lines: dict[str, Any] = {}
        self.heads: dict[str, Any] = {}
        for index, name in enumerate(names):
            style = OPTIMIZER_STYLES[name]
            rate = None if learning_rates is None else learning_rates.get(name)
            self.lines[name], = ax.plot([], [], color=style["color"], linestyle=style["linestyle"],
                                        marker=style["marker"], markersize=5, markevery=10, linewidth=1.6,
                                        markeredgecolor=PALETTE["line"], markeredgewidth=0.4, zorder=3 + index / 100,
                                        label=_label(name, rate))
            self.heads[name], = ax.plot([], [], color=style["color"], marker=style["marker"], markersize=10,
                                        markeredgecolor=PALETTE["line"], markeredgewidth=0.8, linestyle="none",
                                        zorder=4)
        if legend and names:
            ax.legend(handles=list(self.lines.values()), loc="upper left", bbox_to_anchor=(1.02, 1.0),
                      fontsize=8, frameon=False, title="optimizer", title_fontsize=8)
        from dlcourse.viz.figure import FastPNG  # noqa: PLC0415

        # Only a figure of its own is rendered by blitting (a panel of a bigger figure is not).
        self.renderer = FastPNG(self.fig, self._animated, dpi=90) if owns_figure else None

    def _animated(self) -> list[Any]:
        return [*self.lines.values(), *self.heads.values()]

    def update(self, paths: Mapping[str, np.ndarray], step: int | None = None) -> None:
        """Show ``paths`` (``{name: points}``; the other optimizers are hidden), up to ``step``."""
        for name, line in self.lines.items():
            path = paths.get(name)
            visible = path is not None
            line.set_visible(visible)
            self.heads[name].set_visible(visible)
            if not visible:
                continue
            shown = path if step is None else path[: step + 1]
            line.set_data(shown[:, 0], shown[:, 1])
            line.set_markevery(max(1, (len(path) - 1) // 10))
            self.heads[name].set_data(shown[-1:, 0], shown[-1:, 1])

    def png(self) -> bytes:
        """The figure as PNG bytes (fast: only the paths are redrawn)."""
        if self.renderer is None:
            from dlcourse.viz.figure import png_bytes  # noqa: PLC0415

            return png_bytes(self.fig)
        return self.renderer.png()

    def _repr_png_(self) -> tuple[bytes, dict[str, int]]:
        from dlcourse.viz.figure import png_repr  # noqa: PLC0415

        return png_repr(self.png())


def plot_race(surface: Any, paths: Mapping[str, np.ndarray], learning_rates: Mapping[str, float] | None = None,
              title: str | None = None, figsize: tuple[float, float] = (6.4, 4.2)) -> RacePlot:
    """The ``paths`` (``{optimizer name: points}``) on ``surface``'s contour lines; ✕ = start, ☆ = minimum."""
    plot = RacePlot(surface, [n for n in OPTIMIZER_NAMES if n in paths], learning_rates=learning_rates,
                    title=title, figsize=figsize)
    plot.update(paths)
    return plot


def plot_races(races: Mapping[str, Mapping[str, np.ndarray]], figsize: tuple[float, float] = (12.0, 4.0),
               title: str = "The same optimizers on three surfaces (✕ = start, ☆ = minimum)") -> Any:
    """One contour panel per surface: ``races`` maps a surface's name to its ``{optimizer name: path}``."""
    from dlcourse.surfaces import get_surface  # noqa: PLC0415
    from dlcourse.viz.figure import CourseFigure  # noqa: PLC0415

    fig = CourseFigure(figsize=figsize, layout="constrained")
    axes = fig.subplots(1, len(races), squeeze=False)[0]
    for ax, (name, paths) in zip(axes, races.items()):
        plot = RacePlot(get_surface(name), [n for n in OPTIMIZER_NAMES if n in paths], ax=ax, legend=False)
        plot.update(paths)
        for artist in plot._animated():
            if artist is not None:
                artist.set_animated(False)
    handles = [line for line in plot.lines.values()]
    fig.legend(handles=handles, loc="outside right center", frameon=False)
    fig.suptitle(title)
    return fig
