"""Change an email's words and the network's weights, and watch the forward pass (lesson 03).

``forward_explorer()`` shows the spam filter of lesson 03 (3 keyword inputs, 2 ReLU units,
1 sigmoid output) as a network diagram with live numbers: a checkbox per keyword (is the word
in the email?), and a slider per weight and bias, grouped by the neuron they feed. Every
change runs the forward pass in the engine (through :func:`dlcourse.explain.forward`) and
redraws the same figure in place: only the lines, neurons and numbers are redrawn. The
controls work with the keyboard: Tab to one, then Space (checkbox) or ← → (slider).

Introduced in lesson 03.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

__all__ = ["forward_explorer"]


def forward_explorer(weights: Sequence[np.ndarray] | None = None, x: Sequence[float] | None = None,
                     activations: Sequence[str] = ("relu", "sigmoid"), input_names: Sequence[str] | None = None,
                     threshold: float = 0.5, precision: int = 3) -> Any:
    """A widget: the forward pass of a small network with one control per input, weight and bias.

    Defaults: the spam example of lesson 03 (``dlcourse.data.SPAM_EXAMPLE``), an email with
    "free" and "offer" but not "win". Inputs that are 0 or 1 get checkboxes, other inputs
    sliders. The verdict line compares the output with ``threshold``.
    Introduced in lesson 03.
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from dlcourse.data import SPAM_EXAMPLE  # noqa: PLC0415
    from dlcourse.explain import forward  # noqa: PLC0415
    from dlcourse.explain.render import forward_sections  # noqa: PLC0415
    from dlcourse.viz.network import format_number, plot_network  # noqa: PLC0415
    from dlcourse.widgets.picture import Frame, Picture, row  # noqa: PLC0415

    if weights is None:
        weights, x = SPAM_EXAMPLE.weights(), SPAM_EXAMPLE.x if x is None else x
        input_names = SPAM_EXAMPLE.features if input_names is None else input_names
    start = [np.array(w, dtype=float) for w in weights]
    x0 = np.asarray(x if x is not None else np.zeros(start[0].shape[0]), dtype=float)
    first = forward(start, x0, list(activations), input_names=input_names, precision=precision)
    names = list(first.input_names)
    units = [layer.unit_names for layer in first.layers]

    binary = bool(np.isin(x0, (0.0, 1.0)).all())
    if binary:
        inputs = [widgets.Checkbox(value=bool(v), description=f"“{n}”", indent=False,
                                   layout={"width": "110px"}) for n, v in zip(names, x0)]
    else:
        inputs = [widgets.FloatSlider(value=round(float(v), 1), min=-3, max=3, step=0.1, description=n,
                                      readout_format=".1f", layout={"width": "230px"},
                                      style={"description_width": "60px"}) for n, v in zip(names, x0)]

    def slider(value: float, description: str, what: str) -> Any:
        # Built at a value the slider can take (a multiple of its step), so the page keeps it.
        return widgets.FloatSlider(value=round(float(value), 1), min=-1.5, max=1.5, step=0.1, description=description,
                                   readout_format=".1f", continuous_update=True, tooltip=what,
                                   style={"description_width": "80px"}, layout={"width": "250px"})

    kernel_sliders: list[list[list[Any]]] = []
    bias_sliders: list[list[Any]] = []
    columns = []
    for layer, (kernel, bias) in enumerate(zip(start[::2], start[1::2])):
        below = names if layer == 0 else list(units[layer - 1])
        rows = [[slider(kernel[i, j], f"{below[i]} → {units[layer][j]}", f"weight from {below[i]} into "
                        f"{units[layer][j]}") for j in range(kernel.shape[1])] for i in range(kernel.shape[0])]
        biases = [slider(bias[j], f"bias {units[layer][j]}", f"bias of {units[layer][j]}")
                  for j in range(kernel.shape[1])]
        kernel_sliders.append(rows)
        bias_sliders.append(biases)
        for j in range(kernel.shape[1]):
            title = widgets.HTML(f"<b>into {units[layer][j]}</b> ({activations[layer]})")
            columns.append(widgets.VBox([title] + [rows[i][j] for i in range(kernel.shape[0])] + [biases[j]]))

    # The weights' numbers are on the sliders; the picture shows them as lines (numbers on all
    # the lines would cost more to redraw than a slider move may take) and writes the biases.
    plot = plot_network([layer.kernel for layer in first.layers], [layer.bias for layer in first.layers],
                        input_names=names, unit_names=units,
                        activations=list(activations), values=[first.x[0]] + [layer.a[0] for layer in first.layers],
                        precision=precision, scale=1.0, show_numbers=False,
                        title="Forward pass: the activations in the neurons", figsize=(6.4, 3.8))
    plot.fig.set_dpi(85)
    picture = Picture(plot.fig)

    def current() -> tuple[list[np.ndarray], np.ndarray]:
        ws = []
        for rows, biases in zip(kernel_sliders, bias_sliders):
            ws.append(np.array([[s.value for s in row] for row in rows], dtype=float))
            ws.append(np.array([s.value for s in biases], dtype=float))
        xs = np.array([float(c.value) for c in inputs], dtype=float)
        return ws, xs

    def draw(*_: Any) -> None:
        ws, xs = current()
        walk = forward(ws, xs, list(activations), input_names=names, precision=precision)
        for layer in walk.layers:  # slider values like 0.4 + 0.1 - 0.5 leave rounding dust; show it as 0
            layer.z, layer.a = np.round(layer.z, 12), np.round(layer.a, 12)
        plot.update(kernels=ws[::2], biases=ws[1::2], values=[xs] + [layer.a[0] for layer in walk.layers])
        lines, spoken = [], []
        for section, layer in zip(forward_sections(walk)[1:], walk.layers):
            for unit, total, z, a in section.tables[0].rows:
                lines.append(f"<b>{unit}</b>: z = {total} = <b>{z}</b> &nbsp;→&nbsp; "
                             f"{layer.activation}(z) = <b>{a}</b>")
                spoken.append(f"{unit} = {a}")
        out = float(walk.output[0, 0])
        verdict = "spam" if out > threshold else "not spam"
        sign = "&gt;" if out > threshold else "≤"
        lines.append(f"Output {format_number(out, precision)} {sign} {threshold:g} &nbsp;→&nbsp; <b>{verdict}</b>")
        given = ", ".join(f"{n} = {format_number(v, precision)}" for n, v in zip(names, xs))
        picture.show(Frame(
            plot.png(),
            "<div style='font-family:monospace;font-size:13px'>" + "<br>".join(lines) + "</div>",
            f"The network diagram: inputs {given}; each neuron shows its activation: {', '.join(spoken)}. "
            f"Lines are the weights: solid for positive, dashed for negative, thicker for larger. "
            f"Verdict: {verdict}."))

    controls = inputs + [s for rows in kernel_sliders for row in rows for s in row] + \
        [s for biases in bias_sliders for s in biases]
    for control in controls:
        control.observe(draw, names="value")
    draw()
    what = "Tick the words the email contains." if binary else "The sliders in the first row set the inputs."
    help_text = widgets.HTML(
        f"{what} Each slider below is one weight (<i>from → into</i>) or a bias, grouped by the neuron it "
        "feeds. In the picture, blue solid lines are positive weights, vermillion dashed lines negative "
        "ones, and thicker means larger; each neuron shows its activation. Keyboard: Tab to a control, "
        "then Space (checkbox) or ← → (slider).")
    box = widgets.VBox([row(widgets.HTML("<b>Email contains:</b>" if binary else "<b>Inputs:</b>"), *inputs),
                        widgets.HBox(columns, layout={"flex_flow": "row wrap"}), help_text,
                        row(picture, picture.readout)])
    box.add_class("dlcourse-main")
    return box
