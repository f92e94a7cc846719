"""dlcourse.descent's gradient descent, dlcourse.viz.descent and the learning-rate widget (lesson 06).

The descent path is the engine's ``nn.SGD`` step by step; it is checked against the closed form
of gradient descent on a parabola, ``w_k = w* + (1 − ηa)^k (w0 − w*)``, and against Keras' own SGD; the thresholds the lesson
teaches (1/a and 2/a) are checked as behaviours of real paths; the widget is driven from
Python, as the benchmark does, and every control must change the picture quickly.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlcourse import nn  # noqa: E402
from dlcourse.descent import descent_path, loss_gaps, steps_to_converge, verdict  # noqa: E402
from dlcourse.surfaces import CURVES, SURFACES, get_curve  # noqa: E402
from dlcourse.viz.descent import (  # noqa: E402
    DescentPlot,
    plot_batch_losses,
    plot_descent,
    plot_descent_2d,
    plot_learning_rates,
)
from widget_helpers import move_each, parts  # noqa: E402

QUADRATIC = get_curve("quadratic")


def closed_form(eta: float, w0: float, steps: int, a: float = 2.0, w_star: float = 3.0) -> np.ndarray:
    return w_star + (1 - eta * a) ** np.arange(steps + 1) * (w0 - w_star)


@pytest.mark.parametrize("eta", [0.05, 0.3, 0.5, 0.9, 1.0, 1.05])
def test_descent_path_is_the_closed_form_on_a_parabola(eta):
    """The engine, like Keras, keeps the learning rate in float32: η is float32(η) exactly."""
    path = descent_path(QUADRATIC.grad, 0.0, eta, 40)
    np.testing.assert_allclose(path, closed_form(float(np.float32(eta)), 0.0, 40), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(CURVES))
@pytest.mark.parametrize("eta", [0.05, 0.5, 1.3])
def test_descent_path_is_the_engines_sgd_step_by_step(name, eta):
    """The widget's path is nn.SGD's, as lessons 07–11 use it, not a copy of its rule."""
    curve = get_curve(name)
    w = np.array(curve.start, dtype=float)
    opt = nn.SGD(learning_rate=eta)
    expected = [float(w)]
    with np.errstate(all="ignore"):
        for _ in range(30):
            opt.apply([curve.grad(w)], [w])
            expected.append(float(w))
            if abs(float(w)) > 1e6 or not np.isfinite(w):
                break
    path = descent_path(curve.grad, curve.start, eta, 30)
    assert path.shape == (len(expected),)
    np.testing.assert_array_equal(path, expected)


@pytest.mark.parametrize("name", sorted(CURVES))
def test_descent_path_on_every_curve_matches_keras_sgd(name):
    """keras.optimizers.SGD stepping a float64 variable with the curve's gradient: the same points."""
    import keras
    import tensorflow as tf

    curve = get_curve(name)
    w = keras.Variable(np.float64(curve.start), dtype="float64")
    opt = keras.optimizers.SGD(learning_rate=0.3)
    keras_points = [float(w.numpy())]
    for _ in range(25):
        opt.apply_gradients([(tf.constant(curve.grad(w.numpy()), dtype="float64"), w)])
        keras_points.append(float(w.numpy()))
    np.testing.assert_allclose(descent_path(curve.grad, curve.start, 0.3, 25), keras_points, rtol=1e-12, atol=1e-12)


def test_descent_path_matches_keras_sgd():
    import keras
    import tensorflow as tf

    w = keras.Variable(np.array([-1.0, 2.0]), dtype="float64")
    opt = keras.optimizers.SGD(learning_rate=0.3)
    keras_points = [w.numpy().copy()]
    for _ in range(6):
        with tf.GradientTape() as tape:
            loss = 0.01 * w[0] ** 2 + w[1] ** 2
        opt.apply_gradients([(tape.gradient(loss, w), w)])
        keras_points.append(w.numpy().copy())
    ours = descent_path(SURFACES["ravine"].grad, [-1.0, 2.0], 0.3, 6)
    np.testing.assert_allclose(ours, np.array(keras_points), rtol=1e-6)


