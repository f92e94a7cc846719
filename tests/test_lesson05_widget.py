"""Lesson 05's slope explorer: the tangent's slope is the backprop gradient (checked with tf.GradientTape)."""

from __future__ import annotations

import re

import numpy as np
import pytest

ipywidgets = pytest.importorskip("ipywidgets")
tf = pytest.importorskip("tensorflow")

from dlcourse.data import SPAM_EXAMPLE  # noqa: E402
from dlcourse.widgets.backprop import SPAM_EMAILS, SlopeFrames, slope_explorer  # noqa: E402
from widget_helpers import named  # noqa: E402


def tf_gradient(weights, x, y):
    ws = [tf.Variable(np.asarray(w, dtype=np.float64)) for w in weights]
    with tf.GradientTape() as tape:
        hidden = tf.nn.relu(x @ ws[0] + ws[1])
        z = hidden @ ws[2] + ws[3]
        loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(y.reshape(-1, 1).astype(np.float64), z))
    return float(loss), [g.numpy() for g in tape.gradient(loss, ws)]


def readout_numbers(box):
    text = box.readout.value
    loss = float(re.search(r"loss L = <b>(-?[\d.e-]+)</b>", text).group(1))
    backprop = float(re.search(r"backpropagation = <b>(-?[\d.e-]+)</b>", text).group(1))
    central = float(re.search(r"h = 1e-5: <b>(-?[\d.e-]+)</b>", text).group(1))
    return loss, (backprop, central)


def test_main_widget_first_control_is_the_value_slider_and_it_redraws():
    box = slope_explorer()
    assert "dlcourse-main" in box._dom_classes
    controls, image, _ = named(box)
    value, menu = controls["value"], controls["weight"]
    assert list(controls) == ["value", "weight"] and box.children[0].children[0] is value
    assert isinstance(value, ipywidgets.FloatSlider) and isinstance(menu, ipywidgets.Dropdown)
    before = image.value
    value.value = value.value + 0.25
    assert image.value != before
    before = image.value
    menu.value = "weight H1 → out"
    assert image.value != before and value.value == 0.7
    assert box.draws == 3  # the new weight moved the slider to its value with one draw


@pytest.mark.parametrize("label, array, index, w", [("weight H1 → out", 2, (0, 0), 1.2),
                                                   ("weight free → H1", 0, (0, 0), -0.35),
                                                   ("bias of H2", 1, (1,), 0.3)])
def test_tangent_slope_is_the_gradient_of_gradient_tape(label, array, index, w):
    box = slope_explorer()
    box.set(weight=label)
    box.set(value=w)
    weights = [np.asarray(v, dtype=np.float64).copy() for v in SPAM_EXAMPLE.weights()]
    weights[array][index] = w
    x, y = np.array(SPAM_EMAILS[0]), np.array(SPAM_EMAILS[1])
    loss, grads = tf_gradient(weights, x, y)
    expected = float(grads[array][index])
    shown_loss, (backprop, central) = readout_numbers(box)
    assert shown_loss == pytest.approx(loss, abs=1e-4)
    assert backprop == pytest.approx(expected, abs=1e-4) and central == pytest.approx(expected, abs=1e-4)
    image_before = box.picture.value
    box.controls["value"].value = w + 0.05
    assert box.picture.value != image_before


def test_dead_unit_has_a_flat_curve_and_zero_slope():
    box = slope_explorer()
    box.controls["weight"].value = "weight offer → H2"
    assert box.controls["value"].value == -0.5
    _, (backprop, central) = readout_numbers(box)
    assert backprop == 0 and central == 0
    assert "where it is" in box.readout.value


def test_the_frames_without_widgets_are_what_the_widget_shows():
    box = slope_explorer(start="bias of out")
    box.set(value=-1.25)
    assert SlopeFrames()({"value": -1.25, "weight": "bias of out"}) == box.frame
