"""dlcourse.descent's races, dlcourse.viz.optimizer_paths and the optimizer-race widget (lesson 07).

Every racer's path is compared with Keras itself: the same optimizer from ``keras.optimizers``
with the same settings, stepping a ``keras.Variable`` on the same surface (gradients from
``tf.GradientTape``). The widget is driven from Python, as the benchmark does: every control
must change the picture, within 100 ms.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from dlcourse import nn  # noqa: E402
from dlcourse.descent import OPTIMIZER_NAMES, make_optimizer, optimizer_path, race, race_outcome  # noqa: E402
from dlcourse.surfaces import SURFACES, get_surface  # noqa: E402
from dlcourse.viz.optimizer_paths import OPTIMIZER_STYLES, RacePlot, plot_race, plot_races  # noqa: E402
from widget_helpers import move_each, parts  # noqa: E402

KERAS_RACERS = {
    "SGD": lambda lr: keras.optimizers.SGD(learning_rate=lr),
    "Momentum": lambda lr: keras.optimizers.SGD(learning_rate=lr, momentum=0.9),
    "Nesterov": lambda lr: keras.optimizers.SGD(learning_rate=lr, momentum=0.9, nesterov=True),
    "Adagrad": lambda lr: keras.optimizers.Adagrad(learning_rate=lr),
    "Adadelta": lambda lr: keras.optimizers.Adadelta(learning_rate=lr),
    "RMSprop": lambda lr: keras.optimizers.RMSprop(learning_rate=lr),
    "Adam": lambda lr: keras.optimizers.Adam(learning_rate=lr),
    "AMSGrad": lambda lr: keras.optimizers.Adam(learning_rate=lr, amsgrad=True),
}
TF_SURFACES = {
    "ravine": lambda p: 0.01 * p[0] ** 2 + p[1] ** 2,
    "saddle": lambda p: p[0] ** 2 / 2 - p[1] ** 2 / 2 + p[1] ** 4 / 4,
    "rosenbrock": lambda p: (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2,
}
STEPS = 40


def keras_path(surface_name: str, racer: str, learning_rate: float, steps: int = STEPS,
               dtype: str = "float32") -> np.ndarray:
    surface = get_surface(surface_name)
    p = keras.Variable(np.array(surface.start), dtype=dtype)
    opt = KERAS_RACERS[racer](learning_rate)
    points = [p.numpy().copy()]
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = TF_SURFACES[surface_name](p)
        opt.apply_gradients([(tape.gradient(loss, p), p)])
        points.append(p.numpy().copy())
    return np.array(points)


def test_every_racer_has_a_style_and_a_keras_twin():
    assert set(KERAS_RACERS) == set(OPTIMIZER_NAMES) == set(OPTIMIZER_STYLES)
    markers = [style["marker"] for style in OPTIMIZER_STYLES.values()]
    assert len(set(markers)) == len(markers), "each optimizer has its own marker (never colour alone)"


@pytest.mark.parametrize("racer", OPTIMIZER_NAMES)
@pytest.mark.parametrize("surface_name", sorted(SURFACES))
def test_race_paths_match_keras(surface_name, racer):
    """float32, as in a Keras model: the same numbers up to float32 rounding."""
    surface = get_surface(surface_name)
    rate = surface.learning_rates[racer]
    ours = optimizer_path(surface, make_optimizer(racer, rate), steps=STEPS, dtype=np.float32)
    theirs = keras_path(surface_name, racer, rate)
    assert ours.dtype == np.float32
    scale = np.abs(theirs).max(axis=1, keepdims=True) + 1e-3
    worst = float(np.max(np.abs(ours - theirs) / scale))
    assert worst < 1e-4, f"{racer} on {surface_name}: worst relative difference {worst:.2e}"


ENGINE_RACERS = {
    "SGD": lambda lr: nn.SGD(learning_rate=lr),
    "Momentum": lambda lr: nn.SGD(learning_rate=lr, momentum=0.9),
    "Nesterov": lambda lr: nn.SGD(learning_rate=lr, momentum=0.9, nesterov=True),
    "Adagrad": lambda lr: nn.Adagrad(learning_rate=lr),
    "Adadelta": lambda lr: nn.Adadelta(learning_rate=lr),
    "RMSprop": lambda lr: nn.RMSprop(learning_rate=lr),
    "Adam": lambda lr: nn.Adam(learning_rate=lr),
    "AMSGrad": lambda lr: nn.Adam(learning_rate=lr, amsgrad=True),
}


@pytest.mark.parametrize("racer", OPTIMIZER_NAMES)
def test_race_paths_are_the_engines_optimizers_step_by_step(racer):
    """Each racer is the nn optimizer a lesson trains with, applied to the point (x, y)."""
    surface = get_surface("saddle")
    rate = surface.learning_rates[racer]
    opt = ENGINE_RACERS[racer](rate)
    p = np.array(surface.start, dtype=float)
    expected = [p.copy()]
    for _ in range(STEPS):
        opt.apply([surface.grad(p)], [p])
        expected.append(p.copy())
    np.testing.assert_array_equal(race(surface, {racer: rate}, steps=STEPS)[racer], np.array(expected))


def test_race_outcome_tells_how_a_racer_ended():
    surface = get_surface("ravine")
    assert race_outcome(surface, optimizer_path(surface, make_optimizer("SGD", 1.5), steps=300), 300).startswith(
        "diverged after ")
    good = optimizer_path(surface, make_optimizer("Momentum", 0.15))
    text = race_outcome(surface, good)
    assert text == (f"loss {surface.value(good[-1]):.2g} above the minimum, "
                    f"{float(np.linalg.norm(good[-1])):.2g} away from it")


@pytest.mark.parametrize("racer", ["SGD", "Momentum", "Adam"])
def test_float64_race_paths_stay_close_to_keras(racer):
    """The race runs in float64. Keras keeps its constants (learning rate, betas, momentum) in
    float32 even for float64 variables, so the paths agree to float32 precision per step."""
    surface = get_surface("ravine")
    rate = surface.learning_rates[racer]
    ours = optimizer_path(surface, make_optimizer(racer, rate), steps=STEPS)
    theirs = keras_path("ravine", racer, rate, dtype="float64")
    scale = np.abs(theirs).max(axis=1, keepdims=True) + 1e-3
    assert float(np.max(np.abs(ours - theirs) / scale)) < 1e-3


def test_paths_start_at_the_start_and_stop_when_they_diverge():
    surface = get_surface("ravine")
    path = optimizer_path(surface, make_optimizer("SGD", 0.5), steps=10)
    assert path.shape == (11, 2)
    np.testing.assert_array_equal(path[0], surface.start)
    with np.errstate(all="raise"):
        wild = optimizer_path(get_surface("rosenbrock"), make_optimizer("SGD", 0.1), steps=300)
    assert len(wild) < 301 and np.all(np.isfinite(wild))
    other = optimizer_path(surface, make_optimizer("Adam", 0.1), steps=5, start=(1.0, 1.0))
    np.testing.assert_array_equal(other[0], [1.0, 1.0])


def test_race_uses_the_surface_learning_rates_or_given_ones():
    surface = get_surface("saddle")
    paths = race(surface, ["SGD", "Adam"])
    assert list(paths) == ["SGD", "Adam"] and len(paths["Adam"]) == surface.steps + 1
    np.testing.assert_array_equal(paths["Adam"], optimizer_path(surface, make_optimizer("Adam", surface.learning_rates["Adam"])))
    faster = race(surface, {"SGD": 0.3})
    assert not np.array_equal(faster["SGD"], paths["SGD"])


def test_unknown_optimizer_is_explained():
    with pytest.raises(ValueError, match="Valid names: SGD, Momentum"):
        make_optimizer("Lion", 0.1)


def test_the_lesson_story_holds():
    """What lesson 07 says the race shows, checked on the default learning rates."""
    def distance(surface_name, racer):
        surface = get_surface(surface_name)
        end = race(surface, [racer])[racer][-1]
        return float(np.linalg.norm(end - np.asarray(surface.minimum)))

    assert distance("ravine", "Momentum") < distance("ravine", "SGD") / 10
    assert distance("saddle", "SGD") > 0.5 and distance("saddle", "Adam") < 0.05
    assert distance("rosenbrock", "Adam") < 0.3 < distance("rosenbrock", "SGD")
    ravine = get_surface("ravine")
    swing = {n: np.abs(optimizer_path(ravine, make_optimizer(n, 0.15))[5:, 1]).max() for n in ("Momentum", "Nesterov")}
    assert swing["Nesterov"] < swing["Momentum"] / 2


def test_race_figures_are_titled_labelled_and_have_a_legend():
    paths = race(get_surface("ravine"), ["SGD", "Adam"])
    plot = plot_race(get_surface("ravine"), paths, learning_rates={"SGD": 0.9, "Adam": 0.3})
    assert plot.ax.get_title() and plot.ax.get_xlabel() and plot.ax.get_ylabel()
    labels = [t.get_text() for t in plot.ax.get_legend().get_texts()]
    assert labels == ["SGD (η = 0.9)", "Adam (η = 0.3)"]
    assert plot.png().startswith(b"\x89PNG")
    fig = plot_races({name: race(s, ["SGD"], steps=10) for name, s in SURFACES.items()})
    assert len(fig.axes) == 3 and all(ax.get_title() and ax.get_xlabel() for ax in fig.axes)
    assert fig.legends and fig._repr_png_().startswith(b"\x89PNG")


def test_race_plot_redraws_only_the_paths():
    surface = get_surface("saddle")
    plot = RacePlot(surface)
    paths = race(surface, ["SGD", "Adam"])
    plot.update(paths)
    full = plot.png()
    plot.update(paths, step=10)
    assert plot.png() != full
    plot.update({"SGD": paths["SGD"]})
    assert not plot.lines["Adam"].get_visible() and plot.lines["SGD"].get_visible()
    plot.update(paths)
    assert plot.png() == full


# --- the widget ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def race_widget():
    from dlcourse.widgets.optimizer_race import optimizer_race

    return optimizer_race()


def _by_type(controls, kind):
    return [c for c in controls if isinstance(c, kind)]


def test_race_widget_is_the_main_widget_with_a_row_per_optimizer(race_widget):
    import ipywidgets as widgets

    assert "dlcourse-main" in race_widget._dom_classes
    controls, image, readout = parts(race_widget)
    boxes = _by_type(controls, widgets.Checkbox)
    assert [b.description for b in boxes] == list(OPTIMIZER_NAMES)
    assert [b.value for b in boxes] == [n in ("SGD", "Momentum", "RMSprop", "Adam") for n in OPTIMIZER_NAMES]
    assert isinstance(controls[0], widgets.Checkbox) and controls[0].description == "SGD"
    assert bytes(image.value).startswith(b"\x89PNG")
    assert "SGD" in readout.value and "Nesterov" not in readout.value


def test_the_first_slider_and_every_control_change_the_picture_fast(race_widget):
    import ipywidgets as widgets

    controls, image, readout = parts(race_widget)
    boxes = dict(zip(OPTIMIZER_NAMES, _by_type(controls, widgets.Checkbox)))
    rates = dict(zip(OPTIMIZER_NAMES, _by_type(controls, widgets.SelectionSlider)))
    menu = _by_type(controls, widgets.Dropdown)[0]
    step = _by_type(controls, widgets.IntSlider)[0]
    first_slider = _by_type(controls, widgets.SelectionSlider)[0]
    assert first_slider is rates["SGD"]
    changes = [
        (first_slider, first_slider.options[first_slider.index + 5][1]),  # what the browser test does: 5 notches right
        (boxes["SGD"], False), (boxes["Nesterov"], True), (rates["Adam"], 0.05), (step, 30),
        (menu, "saddle"), (menu, "rosenbrock"), (rates["Adadelta"], 3.0), (boxes["Adam"], False), (menu, "ravine"),
    ]
    move_each(image, changes)
    assert boxes["Adadelta"].value, "moving a learning rate switches its optimizer on"


def test_every_suggested_learning_rate_is_a_slider_position():
    """A slider built at a value between its positions is snapped by the browser, which sends the
    snapped value back (SGD 0.9 became 1.0 and bounced forever on the ravine)."""
    from dlcourse.widgets.optimizer_race import LEARNING_RATES

    for surface in SURFACES.values():
        for name, rate in surface.learning_rates.items():
            assert rate in LEARNING_RATES, (surface.name, name, rate)
    assert LEARNING_RATES == tuple(sorted(LEARNING_RATES)) and 0.9 in LEARNING_RATES and 0.15 in LEARNING_RATES


def test_a_new_surface_resets_learning_rates_and_the_replay(race_widget):
    import ipywidgets as widgets

    controls, image, readout = parts(race_widget)
    rates = dict(zip(OPTIMIZER_NAMES, _by_type(controls, widgets.SelectionSlider)))
    menu = _by_type(controls, widgets.Dropdown)[0]
    step = _by_type(controls, widgets.IntSlider)[0]
    play = _by_type(controls, widgets.Play)[0]
    menu.value = "rosenbrock"
    surface = get_surface("rosenbrock")
    assert {n: rates[n].value for n in OPTIMIZER_NAMES} == pytest.approx(surface.learning_rates)
    assert step.max == step.value == play.max == surface.steps
    assert "rosenbrock" in readout.value
    rates["SGD"].value = 0.1
    assert "diverged" in readout.value


def test_race_frames_come_without_widgets():
    """The race's frame function: control values in, the engine's paths drawn and tabled, no ipywidgets."""
    from dlcourse.widgets.optimizer_race import RaceFrames

    surface = get_surface("ravine")
    values = {"surface": "ravine", "step": surface.steps}
    for name in OPTIMIZER_NAMES:
        values[name] = name in ("SGD", "Adam")
        values[f"{name} η"] = surface.learning_rates[name]
    frame = RaceFrames()(values)
    assert frame.png.startswith(b"\x89PNG")
    for name in ("SGD", "Adam"):
        path = race(surface, [name])[name]
        assert race_outcome(surface, path) in frame.readout
    assert "Momentum" not in frame.readout


def test_race_controls_are_named(race_widget):
    names = list(race_widget.controls)
    assert names[:2] == ["SGD", "SGD η"] and names[-2:] == ["surface", "step"]
    assert len(names) == 2 * len(OPTIMIZER_NAMES) + 2
    race_widget.set(**{"Nesterov": False})
    race_widget.controls["Nesterov η"].value = 0.3
    assert race_widget.controls["Nesterov"].value, "moving a learning rate switches its optimizer on"
    race_widget.controls["surface"].value = "saddle"
    assert race_widget.controls["Nesterov"].value and not race_widget.controls["AMSGrad"].value, \
        "a new surface resets the rates without switching optimizers on"
