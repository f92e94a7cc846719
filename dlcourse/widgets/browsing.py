"""A figure browsed with a slider and a menu: the shared parts of the lesson 08 and 12 widgets.

* :class:`FigureImage` shows a matplotlib figure in an ``ipywidgets.Image`` and re-renders it in
  place (one Agg draw and a fast PNG encoding per move).
* :func:`browse` wires a ``slider`` that steps through items and a ``menu`` that picks which
  items: either control redraws, and a new menu choice restarts the slider at its first item.

Imported only when a lesson shows such a widget (it needs ipywidgets and matplotlib).
"""

from __future__ import annotations

from typing import Any, Callable

__all__ = ["FigureImage", "browse"]


class FigureImage:
    """A matplotlib figure shown in a :class:`dlcourse.widgets.picture.Picture` and re-rendered in place.

    The layout is computed once, when it is made, and then kept; each render draws the
    figure once with Agg and encodes it as a quickly compressed PNG
    (:class:`dlcourse.viz.figure.FastPNG` with nothing kept), which is cheaper than
    ``display(fig)`` (that draws twice to trim the margins). ``widget`` is the picture and
    ``readout`` the HTML under it. Introduced in lesson 08 (the prediction browser).
    """

    def __init__(self, fig: Any, moving: Any = None) -> None:
        from dlcourse.viz.figure import FastPNG  # noqa: PLC0415
        from dlcourse.widgets.picture import Picture  # noqa: PLC0415

        self.fig = fig
        self.fast = FastPNG(fig, moving=moving)
        self.fast.lay_out()
        self.widget = Picture(fig)
        self.readout = self.widget.readout

    def render(self, readout: str, alt: str) -> None:
        """Draw the figure and show it with its ``readout`` (HTML) and description ``alt``."""
        from dlcourse.widgets.picture import Frame  # noqa: PLC0415

        self.widget.show(Frame(self.fast.png(), readout, alt))


def browse(slider: Any, menu: Any, count: Callable[[Any], int], draw: Callable[..., None]) -> None:
    """Redraw when ``slider`` or ``menu`` moves, and draw once now.

    ``count(choice)`` is how many items the menu's ``choice`` offers: a new choice sets the
    slider back to 0 with that many positions and redraws once (the slider's own observer
    draws when its value changes, so the menu draws only when it did not). Introduced in
    lesson 08.
    """

    def change_menu(*_: Any) -> None:
        moved = slider.value != 0
        with slider.hold_trait_notifications():
            slider.value = 0
            slider.max = count(menu.value) - 1
        if not moved:
            draw()

    slider.observe(draw, names="value")
    menu.observe(change_menu, names="value")
    draw()