def test_thresholds_one_over_a_and_two_over_a():
    a = QUADRATIC.curvature
    below = descent_path(QUADRATIC.grad, 0.0, 0.9 / a, 30)
    assert np.all(np.diff(below) >= 0) and np.all(np.diff(below[:10]) > 0) and np.all(below <= 3.0), \
        "η < 1/a approaches from one side"
    exact = descent_path(QUADRATIC.grad, 0.0, 1.0 / a, 3)
    np.testing.assert_allclose(exact[1:], 3.0), "η = 1/a lands in one step"
    between = descent_path(QUADRATIC.grad, 0.0, 1.8 / a, 60)
    sides = np.sign(between[1:] - 3.0)
    assert np.all(sides[1:] == -sides[:-1]), "1/a < η < 2/a jumps from side to side"
    assert abs(between[-1] - 3.0) < 1e-3, "... and converges"
    edge = descent_path(QUADRATIC.grad, 0.0, 2.0 / a, 10)
    np.testing.assert_allclose(edge[::2], 0.0, atol=1e-12)
    np.testing.assert_allclose(edge[1::2], 6.0, atol=1e-12)
    above = descent_path(QUADRATIC.grad, 0.0, 2.1 / a, 30)
    assert np.all(np.diff(np.abs(above - 3.0)) > 0), "η > 2/a moves farther away every step"


def test_a_diverging_path_stops_without_overflow():
    for curve, eta in ((QUADRATIC, 5.0), (get_curve("two valleys"), 2.0)):
        with np.errstate(all="raise"):
            path = descent_path(curve.grad, 6.0, eta, 500)
        assert len(path) < 20
        assert np.all(np.isfinite(path)) and np.abs(path[-1]) > 1e6 and np.all(np.abs(path[:-1]) <= 1e6)


def test_steps_to_converge_and_verdicts():
    path = descent_path(QUADRATIC.grad, 0.0, 0.3, 100)
    k = steps_to_converge(path, 3.0, tol=1e-3)
    assert np.all(np.abs(path[k:] - 3) < 1e-3) and abs(path[k - 1] - 3) >= 1e-3
    assert k == int(np.ceil(np.log(1e-3 / 3) / np.log(0.4)))
    assert steps_to_converge(descent_path(QUADRATIC.grad, 0.0, 1.0, 50), 3.0) is None
    assert steps_to_converge(np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 1.0005]]), np.array([1.0, 1.0])) == 1
    assert verdict(QUADRATIC, path, 100).startswith("converged in 9 steps")
    assert "bounces" in verdict(QUADRATIC, descent_path(QUADRATIC.grad, 0.0, 1.0, 30), 30)
    assert "diverging" in verdict(QUADRATIC, descent_path(QUADRATIC.grad, 0.0, 1.05, 30), 30)
    assert "diverged" in verdict(QUADRATIC, descent_path(QUADRATIC.grad, 0.0, 2.0, 100), 100)
    assert "not converged" in verdict(QUADRATIC, descent_path(QUADRATIC.grad, 0.0, 0.01, 20), 20)
    two = get_curve("two valleys")
    assert "local minimum" in verdict(two, descent_path(two.grad, 6.0, 0.3, 80), 80)
    assert "local" not in verdict(two, descent_path(two.grad, 0.0, 0.3, 80), 80)


def _texts(fig):
    return [(ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) for ax in fig.axes if ax.get_visible()]


def test_figures_are_titled_and_labelled():
    paths = {eta: descent_path(QUADRATIC.grad, 0.0, eta, 100) for eta in (0.05, 0.3, 0.9, 1.05)}
    fig = plot_learning_rates(QUADRATIC, paths, names=["too small", "good", "too large", "far too large"])
    titles = [t for t, _, _ in _texts(fig)]
    assert titles == ["too small: η = 0.05, converged in 76 steps", "good: η = 0.3, converged in 9 steps",
                      "too large: η = 0.9, converged in 36 steps",
                      "far too large: η = 1.05, diverged"]
    assert fig._suptitle.get_text()
    assert fig._repr_png_().startswith(b"\x89PNG")
    for fig in (plot_descent(QUADRATIC, paths[0.3], learning_rate=0.3),
                plot_descent_2d(SURFACES["ravine"], {"η = 0.5": descent_path(SURFACES["ravine"].grad, [-9, 2], 0.5, 20)}),
                plot_batch_losses({"a": [1.0, 0.5, 0.2], "b": [1.0, 0.3]}, {"a": 3, "b": 1})):
        for title, xlabel, ylabel in _texts(fig):
            assert title and xlabel and ylabel
        assert fig.axes[0].get_legend() is not None or fig.legends
        assert fig._repr_png_().startswith(b"\x89PNG")


