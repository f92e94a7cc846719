"""Slide a prediction between 0 and 1 and watch what each loss charges, and how hard it pushes (lesson 04).

``loss_explorer()`` shows mean squared error and binary cross-entropy for one example against
the predicted probability ``p``, with a point on each curve, and beside them the size of each
loss's slope. The ``p`` slider comes first (the keyboard reaches it first); a menu switches the
target between 1 and 0, another the slope between ``dL/dp`` and ``dL/dz`` (through a sigmoid).
One figure is made once; every change moves the points and re-renders that same figure into an
image widget. Keyboard: Tab to a control, then ← → or ↑ ↓.

Introduced in lesson 04.
"""

from __future__ import annotations

from typing import Any

__all__ = ["loss_explorer"]


def loss_explorer(p: float = 0.1, target: int = 1) -> Any:
    """A widget: a prediction slider, a target menu and a slope menu over one live figure.

    The defaults show a confidently wrong prediction (``p = 0.1`` for target 1), where
    cross-entropy's wall and push are large and squared error's are small. Introduced in lesson 04.
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from dlcourse.viz.losses import LOSS_LABELS, plot_loss_curves  # noqa: PLC0415
    from dlcourse.widgets.picture import Frame, Picture, row  # noqa: PLC0415

    p_slider = widgets.FloatSlider(value=float(p), min=0.01, max=0.99, step=0.01, description="prediction p",
                                   readout_format=".2f", continuous_update=True,
                                   style={"description_width": "90px"}, layout={"width": "440px"},
                                   tooltip="the predicted probability of class 1")
    target_menu = widgets.Dropdown(options=[("1 (the example is class 1)", 1), ("0 (the example is class 0)", 0)],
                                   value=int(target), description="target y",
                                   style={"description_width": "60px"}, layout={"width": "300px"})
    slope_menu = widgets.Dropdown(options=[("the prediction p", "p"), ("the logit z, p = sigmoid(z)", "z")],
                                  value="p", description="slope w.r.t.",
                                  style={"description_width": "90px"}, layout={"width": "330px"})
    help_text = widgets.HTML(
        "<b>prediction p</b> is the model's probability for class 1; <b>target y</b> is the right answer; "
        "<b>slope w.r.t.</b> picks what the right panel differentiates by: p itself, or the logit z that a "
        "sigmoid output turns into p. Left: each loss for this one example. Right: how hard each loss pushes "
        "(the size of its slope), which sets the size of the training step. "
        "Keyboard: Tab to a control, then ← → (slider) or ↑ ↓ (menus).")
    plot = plot_loss_curves(float(p), int(target))
    plot.prepare()  # draw every target/slope background now, so that each later change only moves points
    picture = Picture(plot.fig)

    def draw(*_: Any) -> None:
        values = plot.update(p_slider.value, target_menu.value, slope_menu.value)
        wrt = slope_menu.value
        parts = [f"{LOSS_LABELS[name]} = <b>{loss:.4f}</b> (dL/d{wrt} = {slope:+.3f})"
                 for name, (loss, slope) in values.items()]
        spoken = "; ".join(f"{LOSS_LABELS[name]} {loss:.4f}, slope {slope:+.3f}" for name, (loss, slope) in values.items())
        picture.show(Frame(
            plot.png(),
            f"p = {p_slider.value:.2f}, target {target_menu.value}: " + "; ".join(parts) + ".",
            f"Left: each loss against the prediction p from 0 to 1 for target {target_menu.value}; right: the size "
            f"of its slope with respect to {wrt}. Points mark p = {p_slider.value:.2f}: {spoken}."))

    for control in (p_slider, target_menu, slope_menu):
        control.observe(draw, names="value")
    draw()
    box = widgets.VBox([p_slider, row(target_menu, slope_menu), help_text, picture.readout, picture])
    box.add_class("dlcourse-main")
    return box
