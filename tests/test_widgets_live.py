"""The shared piece behind every main widget (dlcourse.widgets.live): named controls drawn by a
pure frame function, Python changes drawn at once, browser changes coalesced, several changes in
one draw. A tiny frame function (a 1x1 PNG whose readout lists the values) stands in for a figure.
"""

from __future__ import annotations

import asyncio
import threading
import time

import ipywidgets as W
import pytest

from dlcourse.viz.figure import SCALE
from dlcourse.widgets.live import LiveWidget
from dlcourse.widgets.frame import Frame
from dlcourse.widgets.picture import Picture

# A valid PNG header with a width and height of 2 x 2 pixels (what Picture.show reads the size from).
_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00\x00"


def _run(coroutine):
    """``asyncio.run(coroutine)`` on a thread of its own, like a kernel's loop.

    The test process may already have a loop marked running on its main thread (Playwright's sync
    API, used by the browser tests on the same pytest-xdist worker), where ``asyncio.run`` refuses.
    """
    result: dict = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test's thread
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "the event loop did not finish in 60 s"
    if "error" in result:
        raise result["error"]
    return result.get("value")


class Recorder:
    """A frame function that records every call and, when asked, takes ``seconds`` per frame."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.calls: list[dict] = []
        self.seconds = seconds

    def __call__(self, values):
        self.calls.append(dict(values))
        if self.seconds:
            time.sleep(self.seconds)
        text = ", ".join(f"{k}={v}" for k, v in values.items())
        return Frame(_PNG + text.encode(), f"<b>{text}</b>", f"values {text}")


def make(seconds: float = 0.0, **kwargs):
    frames = Recorder(seconds)
    controls = {"a": W.IntSlider(value=1, min=0, max=100, description="a"),
                "b": W.Dropdown(options=["x", "y", "z"], value="x", description="b")}
    return LiveWidget(controls, frames, help="help <b>text</b>", **kwargs), frames


def test_it_is_the_main_vbox_with_named_controls_and_draws_its_first_frame():
    box, frames = make()
    assert isinstance(box, W.VBox) and "dlcourse-main" in box._dom_classes
    assert list(box.controls) == ["a", "b"] and box.values == {"a": 1, "b": "x"}
    assert box.children == (box.controls["a"], box.controls["b"], box.help, box.readout, box.picture)
    assert isinstance(box.picture, Picture) and box.help.value == "help <b>text</b>"
    assert frames.calls == [{"a": 1, "b": "x"}] and box.draws == 1
    assert box.readout.value == "<b>a=1, b=x</b>" and box.picture.tooltip == "values a=1, b=x"
    assert box.picture.layout.width == f"{2 / SCALE:g}px"


def test_the_frame_function_alone_gives_the_frame_the_widget_shows():
    box, _ = make()
    box.controls["a"].value = 7
    assert Recorder()({"a": 7, "b": "x"}) == box.frame
    assert box.frame_for(b="z") == Recorder()({"a": 7, "b": "z"})
    assert box.frame_for({"a": 3}).readout == "<b>a=3, b=x</b>"
    assert box.values == {"a": 7, "b": "x"} and box.draws == 2  # frame_for shows nothing


def test_a_change_made_in_python_draws_at_once_even_inside_an_event_loop():
    box, frames = make()

    async def cell():  # a notebook cell runs inside the kernel's asyncio loop
        box.controls["a"].value = 5
        return bytes(box.picture.value), box.readout.value

    picture, readout = _run(cell())
    assert picture.endswith(b"a=5, b=x") and readout == "<b>a=5, b=x</b>"


def test_set_changes_several_controls_with_one_draw():
    box, frames = make()
    box.set(a=9, b="y")
    assert frames.calls[1:] == [{"a": 9, "b": "y"}] and box.draws == 2
    box.set(a=9)  # nothing changed: nothing drawn
    assert box.draws == 2
    with box.holding():
        box.controls["a"].value = 10
        box.controls["b"].value = "z"
        assert box.draws == 2
    assert frames.calls[-1] == {"a": 10, "b": "z"} and box.draws == 3
    with pytest.raises(KeyError, match="no control c; it has a, b"):
        box.set(c=1)
    assert box.values == {"a": 10, "b": "z"}


def test_react_runs_before_the_one_draw_of_a_change():
    def reset_a(widget):
        widget.controls["a"].max = 50
        widget.controls["a"].value = 0

    box, frames = make(react={"b": reset_a})
    box.controls["b"].value = "y"
    assert frames.calls[1:] == [{"a": 0, "b": "y"}] and box.controls["a"].max == 50


def _from_browser(control, value):
    """What ipywidgets does with a comm message from the page: the value arrives through set_state."""
    control.set_state({"value": value})


def test_queued_browser_changes_are_drawn_once_for_the_latest_values():
    box, frames = make()

    async def messages():
        # Twenty key repeats already waiting in the kernel's socket, each dispatched as its own task.
        await asyncio.gather(*(asyncio.create_task(_async(_from_browser, box.controls["a"], v))
                               for v in range(20, 40)))
        for _ in range(100):
            await asyncio.sleep(0)

    _run(messages())
    assert frames.calls[1:] == [{"a": 39, "b": "x"}] and box.readout.value == "<b>a=39, b=x</b>"


def test_browser_changes_arriving_while_drawing_are_coalesced():
    box, frames = make(seconds=0.02)  # 20 ms per frame; a key repeat every 5 ms

    async def key_hold():
        loop = asyncio.get_running_loop()
        start = loop.time()
        for i, v in enumerate(range(50, 70)):
            loop.call_at(start + 0.005 * i, lambda v=v: asyncio.ensure_future(
                _async(_from_browser, box.controls["a"], v)))
        await asyncio.sleep(0.3)

    _run(key_hold())
    drawn = [call["a"] for call in frames.calls[1:]]
    assert 1 <= len(drawn) < 20 and drawn[-1] == 69 and drawn == sorted(drawn)
    assert box.values == {"a": 69, "b": "x"} and bytes(box.picture.value).endswith(b"a=69, b=x")


def test_a_menu_changed_in_the_page_is_coalesced_too():
    box, frames = make()

    async def menu_keys():  # the page sends a menu's (and a selection slider's) index, not its value
        for index in (1, 2, 0, 1):
            asyncio.get_running_loop().call_soon(box.controls["b"].set_state, {"index": index})
        for _ in range(100):
            await asyncio.sleep(0)

    _run(menu_keys())
    assert frames.calls[1:] == [{"a": 1, "b": "y"}]


def test_a_python_change_cancels_a_pending_browser_draw():
    box, frames = make()

    async def both():
        _from_browser(box.controls["a"], 30)
        box.controls["b"].value = "z"  # drawn at once, with a = 30 already
        for _ in range(100):
            await asyncio.sleep(0)

    _run(both())
    assert frames.calls[1:] == [{"a": 30, "b": "z"}]


async def _async(function, *args):
    function(*args)


def test_frames_are_computed_without_ipywidgets():
    import subprocess
    import sys

    code = ("import sys; from dlcourse.widgets.activations import ActivationFrames; "
            "from dlcourse.widgets.losses import LossFrames; "
            "f = ActivationFrames()({'z': 1.0, 'activation': 'relu'}); g = LossFrames()({'p': 0.5, 'target': 1, 'slope': 'p'}); "
            "assert f.png[:4] == g.png[:4] == b'\\x89PNG'; print(sorted(m for m in sys.modules if m.startswith('ipywidgets')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
