"""Helpers for the tests that drive a lesson widget from Python.

``named(box)`` gives what a test needs from a widget built on :mod:`dlcourse.widgets.live`: its
controls by name, its picture and its readout. ``parts(box)`` finds the same in the tree of a
widget not (yet) built on it: its controls in page order, the Image, and the last HTML. ``move_each`` sets controls one
after another and checks that every change redraws the picture. How fast a redraw is, is not
a test's business: ``benchmarks/widgets.py`` measures it for every lesson's widget.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import ipywidgets as W

CONTROLS = (W.FloatSlider, W.FloatLogSlider, W.IntSlider, W.SelectionSlider, W.Dropdown, W.Checkbox, W.Play)


def walk(widget: Any) -> Iterator[Any]:
    """Every widget inside ``widget``, in page order (depth first)."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def parts(box: Any) -> tuple[list[Any], Any, Any]:
    """``(controls, image, readout)`` of a widget: its inputs in page order, its Image, its last HTML."""
    widgets = list(walk(box))
    controls = [w for w in widgets if isinstance(w, CONTROLS)]
    image = next(w for w in widgets if isinstance(w, W.Image))
    readout = [w for w in widgets if isinstance(w, W.HTML)][-1]
    return controls, image, readout


def named(box: Any) -> tuple[dict[str, Any], Any, Any]:
    """``(controls, picture, readout)`` of a :class:`dlcourse.widgets.live.LiveWidget`: controls by name."""
    assert "dlcourse-main" in box._dom_classes, "not a main widget"
    return box.controls, box.picture, box.readout


def move_each(image: Any, changes: Sequence[tuple[Any, Any]]) -> None:
    """Set each ``(control, value)`` in turn; every change must redraw ``image``."""
    for control, value in changes:
        before = bytes(image.value)
        control.value = value
        assert bytes(image.value) != before, f"setting {control.description} = {value} did not change the picture"

