"""Figures for notebooks and widgets, without pyplot or ``%matplotlib inline``.

The lessons build figures without pyplot's global state (so a widget's figure is never shown
twice, and no figure is left open). Such figures need their own ``_repr_png_`` to appear when a
cell ends with them; :class:`CourseFigure` adds it. Widgets redraw a figure on every slider
move and must answer in well under 100 ms, which ``display(fig)`` (a full draw, twice, to trim
the margins) cannot: they use :class:`FastPNG`, which keeps the layout fixed, draws the parts
that never change once, and on each move draws only the artists that changed, straight to PNG
bytes for an ``ipywidgets.Image``. Imported only when a lesson draws.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any, Callable, Hashable, Iterable, Sequence

from matplotlib.figure import Figure

__all__ = ["CourseFigure", "FastPNG", "SCALE", "canvas_png", "frame_png", "image_size", "png_bytes", "png_repr",
           "png_size"]

DPI = 90
#: Pixels drawn per CSS pixel by the fast renderers (widget pictures): 2 stays crisp on
#: high-density screens; the page shows the picture at its size divided by SCALE.
SCALE = 2


def png_size(png: bytes) -> tuple[int, int]:
    """``(width, height)`` in pixels of PNG bytes (read from the header)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG image")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def image_size(data: bytes) -> tuple[int, int]:
    """``(width, height)`` in pixels of PNG or JPEG bytes (read from the header; JPEG: its frame header)."""
    if data[:2] != b"\xff\xd8":
        return png_size(data)
    i = 2
    while i + 9 <= len(data):
        if data[i] != 0xFF:
            raise ValueError("not a JPEG image: a segment does not start with 0xFF")
        marker = data[i + 1]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a start-of-frame segment
            return int.from_bytes(data[i + 7:i + 9], "big"), int.from_bytes(data[i + 5:i + 7], "big")
        i += 2 + int.from_bytes(data[i + 2:i + 4], "big")
    raise ValueError("not a JPEG image: no frame header")


def png_repr(png: bytes) -> tuple[bytes, dict[str, int]]:
    """PNG bytes drawn at :data:`SCALE` with the size Jupyter should show them at (a ``_repr_png_`` result)."""
    width, height = png_size(png)
    return png, {"width": round(width / SCALE), "height": round(height / SCALE)}


def png_bytes(fig: Figure, dpi: int = DPI) -> bytes:
    """``fig`` rendered as PNG bytes, trimmed to its content."""
    buffer = BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    return buffer.getvalue()


def canvas_png(canvas: Any) -> bytes:
    """The pixels an Agg ``canvas`` holds now, as PNG bytes, encoded fast (light compression, no alpha).

    Nothing is drawn here: call ``canvas.draw()`` (or blit artists onto it) first. Pillow
    encodes several times faster than ``savefig``. Introduced in lesson 00 (the digit browser).
    """
    from PIL import Image  # noqa: PLC0415 - Pillow is a dependency (and comes with matplotlib)

    width, height = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = BytesIO()
    image.convert("RGB").save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def frame_png(fig: Figure, dpi: int = 80, scale: float = SCALE) -> bytes:
    """``fig`` drawn in full as PNG bytes, fast: one kept Agg canvas, no trimming, light compression.

    ``dpi`` is the figure's size on screen; it is drawn with ``scale`` times as many pixels.

    For figures whose every part changes between frames (live training curves, a plot that
    rescales its axes), where :class:`FastPNG` has nothing still to keep. About three times
    faster than ``savefig``. Introduced in lesson 09 (the capacity explorer).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415

    if fig.get_dpi() != dpi * scale:
        fig.set_dpi(dpi * scale)
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    return canvas_png(canvas)


class FastPNG:
    """PNG snapshots of a figure for a widget: everything still is drawn once, only ``moving`` each time.

    The first :meth:`png` lays the figure out (then the layout stays fixed), draws it without
    the ``moving`` artists and keeps those pixels as the background, one per ``key`` (e.g. per
    dataset shown). Each call pastes the background back, draws the moving artists on it in
    z-order, and encodes the result (a moving title needs a fixed place, ``set_title(..., y=1.0)``:
    matplotlib places its own only in a full draw). ``moving`` is a list of artists or a function returning
    one (for artists that are replaced). With ``moving=None`` the whole figure is drawn every
    time (still faster than ``display``: one draw, no trimming). Call :meth:`reset` after
    changing something in the background. ``keep_layout=False`` lets the layout engine place
    each new background afresh (for figures whose titles and tick labels change with the key).
    ``dpi`` is the figure's size on screen (None: the figure's own dpi); it is drawn with
    ``scale`` times as many pixels, to be shown at 1/``scale`` of its size (crisp on
    high-density screens). Introduced in lesson 00 (digit browser, neuron explorer).
    """

    def __init__(self, fig: Figure, moving: Sequence[Any] | Callable[[], Iterable[Any]] | None = (),
                 dpi: float | None = DPI, keep_layout: bool = True, scale: float = SCALE) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415

        self.fig = fig
        fig.set_dpi((fig.get_dpi() if dpi is None else dpi) * scale)
        self.canvas = FigureCanvasAgg(fig)
        self._moving = moving
        self._backgrounds: dict[Hashable, Any] = {}
        self._laid_out = not keep_layout  # without a kept layout, every background is laid out anew

    def moving(self) -> list[Any]:
        """The artists redrawn on every call, lowest z-order first."""
        found = [a for a in (self._moving() if callable(self._moving) else (self._moving or ())) if a is not None]
        for ax in self.fig.axes:
            # matplotlib places an axes' title itself only while drawing the whole axes, so a
            # title redrawn alone is lost (lesson 01's and 08's pictures lost theirs): refuse it.
            if ax.get_title() and any(a is ax.title for a in found) and getattr(ax, "_autotitlepos", False):
                raise ValueError(f"a moving title needs a fixed place: set_title({ax.get_title()!r}, y=1.0)")
        return sorted(found, key=lambda a: a.get_zorder())

    def reset(self) -> None:
        """Forget every kept background (each is drawn again when next needed)."""
        self._backgrounds.clear()

    def lay_out(self) -> None:
        """Place everything now and keep those positions (the first :meth:`png` does it otherwise)."""
        if not self._laid_out:
            self.canvas.draw()  # the layout engine places everything once ...
            self.fig.set_layout_engine("none")  # ... and the positions stay from now on
            self._laid_out = True

    def png(self, key: Hashable = None) -> bytes:
        """The figure as it is now, as PNG bytes; ``key`` picks the background (drawn on first use)."""
        self.lay_out()
        if self._moving is None:
            self.canvas.draw()
            return canvas_png(self.canvas)
        moving = self.moving()
        if key not in self._backgrounds:
            shown = [a.get_visible() for a in moving]
            for artist in moving:
                artist.set_visible(False)
            try:
                self.canvas.draw()
                self._backgrounds[key] = self.canvas.copy_from_bbox(self.fig.bbox)
            finally:
                for artist, visible in zip(moving, shown):
                    artist.set_visible(visible)
        self.canvas.restore_region(self._backgrounds[key])
        renderer = self.canvas.get_renderer()
        for artist in moving:
            if artist.get_visible():
                artist.draw(renderer)
        return canvas_png(self.canvas)


class CourseFigure(Figure):
    """A Figure that displays as a PNG image in Jupyter (``_repr_png_``)."""

    def _repr_png_(self) -> bytes:
        return png_bytes(self)
