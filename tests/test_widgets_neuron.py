"""The neuron explorer of lesson 01, driven from Python by its controls' names: every control
redraws, the count of correct points agrees with an independent evaluation of the neuron, and its
frames alone are what it shows (redraw times: ``benchmarks/widgets.py``)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from dlcourse.widgets.neuron import LOGIC_GATES, NeuronFrames, neuron_explorer  # noqa: E402
from widget_helpers import move_each, named  # noqa: E402


def _correct(name, w1, w2, b):
    X, y = LOGIC_GATES[name]
    return int(((X @ np.array([w1, w2]) + b > 0) == y.astype(bool)).sum())


def test_the_controls_are_named_and_the_first_is_w1():
    box = neuron_explorer(start="AND")
    controls, picture, readout = named(box)
    assert list(controls) == ["w1", "w2", "b", "data"]
    assert box.children[0].children[0].children[0] is controls["w1"] and controls["w1"].description == "w₁"
    assert f"<b>{_correct('AND', 1, 1, -0.5)} of 4</b> points correct" in readout.value
    assert bytes(picture.value).startswith(b"\x89PNG") and "AND: the line" in picture.tooltip


def test_every_control_redraws_and_the_count_is_right():
    box = neuron_explorer(start="AND")
    controls, picture, readout = named(box)
    move_each(picture, [(controls["w1"], 2.0), (controls["w2"], 1.5), (controls["b"], -2.5), (controls["data"], "XOR")])
    assert f"<b>{_correct('XOR', 2.0, 1.5, -2.5)} of 4</b>" in readout.value
    assert picture.figure is box.frame_function.plots["XOR"].fig and picture.tooltip.startswith("XOR:")
    box.set(data="OR", w1=1.0, w2=1.0, b=-0.5)
    assert "<b>4 of 4</b>" in readout.value and picture.figure is box.frame_function.plots["OR"].fig


def test_the_frames_without_widgets_are_what_the_widget_shows():
    box = neuron_explorer(start="OR")
    box.set(w1=-1.0, b=0.3, data="AND")
    alone = NeuronFrames(start="OR")({"w1": -1.0, "w2": 1.0, "b": 0.3, "data": "AND"})
    assert alone == box.frame and box.draws == 2
