"""A network diagram: neurons in columns, one line per weight. Introduced in lesson 03.

``plot_network(kernels, biases)`` draws a Dense network from its weights in Keras' layout
(``kernel`` of shape (inputs, units)). Each line is one weight: its colour says the sign
(blue for positive, vermillion for negative, from the colour-blind-safe Okabe–Ito palette),
its width the size, and negative weights are also dashed, so colour is never the only clue.
The numbers can be written on the lines, and values (inputs, activations, gradients) inside
the neurons.

The returned :class:`NetworkPlot` is drawn once; :meth:`NetworkPlot.update` changes the
weights and numbers of the same figure, which is what a widget needs to redraw in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from dlcourse.viz.style import OKABE_ITO, PALETTE

__all__ = ["NEGATIVE", "POSITIVE", "NetworkPlot", "edge_style", "format_number", "plot_network"]

#: Colour of positive and negative weights (Okabe–Ito blue and vermillion).
POSITIVE = OKABE_ITO["blue"]
NEGATIVE = OKABE_ITO["vermillion"]
_ZERO = "#c8c8c8"  # the middle of the diverging scale: a light grey
_X_GAP = 2.6  # horizontal distance between layers, in units of the vertical gap between neurons
_Y_GAP = 1.3  # vertical distance between neurons
_RADIUS = 0.38  # wide enough for a bold "0.636" at 9 pt in the lesson 03 widget


def format_number(value: Any, precision: int = 2) -> str:
    """``value`` with at most ``precision`` decimals and no trailing zeros (``0.8``, ``-0.1``, ``0``).

    Strings are returned unchanged. Numbers too small for ``precision`` decimals (but not zero)
    are written in scientific notation, so a tiny gradient never reads as 0.
    """
    if isinstance(value, str):
        return value
    v = float(value)
    if v == 0 or not np.isfinite(v):
        return "0" if v == 0 else str(v)
    if abs(v) < 0.5 * 10.0 ** (-precision) or abs(v) >= 1e6:
        return f"{v:.{max(precision - 1, 1)}e}"
    text = f"{v:.{precision}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _diverging(value: float, scale: float) -> tuple[float, float, float]:
    """Colour of ``value`` on a vermillion–grey–blue scale from ``-scale`` to ``+scale``."""
    from matplotlib.colors import to_rgb  # noqa: PLC0415

    t = 0.0 if scale <= 0 else max(-1.0, min(1.0, value / scale))
    end = np.array(to_rgb(POSITIVE if t >= 0 else NEGATIVE))
    mid = np.array(to_rgb(_ZERO))
    amount = abs(t) ** 0.7  # small weights still get a visible tint
    return tuple(mid + (end - mid) * amount)


def edge_style(value: float, scale: float) -> dict[str, Any]:
    """Line properties for one weight: colour (sign and size), width (size), dashes (negative)."""
    size = 0.0 if scale <= 0 else min(abs(float(value)) / scale, 1.0)
    return {"color": _diverging(float(value), scale), "linewidth": 0.7 + 4.3 * size,
            "linestyle": (0, (4, 2.5)) if value < 0 else "solid"}


@dataclass(repr=False)
class NetworkPlot:
    """A drawn network; :meth:`update` changes its weights and numbers without a new figure."""

    fig: Any
    ax: Any
    sizes: list[int]
    edges: list[list[list[Any]]] = field(default_factory=list)  # [layer][i][j]: line from input i to unit j
    edge_texts: list[list[list[Any]]] = field(default_factory=list)
    value_texts: list[list[Any]] = field(default_factory=list)  # [layer][unit], layer 0 = inputs
    bias_texts: list[list[Any]] = field(default_factory=list)  # [layer - 1][unit]
    circles: list[Any] = field(default_factory=list)
    scale: float | None = None
    precision: int = 2
    edge_name: str = "w"
    _fast: Any = None  # its FastPNG renderer, made by the first png()

    def update(self, kernels: Sequence[np.ndarray] | None = None, biases: Sequence[np.ndarray] | None = None,
               values: Sequence[Sequence[Any]] | None = None, title: str | None = None) -> None:
        """Show new ``kernels`` (lines and their numbers), ``biases`` and neuron ``values``.

        ``values`` has one entry per layer, inputs first; each entry is a sequence of numbers or
        strings (or None to leave that layer's neurons empty).
        """
        if kernels is not None:
            kernels = [np.asarray(k, dtype=float) for k in kernels]
            scale = self.scale or max((float(np.abs(k).max()) for k in kernels if k.size), default=1.0) or 1.0
            for layer, kernel in enumerate(kernels):
                for i in range(kernel.shape[0]):
                    for j in range(kernel.shape[1]):
                        w = kernel[i, j]
                        line = self.edges[layer][i][j]
                        style = edge_style(w, scale)
                        line.set_color(style["color"])
                        line.set_linewidth(style["linewidth"])
                        line.set_linestyle(style["linestyle"])
                        text = self.edge_texts[layer][i][j] if self.edge_texts else None
                        if text is not None:
                            text.set_text(format_number(w, self.precision))
        if biases is not None:
            for layer, bias in enumerate(biases):
                for j, b in enumerate(np.asarray(bias, dtype=float).reshape(-1)):
                    self.bias_texts[layer][j].set_text(f"b = {format_number(b, self.precision)}")
        if values is not None:
            for layer, layer_values in enumerate(values):
                for j, text in enumerate(self.value_texts[layer]):
                    shown = "" if layer_values is None else format_number(layer_values[j], self.precision)
                    text.set_text(shown)
        if title is not None:
            self.ax.set_title(title)

    def _moving(self) -> list[Any]:
        """What :meth:`update` can change: lines, their numbers, neurons, values (redrawn by :meth:`png`)."""
        nested = [self.edges, self.edge_texts]
        found = [a for group in nested for layer in group for row in layer for a in row]
        found += self.circles
        found += [a for row in self.value_texts + self.bias_texts for a in row]
        return found

    def png(self) -> bytes:
        """The current picture as PNG bytes, fast: only what :meth:`update` changes is redrawn.

        The first call draws everything else once (names, headings, legend, title) and keeps
        it; later calls paste that background and draw the lines, neurons and numbers on it.
        Used by widgets, which redraw on every slider move. The title is part of the
        background: change it with :meth:`update` before the first call only.
        """
        if self._fast is None:
            from dlcourse.viz.figure import FastPNG  # noqa: PLC0415

            self._fast = FastPNG(self.fig, self._moving, dpi=None)
        return self._fast.png()

    def _repr_png_(self) -> bytes:
        return self.fig._repr_png_()

    def __repr__(self) -> str:
        return f"<NetworkPlot {' → '.join(map(str, self.sizes))}: {self.ax.get_title()!r}>"


def _positions(sizes: Sequence[int]) -> list[np.ndarray]:
    """(x, y) of every neuron, layer by layer, each column centred on y = 0, first neuron on top."""
    return [np.column_stack([np.full(n, _X_GAP * layer), _Y_GAP * ((n - 1) / 2 - np.arange(n))])
            for layer, n in enumerate(sizes)]


def plot_network(kernels: Sequence[np.ndarray], biases: Sequence[np.ndarray] | None = None, *,
                 input_names: Sequence[str] | None = None, unit_names: Sequence[Sequence[str]] | None = None,
                 activations: Sequence[str] | None = None, values: Sequence[Sequence[Any]] | None = None,
                 show_numbers: bool = True, precision: int = 2, scale: float | None = None,
                 title: str = "A dense network", edge_name: str = "weight",
                 figsize: tuple[float, float] | None = None) -> NetworkPlot:
    """Draw a Dense network; returns a :class:`NetworkPlot` (shows itself in a notebook).

    Args:
        kernels: one array per layer in Keras' layout (inputs, units). Their values set each
            line's colour, width and number; pass gradients instead to draw gradients.
        biases: one array per layer, written under each neuron as ``b = ...`` (optional).
        input_names, unit_names: labels of the input neurons and of each layer's units.
        activations: activation names, shown in the column headings.
        values: numbers (or strings) written inside the neurons, one sequence per layer,
            inputs first.
        show_numbers: write each weight on its line.
        scale: the |value| drawn with the widest, strongest line (default: the largest one).
            A widget passes a fixed scale so that colours keep their meaning as weights move.
        edge_name: what the lines show, for the legend ("weight", "dL/dW").

    Introduced in lesson 03.
    """
    from matplotlib.lines import Line2D  # noqa: PLC0415
    from matplotlib.patches import Circle  # noqa: PLC0415

    from dlcourse.viz.figure import CourseFigure  # noqa: PLC0415

    kernels = [np.asarray(k, dtype=float) for k in kernels]
    if not kernels or any(k.ndim != 2 for k in kernels):
        raise ValueError("plot_network needs one 2-D kernel (inputs, units) per layer.")
    for index in range(1, len(kernels)):
        if kernels[index].shape[0] != kernels[index - 1].shape[1]:
            raise ValueError(f"kernel {index + 1} has {kernels[index].shape[0]} inputs, but layer {index} "
                             f"has {kernels[index - 1].shape[1]} units.")
    sizes = [kernels[0].shape[0]] + [k.shape[1] for k in kernels]
    n_layers = len(kernels)
    input_names = list(input_names) if input_names is not None else [f"x{i + 1}" for i in range(sizes[0])]
    if unit_names is None:
        unit_names = [[f"H{j + 1}" if n_layers == 2 else f"H{layer + 1}.{j + 1}" for j in range(n)]
                      for layer, n in enumerate(sizes[1:-1])]
        unit_names.append(["out"] if sizes[-1] == 1 else [f"out{j + 1}" for j in range(sizes[-1])])
    names = [input_names] + [list(u) for u in unit_names]

    tall = max(sizes)
    if figsize is None:
        figsize = (2.2 + 2.3 * n_layers, 1.6 + 1.0 * tall)
    fig = CourseFigure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.set_aspect("equal")
    ax.set_axis_off()
    pos = _positions(sizes)
    top = _Y_GAP * (tall - 1) / 2
    ax.set_xlim(-1.3, _X_GAP * n_layers + 1.3)
    ax.set_ylim(-top - 0.8, top + 1.05)

    plot = NetworkPlot(fig, ax, sizes, scale=scale, precision=precision, edge_name=edge_name)
    many = sum(k.size for k in kernels) > 40  # too many numbers to read: lines only
    for layer, kernel in enumerate(kernels):
        start, stop = pos[layer], pos[layer + 1]
        rows, text_rows = [], []
        for i in range(kernel.shape[0]):
            row, text_row = [], []
            for j in range(kernel.shape[1]):
                (x0, y0), (x1, y1) = start[i], stop[j]
                (line,) = ax.plot([x0, x1], [y0, y1], zorder=1, solid_capstyle="round")
                row.append(line)
                if show_numbers and not many:
                    # spread the numbers along the lines so that lines into the same unit do not share a spot
                    t = 0.3 + 0.4 * (j + 0.5) / kernel.shape[1]
                    angle = float(np.degrees(np.arctan2(y1 - y0, x1 - x0)))
                    text_row.append(ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), "", fontsize=8.5,
                                            ha="center", va="center", rotation=angle, rotation_mode="anchor",
                                            zorder=3, bbox={"boxstyle": "round,pad=0.12", "fc": "white",
                                                            "ec": "none", "alpha": 0.9}))
            rows.append(row)
            text_rows.append(text_row)
        plot.edges.append(rows)
        if show_numbers and not many:
            plot.edge_texts.append(text_rows)
    for layer, (points, layer_names) in enumerate(zip(pos, names)):
        value_row, bias_row = [], []
        for j, (x, y) in enumerate(points):
            edge = PALETTE["line"]
            face = "#f2f2f2" if layer == 0 else "white"
            plot.circles.append(ax.add_patch(Circle((x, y), _RADIUS, facecolor=face, edgecolor=edge,
                                                    linewidth=1.4, zorder=4)))
            value_row.append(ax.text(x, y, "", ha="center", va="center", fontsize=9, zorder=5,
                                     fontweight="bold"))
            label = layer_names[j] if j < len(layer_names) else ""
            if layer == 0:
                ax.text(x - _RADIUS - 0.12, y, label, ha="right", va="center", fontsize=9.5, zorder=5)
            else:
                ax.text(x, y + _RADIUS + 0.08, label, ha="center", va="bottom", fontsize=9.5, zorder=5)
                bias_row.append(ax.text(x, y - _RADIUS - 0.06, "", ha="center", va="top", fontsize=8.5,
                                        color="#444444", zorder=5))
        plot.value_texts.append(value_row)
        if layer:
            plot.bias_texts.append(bias_row)
    headings = ["input layer"] + [f"hidden layer {layer + 1}" if n_layers > 2 else "hidden layer"
                                  for layer in range(n_layers - 1)] + ["output layer"]
    for layer, heading in enumerate(headings):
        if activations is not None and layer:
            heading += f"\n({activations[layer - 1]})"
        ax.text(_X_GAP * layer, top + 0.95, heading, ha="center", va="top", fontsize=9.5, color="#333333")
    handles = [Line2D([], [], color=POSITIVE, linewidth=3, label=f"positive {edge_name}"),
               Line2D([], [], color=NEGATIVE, linewidth=3, linestyle=(0, (4, 2.5)), label=f"negative {edge_name}")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2, frameon=False,
              fontsize=8.5, title=f"line width: size of the {edge_name}", title_fontsize=8.5)
    plot.update(kernels=kernels, biases=biases if biases is not None else [np.zeros(n) for n in sizes[1:]],
                values=values)
    if biases is None:
        for row in plot.bias_texts:
            for text in row:
                text.set_text("")
    return plot
