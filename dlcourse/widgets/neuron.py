"""Move a neuron's decision line with sliders (lesson 01).

``neuron_explorer()`` shows AND, OR and XOR (or your own 2-D points) with sliders for the
weights ``w1``, ``w2`` and the bias ``b``. One figure per dataset is made once, when the widget
is built; each slider move changes the line, the shading and the circles and re-renders only
those into the same image widget (:meth:`NeuronPlot.png`, a few tens of milliseconds), so the
picture changes in place without flicker. Sliders work with the keyboard: Tab to one, then
the arrow keys.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["LOGIC_GATES", "neuron_explorer"]

_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
#: The four input pairs and the targets of AND, OR and XOR.
LOGIC_GATES: dict[str, tuple[np.ndarray, np.ndarray]] = {
    "AND": (_INPUTS, np.array([0, 0, 0, 1])),
    "OR": (_INPUTS, np.array([0, 1, 1, 1])),
    "XOR": (_INPUTS, np.array([0, 1, 1, 0])),
}


def neuron_explorer(datasets: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
                    w1: float = 1.0, w2: float = 1.0, b: float = -0.5, start: str | None = None) -> Any:
    """A widget: sliders for ``w1``, ``w2``, ``b`` and a data menu, over one live figure.

    ``datasets`` maps a name to ``(X, y)`` with X of shape (m, 2) and y of 0/1 labels
    (default: AND, OR and XOR). The defaults draw OR correctly and AND with one mistake.
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from dlcourse.viz.boundary import plot_neuron  # noqa: PLC0415
    from dlcourse.widgets.picture import Frame, Picture, row  # noqa: PLC0415

    datasets = datasets or LOGIC_GATES
    names = list(datasets)
    start = start if start in datasets else names[0]

    def slider(description: str, value: float, what: str) -> Any:
        return widgets.FloatSlider(value=value, min=-3.0, max=3.0, step=0.1, description=description,
                                   readout_format=".1f", continuous_update=True,
                                   style={"description_width": "40px"}, layout={"width": "360px"},
                                   tooltip=what)

    s_w1 = slider("w₁", w1, "weight of input x₁: tilts the line")
    s_w2 = slider("w₂", w2, "weight of input x₂: tilts the line the other way")
    s_b = slider("b", b, "bias: slides the line without turning it")
    menu = widgets.Dropdown(options=names, value=start, description="data", style={"description_width": "40px"})
    help_text = widgets.HTML(
        "<b>w₁</b> and <b>w₂</b> turn the line (each weighs one input); <b>b</b> (the bias) slides it. "
        "The shaded side is where z = w₁·x₁ + w₂·x₂ + b &gt; 0, so the neuron outputs 1. "
        "Circled points are on the wrong side. Keyboard: Tab to a slider, then ← →.")
    # One figure per dataset, made and drawn once now, so that switching data is as fast as a slider.
    plots = {name: plot_neuron(X, y, (w1, w2), b, name=name) for name, (X, y) in datasets.items()}
    for plot in plots.values():
        plot.png()
    picture = Picture(plots[start].fig)

    def draw(*_: Any) -> None:
        plot = plots[menu.value]
        correct = plot.update((s_w1.value, s_w2.value), s_b.value)
        picture.figure = plot.fig
        picture.show(Frame(
            plot.png(),
            f"z = {s_w1.value:.1f}·x₁ + {s_w2.value:.1f}·x₂ + ({s_b.value:.1f}) &nbsp;→&nbsp; "
            f"<b>{correct} of {len(plot.y)}</b> points correct",
            describe(plot, correct)))

    def describe(plot: Any, correct: int) -> str:
        z = plot.X @ np.array([s_w1.value, s_w2.value]) + s_b.value
        points = "; ".join(f"({x1:g}, {x2:g}) class {int(t)}, {'output 1' if v > 0 else 'output 0'}"
                           f"{'' if (v > 0) == bool(t) else ', wrong (circled)'}"
                           for (x1, x2), t, v in zip(plot.X, plot.y, z))
        if len(plot.y) > 8:
            points = f"{len(plot.y) - correct} wrong points are circled"
        return (f"{menu.value}: the line z = {s_w1.value:.1f}·x₁ + {s_w2.value:.1f}·x₂ + ({s_b.value:.1f}) = 0 "
                f"splits the plane; the shaded side outputs 1. {correct} of {len(plot.y)} points correct: {points}.")

    for control in (s_w1, s_w2, s_b, menu):
        control.observe(draw, names="value")
    draw()
    box = widgets.VBox([row(widgets.VBox([s_w1, s_w2, s_b]), menu), help_text, picture.readout, picture])
    box.add_class("dlcourse-main")
    return box
