"""The activation explorer of lesson 02, driven from Python: every control changes the picture
and the numbers, the first control of the main widget is the one the browser test moves (redraw times:
``benchmarks/widgets.py``)."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
import pytest

from dlcourse.widgets.activations import ActivationFrames, activation_explorer, describe_slope
from widget_helpers import named


@pytest.fixture(scope="module")
def explorer():
    return activation_explorer()


def test_it_is_the_main_widget_and_its_first_control_is_the_z_slider(explorer):
    assert "dlcourse-main" in explorer._dom_classes
    controls, image, readout = named(explorer)
    assert list(controls) == ["z", "activation"] and explorer.children[0].children[0] is controls["z"]
    assert isinstance(controls["z"], W.FloatSlider) and controls["z"].description == "z"
    assert bytes(image.value).startswith(b"\x89PNG")
    assert "sigmoid" in readout.value and "0.9526" in readout.value and "0.0452" in readout.value


def test_moving_the_first_control_changes_the_picture_and_the_numbers(explorer):
    controls, image, readout = named(explorer)
    z = controls["z"]
    picture, text = bytes(image.value), readout.value
    z.value = z.value + 0.5  # what five presses of → do in the browser test
    assert bytes(image.value) != picture and readout.value != text
    s = 1 / (1 + np.exp(-z.value))
    assert f"{s:.4f}" in readout.value and f"{s * (1 - s):.4f}" in readout.value


@pytest.mark.parametrize("name, z, value, slope", [
    ("relu", -2.0, 0.0, 0.0),
    ("relu", 2.0, 2.0, 1.0),
    ("leaky_relu", -2.0, -0.4, 0.2),
    ("tanh", 0.5, np.tanh(0.5), 1 - np.tanh(0.5) ** 2),
    ("swish", 1.0, 1 / (1 + np.exp(-1.0)), None),
    ("linear", -3.0, -3.0, 1.0),
])
def test_every_activation_of_the_menu_shows_its_value_and_slope(explorer, name, z, value, slope):
    controls, image, readout = named(explorer)
    before = bytes(image.value)
    explorer.set(activation=name, z=z)
    assert bytes(image.value) != before
    assert f"= <b>{value:.4f}</b>" in readout.value
    if slope is not None:
        assert f"<b>{slope:.4f}</b>" in readout.value


def test_the_frames_without_widgets_are_what_the_widget_shows():
    box = activation_explorer("tanh", z=-1.0)
    box.set(z=2.5, activation="relu")
    alone = ActivationFrames("tanh", z=-1.0)({"z": 2.5, "activation": "relu"})
    assert alone == box.frame and bytes(box.picture.value) == alone.png
    assert "ReLU: f(2.5) = <b>2.5000</b>" in alone.readout and "z = 2.5" in alone.alt


def test_the_readout_names_dead_and_saturated_units():
    assert "dead" in describe_slope(0.0)
    assert "saturated" in describe_slope(0.0025)
    assert "shrinks" in describe_slope(0.25)
    assert "full strength" in describe_slope(1.0)


def test_unknown_activation_is_refused():
    with pytest.raises(ValueError, match="sigmoid, tanh, relu"):
        activation_explorer("softmax")
