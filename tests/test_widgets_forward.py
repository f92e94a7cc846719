"""The forward-pass widget of lesson 03: its numbers come from the forward pass, and every control redraws."""

from __future__ import annotations

import re

import numpy as np
import pytest

ipywidgets = pytest.importorskip("ipywidgets")

from dlcourse import explain  # noqa: E402
from dlcourse.widgets.forward import ForwardFrames, forward_explorer  # noqa: E402
from widget_helpers import named  # noqa: E402


def parts(box):
    """(checkboxes, sliders, image, readout) of a forward_explorer, found by the controls' names."""
    controls, picture, readout = named(box)
    checks = [c for c in controls.values() if isinstance(c, ipywidgets.Checkbox)]
    sliders = [c for c in controls.values() if isinstance(c, ipywidgets.FloatSlider)]
    return checks, sliders, picture, readout


def test_default_is_the_worked_spam_example():
    box = forward_explorer()
    assert "dlcourse-main" in box._dom_classes
    checks, sliders, image, readout = parts(box)
    assert [c.value for c in checks] == [True, False, True]
    assert len(sliders) == 6 + 2 + 2 + 1  # kernel weights and biases of both layers
    text = readout.value
    assert "= <b>0.8</b>" in text and "= <b>-0.1</b>" in text and "<b>0.636</b>" in text and "<b>spam</b>" in text
    assert image.value[:4] == b"\x89PNG"


def test_every_control_changes_the_picture_and_the_numbers_match_the_engine():
    box = forward_explorer()
    checks, sliders, image, readout = parts(box)
    rng = np.random.default_rng(0)
    for control in checks + sliders:
        before = image.value
        control.value = (not control.value) if isinstance(control, ipywidgets.Checkbox) else \
            round(float(rng.uniform(-1.5, 1.5)), 1)
        assert image.value != before, control.description
    # the verdict line agrees with an independent forward pass of the sliders' values
    v = named(box)[0]
    v = {name: control.value for name, control in v.items()}
    units = ["H1", "H2"]
    ws = [np.array([[v[f"{i} → {u}"] for u in units] for i in ("free", "win", "offer")]),
          np.array([v[f"bias {u}"] for u in units]), np.array([[v["H1 → out"]], [v["H2 → out"]]]),
          np.array([v["bias out"]])]
    x = np.array([float(c.value) for c in checks])
    hidden = np.maximum(x @ ws[0] + ws[1], 0)
    out = 1 / (1 + np.exp(-(hidden @ ws[2] + ws[3])))
    shown = float(re.search(r"Output (-?[\d.]+)", readout.value).group(1))
    assert shown == pytest.approx(float(out[0]), abs=6e-4)
    assert float(explain.forward(ws, x, ["relu", "sigmoid"]).output[0, 0]) == pytest.approx(float(out[0]))


def test_controls_are_named_in_page_order_and_the_first_slider_is_the_first_weight_into_h1():
    box = forward_explorer()
    controls, _, _ = named(box)
    assert list(controls) == ["free", "win", "offer", "free → H1", "win → H1", "offer → H1", "bias H1",
                              "free → H2", "win → H2", "offer → H2", "bias H2", "H1 → out", "H2 → out", "bias out"]
    assert box.children[1].children[0].children[1] is controls["free → H1"]
    assert all(c.description in (name, f"“{name}”") for name, c in controls.items())


def test_the_frames_without_widgets_are_what_the_widget_shows():
    box = forward_explorer()
    box.set(win=True, **{"bias H2": -0.5, "H1 → out": 1.2})
    alone = ForwardFrames()
    values = {**alone.start_values(), "win": 1.0, "bias H2": -0.5, "H1 → out": 1.2}
    assert alone(values) == box.frame and box.draws == 2


def test_win_makes_h2_exactly_zero():
    box = forward_explorer()
    checks, _, _, readout = parts(box)
    named(box)[0]["win"].value = True
    assert "= <b>0.6</b>" in readout.value and "<b>0.603</b>" in readout.value
    assert "e-" not in readout.value  # no rounding dust such as 7.45e-09


def test_real_valued_inputs_get_sliders():
    rng = np.random.default_rng(1)
    weights = [rng.normal(size=(2, 3)), np.zeros(3), rng.normal(size=(3, 1)), np.zeros(1)]
    box = forward_explorer(weights, x=[0.5, -1.2], activations=("tanh", "sigmoid"))
    checks, sliders, _, readout = parts(box)
    assert checks == [] and len(sliders) == 2 + 6 + 3 + 3 + 1
    assert "tanh(z)" in readout.value