def test_batch_losses_line_up_on_the_epoch_axis():
    fig = plot_batch_losses({"batch": [0.5, 0.25], "sgd": list(np.linspace(1, 0.1, 8))}, {"batch": 1, "sgd": 4})
    lines = fig.axes[0].get_lines()
    np.testing.assert_allclose(lines[0].get_xdata(), [1, 2])
    np.testing.assert_allclose(lines[1].get_xdata(), np.arange(1, 9) / 4)
    assert fig.axes[0].get_yscale() == "log"


def test_descent_plot_redraws_only_the_path():
    plot = DescentPlot(QUADRATIC)
    path = descent_path(QUADRATIC.grad, 0.0, 0.1, 20)
    plot.update(path)
    np.testing.assert_array_equal(plot.loss_line.get_ydata(), loss_gaps(QUADRATIC, path))
    first = plot.png()
    plot.update(descent_path(QUADRATIC.grad, 0.0, 0.9, 20))
    second = plot.png()
    assert first != second and second.startswith(b"\x89PNG")
    plot.update(descent_path(QUADRATIC.grad, 0.0, 0.1, 20))
    assert plot.png() == first, "the same path gives the same picture (the background is kept intact)"


# --- the widget ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def explorer():
    from dlcourse.widgets.descent import learning_rate_explorer

    return learning_rate_explorer()


def test_widget_is_the_main_widget_and_its_first_control_is_the_learning_rate(explorer):
    import ipywidgets as widgets

    assert "dlcourse-main" in explorer._dom_classes
    inputs, image, readout = parts(explorer)
    assert isinstance(inputs[0], widgets.FloatLogSlider)
    assert "learning rate" in inputs[0].description
    assert bytes(image.value).startswith(b"\x89PNG")
    assert "η = 0.1" in readout.value


def test_every_control_changes_the_picture_fast(explorer):
    inputs, image, readout = parts(explorer)
    rate, start, steps, curve = inputs
    changes = [(rate, 0.9), (rate, 1.2), (start, 5.0), (rate, 0.05), (steps, 60), (curve, "two valleys"),
               (curve, "lopsided"), (curve, "quadratic")]
    move_each(image, changes)


def test_the_readout_tells_what_happened(explorer):
    inputs, _, readout = parts(explorer)
    rate, start, steps, curve = inputs
    curve.value = "quadratic"
    start.value, steps.value = 0.0, 40
    rate.value = 0.5
    assert "converged in 1 step." in readout.value or "converged in 1 step<" in readout.value
    rate.value = 10 ** 0.05  # just above 1: diverges
    assert "diverg" in readout.value
    curve.value = "two valleys"
    assert start.value == CURVES["two valleys"].start


def test_frames_come_without_widgets_from_the_engines_path():
    """The widget's frame function: control values in, picture and sentence out, no ipywidgets."""
    from dlcourse.widgets.descent import DescentFrames

    frames = DescentFrames()
    frame = frames({"learning rate": 0.5, "start": 0.0, "steps": 40, "curve": "quadratic"})
    assert frame.png.startswith(b"\x89PNG") and "converged in 1 step" in frame.readout
    path = descent_path(QUADRATIC.grad, 0.0, 0.5, 40)
    np.testing.assert_array_equal(frames.plots["quadratic"].path, path)
    bounce = frames({"learning rate": 1.0, "start": 0.0, "steps": 30, "curve": "quadratic"})
    assert "bounces" in bounce.readout and bounce.png != frame.png


def test_controls_are_named_and_a_new_curve_moves_the_start_in_one_draw(explorer):
    assert list(explorer.controls) == ["learning rate", "start", "steps", "curve"]
    draws = explorer.draws
    explorer.controls["curve"].value = "lopsided"
    assert explorer.draws == draws + 1, "a new curve draws once, with the start already moved"
    assert explorer.controls["start"].value == CURVES["lopsided"].start
    assert (explorer.controls["start"].min, explorer.controls["start"].max) == CURVES["lopsided"].xlim
    explorer.set(curve="quadratic", start=0.0)
