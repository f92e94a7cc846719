"""What a widget shows for one state of its controls, as plain data (no ipywidgets needed).

A widget's frame function (see :mod:`dlcourse.widgets.live`) returns a :class:`Frame`; tests and
benchmarks call it without building the widget. :mod:`dlcourse.widgets.picture` shows frames.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Frame"]


@dataclass(frozen=True)
class Frame:
    """What a widget shows for one state of its controls: picture, readout (HTML) and description.

    ``png`` holds the picture's bytes: PNG, or JPEG for a picture redrawn many times a second
    (the Playground while it trains), which encodes several times faster.
    """

    png: bytes
    readout: str
    alt: str
