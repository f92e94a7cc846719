"""dlcourse.viz.losses: the loss curves and slopes it draws (against keras.losses and
tf.GradientTape, in float64), and the figure (labels, a point that moves, fast re-rendering)."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from dlcourse.viz.losses import EPSILON, loss_and_slope, plot_loss_curves  # noqa: E402

P = np.concatenate([np.linspace(0.001, 0.999, 97), [1e-5, 0.5, 1 - 1e-5]])
KERAS = {"mse": keras.losses.mean_squared_error, "binary_crossentropy": keras.losses.binary_crossentropy}


def _keras_loss_and_slope(name: str, p: np.ndarray, target: float) -> tuple[np.ndarray, np.ndarray]:
    """Per-example Keras loss of each prediction (one example each) and its gradient w.r.t. p."""
    variable = tf.Variable(p[:, None], dtype=tf.float64)
    targets = tf.constant(np.full((len(p), 1), target), dtype=tf.float64)
    with tf.GradientTape() as tape:
        losses = KERAS[name](targets, variable)
        total = tf.reduce_sum(losses)  # each example's gradient is its own loss's slope
    return np.asarray(losses), np.asarray(tape.gradient(total, variable))[:, 0]


def _keras_logit_slope(name: str, p: np.ndarray, target: float) -> np.ndarray:
    """d loss / d z with p = sigmoid(z), by GradientTape through tf.sigmoid."""
    z = tf.Variable(np.log(p / (1 - p))[:, None], dtype=tf.float64)
    targets = tf.constant(np.full((len(p), 1), target), dtype=tf.float64)
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(KERAS[name](targets, tf.sigmoid(z)))
    return np.asarray(tape.gradient(total, z))[:, 0]


@pytest.mark.parametrize("name", sorted(KERAS))
@pytest.mark.parametrize("target", [1, 0])
def test_loss_and_slope_match_keras_and_gradient_tape(name, target):
    loss, slope = loss_and_slope(name, P, target)
    keras_loss, keras_slope = _keras_loss_and_slope(name, P, target)
    np.testing.assert_allclose(loss, keras_loss, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(slope, keras_slope, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", sorted(KERAS))
@pytest.mark.parametrize("target", [1, 0])
def test_slope_with_respect_to_the_logit_matches_gradient_tape(name, target):
    inner = P[(P > 0.002) & (P < 0.998)]
    _, slope = loss_and_slope(name, inner, target, with_respect_to="z")
    np.testing.assert_allclose(slope, _keras_logit_slope(name, inner, target), rtol=1e-6, atol=1e-9)


def test_what_lesson_04_states():
    # Cross-entropy's push on the logit is p - y; squared error's is 2 (p - y) p (1 - p).
    _, bce = loss_and_slope("binary_crossentropy", P, 1, "z")
    _, se = loss_and_slope("mse", P, 1, "z")
    np.testing.assert_allclose(bce, P - 1, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(se, 2 * (P - 1) * P * (1 - P), rtol=1e-9, atol=1e-15)
    assert abs(se).max() == pytest.approx(8 / 27, rel=1e-3)  # at p = 1/3
    # The clip: at p = 0 and target 1 one example costs -ln(1e-7) ~ 16.1, with slope 0.
    loss, slope = loss_and_slope("binary_crossentropy", np.array([0.0, 1.0]), 1)
    np.testing.assert_allclose(loss, [-np.log(EPSILON), -np.log(1 - EPSILON)])
    assert loss[0] == pytest.approx(16.118, abs=1e-3)
    keras_loss = keras.losses.binary_crossentropy(np.array([[1.0]]), np.array([[0.0]]))
    assert float(keras_loss[0]) == pytest.approx(loss[0], rel=1e-12)
    assert slope[0] == 0.0
    # Squared error of a probability never exceeds 1; its slope w.r.t. p never exceeds 2.
    se_loss, se_slope = loss_and_slope("mse", np.linspace(0, 1, 101), 1)
    assert se_loss.max() == 1.0 and abs(se_slope).max() == 2.0
    _, at_001 = loss_and_slope("binary_crossentropy", np.array([0.01]), 1)
    assert at_001[0] == pytest.approx(-100.0)


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="mse, binary_crossentropy"):
        loss_and_slope("hinge", P)
    with pytest.raises(ValueError, match="'p'.*'z'"):
        loss_and_slope("mse", P, with_respect_to="w")


def test_loss_plot_is_labelled_and_moves_its_points_in_place():
    plot = plot_loss_curves(p=0.1, target=1)
    fig = plot.fig
    for ax in (plot.ax_loss, plot.ax_slope):
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert plot.ax_slope.get_yscale() == "log"
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "mean squared error" in labels and "binary cross-entropy" in labels
    assert plot.values["binary_crossentropy"] == pytest.approx((-np.log(0.1), -10.0))
    assert plot.values["mse"] == pytest.approx((0.81, -1.8))
    first = plot.png()
    values = plot.update(0.7)
    assert values["mse"] == pytest.approx((0.09, -0.6))
    assert plot.points["mse"].get_data()[0][0] == 0.7
    assert plot.guides[0].get_xdata()[0] == 0.7
    second = plot.png()
    assert first != second and second.startswith(b"\x89PNG")
    values = plot.update(target=0, with_respect_to="z")
    assert values["binary_crossentropy"] == pytest.approx((-np.log(0.3), 0.7))
    assert plot.ax_slope.get_yscale() == "linear" and "logit" in plot.ax_slope.get_title()
    assert "target 0" in plot.ax_loss.get_title()
    curve = plot.curves["binary_crossentropy"].get_ydata()
    np.testing.assert_allclose(curve, -np.log(1 - plot.p_grid))
    assert plot.fig is fig and plot.png() != second


def test_prepare_draws_every_background_and_keeps_the_state():
    plot = plot_loss_curves(p=0.2, target=1)
    plot.prepare()
    assert len(plot.redraw._backgrounds) == 4
    assert (plot.target, plot.with_respect_to, plot.p) == (1, "p", 0.2)
