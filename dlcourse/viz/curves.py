"""Lines over epochs (or any x): mistakes, losses, accuracies — one labelled line per series."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from dlcourse.viz.style import CLASS_COLORS, CLASS_MARKERS, finish, new_figure

__all__ = ["plot_curves"]

_STYLES = ("-", "--", ":", "-.")


def plot_curves(series: Mapping[str, Sequence[float]], x: Sequence[float] | None = None, title: str = "",
                xlabel: str = "epoch", ylabel: str = "", figsize: tuple[float, float] = (6.0, 3.6)) -> Any:
    """A figure with one line per entry of ``series``, told apart by colour, marker and dash.

    Returns the matplotlib Figure; a notebook cell that ends with it shows it once.
    """
    fig, ax = new_figure(title, xlabel, ylabel, figsize=figsize)
    for index, (name, values) in enumerate(series.items()):
        xs = list(x) if x is not None else list(range(1, len(values) + 1))
        ax.plot(xs, list(values), label=name, color=CLASS_COLORS[index % len(CLASS_COLORS)],
                marker=CLASS_MARKERS[index % len(CLASS_MARKERS)], linestyle=_STYLES[index % len(_STYLES)],
                linewidth=1.8, markersize=6)
    finish(ax)
    return fig
