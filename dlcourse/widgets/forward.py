"""Change an email's words and the network's weights, and watch the forward pass (lesson 03).

``forward_explorer()`` shows the spam filter of lesson 03 (3 keyword inputs, 2 ReLU units,
1 sigmoid output) as a network diagram with live numbers: a checkbox per keyword (is the word
in the email?), and a slider per weight and bias, grouped by the neuron they feed. Each
frame (:class:`ForwardFrames`, no widgets needed) runs the forward pass in the engine (through
:func:`dlcourse.explain.forward`) and redraws the same figure in place: only the lines, neurons
and numbers are redrawn. The
controls work with the keyboard: Tab to one, then Space (checkbox) or ← → (slider).

Introduced in lesson 03.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["ForwardFrames", "forward_explorer"]


class ForwardFrames:
    """The explorer's frames without widgets: ``frames(values)`` is a :class:`Frame`.

    ``values`` maps each control's name (:attr:`names`: every input's name, then for each neuron
    its weights ``"<from> → <into>"`` and its ``"bias <into>"``) to its value. The network diagram
    (``figure``) is made once and redrawn in place. Introduced in lesson 03.
    """

    def __init__(self, weights: Sequence[np.ndarray] | None = None, x: Sequence[float] | None = None,
                 activations: Sequence[str] = ("relu", "sigmoid"), input_names: Sequence[str] | None = None,
                 threshold: float = 0.5, precision: int = 3) -> None:
        from dlcourse.data import SPAM_EXAMPLE  # noqa: PLC0415
        from dlcourse.explain import forward  # noqa: PLC0415
        from dlcourse.viz.network import plot_network  # noqa: PLC0415

        if weights is None:
            weights, x = SPAM_EXAMPLE.weights(), SPAM_EXAMPLE.x if x is None else x
            input_names = SPAM_EXAMPLE.features if input_names is None else input_names
        self.start = [np.array(w, dtype=float) for w in weights]
        self.x = np.asarray(x if x is not None else np.zeros(self.start[0].shape[0]), dtype=float)
        self.activations, self.threshold, self.precision = list(activations), threshold, precision
        first = forward(self.start, self.x, self.activations, input_names=input_names, precision=precision)
        self.input_names = list(first.input_names)
        self.units = [list(layer.unit_names) for layer in first.layers]
        #: For each layer, the names of its kernel's entries (rows: inputs, columns: units) and biases.
        self.kernel_names: list[list[list[str]]] = []
        self.bias_names: list[list[str]] = []
        for layer, kernel in enumerate(self.start[::2]):
            below = self.input_names if layer == 0 else self.units[layer - 1]
            self.kernel_names.append([[f"{below[i]} → {self.units[layer][j]}" for j in range(kernel.shape[1])]
                                      for i in range(kernel.shape[0])])
            self.bias_names.append([f"bias {unit}" for unit in self.units[layer]])
        # The weights' numbers are on the sliders; the picture shows them as lines (numbers on all
        # the lines would cost more to redraw than a slider move may take) and writes the biases.
        self.plot = plot_network([layer.kernel for layer in first.layers], [layer.bias for layer in first.layers],
                                 input_names=self.input_names, unit_names=self.units, activations=self.activations,
                                 values=[first.x[0]] + [layer.a[0] for layer in first.layers],
                                 precision=precision, scale=1.0, show_numbers=False,
                                 title="Forward pass: the activations in the neurons", figsize=(6.4, 3.8))
        self.plot.fig.set_dpi(85)
        self.figure = self.plot.fig

    def start_values(self) -> dict[str, float]:
        """Every control's starting value, by name: the inputs, then each neuron's weights and bias."""
        values = {name: float(v) for name, v in zip(self.input_names, self.x)}
        for kernel, bias, names, biases in zip(self.start[::2], self.start[1::2], self.kernel_names, self.bias_names):
            for j in range(kernel.shape[1]):
                values.update({names[i][j]: float(kernel[i, j]) for i in range(kernel.shape[0])})
                values[biases[j]] = float(bias[j])
        return values

    def __call__(self, values: Mapping[str, Any]) -> Any:
        from dlcourse.explain import forward  # noqa: PLC0415
        from dlcourse.explain.render import forward_sections  # noqa: PLC0415
        from dlcourse.viz.network import format_number  # noqa: PLC0415
        from dlcourse.widgets.frame import Frame  # noqa: PLC0415

        ws = []
        for names, biases in zip(self.kernel_names, self.bias_names):
            ws.append(np.array([[values[n] for n in row] for row in names], dtype=float))
            ws.append(np.array([values[n] for n in biases], dtype=float))
        xs = np.array([float(values[n]) for n in self.input_names], dtype=float)
        precision = self.precision
        walk = forward(ws, xs, self.activations, input_names=self.input_names, precision=precision)
        for layer in walk.layers:  # slider values like 0.4 + 0.1 - 0.5 leave rounding dust; show it as 0
            layer.z, layer.a = np.round(layer.z, 12), np.round(layer.a, 12)
        self.plot.update(kernels=ws[::2], biases=ws[1::2], values=[xs] + [layer.a[0] for layer in walk.layers])
        lines, spoken = [], []
        for section, layer in zip(forward_sections(walk)[1:], walk.layers):
            for unit, total, z, a in section.tables[0].rows:
                lines.append(f"<b>{unit}</b>: z = {total} = <b>{z}</b> &nbsp;→&nbsp; "
                             f"{layer.activation}(z) = <b>{a}</b>")
                spoken.append(f"{unit} = {a}")
        out = float(walk.output[0, 0])
        verdict = "spam" if out > self.threshold else "not spam"
        sign = "&gt;" if out > self.threshold else "≤"
        lines.append(f"Output {format_number(out, precision)} {sign} {self.threshold:g} &nbsp;→&nbsp; <b>{verdict}</b>")
        given = ", ".join(f"{n} = {format_number(v, precision)}" for n, v in zip(self.input_names, xs))
        return Frame(
            self.plot.png(),
            "<div style='font-family:monospace;font-size:13px'>" + "<br>".join(lines) + "</div>",
            f"The network diagram: inputs {given}; each neuron shows its activation: {', '.join(spoken)}. "
            f"Lines are the weights: solid for positive, dashed for negative, thicker for larger. "
            f"Verdict: {verdict}.")


def forward_explorer(weights: Sequence[np.ndarray] | None = None, x: Sequence[float] | None = None,
                     activations: Sequence[str] = ("relu", "sigmoid"), input_names: Sequence[str] | None = None,
                     threshold: float = 0.5, precision: int = 3) -> Any:
    """A widget: the forward pass of a small network with one control per input, weight and bias.

    Defaults: the spam example of lesson 03 (``dlcourse.data.SPAM_EXAMPLE``), an email with
    "free" and "offer" but not "win". Inputs that are 0 or 1 get checkboxes, other inputs
    sliders. The verdict line compares the output with ``threshold``. Controls are named as in
    :class:`ForwardFrames` (``"free"``, ``"free → H1"``, ``"bias H1"``, …), in page order.
    Introduced in lesson 03.
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from dlcourse.widgets.live import LiveWidget  # noqa: PLC0415
    from dlcourse.widgets.picture import row  # noqa: PLC0415

    frames = ForwardFrames(weights, x, activations, input_names, threshold, precision)
    start = frames.start_values()
    binary = bool(np.isin(frames.x, (0.0, 1.0)).all())
    controls: dict[str, Any] = {}
    for n in frames.input_names:
        if binary:
            controls[n] = widgets.Checkbox(value=bool(start[n]), description=f"“{n}”", indent=False,
                                           layout={"width": "110px"})
        else:
            controls[n] = widgets.FloatSlider(value=round(start[n], 1), min=-3, max=3, step=0.1, description=n,
                                              readout_format=".1f", layout={"width": "230px"},
                                              style={"description_width": "60px"})
    columns = []
    for layer, (names, biases) in enumerate(zip(frames.kernel_names, frames.bias_names)):
        for j, unit in enumerate(frames.units[layer]):
            column = [names[i][j] for i in range(len(names))] + [biases[j]]
            for name in column:
                what = f"bias of {unit}" if name == biases[j] else f"weight from {name.split(' → ')[0]} into {unit}"
                # Built at a value the slider can take (a multiple of its step), so the page keeps it.
                controls[name] = widgets.FloatSlider(
                    value=round(start[name], 1), min=-1.5, max=1.5, step=0.1, description=name,
                    readout_format=".1f", continuous_update=True, tooltip=what,
                    style={"description_width": "80px"}, layout={"width": "250px"})
            columns.append((f"<b>into {unit}</b> ({frames.activations[layer]})", column))
    what = "Tick the words the email contains." if binary else "The sliders in the first row set the inputs."

    def arrange(c: Mapping[str, Any], help_text: Any, picture: Any) -> list[Any]:
        inputs = [c[n] for n in frames.input_names]
        boxes = [widgets.VBox([widgets.HTML(title)] + [c[n] for n in column]) for title, column in columns]
        return [row(widgets.HTML("<b>Email contains:</b>" if binary else "<b>Inputs:</b>"), *inputs),
                widgets.HBox(boxes, layout={"flex_flow": "row wrap"}), help_text, row(picture, picture.readout)]

    return LiveWidget(
        controls, frames, arrange=arrange,
        help=f"{what} Each slider above is one weight (<i>from → into</i>) or a bias, grouped by the neuron it "
             "feeds. In the picture, blue solid lines are positive weights, vermillion dashed lines negative "
             "ones, and thicker means larger; each neuron shows its activation. Keyboard: Tab to a control, "
             "then Space (checkbox) or ← → (slider).")
