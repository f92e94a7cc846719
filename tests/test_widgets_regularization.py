"""Lesson 10's regularization explorer, by its controls' names: its frames alone are what it shows,
and both menus redraw once each (the lesson's own checks: tests/test_lesson10.py)."""

from __future__ import annotations

import pytest

pytest.importorskip("ipywidgets")


def _run(n, level):
    return {"loss": [1 / (i + 1) for i in range(n)], "val_loss": [level + 0.01 * i for i in range(n)],
            "accuracy": [0.5 + 0.5 * i / n for i in range(n)], "val_accuracy": [0.6 + level / 10] * n}


def test_the_frames_without_widgets_are_what_the_widget_shows():
    from dlcourse.widgets.regularization import RegularizationFrames, regularization_explorer

    runs = {"none": _run(20, 0.5), "L2": _run(20, 0.3), "dropout": _run(12, 0.2)}
    box = regularization_explorer(runs, baseline="none")
    assert list(box.controls) == ["run", "curves"] and box.controls["run"].options == ("L2", "dropout")
    box.set(run="dropout", curves="loss")
    assert box.draws == 2 and "<b>dropout</b>" in box.readout.value and "12 epochs" in box.readout.value
    frames = RegularizationFrames(runs, baseline="none")
    frames({"run": "L2", "curves": "accuracy"})  # the first frame fixes the layout, as the widget's did
    assert frames({"run": "dropout", "curves": "loss"}) == box.frame
