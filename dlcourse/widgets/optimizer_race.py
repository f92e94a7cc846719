"""Race optimizers across a loss surface: pick who runs, their learning rates and the course (lesson 07).

``optimizer_race()`` draws the paths of the engine's optimizers (SGD, Momentum, Nesterov,
Adagrad, Adadelta, RMSprop, Adam, AMSGrad) on the contour lines of a 2-D surface. Each
optimizer has a checkbox (run it or not) and a learning-rate slider over round values,
1, 1.5, 2, 3, … 9 times each power of ten (:data:`LEARNING_RATES`; moving it also switches the
optimizer on). Every suggested rate of every surface is one of them, so the slider shows, and
the page sends back, exactly the rate the lesson's text and static plots use. The surface menu picks the ravine, the saddle or the
Rosenbrock valley, and resets the learning rates to ones that suit it; the step slider and its
play button replay the race step by step.

The controls are named (:class:`dlcourse.widgets.live.LiveWidget`): each optimizer's checkbox
by its name ("SGD"), its learning rate by its name and η ("SGD η"), then "surface" and "step".
:class:`RaceFrames` turns their values into a frame without any widget. Every path is computed
(:mod:`dlcourse.descent`, the engine's optimizers) once per (surface, optimizer, learning rate)
and kept; a redraw only moves the path artists of one figure per surface, so a control change
costs a few tens of milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["LEARNING_RATES", "RaceFrames", "optimizer_race"]

DEFAULT_RUNNERS = ("SGD", "Momentum", "RMSprop", "Adam")

#: The learning-rate slider's positions, from 1e-4 to 10: 1, 1.5, 2, 3, ..., 9 times a power of ten.
LEARNING_RATES: tuple[float, ...] = tuple(
    float(f"{m}e{k}") for k in range(-4, 1) for m in (1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9)) + (10.0,)


class RaceFrames:
    """The race's frames without widgets: ``frames(values)`` is a :class:`~dlcourse.widgets.picture.Frame`.

    ``values`` maps each optimizer's name to whether it runs, ``"<name> η"`` to its learning
    rate, ``"surface"`` to a name of :data:`dlcourse.surfaces.SURFACES` and ``"step"`` to how many
    steps of the race to show. Every surface's default paths and background are made at once
    (each would take far longer than a redraw). Introduced in lesson 07.
    """

    def __init__(self) -> None:
        from dlcourse.descent import OPTIMIZER_NAMES  # noqa: PLC0415
        from dlcourse.surfaces import SURFACES  # noqa: PLC0415
        from dlcourse.viz.optimizer_paths import RacePlot  # noqa: PLC0415

        self.paths: dict[tuple[str, str, float], np.ndarray] = {}
        self.plots = {name: RacePlot(surface, OPTIMIZER_NAMES) for name, surface in SURFACES.items()}
        for surface in SURFACES.values():
            for name in OPTIMIZER_NAMES:
                self.path(surface, name, surface.learning_rates[name])
            self.plots[surface.name].png()
        self.figure = next(iter(self.plots.values())).fig  # every surface's figure has the same size and text

    def path(self, surface: Any, name: str, rate: float) -> np.ndarray:
        """The path of optimizer ``name`` at learning rate ``rate`` on ``surface`` (computed once)."""
        from dlcourse.descent import make_optimizer, optimizer_path  # noqa: PLC0415

        key = (surface.name, name, float(rate))
        if key not in self.paths:
            self.paths[key] = optimizer_path(surface, make_optimizer(name, rate))
        return self.paths[key]

    def __call__(self, values: Mapping[str, Any]) -> Any:
        from dlcourse.descent import OPTIMIZER_NAMES  # noqa: PLC0415
        from dlcourse.surfaces import get_surface  # noqa: PLC0415
        from dlcourse.widgets.picture import Frame  # noqa: PLC0415

        surface, step = get_surface(values["surface"]), int(values["step"])
        rates = {name: float(values[f"{name} η"]) for name in OPTIMIZER_NAMES if values[name]}
        shown = {name: self.path(surface, name, rate) for name, rate in rates.items()}
        plot = self.plots[surface.name]
        plot.update(shown, step=step)
        return Frame(plot.png(), _table(surface, shown, rates), _describe(surface, shown, rates, step))


def _table(surface: Any, shown: Mapping[str, np.ndarray], rates: Mapping[str, float]) -> str:
    from dlcourse.descent import race_outcome  # noqa: PLC0415

    cells = [f"<tr><td>{name}</td><td>η = {rates[name]:.2g}</td><td>{race_outcome(surface, path)}</td></tr>"
             for name, path in shown.items()]
    if not cells:
        return "Tick at least one optimizer."
    return (f"<b>{surface.name}</b>, after {surface.steps} steps:"
            f"<table style='font-size: 90%'>{''.join(cells)}</table>")


def _describe(surface: Any, shown: Mapping[str, np.ndarray], rates: Mapping[str, float], step: int) -> str:
    where = "; ".join(
        f"{name} (η = {rates[name]:g}) "
        + (f"left the picture after {len(path) - 1} steps" if len(path) < surface.steps + 1
           else f"at ({path[min(step, len(path) - 1)][0]:.2f}, {path[min(step, len(path) - 1)][1]:.2f})")
        for name, path in shown.items())
    return (f"Contour lines of the {surface.name} surface, {surface.formula}, start ✕ at "
            f"{tuple(surface.start)}, minimum ☆ at {tuple(surface.minimum)}. After step {step}: "
            f"{where or 'no optimizer ticked'}.")


def optimizer_race(surface: str = "ravine", optimizers: Sequence[str] = DEFAULT_RUNNERS) -> Any:
    """A widget: a checkbox and a learning-rate slider per optimizer, a surface menu and a replay.

    ``optimizers`` are the ones switched on at the start (the others can be switched on).
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from dlcourse.descent import OPTIMIZER_NAMES  # noqa: PLC0415
    from dlcourse.surfaces import SURFACES, get_surface  # noqa: PLC0415
    from dlcourse.widgets.live import LiveWidget  # noqa: PLC0415
    from dlcourse.widgets.menu import Menu  # noqa: PLC0415
    from dlcourse.widgets.picture import row  # noqa: PLC0415

    current = get_surface(surface)
    controls: dict[str, Any] = {}
    for name in OPTIMIZER_NAMES:
        controls[name] = widgets.Checkbox(value=name in optimizers, description=name, indent=False,
                                          layout={"width": "100px"})
        controls[f"{name} η"] = widgets.SelectionSlider(
            options=[(f"{rate:g}", rate) for rate in LEARNING_RATES], value=current.learning_rates[name],
            description="η", continuous_update=True, style={"description_width": "14px"},
            layout={"width": "270px"}, tooltip=f"learning rate of {name}")
    controls["surface"] = Menu(options=list(SURFACES), value=current.name, description="surface",
                               style={"description_width": "55px"}, layout={"width": "220px"})
    controls["step"] = widgets.IntSlider(value=current.steps, min=0, max=current.steps, step=1, description="step",
                                         style={"description_width": "35px"}, layout={"width": "330px"},
                                         continuous_update=True)
    play = widgets.Play(value=current.steps, min=0, max=current.steps, step=1, interval=60,
                        description="replay the race", tooltip="replay the race step by step")
    widgets.jslink((play, "value"), (controls["step"], "value"))
    resetting = {"now": False}

    def new_surface(widget: LiveWidget) -> None:
        """A new surface resets every learning rate to one that suits it, and the replay to its end."""
        the_surface = get_surface(widget.controls["surface"].value)
        resetting["now"] = True  # these rates do not switch optimizers on
        try:
            for name in OPTIMIZER_NAMES:
                widget.controls[f"{name} η"].value = the_surface.learning_rates[name]
        finally:
            resetting["now"] = False
        s_step = widget.controls["step"]
        s_step.max = play.max = the_surface.steps
        s_step.value = play.value = the_surface.steps
        play.step = max(1, the_surface.steps // 100)

    def switch_on(name: str) -> Any:
        def rule(widget: LiveWidget) -> None:
            """Moving a learning rate switches its optimizer on."""
            if not resetting["now"]:
                widget.controls[name].value = True
        return rule

    def arrange(c: Mapping[str, Any], help_text: Any, picture: Any) -> list[Any]:
        rows = [widgets.HBox([c[name], c[f"{name} η"]]) for name in OPTIMIZER_NAMES]
        left = widgets.VBox([*rows, c["surface"], widgets.HBox([play, c["step"]])])
        return [row(left, picture, align_items="flex-start"), help_text, picture.readout]

    return LiveWidget(
        controls, RaceFrames(), arrange=arrange,
        react={"surface": new_surface, **{f"{name} η": switch_on(name) for name in OPTIMIZER_NAMES}},
        help="<b>Checkbox</b>: run this optimizer. <b>η</b>: its learning rate (each notch steps through 1, 1.5, 2, "
             "3, … 9 times a power of ten; moving it also switches the optimizer on). <b>surface</b>: the loss to "
             "descend (resets the learning rates to ones that suit it). <b>step</b> / ▶: replay the race. "
             "✕ = start, ☆ = minimum. Keyboard: Tab to a control; arrows move sliders and menus, Space ticks a box.")
