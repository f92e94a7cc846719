"""The course's look: one colour-blind-safe palette, class markers, and a figure helper.

Colours are the Okabe–Ito palette, which stays distinguishable with the common kinds of
colour blindness. Classes are told apart by marker shape as well as colour, so a figure
never relies on colour alone. This module imports matplotlib only inside the functions that
need it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CLASS_COLORS", "CLASS_MARKERS", "CLASS_NAMES", "OKABE_ITO", "PALETTE", "class_style", "epoch_axis", "finish",
           "new_figure"]

#: The Okabe–Ito colours, by name.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#7F7F7F",
}

#: Colours by meaning, used across lessons and in exercise feedback.
PALETTE: dict[str, str] = {
    "class0": OKABE_ITO["blue"],
    "class1": OKABE_ITO["vermillion"],
    "class2": OKABE_ITO["bluish_green"],
    "class3": OKABE_ITO["reddish_purple"],
    "line": OKABE_ITO["black"],
    "accent": OKABE_ITO["orange"],
    "train": OKABE_ITO["blue"],
    "validation": OKABE_ITO["orange"],
    "ok": OKABE_ITO["bluish_green"],
    "bad": OKABE_ITO["vermillion"],
    "neutral": OKABE_ITO["grey"],
    "hint": OKABE_ITO["sky_blue"],
}

#: One colour and one marker per class, in order (class 0 first).
CLASS_COLORS: tuple[str, ...] = (PALETTE["class0"], PALETTE["class1"], PALETTE["class2"], PALETTE["class3"])
CLASS_MARKERS: tuple[str, ...] = ("o", "^", "s", "D")
CLASS_NAMES: tuple[str, ...] = ("class 0", "class 1", "class 2", "class 3")


def class_style(label: int) -> dict[str, Any]:
    """Keyword arguments for ``ax.scatter`` that draw class ``label`` (colour and marker)."""
    index = int(label) % len(CLASS_COLORS)
    return {"color": CLASS_COLORS[index], "marker": CLASS_MARKERS[index], "edgecolors": "white",
            "linewidths": 0.8}


def new_figure(title: str, xlabel: str, ylabel: str, figsize: tuple[float, float] = (5.0, 4.0)) -> tuple[Any, Any]:
    """A new matplotlib figure with one axes, already titled and labelled; returns ``(fig, ax)``.

    The figure is created without pyplot's global state, so making it inside a widget
    callback never opens a second window or shows the figure twice.
    """
    from dlcourse.viz.figure import CourseFigure  # noqa: PLC0415 - matplotlib only when drawing

    fig = CourseFigure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig, ax


def epoch_axis(ax: Any, epochs: int) -> None:
    """Make ``ax``'s x axis count epochs 1 to ``epochs`` (at least 2 wide): whole numbers only, no 2.5."""
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415 - matplotlib only when drawing

    ax.set_xlim(0.5, max(epochs, 2) + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def finish(ax: Any, legend: bool = True, loc: str = "best", outside: bool = False) -> None:
    """Add a legend (when there are labelled artists) with the course's look.

    ``outside=True`` puts it to the right of the axes, where it cannot hide any data.
    """
    if legend and ax.get_legend_handles_labels()[0]:
        if outside:
            ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
        else:
            ax.legend(loc=loc, frameon=True, framealpha=0.9)
