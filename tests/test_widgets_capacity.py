"""Lesson 09's capacity explorer: its legends never cover a plotted point."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ipywidgets")


def _points_under_legends(fig) -> list[str]:
    """Each plotted point (marker centre, in pixels) that lies inside a legend's box of the same axes."""
    covered = []
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        box = legend.get_window_extent()
        for line in ax.get_lines():
            xy = np.column_stack(line.get_data()).astype(float)
            if not len(xy):
                continue
            for x, y in ax.transData.transform(xy):
                if box.contains(x, y):
                    covered.append(f"{line.get_label()!r} at ({x:.0f}, {y:.0f}) px in {ax.get_title()!r}")
    return covered


@pytest.mark.parametrize("shape", ["rising", "collapsed"])
def test_no_legend_covers_a_point_whatever_the_width_picked(shape):
    from dlcourse.widgets.capacity import capacity_explorer

    widths = [1, 2, 4, 8, 16, 32, 64, 128]
    if shape == "rising":  # as in lesson 09: the bottleneck low, wide networks high
        final = dict(zip(widths, [0.12, 0.62, 0.78, 0.83, 0.85, 0.86, 0.87, 0.875]))
    else:  # a run that failed: points anywhere near the axes' corners
        final = dict(zip(widths, [0.02, 0.98, 0.05, 0.5, 0.97, 0.1, 0.03, 0.01]))
    histories = {w: {"accuracy": [final[w], 0.99, 0.01], "val_accuracy": [0.01, 0.98, final[w]]} for w in widths}
    box = capacity_explorer(histories, final)
    slider, picture = box.controls["units"], box.picture
    for width in widths:
        slider.value = width
        picture.figure.canvas.draw()
        assert not _points_under_legends(picture.figure), (width, _points_under_legends(picture.figure))


def test_the_frames_without_widgets_are_what_the_widget_shows():
    from dlcourse.widgets.capacity import CapacityFrames, capacity_explorer

    widths = [1, 4, 16]
    histories = {w: {"accuracy": [0.3, 0.5 + w / 100], "val_accuracy": [0.2, 0.4 + w / 100]} for w in widths}
    final = {w: 0.4 + w / 100 for w in widths}
    box = capacity_explorer(histories, final, start=4)
    assert list(box.controls) == ["units"] and box.children[0] is box.controls["units"]
    box.set(units=16)
    frames = CapacityFrames(histories, final)
    frames({"units": 4})  # the first frame fixes the layout, as the widget's did
    assert frames({"units": 16}) == box.frame and "<b>16</b> hidden units, 12,730 parameters" in box.readout.value
