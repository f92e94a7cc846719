"""Drag the learning rate and watch gradient descent walk down (or off) a loss curve (lesson 06).

``learning_rate_explorer()`` shows a 1-D loss curve with the points gradient descent visits
and, next to it, how far the loss still is above its lowest value after each step. Its named
controls (:class:`dlcourse.widgets.live.LiveWidget`) are ``"learning rate"`` (a log slider:
each notch multiplies it by the same factor), ``"start"``, ``"steps"`` and ``"curve"``.
:class:`DescentFrames` turns their values into a frame without any widget: the path is the
engine's ``nn.SGD`` (:func:`dlcourse.descent.descent_path`), the sentence
:func:`dlcourse.descent.verdict`, and one figure per curve redraws only its path. Sliders
work with the keyboard: Tab to one, then the arrow keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["DescentFrames", "learning_rate_explorer"]


class DescentFrames:
    """The explorer's frames without widgets: ``frames(values)`` is a :class:`~dlcourse.widgets.picture.Frame`.

    ``values`` maps ``"learning rate"``, ``"start"``, ``"steps"`` and ``"curve"`` (a name of
    :data:`dlcourse.surfaces.CURVES`) to their values. One :class:`~dlcourse.viz.descent.DescentPlot`
    per curve is made, and its background drawn, at once (a first drawing takes far longer than a
    redraw). Introduced in lesson 06.
    """

    def __init__(self, max_steps: int = 100) -> None:
        from dlcourse.surfaces import CURVES, get_curve  # noqa: PLC0415
        from dlcourse.viz.descent import DescentPlot  # noqa: PLC0415

        self.plots = {name: DescentPlot(get_curve(name), max_steps=max_steps) for name in CURVES}
        for plot in self.plots.values():
            plot.png()
        self.figure = next(iter(self.plots.values())).fig  # every curve's figure has the same size and text

    def __call__(self, values: Mapping[str, Any]) -> Any:
        from dlcourse.descent import descent_path, verdict  # noqa: PLC0415
        from dlcourse.surfaces import get_curve  # noqa: PLC0415
        from dlcourse.widgets.picture import Frame  # noqa: PLC0415

        curve = get_curve(values["curve"])
        rate, start, steps = float(values["learning rate"]), float(values["start"]), int(values["steps"])
        plot = self.plots[curve.name]
        path = descent_path(curve.grad, start, rate, steps)
        plot.update(path)
        what = verdict(curve, path, steps)
        factor = 1 - rate * curve.curvature
        return Frame(
            plot.png(),
            f"η = {rate:.3g}: <b>{what}</b>. Near the minimum each step multiplies the "
            f"distance to it by 1 − η·a = {factor:+.2f} (a = L″(w*) = {curve.curvature:.3g}); "
            f"last point w = {path[-1]:.4g}.",
            f"Left: the loss curve {curve.formula} with {steps} gradient-descent steps from w = "
            f"{start:.1f} at learning rate {rate:.3g}, ending at w = {path[-1]:.4g}. Right: the "
            f"distance to the lowest loss after each step, on a log scale: {what}.")


def learning_rate_explorer(curve: str = "quadratic", learning_rate: float = 0.1, start: float | None = None,
                           steps: int = 20) -> Any:
    """A widget: learning rate (log slider), start point, steps and curve, over one live figure.

    The defaults (the parabola ``(w − 3)² + 1`` from w = 0, η = 0.1) converge slowly; the
    interesting places are η = 0.5 (one step), between 0.5 and 1 (overshoots, but converges),
    η = 1 (bounces forever) and above 1 (diverges).
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from dlcourse.surfaces import CURVES, get_curve  # noqa: PLC0415
    from dlcourse.widgets.live import LiveWidget  # noqa: PLC0415
    from dlcourse.widgets.menu import Menu  # noqa: PLC0415
    from dlcourse.widgets.picture import row  # noqa: PLC0415

    first = get_curve(curve)
    wide = {"description_width": "110px"}
    layout = {"width": "420px"}
    controls = {
        "learning rate": widgets.FloatLogSlider(value=learning_rate, base=10, min=-2.5, max=0.5, step=0.05,
                                                description="learning rate η", readout_format=".3g", style=wide,
                                                layout=layout, continuous_update=True),
        "start": widgets.FloatSlider(value=first.start if start is None else start, min=first.xlim[0],
                                     max=first.xlim[1], step=0.1, description="start w₀", readout_format=".1f",
                                     style=wide, layout=layout, continuous_update=True),
        "steps": widgets.IntSlider(value=steps, min=1, max=100, step=1, description="steps", style=wide,
                                   layout=layout, continuous_update=True),
        "curve": Menu(options=list(CURVES), value=first.name, description="curve",
                      style={"description_width": "50px"}, layout={"width": "200px"}),
    }

    def new_curve(widget: LiveWidget) -> None:
        """A new curve puts the start slider on its range and its usual start (one draw follows)."""
        the_curve, s_start = get_curve(widget.controls["curve"].value), widget.controls["start"]
        s_start.min, s_start.max = min(s_start.min, the_curve.xlim[0]), max(s_start.max, the_curve.xlim[1])
        s_start.value = the_curve.start
        s_start.min, s_start.max = the_curve.xlim

    def arrange(c: Mapping[str, Any], help_text: Any, picture: Any) -> list[Any]:
        return [row(widgets.VBox([c["learning rate"], c["start"], c["steps"]]), c["curve"]), help_text,
                picture.readout, picture]

    return LiveWidget(
        controls, DescentFrames(max_steps=controls["steps"].max), arrange=arrange, react={"curve": new_curve},
        help="<b>learning rate η</b>: the size of each step, w ← w − η·L′(w) (log scale: each notch multiplies it "
             "by 1.12). <b>start w₀</b>: where descent begins (✕). <b>steps</b>: how many updates. <b>curve</b>: "
             "the loss to descend. Keyboard: Tab to a control, then ← → (slider) or ↑ ↓ (menu).")
