"""Activation functions drawn: each curve beside its slope, and one point with its tangent.

Introduced in lesson 02 (activation functions).

* :func:`activation_values` — ``f(z)`` and ``f'(z)`` of a named activation, from the engine.
* :func:`plot_activations` — several activations (left) and their derivatives (right).
* :func:`plot_activation_point` — one activation with a point, its tangent and its slope;
  :meth:`ActivationPlot.update` moves them without making a new figure (the explorer widget).
* :func:`plot_gradient_decay` — how a gradient shrinks when it passes through many layers.

The values come from :mod:`dlcourse.nn.activations`, whose names and defaults are Keras'.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from dlcourse.viz.style import OKABE_ITO, PALETTE, finish, new_figure

if TYPE_CHECKING:
    from dlcourse.viz.figure import FastPNG

__all__ = ["ACTIVATION_LABELS", "ActivationPlot", "activation_values", "plot_activation_point",
           "plot_activations", "plot_gradient_decay"]

#: The element-wise activations the pictures know, with the name shown in legends and menus.
ACTIVATION_LABELS: dict[str, str] = {
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "leaky ReLU",
    "swish": "swish",
    "linear": "linear",
}

# One colour, dash and marker per activation, so that lines never differ by colour alone.
_STYLE: dict[str, dict[str, Any]] = {
    "sigmoid": {"color": OKABE_ITO["blue"], "linestyle": "-", "marker": "o"},
    "tanh": {"color": OKABE_ITO["vermillion"], "linestyle": "--", "marker": "^"},
    "relu": {"color": OKABE_ITO["bluish_green"], "linestyle": "-", "marker": "s"},
    "leaky_relu": {"color": OKABE_ITO["reddish_purple"], "linestyle": "-.", "marker": "D"},
    "swish": {"color": OKABE_ITO["orange"], "linestyle": ":", "marker": "v"},
    "linear": {"color": OKABE_ITO["grey"], "linestyle": (0, (5, 2, 1, 2)), "marker": "x"},
}

# y-ranges that show each curve's interesting part over z in [-6, 6].
_YLIM: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    "sigmoid": ((-0.1, 1.1), (-0.05, 0.3)),
    "tanh": ((-1.2, 1.2), (-0.1, 1.1)),
    "relu": ((-1.5, 6.2), (-0.1, 1.1)),
    "leaky_relu": ((-1.5, 6.2), (-0.1, 1.1)),
    "swish": ((-1.0, 6.2), (-0.2, 1.2)),
    "linear": ((-6.2, 6.2), (-0.1, 1.1)),
}


def _activation(name: str, negative_slope: float = 0.2) -> Any:
    from dlcourse.nn import activations  # noqa: PLC0415 - the engine, only when drawing

    if name == "leaky_relu":
        return activations.LeakyReLU(negative_slope)
    if name not in ACTIVATION_LABELS:
        raise ValueError(f"no picture for activation {name!r}; choose one of {', '.join(ACTIVATION_LABELS)} "
                         "(softmax is not element-wise: each output depends on the whole row)")
    return activations.get(name)


def activation_values(name: str, z: np.ndarray, negative_slope: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """``(f(z), f'(z))`` for the element-wise activation ``name`` (a Keras name such as ``"relu"``).

    ``negative_slope`` is used by ``"leaky_relu"`` only (Keras 3's default, 0.2).
    Introduced in lesson 02.
    """
    function = _activation(name, negative_slope)
    z = np.asarray(z, dtype=float)
    return function(z), function.derivative(z)


def _label(name: str, negative_slope: float = 0.2) -> str:
    if name == "leaky_relu":
        return f"leaky ReLU (slope {negative_slope:g})"
    return ACTIVATION_LABELS[name]


def plot_activations(names: Sequence[str] = ("sigmoid", "tanh", "relu", "leaky_relu", "swish"),
                     z_range: tuple[float, float] = (-5.0, 5.0), figsize: tuple[float, float] = (9.6, 3.8)) -> Any:
    """Two panels: the activations ``names`` (left) and their derivatives (right), over ``z_range``.

    Returns the matplotlib Figure. Introduced in lesson 02.
    """
    from dlcourse.viz.figure import CourseFigure  # noqa: PLC0415

    z = np.linspace(z_range[0], z_range[1], 401)
    fig = CourseFigure(figsize=figsize, layout="constrained")
    ax_f, ax_d = fig.subplots(1, 2)
    _label_axes(ax_f, "Activation functions f(z)", "output f(z)")
    _label_axes(ax_d, "Their derivatives f′(z) (the slope)", "slope f′(z)")
    for name in names:
        y, dy = activation_values(name, z)
        style = dict(_STYLE[name], markevery=50, markersize=5, linewidth=1.8, label=_label(name))
        ax_f.plot(z, y, **style)
        ax_d.plot(z, dy, **style)
    ax_f.set_ylim(-1.5, 3.0)
    ax_d.set_ylim(-0.15, 1.15)
    finish(ax_d, outside=True)
    return fig


def _label_axes(ax: Any, title: str, ylabel: str) -> None:
    ax.set_title(title)
    ax.set_xlabel("weighted sum z")
    ax.set_ylabel(ylabel)
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


@dataclass(repr=False)
class ActivationPlot:
    """A figure of one activation and its derivative, with a point that :meth:`update` moves.

    Left: ``f(z)`` with the point ``(z0, f(z0))`` and the tangent line through it, whose slope
    is ``f'(z0)``. Right: ``f'(z)`` with the point ``(z0, f'(z0))``. :meth:`png` renders it
    fast enough for a slider. Introduced in lesson 02.
    """

    fig: Any
    ax_f: Any
    ax_d: Any
    curve: Any
    slope_curve: Any
    point: Any
    slope_point: Any
    tangent: Any
    z: np.ndarray
    name: str = ""
    negative_slope: float = 0.2
    z0: float = 0.0
    value: float = 0.0
    slope: float = 0.0
    redraw: FastPNG | None = None

    def update(self, name: str | None = None, z0: float | None = None) -> tuple[float, float]:
        """Switch to activation ``name`` and/or move the point to ``z0``; returns ``(f(z0), f'(z0))``."""
        if name is not None and name != self.name:
            y, dy = activation_values(name, self.z, self.negative_slope)  # an unknown name fails here
            self.name = name
            self.curve.set_ydata(y)
            self.slope_curve.set_ydata(dy)
            (f_low, f_high), (d_low, d_high) = _YLIM[name]
            self.ax_f.set_ylim(f_low, f_high)
            self.ax_d.set_ylim(d_low, d_high)
            label = _label(name, self.negative_slope)
            self.ax_f.set_title(f"{label}: output f(z)")
            self.ax_d.set_title(f"{label}: slope f′(z)")
        if z0 is not None:
            self.z0 = float(z0)
        y0, d0 = activation_values(self.name, np.array([self.z0]), self.negative_slope)
        self.value, self.slope = float(y0[0]), float(d0[0])
        self.point.set_data([self.z0], [self.value])
        self.slope_point.set_data([self.z0], [self.slope])
        span = np.array([self.z0 - 2.0, self.z0 + 2.0])
        self.tangent.set_data(span, self.value + self.slope * (span - self.z0))
        return self.value, self.slope

    def png(self) -> bytes:
        """The current picture as PNG bytes (fast: only the point and tangent are redrawn)."""
        return self._redraw().png(self.name)

    def prepare(self, names: Sequence[str] = tuple(ACTIVATION_LABELS)) -> None:
        """Draw the background of every activation in ``names`` now, so that switching is fast later."""
        current = self.name
        for name in names:
            self.update(name)
            self._redraw().png(name)
        self.update(current)

    def _redraw(self) -> FastPNG:
        if self.redraw is None:
            from dlcourse.viz.figure import FastPNG  # noqa: PLC0415

            self.redraw = FastPNG(self.fig, [self.tangent, self.point, self.slope_point], dpi=None, keep_layout=False)
        return self.redraw

    def _repr_png_(self) -> tuple[bytes, dict[str, int]]:
        from dlcourse.viz.figure import png_repr  # noqa: PLC0415

        return png_repr(self.png())

    def __repr__(self) -> str:
        return f"<ActivationPlot {self.name} at z = {self.z0:g}>"


def plot_activation_point(name: str = "sigmoid", z0: float = 0.0, z_range: tuple[float, float] = (-6.0, 6.0),
                          negative_slope: float = 0.2, figsize: tuple[float, float] = (7.2, 3.9),
                          dpi: int = 80) -> ActivationPlot:
    """One activation (left, with a point at ``z0`` and its tangent) and its derivative (right).

    Introduced in lesson 02.
    """
    from dlcourse.viz.figure import CourseFigure  # noqa: PLC0415

    z = np.linspace(z_range[0], z_range[1], 241)
    fig = CourseFigure(figsize=figsize, dpi=dpi)
    fig.subplots_adjust(left=0.09, right=0.98, bottom=0.33, top=0.92, wspace=0.3)
    ax_f, ax_d = fig.subplots(1, 2)
    for ax, ylabel in ((ax_f, "output f(z)"), (ax_d, "slope f′(z)")):
        _label_axes(ax, "", ylabel)
        ax.set_xlim(*z_range)
    (curve,) = ax_f.plot(z, np.zeros_like(z), linewidth=2.2, color=OKABE_ITO["blue"], label="f(z): the activation")
    (slope_curve,) = ax_d.plot(z, np.zeros_like(z), linewidth=2.2, linestyle="--", color=OKABE_ITO["vermillion"],
                               label="f′(z): its derivative")
    (tangent,) = ax_f.plot([], [], color=PALETTE["line"], linestyle="-", linewidth=1.3,
                           label="tangent at the point (its slope is f′(z))")
    (point,) = ax_f.plot([], [], "o", color=PALETTE["accent"], markeredgecolor=PALETTE["line"], markersize=9,
                         label="the point (z, f(z))")
    (slope_point,) = ax_d.plot([], [], "D", color=PALETTE["accent"], markeredgecolor=PALETTE["line"],
                               markersize=8, label="the point (z, f′(z))")
    fig.legend(handles=[curve, tangent, point, slope_curve, slope_point], loc="lower center", ncol=2,
               frameon=False, fontsize=9)
    plot = ActivationPlot(fig, ax_f, ax_d, curve, slope_curve, point, slope_point, tangent, z,
                          negative_slope=float(negative_slope))
    plot.update(name, z0)
    return plot


def plot_gradient_decay(factors: Mapping[str, float], layers: int = 10, title: str = "",
                        figsize: tuple[float, float] = (6.4, 3.8)) -> Any:
    """How much of a gradient is left after passing back through 1 … ``layers`` layers.

    ``factors`` maps a label to the factor each layer multiplies the gradient by (for
    example ``{"sigmoid, best case": 0.25}``); each is drawn as ``factor ** n`` on a
    logarithmic axis. Returns the matplotlib Figure. Introduced in lesson 02.
    """
    n = np.arange(1, layers + 1)
    fig, ax = new_figure(title or f"Gradient left after n layers (of {layers})", "number of layers n",
                         "gradient factor (log scale)", figsize=figsize)
    styles = list(_STYLE.values())
    for index, (label, factor) in enumerate(factors.items()):
        style = dict(styles[index % len(styles)], markersize=6, linewidth=1.8)
        ax.plot(n, np.full(n.shape, float(factor)) ** n, label=label, **style)
    ax.set_yscale("log")
    ax.set_xticks(n)
    finish(ax, loc="lower left")  # the curves all fall from the top left: the lower left stays empty
    return fig
