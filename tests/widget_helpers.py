"""Helpers for the tests that drive a lesson widget from Python.

``parts(box)`` finds what a test needs in a widget tree: its controls (in page order), the
Image that shows the picture, and the last HTML (the readout). ``move_each`` sets controls one
after another and checks that every change redraws the picture, and that the median redraw
stays within the 100 ms budget (generous on a shared machine; ``benchmarks/widgets.py`` gives
the real figures).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator, Sequence
from typing import Any

import ipywidgets as W

CONTROLS = (W.FloatSlider, W.FloatLogSlider, W.IntSlider, W.Dropdown, W.Checkbox, W.Play)


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


def move_each(image: Any, changes: Sequence[tuple[Any, Any]], budget: float = 0.1) -> list[float]:
    """Set each ``(control, value)``; every change must redraw ``image``; median time < ``budget`` s."""
    times = []
    for control, value in changes:
        before = bytes(image.value)
        began = time.perf_counter()
        control.value = value
        times.append(time.perf_counter() - began)
        assert bytes(image.value) != before, f"setting {control.description} = {value} did not change the picture"
    assert statistics.median(times) < budget, f"redraws took {[round(t * 1000) for t in times]} ms"
    return times


def cpu_times(moves: Sequence[tuple[Any, Sequence[Any]]]) -> list[float]:
    """CPU seconds of each control change, for ``[(control, [value, ...]), ...]`` in order.

    CPU time rather than wall time: the test machine is shared with other work.
    """
    cpu = []
    for control, values in moves:
        for value in values:
            start = time.process_time()
            control.value = value
            cpu.append(time.process_time() - start)
    return cpu
