"""dlcourse.surfaces: every loss value and hand-written gradient against TensorFlow.

Each curve and surface is written a second time here, in TensorFlow, from its printed
formula; values must agree and ``grad`` must equal ``tf.GradientTape``'s gradient at points
spread over the drawn range. The minima and curvatures the lessons quote are checked too.
"""

from __future__ import annotations

import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from dlcourse.surfaces import CURVES, SURFACES, get_curve, get_surface  # noqa: E402

TF_CURVES = {
    "quadratic": lambda w: (w - 3.0) ** 2 + 1.0,
    "lopsided": lambda w: tf.exp(w - 3.0) - (w - 3.0),
    "two valleys": lambda w: ((w - 3.0) ** 2 - 4.0) ** 2 / 16.0 + (w - 3.0) / 4.0 + 2.0,
}
TF_SURFACES = {
    "ravine": lambda x, y: 0.01 * x ** 2 + y ** 2,
    "saddle": lambda x, y: x ** 2 / 2 - y ** 2 / 2 + y ** 4 / 4,
    "rosenbrock": lambda x, y: (1 - x) ** 2 + 100 * (y - x ** 2) ** 2,
}


def test_every_curve_and_surface_has_an_independent_formula_here():
    assert set(TF_CURVES) == set(CURVES)
    assert set(TF_SURFACES) == set(SURFACES)


def _tape_grad_1d(formula, w: float) -> tuple[float, float, float]:
    """(value, first derivative, second derivative) by nested tapes, in float64."""
    v = tf.Variable(w, dtype=tf.float64)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            value = formula(v)
        first = inner.gradient(value, v)
    second = outer.gradient(first, v)
    return float(value), float(first), float(second)


@pytest.mark.parametrize("name", sorted(CURVES))
def test_curve_values_and_gradients_match_gradient_tape(name):
    curve = get_curve(name)
    for w in np.linspace(curve.xlim[0], curve.xlim[1], 13):
        value, first, _ = _tape_grad_1d(TF_CURVES[name], float(w))
        assert curve.loss(w) == pytest.approx(value, rel=1e-12, abs=1e-12)
        assert curve.grad(w) == pytest.approx(first, rel=1e-10, abs=1e-10), f"{name} at w = {w}"


@pytest.mark.parametrize("name", sorted(CURVES))
def test_curve_minimum_and_curvature_are_right(name):
    curve = get_curve(name)
    value, first, second = _tape_grad_1d(TF_CURVES[name], curve.w_star)
    assert abs(first) < 1e-9, f"the slope at w* = {curve.w_star} is {first}"
    assert second > 0
    assert curve.curvature == pytest.approx(second, rel=1e-9)
    grid = np.linspace(*curve.xlim, 20001)
    assert value <= curve.loss(grid).min() + 1e-9, "w* is the lowest point of the drawn range"
    assert curve.xlim[0] < curve.start < curve.xlim[1]


def test_the_quadratic_is_the_one_the_lessons_quote():
    curve = get_curve("quadratic")
    assert (curve.w_star, curve.curvature, curve.loss(3.0)) == (3.0, 2.0, 1.0)


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_surface_values_and_gradients_match_gradient_tape(name):
    surface = get_surface(name)
    rng = np.random.default_rng(0)
    points = np.column_stack([rng.uniform(*surface.xlim, 25), rng.uniform(*surface.ylim, 25)])
    for x, y in [*points, surface.start, surface.minimum]:
        p = tf.Variable([x, y], dtype=tf.float64)
        with tf.GradientTape() as tape:
            value = TF_SURFACES[name](p[0], p[1])
        expected = tape.gradient(value, p).numpy()
        assert surface.value(np.array([x, y])) == pytest.approx(float(value), rel=1e-12, abs=1e-12)
        assert surface.loss(np.float64(x), np.float64(y)) == pytest.approx(float(value), rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(surface.grad(np.array([x, y])), expected, rtol=1e-10, atol=1e-10,
                                   err_msg=f"{name} at ({x}, {y})")


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_surface_minimum_start_and_settings(name):
    surface = get_surface(name)
    np.testing.assert_allclose(surface.grad(np.array(surface.minimum)), 0.0, atol=1e-12)
    xs, ys = np.meshgrid(np.linspace(*surface.xlim, 401), np.linspace(*surface.ylim, 401))
    assert surface.value(np.array(surface.minimum)) <= surface.loss(xs, ys).min() + 1e-9
    assert surface.xlim[0] < surface.start[0] < surface.xlim[1]
    assert surface.ylim[0] < surface.start[1] < surface.ylim[1]
    assert np.linalg.norm(surface.grad(np.array(surface.start))) > 0
    from dlcourse.descent import OPTIMIZER_NAMES

    assert set(surface.learning_rates) == set(OPTIMIZER_NAMES)
    assert surface.steps >= 50


def test_grad_keeps_the_point_dtype():
    surface = get_surface("rosenbrock")
    assert surface.grad(np.array([0.5, 0.5], dtype=np.float32)).dtype == np.float32
    assert surface.grad(np.array([0.5, 0.5])).dtype == np.float64
    assert surface.grad(np.array([1, 2])).dtype == np.float64


def test_unknown_names_are_explained():
    with pytest.raises(ValueError, match="Valid names: quadratic, lopsided, two valleys"):
        get_curve("cubic")
    with pytest.raises(ValueError, match="Valid names: ravine, saddle, rosenbrock"):
        get_surface("bowl")


def test_importing_the_lesson_modules_stays_light(tmp_path):
    code = (
        "import sys, dlcourse.surfaces, dlcourse.descent, dlcourse.viz.descent, dlcourse.viz.optimizer_paths, "
        "dlcourse.widgets.descent, dlcourse.widgets.optimizer_race, dlcourse.exercises.lesson06, "
        "dlcourse.exercises.lesson07\n"
        "print(','.join(sorted(m for m in ('tensorflow', 'keras', 'matplotlib', 'ipywidgets') if m in sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "DLCOURSE_HOME": str(tmp_path / "h")})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"importing pulled in: {done.stdout.strip()}"
