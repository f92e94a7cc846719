"""Race optimizers across a loss surface: pick who runs, their learning rates and the course (lesson 07).

``optimizer_race()`` draws the paths of the engine's optimizers (SGD, Momentum, Nesterov,
Adagrad, Adadelta, RMSprop, Adam, AMSGrad) on the contour lines of a 2-D surface. Each
optimizer has a checkbox (run it or not) and a learning-rate slider over round values,
1, 1.5, 2, 3, … 9 times each power of ten (:data:`LEARNING_RATES`; moving it also switches the
optimizer on). Every suggested rate of every surface is one of them, so the slider shows, and
the page sends back, exactly the rate the lesson's text and static plots use. The surface menu picks the ravine, the saddle or the
Rosenbrock valley, and resets the learning rates to ones that suit it; the step slider and its
play button replay the race step by step.

Every path is computed once per (surface, optimizer, learning rate) and kept; a redraw only
moves the path artists of one figure per surface and renders it to an image widget, so a
control change costs a few tens of milliseconds.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

__all__ = ["LEARNING_RATES", "optimizer_race"]

DEFAULT_RUNNERS = ("SGD", "Momentum", "RMSprop", "Adam")

#: The learning-rate slider's positions, from 1e-4 to 10: 1, 1.5, 2, 3, ..., 9 times a power of ten.
LEARNING_RATES: tuple[float, ...] = tuple(
    float(f"{m}e{k}") for k in range(-4, 1) for m in (1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9)) + (10.0,)


def optimizer_race(surface: str = "ravine", optimizers: Sequence[str] = DEFAULT_RUNNERS) -> Any:
    """A widget: a checkbox and a learning-rate slider per optimizer, a surface menu and a replay.

    ``optimizers`` are the ones switched on at the start (the others can be switched on).
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from dlcourse.surfaces import SURFACES, get_surface  # noqa: PLC0415
    from dlcourse.descent import OPTIMIZER_NAMES, make_optimizer, optimizer_path, race_outcome  # noqa: PLC0415
    from dlcourse.viz.optimizer_paths import RacePlot  # noqa: PLC0415
    from dlcourse.widgets.picture import Frame, Picture, row  # noqa: PLC0415

    current = get_surface(surface)
    paths: dict[tuple[str, str, float], np.ndarray] = {}

    def path_of(the_surface: Any, name: str, rate: float) -> np.ndarray:
        key = (the_surface.name, name, float(rate))
        if key not in paths:
            paths[key] = optimizer_path(the_surface, make_optimizer(name, rate))
        return paths[key]

    boxes: dict[str, Any] = {}
    rates: dict[str, Any] = {}
    rows = []
    for name in OPTIMIZER_NAMES:
        boxes[name] = widgets.Checkbox(value=name in optimizers, description=name, indent=False,
                                       layout={"width": "100px"})
        rates[name] = widgets.SelectionSlider(options=[(f"{rate:g}", rate) for rate in LEARNING_RATES],
                                              value=current.learning_rates[name], description="η",
                                              continuous_update=True, style={"description_width": "14px"},
                                              layout={"width": "270px"}, tooltip=f"learning rate of {name}")
        rows.append(widgets.HBox([boxes[name], rates[name]]))
    menu = widgets.Dropdown(options=list(SURFACES), value=current.name, description="surface",
                            style={"description_width": "55px"}, layout={"width": "220px"})
    s_step = widgets.IntSlider(value=current.steps, min=0, max=current.steps, step=1, description="step",
                               style={"description_width": "35px"}, layout={"width": "330px"},
                               continuous_update=True)
    play = widgets.Play(value=current.steps, min=0, max=current.steps, step=1, interval=60,
                        description="replay the race", tooltip="replay the race step by step")
    widgets.jslink((play, "value"), (s_step, "value"))
    help_text = widgets.HTML(
        "<b>Checkbox</b>: run this optimizer. <b>η</b>: its learning rate (each notch steps through 1, 1.5, 2, "
        "3, … 9 times a power of ten; moving it also switches the optimizer on). <b>surface</b>: the loss to descend "
        "(resets the learning rates to ones that suit it). <b>step</b> / ▶: replay the race. "
        "✕ = start, ☆ = minimum. Keyboard: Tab to a control; arrows move sliders, Space ticks a box.")
    picture = Picture()
    plots: dict[str, Any] = {}
    state = {"busy": False}

    def plot_for(the_surface: Any) -> Any:
        if the_surface.name not in plots:
            plots[the_surface.name] = RacePlot(the_surface, OPTIMIZER_NAMES)
        return plots[the_surface.name]

    def table(the_surface: Any, shown: dict[str, np.ndarray]) -> str:
        cells = [f"<tr><td>{name}</td><td>η = {rates[name].value:.2g}</td><td>{race_outcome(the_surface, path)}</td></tr>"
                 for name, path in shown.items()]
        if not cells:
            return "Tick at least one optimizer."
        return (f"<b>{the_surface.name}</b>, after {the_surface.steps} steps:"
                f"<table style='font-size: 90%'>{''.join(cells)}</table>")

    def draw(*_: Any) -> None:
        if state["busy"]:
            return
        the_surface = get_surface(menu.value)
        shown = {name: path_of(the_surface, name, rates[name].value)
                 for name in OPTIMIZER_NAMES if boxes[name].value}
        plot = plot_for(the_surface)
        plot.update(shown, step=s_step.value)
        picture.figure = plot.fig
        picture.show(Frame(plot.png(), table(the_surface, shown), describe(the_surface, shown)))

    def describe(the_surface: Any, shown: dict[str, np.ndarray]) -> str:
        where = "; ".join(
            f"{name} (η = {rates[name].value:g}) "
            + (f"left the picture after {len(path) - 1} steps" if len(path) < the_surface.steps + 1
               else f"at ({path[min(s_step.value, len(path) - 1)][0]:.2f}, {path[min(s_step.value, len(path) - 1)][1]:.2f})")
            for name, path in shown.items())
        return (f"Contour lines of the {the_surface.name} surface, {the_surface.formula}, start ✕ at "
                f"{tuple(the_surface.start)}, minimum ☆ at {tuple(the_surface.minimum)}. After step {s_step.value}: "
                f"{where or 'no optimizer ticked'}.")

    def rate_moved(name: str) -> None:
        if not boxes[name].value and not state["busy"]:
            state["busy"] = True
            try:
                boxes[name].value = True
            finally:
                state["busy"] = False
        draw()

    def new_surface(change: Any) -> None:
        the_surface = get_surface(change["new"])
        state["busy"] = True  # set every slider, then draw once
        try:
            for name in OPTIMIZER_NAMES:
                rates[name].value = the_surface.learning_rates[name]
            s_step.max = play.max = the_surface.steps
            s_step.value = play.value = the_surface.steps
            play.step = max(1, the_surface.steps // 100)
        finally:
            state["busy"] = False
        draw()

    for name in OPTIMIZER_NAMES:
        rates[name].observe(lambda _change, name=name: rate_moved(name), names="value")
        boxes[name].observe(draw, names="value")
    s_step.observe(draw, names="value")
    menu.observe(new_surface, names="value")

    # Compute every default path and draw every surface's background now, so that no later
    # control change has to (each would take far longer than a redraw).
    for the_surface in SURFACES.values():
        for name in OPTIMIZER_NAMES:
            path_of(the_surface, name, the_surface.learning_rates[name])
        plot_for(the_surface).png()
    draw()

    controls = widgets.VBox([*rows, menu, widgets.HBox([play, s_step])])
    box = widgets.VBox([row(controls, picture, layout={"align_items": "flex-start"}), help_text, picture.readout])
    box.add_class("dlcourse-main")
    return box
