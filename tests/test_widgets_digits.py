"""The digit browser of lesson 00, driven from Python by its control's name: the slider shows the
picked image, its label and its pixel counts, and its frames alone are what it shows."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from dlcourse.widgets.digits import DigitFrames, digit_browser  # noqa: E402
from widget_helpers import move_each, named  # noqa: E402

RNG = np.random.default_rng(0)
IMAGES = (RNG.random((5, 28, 28)) > 0.7) * RNG.integers(1, 256, (5, 28, 28))
LABELS = np.array([3, 1, 4, 1, 5])


def test_the_index_slider_shows_each_image_with_its_label_and_pixels():
    box = digit_browser(IMAGES, LABELS)
    controls, picture, readout = named(box)
    assert list(controls) == ["index"] and box.children[0] is controls["index"] and controls["index"].max == 4
    move_each(picture, [(controls["index"], 2)])
    lit = int((IMAGES[2] > 0).sum())
    assert readout.value.startswith("Label <b>4</b>.") and f"{lit} are not black" in readout.value
    assert picture.tooltip.startswith("Image 2 of 5, labelled 4")


def test_class_names_label_the_images():
    box = digit_browser(IMAGES, LABELS, names=[f"class {i}" for i in range(10)], start=4)
    assert "Label <b>class 5</b>" in box.readout.value and box.controls["index"].value == 4


def test_the_frames_without_widgets_are_what_the_widget_shows():
    box = digit_browser(IMAGES, LABELS)
    box.set(index=3)
    assert DigitFrames(IMAGES, LABELS)({"index": 3}) == box.frame


def test_the_first_frame_has_its_title_like_every_later_one():
    box = digit_browser(IMAGES, LABELS)
    first = box.frame.png
    box.set(index=1)
    box.set(index=0)
    assert box.frame.png == first  # the first frame used to lack its title ("image 0: label 3")
