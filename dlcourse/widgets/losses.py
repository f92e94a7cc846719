"""Slide a prediction between 0 and 1 and watch what each loss charges, and how hard it pushes (lesson 04).

``loss_explorer()`` shows mean squared error and binary cross-entropy for one example against
the predicted probability ``p``, with a point on each curve, and beside them the size of each
loss's slope. The ``p`` slider comes first (the keyboard reaches it first); a menu switches the
target between 1 and 0, another the slope between ``dL/dp`` and ``dL/dz`` (through a sigmoid).
Its frames (:class:`LossFrames`, no widgets needed) draw into one figure made once: each moves
the points. Keyboard: Tab to a control, then ← → or ↑ ↓.

Introduced in lesson 04.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["LossFrames", "loss_explorer"]


class LossFrames:
    """The explorer's frames without widgets: ``frames({"p": p, "target": y, "slope": "p" or "z"})`` is a :class:`Frame`.

    One figure (``figure``) is made once with every target's and slope's background drawn, so that
    each frame only moves the points. Introduced in lesson 04.
    """

    def __init__(self, p: float = 0.1, target: int = 1) -> None:
        from dlcourse.viz.losses import plot_loss_curves  # noqa: PLC0415

        self.plot = plot_loss_curves(float(p), int(target))
        self.plot.prepare()  # every target/slope background now, so that each later frame only moves points
        self.figure = self.plot.fig

    def __call__(self, values: Mapping[str, Any]) -> Any:
        from dlcourse.viz.losses import LOSS_LABELS  # noqa: PLC0415
        from dlcourse.widgets.frame import Frame  # noqa: PLC0415

        p, target, wrt = values["p"], values["target"], values["slope"]
        losses = self.plot.update(p, target, wrt)
        parts = [f"{LOSS_LABELS[name]} = <b>{loss:.4f}</b> (dL/d{wrt} = {slope:+.3f})"
                 for name, (loss, slope) in losses.items()]
        spoken = "; ".join(f"{LOSS_LABELS[name]} {loss:.4f}, slope {slope:+.3f}" for name, (loss, slope) in losses.items())
        return Frame(
            self.plot.png(),
            f"p = {p:.2f}, target {target}: " + "; ".join(parts) + ".",
            f"Left: each loss against the prediction p from 0 to 1 for target {target}; right: the size "
            f"of its slope with respect to {wrt}. Points mark p = {p:.2f}: {spoken}.")


def loss_explorer(p: float = 0.1, target: int = 1) -> Any:
    """A widget: a prediction slider, a target menu and a slope menu over one live figure.

    The defaults show a confidently wrong prediction (``p = 0.1`` for target 1), where
    cross-entropy's wall and push are large and squared error's are small. Its controls are
    named ``p``, ``target`` and ``slope``; its frames are :class:`LossFrames`. Introduced in lesson 04.
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from dlcourse.widgets.live import LiveWidget  # noqa: PLC0415
    from dlcourse.widgets.menu import Menu  # noqa: PLC0415
    from dlcourse.widgets.picture import row  # noqa: PLC0415

    controls = {
        "p": widgets.FloatSlider(value=float(p), min=0.01, max=0.99, step=0.01, description="prediction p",
                                 readout_format=".2f", continuous_update=True,
                                 style={"description_width": "90px"}, layout={"width": "440px"},
                                 tooltip="the predicted probability of class 1"),
        "target": Menu(options=[("1 (the example is class 1)", 1), ("0 (the example is class 0)", 0)],
                       value=int(target), description="target y",
                       style={"description_width": "60px"}, layout={"width": "300px"}),
        "slope": Menu(options=[("the prediction p", "p"), ("the logit z, p = sigmoid(z)", "z")],
                      value="p", description="slope w.r.t.",
                      style={"description_width": "90px"}, layout={"width": "330px"}),
    }
    return LiveWidget(
        controls, LossFrames(p, target),
        help="<b>prediction p</b> is the model's probability for class 1; <b>target y</b> is the right answer; "
             "<b>slope w.r.t.</b> picks what the right panel differentiates by: p itself, or the logit z that a "
             "sigmoid output turns into p. Left: each loss for this one example. Right: how hard each loss pushes "
             "(the size of its slope), which sets the size of the training step. "
             "Keyboard: Tab to a control, then ← → (slider) or ↑ ↓ (menus).",
        arrange=lambda c, help_text, picture: [c["p"], row(c["target"], c["slope"]), help_text,
                                               picture.readout, picture])
