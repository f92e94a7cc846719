"""Drag the learning rate and watch gradient descent walk down (or off) a loss curve (lesson 06).

``learning_rate_explorer()`` shows a 1-D loss curve with the points gradient descent visits
and, next to it, how far the loss still is above its lowest value after each step. The first
control is the learning rate, on a log scale (each notch multiplies it by the same factor);
the others set the start point, the number of steps and the curve. One figure is made per
curve and only its path is redrawn, into an image widget, so nothing flickers. Sliders work
with the keyboard: Tab to one, then the arrow keys.
"""

from __future__ import annotations

from typing import Any

__all__ = ["learning_rate_explorer"]


def learning_rate_explorer(curve: str = "quadratic", learning_rate: float = 0.1, start: float | None = None,
                           steps: int = 20) -> Any:
    """A widget: learning rate (log slider), start point, steps and curve, over one live figure.

    The defaults (the parabola ``(w − 3)² + 1`` from w = 0, η = 0.1) converge slowly; the
    interesting places are η = 0.5 (one step), between 0.5 and 1 (overshoots, but converges),
    η = 1 (bounces forever) and above 1 (diverges).
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from dlcourse.surfaces import CURVES, get_curve  # noqa: PLC0415
    from dlcourse.descent import descent_path, verdict  # noqa: PLC0415
    from dlcourse.viz.descent import DescentPlot  # noqa: PLC0415
    from dlcourse.widgets.picture import Frame, Picture, row  # noqa: PLC0415

    first = get_curve(curve)
    wide = {"description_width": "110px"}
    layout = {"width": "420px"}
    s_rate = widgets.FloatLogSlider(value=learning_rate, base=10, min=-2.5, max=0.5, step=0.05,
                                    description="learning rate η", readout_format=".3g", style=wide, layout=layout,
                                    continuous_update=True)
    s_start = widgets.FloatSlider(value=first.start if start is None else start, min=first.xlim[0],
                                  max=first.xlim[1], step=0.1, description="start w₀", readout_format=".1f",
                                  style=wide, layout=layout, continuous_update=True)
    s_steps = widgets.IntSlider(value=steps, min=1, max=100, step=1, description="steps", style=wide,
                                layout=layout, continuous_update=True)
    menu = widgets.Dropdown(options=list(CURVES), value=first.name, description="curve", style={"description_width": "50px"},
                            layout={"width": "200px"})
    help_text = widgets.HTML(
        "<b>learning rate η</b>: the size of each step, w ← w − η·L′(w) (log scale: each notch multiplies it "
        "by 1.12). <b>start w₀</b>: where descent begins (✕). <b>steps</b>: how many updates. <b>curve</b>: "
        "the loss to descend. Keyboard: Tab to a slider, then ← →.")
    picture = Picture()
    plots: dict[str, Any] = {}
    state = {"busy": False}

    def draw(*_: Any) -> None:
        if state["busy"]:
            return
        the_curve = get_curve(menu.value)
        plot = plots[the_curve.name]
        path = descent_path(the_curve.grad, s_start.value, s_rate.value, s_steps.value)
        plot.update(path)
        what = verdict(the_curve, path, s_steps.value)
        factor = 1 - s_rate.value * the_curve.curvature
        picture.figure = plot.fig
        picture.show(Frame(
            plot.png(),
            f"η = {s_rate.value:.3g}: <b>{what}</b>. Near the minimum each step multiplies the "
            f"distance to it by 1 − η·a = {factor:+.2f} (a = L″(w*) = {the_curve.curvature:.3g}); "
            f"last point w = {path[-1]:.4g}.",
            f"Left: the loss curve {the_curve.formula} with {s_steps.value} gradient-descent steps from w = "
            f"{s_start.value:.1f} at learning rate {s_rate.value:.3g}, ending at w = {path[-1]:.4g}. Right: the "
            f"distance to the lowest loss after each step, on a log scale: {what}."))

    def new_curve(change: Any) -> None:
        the_curve = get_curve(change["new"])
        state["busy"] = True  # move the start slider without drawing twice
        try:
            s_start.min, s_start.max = min(s_start.min, the_curve.xlim[0]), max(s_start.max, the_curve.xlim[1])
            s_start.value = the_curve.start
            s_start.min, s_start.max = the_curve.xlim
        finally:
            state["busy"] = False
        draw()

    for control in (s_rate, s_start, s_steps):
        control.observe(draw, names="value")
    menu.observe(new_curve, names="value")
    # One figure per curve, its background drawn now: a first drawing takes far longer than a redraw.
    for name in CURVES:
        plots[name] = DescentPlot(get_curve(name), max_steps=s_steps.max)
        plots[name].png()
    draw()
    box = widgets.VBox([row(widgets.VBox([s_rate, s_start, s_steps]), menu), help_text, picture.readout, picture])
    box.add_class("dlcourse-main")
    return box
