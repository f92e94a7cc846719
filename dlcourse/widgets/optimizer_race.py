"""Race optimizers across a loss surface: pick who runs, their learning rates and the course (lesson 07).

``optimizer_race()`` draws the paths of the engine's optimizers (SGD, Momentum, Nesterov,
Adagrad, Adadelta, RMSprop, Adam, AMSGrad) on the contour lines of a 2-D surface. Each
optimizer has a checkbox (run it or not) and a learning-rate slider on a log scale (moving it
also switches the optimizer on). The surface menu picks the ravine, the saddle or the
Rosenbrock valley, and resets the learning rates to ones that suit it; the step slider and its
play button replay the race step by step.

Every path is computed once per (surface, optimizer, learning rate) and kept; a redraw only
moves the path artists of one figure per surface and renders it to an image widget, so a
control change costs a few tens of milliseconds.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

__all__ = ["optimizer_race"]

DEFAULT_RUNNERS = ("SGD", "Momentum", "RMSprop", "Adam")


def optimizer_race(surface: str = "ravine", optimizers: Sequence[str] = DEFAULT_RUNNERS) -> Any:
    """A widget: a checkbox and a learning-rate slider per optimizer, a surface menu and a replay.

    ``optimizers`` are the ones switched on at the start (the others can be switched on).
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from dlcourse.surfaces import SURFACES, get_surface  # noqa: PLC0415
    from dlcourse.viz.optimizer_paths import OPTIMIZER_NAMES, RacePlot, make_optimizer, optimizer_path  # noqa: PLC0415

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
        rates[name] = widgets.FloatLogSlider(value=current.learning_rates[name], base=10, min=-4, max=1, step=0.1,
                                             description="η", readout_format=".2g", continuous_update=True,
                                             style={"description_width": "14px"}, layout={"width": "270px"})
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
        "<b>Checkbox</b>: run this optimizer. <b>η</b>: its learning rate (log scale: each notch multiplies "
        "it by 1.26; moving it also switches the optimizer on). <b>surface</b>: the loss to descend "
        "(resets the learning rates to ones that suit it). <b>step</b> / ▶: replay the race. "
        "✕ = start, ☆ = minimum. Keyboard: Tab to a control; arrows move sliders, Space ticks a box.")
    readout = widgets.HTML()
    image = widgets.Image(format="png")
    plots: dict[str, Any] = {}
    state = {"busy": False}

    def plot_for(the_surface: Any) -> Any:
        if the_surface.name not in plots:
            plots[the_surface.name] = RacePlot(the_surface, OPTIMIZER_NAMES)
        return plots[the_surface.name]

    def table(the_surface: Any, shown: dict[str, np.ndarray]) -> str:
        low = the_surface.value(the_surface.minimum)
        cells = []
        for name, path in shown.items():
            end = path[-1]
            if len(path) < the_surface.steps + 1:
                result = f"diverged after {len(path) - 1} steps"
            else:
                distance = float(np.hypot(*(end - np.asarray(the_surface.minimum))))
                result = f"loss {the_surface.value(end) - low:.2g} above the minimum, {distance:.2g} away from it"
            cells.append(f"<tr><td>{name}</td><td>η = {rates[name].value:.2g}</td><td>{result}</td></tr>")
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
        image.value = plot.png()
        readout.value = table(the_surface, shown)

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
    box = widgets.VBox([widgets.HBox([controls, image]), help_text, readout])
    box.add_class("dlcourse-main")
    return box
