"""Move a neuron's decision line with sliders (lesson 01).

``neuron_explorer()`` shows AND, OR and XOR (or your own 2-D points) with sliders for the
weights ``w1``, ``w2`` and the bias ``b``. Its frames (:class:`NeuronFrames`, no widgets
needed) use one figure per dataset, made once; each slider move changes the line, the shading
and the circles and re-renders only those into the same image widget (:meth:`NeuronPlot.png`, a few tens of milliseconds), so the
picture changes in place without flicker. Sliders work with the keyboard: Tab to one, then
the arrow keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["LOGIC_GATES", "NeuronFrames", "neuron_explorer"]

_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
#: The four input pairs and the targets of AND, OR and XOR.
LOGIC_GATES: dict[str, tuple[np.ndarray, np.ndarray]] = {
    "AND": (_INPUTS, np.array([0, 0, 0, 1])),
    "OR": (_INPUTS, np.array([0, 1, 1, 1])),
    "XOR": (_INPUTS, np.array([0, 1, 1, 0])),
}


class NeuronFrames:
    """The explorer's frames without widgets: ``frames({"w1": .., "w2": .., "b": .., "data": name})`` is a :class:`Frame`.

    One figure per dataset (``plots``) is made and drawn once, so that switching data is as fast
    as a slider; ``figure`` is the one drawn last. Introduced in lesson 01.
    """

    def __init__(self, datasets: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
                 w1: float = 1.0, w2: float = 1.0, b: float = -0.5, start: str | None = None) -> None:
        from dlcourse.viz.boundary import plot_neuron  # noqa: PLC0415

        datasets = datasets or LOGIC_GATES
        self.names = list(datasets)
        self.start = start if start in datasets else self.names[0]
        self.plots = {name: plot_neuron(X, y, (w1, w2), b, name=name) for name, (X, y) in datasets.items()}
        for plot in self.plots.values():
            plot.png()
        self.figure = self.plots[self.start].fig

    def __call__(self, values: Mapping[str, Any]) -> Any:
        from dlcourse.widgets.frame import Frame  # noqa: PLC0415

        w1, w2, b, name = values["w1"], values["w2"], values["b"], values["data"]
        plot = self.plots[name]
        correct = plot.update((w1, w2), b)
        self.figure = plot.fig
        z = plot.X @ np.array([w1, w2]) + b
        points = "; ".join(f"({x1:g}, {x2:g}) class {int(t)}, {'output 1' if v > 0 else 'output 0'}"
                           f"{'' if (v > 0) == bool(t) else ', wrong (circled)'}"
                           for (x1, x2), t, v in zip(plot.X, plot.y, z))
        if len(plot.y) > 8:
            points = f"{len(plot.y) - correct} wrong points are circled"
        return Frame(
            plot.png(),
            f"z = {w1:.1f}·x₁ + {w2:.1f}·x₂ + ({b:.1f}) &nbsp;→&nbsp; <b>{correct} of {len(plot.y)}</b> points correct",
            f"{name}: the line z = {w1:.1f}·x₁ + {w2:.1f}·x₂ + ({b:.1f}) = 0 "
            f"splits the plane; the shaded side outputs 1. {correct} of {len(plot.y)} points correct: {points}.")


def neuron_explorer(datasets: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
                    w1: float = 1.0, w2: float = 1.0, b: float = -0.5, start: str | None = None) -> Any:
    """A widget: sliders for ``w1``, ``w2``, ``b`` and a data menu, over one live figure.

    ``datasets`` maps a name to ``(X, y)`` with X of shape (m, 2) and y of 0/1 labels
    (default: AND, OR and XOR). The defaults draw OR correctly and AND with one mistake.
    Its controls are named ``w1``, ``w2``, ``b`` and ``data``; its frames are :class:`NeuronFrames`.
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from dlcourse.widgets.live import LiveWidget  # noqa: PLC0415
    from dlcourse.widgets.menu import Menu  # noqa: PLC0415
    from dlcourse.widgets.picture import row  # noqa: PLC0415

    frames = NeuronFrames(datasets, w1, w2, b, start)

    def slider(description: str, value: float, what: str) -> Any:
        return widgets.FloatSlider(value=value, min=-3.0, max=3.0, step=0.1, description=description,
                                   readout_format=".1f", continuous_update=True,
                                   style={"description_width": "40px"}, layout={"width": "360px"},
                                   tooltip=what)

    controls = {
        "w1": slider("w₁", w1, "weight of input x₁: tilts the line"),
        "w2": slider("w₂", w2, "weight of input x₂: tilts the line the other way"),
        "b": slider("b", b, "bias: slides the line without turning it"),
        "data": Menu(options=frames.names, value=frames.start, description="data",
                     style={"description_width": "40px"}),
    }

    def show_figure_of_data(widget: Any) -> None:  # the text-size report reads the figure shown
        widget.picture.figure = frames.plots[widget.controls["data"].value].fig

    return LiveWidget(
        controls, frames, react={"data": show_figure_of_data},
        help="<b>w₁</b> and <b>w₂</b> turn the line (each weighs one input); <b>b</b> (the bias) slides it. "
             "The shaded side is where z = w₁·x₁ + w₂·x₂ + b &gt; 0, so the neuron outputs 1. "
             "Circled points are on the wrong side. Keyboard: Tab to a control, then ← → (slider) or ↑ ↓ (menu).",
        arrange=lambda c, help_text, picture: [row(widgets.VBox([c["w1"], c["w2"], c["b"]]), c["data"]),
                                               help_text, picture.readout, picture])
