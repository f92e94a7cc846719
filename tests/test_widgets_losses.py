"""The loss explorer of lesson 04, driven from Python: every control changes the picture and
the numbers, the first control of the main widget is the prediction slider (redraw times:
``benchmarks/widgets.py``)."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
import pytest

from dlcourse.widgets.losses import LossFrames, loss_explorer
from widget_helpers import named


def _bce(p, y):
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


@pytest.fixture(scope="module")
def explorer():
    return loss_explorer()


def test_it_is_the_main_widget_and_its_first_control_is_the_prediction_slider(explorer):
    assert "dlcourse-main" in explorer._dom_classes
    controls, image, readout = named(explorer)
    assert list(controls) == ["p", "target", "slope"] and explorer.children[0] is controls["p"]
    first = controls["p"]
    assert isinstance(first, W.FloatSlider) and first.description == "prediction p" and first.value == 0.1
    assert bytes(image.value).startswith(b"\x89PNG")
    assert "mean squared error = <b>0.8100</b> (dL/dp = -1.800)" in readout.value
    assert f"binary cross-entropy = <b>{_bce(0.1, 1):.4f}</b> (dL/dp = -10.000)" in readout.value


def test_moving_the_first_control_changes_the_picture_and_the_numbers(explorer):
    controls, image, readout = named(explorer)
    p, target, slope = controls["p"], controls["target"], controls["slope"]
    picture, text = bytes(image.value), readout.value
    p.value = round(p.value + 0.05, 2)  # what five presses of → do in the browser test
    assert bytes(image.value) != picture and readout.value != text
    assert f"<b>{_bce(p.value, 1):.4f}</b>" in readout.value
    assert f"<b>{(p.value - 1) ** 2:.4f}</b>" in readout.value


def test_target_and_slope_menus_change_the_picture_and_the_numbers(explorer):
    controls, image, readout = named(explorer)
    p, target, slope = controls["p"], controls["target"], controls["slope"]
    p.value = 0.8
    before = bytes(image.value)
    target.value = 0
    assert bytes(image.value) != before
    assert f"<b>{_bce(0.8, 0):.4f}</b> (dL/dp = +5.000)" in readout.value
    assert "<b>0.6400</b> (dL/dp = +1.600)" in readout.value
    before = bytes(image.value)
    slope.value = "z"
    assert bytes(image.value) != before
    # Through a sigmoid: cross-entropy pushes the logit by p - y, squared error by 2 (p - y) p (1 - p).
    assert "(dL/dz = +0.800)" in readout.value
    assert f"(dL/dz = {2 * 0.8 * 0.8 * 0.2:+.3f})" in readout.value


def test_the_frames_without_widgets_are_what_the_widget_shows():
    box = loss_explorer(p=0.3, target=0)
    box.set(p=0.7, slope="z")
    alone = LossFrames(0.3, 0)({"p": 0.7, "target": 0, "slope": "z"})
    assert alone == box.frame and bytes(box.picture.value) == alone.png
    assert alone.readout.startswith("p = 0.70, target 0: ") and "(dL/dz = +0.700)" in alone.readout
