"""Move a point along an activation function and watch its value and slope (lesson 02).

``activation_explorer()`` shows one activation ``f(z)`` with a point and its tangent, and the
derivative ``f'(z)`` beside it. The ``z`` slider (first, so the keyboard reaches it first) moves
the point; the menu switches the activation. Its frames (:class:`ActivationFrames`, no widgets
needed) draw into one figure made once: each moves the point, the tangent and (for a new
activation) the curves. Both controls work with the keyboard: Tab to one, then ← → or ↑ ↓.

Introduced in lesson 02.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["ActivationFrames", "activation_explorer", "describe_slope"]

def describe_slope(slope: float) -> str:
    """One sentence on what a slope means for learning: flat, dead, or passing the gradient on.

    Introduced in lesson 02.
    """
    if slope == 0:
        return ("The slope is exactly 0: no gradient passes back through this input, so the weights "
                "in front of it get no update (a ReLU unit stuck here is “dead”).")
    if abs(slope) < 0.01:
        return ("The curve is almost flat here (saturated): the gradient passing back is multiplied by "
                f"{slope:.3g}, so learning nearly stops.")
    if abs(slope) < 0.5:
        return f"The gradient passing back is multiplied by {slope:.3g}: it shrinks."
    return f"The gradient passing back is multiplied by {slope:.3g}: it passes on at nearly full strength."


class ActivationFrames:
    """The explorer's frames without widgets: ``frames({"z": z, "activation": name})`` is a :class:`Frame`.

    One figure (``figure``) is made once with every activation's axes drawn, so that each frame
    only moves the point and the tangent. ``labels`` names each activation as its menu does.
    Introduced in lesson 02.
    """

    def __init__(self, name: str = "sigmoid", z: float = 3.0, negative_slope: float = 0.2) -> None:
        from dlcourse.viz.activations import ACTIVATION_LABELS, plot_activation_point  # noqa: PLC0415

        if name not in ACTIVATION_LABELS:
            raise ValueError(f"activation_explorer knows {', '.join(ACTIVATION_LABELS)}; got {name!r}")
        self.labels = {key: f"leaky ReLU (negative_slope {negative_slope:g})" if key == "leaky_relu" else label
                       for key, label in ACTIVATION_LABELS.items()}
        self.plot = plot_activation_point(name, float(z), negative_slope=negative_slope)
        self.plot.prepare()  # every activation's axes now, so that each later frame only moves the point
        self.figure = self.plot.fig

    def __call__(self, values: Mapping[str, Any]) -> Any:
        from dlcourse.widgets.frame import Frame  # noqa: PLC0415

        value, slope = self.plot.update(values["activation"], values["z"])
        label, at = self.labels[values["activation"]], values["z"]
        return Frame(
            self.plot.png(),
            f"{label}: f({at:.1f}) = <b>{value:.4f}</b>, slope f′({at:.1f}) = <b>{slope:.4f}</b>. "
            f"{describe_slope(slope)}",
            f"Left: the curve of {label} for z from −6 to 6, with a point at z = {at:.1f}, f(z) = {value:.4f}, "
            f"and its tangent line. Right: the slope f′(z), with the point at z = {at:.1f}, f′(z) = {slope:.4f}.")


def activation_explorer(name: str = "sigmoid", z: float = 3.0, negative_slope: float = 0.2) -> Any:
    """A widget: a ``z`` slider and an activation menu over one live figure of ``f`` and ``f'``.

    The defaults show a sigmoid at ``z = 3``, already flattening out: slide ``z`` further
    right and watch the slope vanish. ``negative_slope`` is leaky ReLU's slope for ``z < 0``
    (Keras 3's default, 0.2). Its controls are named ``z`` and ``activation``; its frames are
    :class:`ActivationFrames`. Introduced in lesson 02.
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from dlcourse.widgets.live import LiveWidget  # noqa: PLC0415
    from dlcourse.widgets.menu import Menu  # noqa: PLC0415
    from dlcourse.widgets.picture import row  # noqa: PLC0415

    frames = ActivationFrames(name, z, negative_slope)
    controls = {
        "z": widgets.FloatSlider(value=float(z), min=-6.0, max=6.0, step=0.1, description="z",
                                 readout_format=".1f", continuous_update=True,
                                 style={"description_width": "70px"}, layout={"width": "400px"},
                                 tooltip="the weighted sum z: moves the point along the curve"),
        "activation": Menu(options=[(label, key) for key, label in frames.labels.items()], value=name,
                           description="activation", style={"description_width": "70px"},
                           layout={"width": "320px"}),
    }
    return LiveWidget(
        controls, frames,
        help="<b>z</b> (the neuron's weighted sum) moves the point along the curve; <b>activation</b> picks "
             "the function. Left: the output f(z) and the tangent line at the point. Right: the slope f′(z), "
             "the number backpropagation multiplies the gradient by. Keyboard: Tab to a control, then ← → "
             "(slider) or ↑ ↓ (menu).",
        arrange=lambda c, help_text, picture: [row(c["z"], c["activation"]), help_text, picture.readout, picture])
