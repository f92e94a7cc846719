"""dlcourse.viz.activations: the values and slopes it draws (against Keras and tf.GradientTape),
and the figures themselves (titles, labels, a point that moves, fast re-rendering)."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from dlcourse.viz.activations import (  # noqa: E402
    ACTIVATION_LABELS,
    activation_values,
    plot_activation_point,
    plot_activations,
    plot_gradient_decay,
)

Z = np.concatenate([np.linspace(-8.0, 8.0, 81), [-1000.0, -30.0, 30.0, 1000.0]])
Z = Z[Z != 0.0]  # ReLU-like activations have no derivative at exactly 0

KERAS = {
    "sigmoid": keras.activations.sigmoid,
    "tanh": keras.activations.tanh,
    "relu": keras.activations.relu,
    "leaky_relu": keras.activations.leaky_relu,
    "swish": keras.activations.silu,
    "linear": keras.activations.linear,
}


def _keras_value_and_slope(name: str, z: np.ndarray, **kwargs) -> tuple[np.ndarray, np.ndarray]:
    variable = tf.Variable(z, dtype=tf.float64)
    with tf.GradientTape() as tape:
        y = KERAS[name](variable, **kwargs)
    return np.asarray(y), np.asarray(tape.gradient(y, variable))


@pytest.mark.parametrize("name", sorted(ACTIVATION_LABELS))
def test_values_and_slopes_match_keras_and_gradient_tape(name):
    y, dy = activation_values(name, Z)
    y_keras, dy_keras = _keras_value_and_slope(name, Z)
    # rtol 1e-7: Keras keeps leaky ReLU's slope as a float32 constant (0.2 is 0.200000003).
    np.testing.assert_allclose(y, y_keras, rtol=1e-7, atol=1e-300)
    # atol 1e-15: f(1 - f) loses relative (not absolute) precision where f is within 1e-13 of 1.
    np.testing.assert_allclose(dy, dy_keras, rtol=1e-7, atol=1e-15)
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(dy))


@pytest.mark.parametrize("slope", [0.2, 0.05, 0.3])
def test_leaky_relu_uses_its_negative_slope(slope):
    y, dy = activation_values("leaky_relu", Z, negative_slope=slope)
    y_keras, dy_keras = _keras_value_and_slope("leaky_relu", Z, negative_slope=slope)
    np.testing.assert_allclose(y, y_keras, rtol=1e-7)
    np.testing.assert_allclose(dy, dy_keras, rtol=1e-7)


def test_what_lesson_02_states_about_the_slopes():
    _, slope = activation_values("sigmoid", np.array([0.0, 3.0, 6.0]))
    np.testing.assert_allclose(slope, [0.25, 0.045177, 0.0024665], atol=5e-7)
    _, everywhere = activation_values("sigmoid", np.linspace(-20, 20, 4001))
    assert everywhere.max() == pytest.approx(0.25)
    _, tanh_slope = activation_values("tanh", np.linspace(-5, 5, 1001))
    assert tanh_slope.max() == pytest.approx(1.0)
    z = np.linspace(-10, 10, 200001)
    swish, swish_slope = activation_values("swish", z)
    assert swish.min() == pytest.approx(-0.2785, abs=1e-4)
    assert swish_slope.max() == pytest.approx(1.0998, abs=1e-4)
    # A two-class softmax is the sigmoid: softmax([z, 0]) = [sigmoid(z), 1 - sigmoid(z)].
    s = np.asarray(keras.activations.softmax(np.stack([Z, np.zeros_like(Z)], axis=-1)))
    np.testing.assert_allclose(s[:, 0], activation_values("sigmoid", Z)[0], rtol=1e-12, atol=1e-300)


def test_softmax_and_unknown_names_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="not element-wise"):
        activation_values("softmax", Z)
    with pytest.raises(ValueError, match="sigmoid, tanh"):
        plot_activation_point("gelu")


def _texts(ax):
    return ax.get_title(), ax.get_xlabel(), ax.get_ylabel()


def test_plot_activations_has_titles_labels_and_one_legend_entry_per_curve():
    names = ("sigmoid", "relu", "leaky_relu")
    fig = plot_activations(names)
    left, right = fig.axes
    for ax in (left, right):
        assert all(_texts(ax)), _texts(ax)
        assert len(ax.lines) == len(names)
    labels = right.get_legend().get_texts()
    assert [t.get_text() for t in labels] == ["sigmoid", "ReLU", "leaky ReLU (slope 0.2)"]
    styles = {(line.get_color(), str(line.get_linestyle()), line.get_marker()) for line in left.lines}
    assert len(styles) == len(names), "every curve has its own colour, dash and marker"
    z, y = left.lines[1].get_data()
    np.testing.assert_allclose(y, np.maximum(z, 0))
    assert fig._repr_png_().startswith(b"\x89PNG")


def test_activation_point_moves_point_and_tangent_without_a_new_figure():
    plot = plot_activation_point("sigmoid", 3.0)
    fig = plot.fig
    value, slope = plot.value, plot.slope
    assert value == pytest.approx(1 / (1 + np.exp(-3.0)))
    assert slope == pytest.approx(value * (1 - value))
    xs, ys = plot.tangent.get_data()
    np.testing.assert_allclose((ys[1] - ys[0]) / (xs[1] - xs[0]), slope)
    np.testing.assert_allclose(ys[0] + slope * (3.0 - xs[0]), value)
    before = plot.png()
    assert plot.update(z0=-2.0) == pytest.approx((1 / (1 + np.exp(2.0)), np.exp(-2.0) / (1 + np.exp(-2.0)) ** 2))
    assert plot.point.get_data()[0][0] == -2.0
    after = plot.png()
    assert before != after and after.startswith(b"\x89PNG")
    value, slope = plot.update("relu", -1.5)
    assert (value, slope) == (0.0, 0.0)
    assert plot.fig is fig and "ReLU" in plot.ax_f.get_title()
    np.testing.assert_allclose(plot.curve.get_ydata(), np.maximum(plot.z, 0))
    np.testing.assert_allclose(plot.slope_curve.get_ydata(), (plot.z > 0).astype(float))


def test_fast_png_matches_a_full_redraw():
    """The pasted background plus the moving artists give the same pixels as drawing everything."""
    from io import BytesIO

    from PIL import Image

    plot = plot_activation_point("tanh", 0.5)
    plot.prepare(("tanh", "swish"))
    plot.update("swish", 1.7)
    fast = np.asarray(Image.open(BytesIO(plot.png())).convert("RGB"), dtype=int)
    plot.redraw.canvas.draw()
    width, height = plot.redraw.canvas.get_width_height(physical=True)
    full = np.asarray(plot.redraw.canvas.buffer_rgba(), dtype=int).reshape(height, width, 4)[..., :3]
    assert fast.shape == full.shape
    assert np.abs(fast - full).max() <= 2


def test_gradient_decay_draws_factor_to_the_power_n_on_a_log_axis():
    fig = plot_gradient_decay({"sigmoid, best case": 0.25, "ReLU": 1.0}, layers=10)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    n, y = ax.lines[0].get_data()
    np.testing.assert_array_equal(n, np.arange(1, 11))
    np.testing.assert_allclose(y, 0.25 ** np.arange(1, 11))
    assert y[-1] == pytest.approx(9.5367e-7, rel=1e-4)
    assert all(_texts(ax)) and ax.get_legend() is not None
