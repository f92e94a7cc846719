"""One shape for the course's widgets: named controls, a pure frame function, and the wiring.

A widget is declared as

* **named controls**: an ordered mapping ``name -> ipywidgets control`` (sliders, menus,
  checkboxes), and
* a **frame function** ``frame(values) -> Frame``: from the controls' values (a mapping
  ``name -> value``) to what the widget shows (:class:`~dlcourse.widgets.picture.Frame`:
  picture, readout, description). It uses no ipywidgets, so tests and benchmarks call it alone.

:class:`LiveWidget` wires them: it observes every control and shows ``frame(values)`` with
:meth:`Picture.show <dlcourse.widgets.picture.Picture.show>` (picture and readout in one step).

* **Changes made in Python** (a notebook cell, a test setting ``control.value``) draw at once,
  so the next line sees the new picture.
* **Changes from the browser** (a drag, a held arrow key) are coalesced: the draw is put on the
  kernel's asyncio loop, a few turns later, and skipped if a newer change has arrived by then.
  ipykernel 7 dispatches each comm message as its own task; while a frame is being drawn, the
  browser's next changes wait in the kernel's socket, and once the draw is over they are applied
  one after another, each starting a new draw and cancelling the one before: the widget draws once,
  for the latest values, instead of once per change.
* :meth:`LiveWidget.set` (or ``with widget.holding():``) changes several controls with one draw;
  ``react`` runs a widget's own rule when one control changes (a menu that resets a slider) before
  that one draw.

The widget is the ``ipywidgets.VBox`` with CSS class ``dlcourse-main`` that lessons display.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets

from dlcourse.widgets.picture import Frame, Picture

__all__ = ["FrameFunction", "LiveWidget", "SETTLE_TURNS"]

FrameFunction = Callable[[Mapping[str, Any]], Frame]

#: Turns of the asyncio loop a browser change waits before its draw: enough for the comm
#: messages already waiting in the kernel's socket to be applied first (each takes a few turns;
#: measured with benchmarks/widgets.py's key hold), a few microseconds when none wait.
SETTLE_TURNS = 20

_log = logging.getLogger(__name__)


class LiveWidget(widgets.VBox):
    """A main widget: ``controls`` (name -> control) drawn by ``frame`` into a :class:`Picture`.

    ``arrange(controls, help, picture)`` returns the children of the box (default: each control,
    the ``help`` text, the readout, the picture); ``help`` is HTML shown as an ``ipywidgets.HTML``.
    ``figure`` is the matplotlib figure that ``frame`` draws (for the text-size report), by
    default ``frame.figure`` when it has one. ``react`` maps a control's name to a function
    ``react(widget)`` run (without drawing in between) when that control changes, before the draw.
    It draws the first frame when made. Attributes: ``controls``, ``picture``, ``readout``,
    ``help``, ``draws`` (how many frames it has shown).
    """

    def __init__(self, controls: Mapping[str, Any], frame: FrameFunction, *, help: str = "",
                 arrange: Callable[[Mapping[str, Any], Any, Picture], Sequence[Any]] | None = None,
                 figure: Any = None, react: Mapping[str, Callable[[LiveWidget], None]] | None = None,
                 **kwargs: Any) -> None:
        self.controls: dict[str, Any] = dict(controls)
        self.frame_function = frame
        self.picture = Picture(figure if figure is not None else getattr(frame, "figure", None))
        self.readout = self.picture.readout
        self.help = widgets.HTML(help)
        self.react = dict(react or {})
        self.draws = 0
        self._generation = 0  # bumped by every change: a scheduled draw for an older one is stale
        self._held = 0
        self._missed = False
        arranged = (arrange or _stacked)(self.controls, self.help, self.picture)
        super().__init__(list(arranged), **kwargs)
        self.add_class("dlcourse-main")
        self._names = {id(control): name for name, control in self.controls.items()}
        for control in self.controls.values():
            control.observe(self._changed, names="value")
        self.redraw()

    @property
    def values(self) -> dict[str, Any]:
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    @property
    def frame(self) -> Frame | None:
        """The frame shown now."""
        return self.picture.frame

    def frame_for(self, values: Mapping[str, Any] | None = None, **more: Any) -> Frame:
        """The frame for the current values with ``values`` (and keyword values) changed; shows nothing."""
        return self.frame_function({**self.values, **(values or {}), **more})

    def redraw(self) -> None:
        """Draw and show the frame for the current values now."""
        self._generation += 1
        self._missed = False
        self.picture.show(self.frame_function(self.values))
        self.draws += 1

    @contextmanager
    def holding(self) -> Iterator[LiveWidget]:
        """Change controls inside the block without drawing; draw once at its end if one changed."""
        self._held += 1
        try:
            yield self
        finally:
            self._held -= 1
        if not self._held and self._missed:
            self.redraw()

    def set(self, **values: Any) -> None:
        """Set the controls named by the keywords, then draw once (if any value changed)."""
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise KeyError(f"this widget has no control {', '.join(unknown)}; it has {', '.join(self.controls)}")
        with self.holding():
            for name, value in values.items():
                self.controls[name].value = value

    def _changed(self, change: Mapping[str, Any]) -> None:
        owner = change["owner"]
        rule = self.react.get(self._names.get(id(owner), ""))
        if rule is not None:
            self._held += 1
            try:
                rule(self)
            finally:
                self._held -= 1
        if self._held:
            self._missed = True
            return
        loop = _running_loop()
        if loop is None or "value" not in getattr(owner, "_property_lock", {}):
            self.redraw()  # set from Python (or no event loop): draw now
            return
        self._generation += 1
        self._missed = True
        loop.create_task(self._draw_later(self._generation))

    async def _draw_later(self, generation: int) -> None:
        for _ in range(SETTLE_TURNS):
            await asyncio.sleep(0)
            if generation != self._generation:
                return  # a newer change (or a draw) came first: its own draw will show it
        try:
            self.redraw()
        except Exception:  # a draw started by the browser has no cell to report to: log it
            _log.exception("redrawing %s failed", type(self).__name__)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _stacked(controls: Mapping[str, Any], help: Any, picture: Picture) -> list[Any]:
    """The default arrangement: every control on its own line, the help, the readout, the picture."""
    return [*controls.values(), help, picture.readout, picture]
