"""A matplotlib Figure that shows itself in notebooks without pyplot or ``%matplotlib inline``.

The lessons build figures without pyplot's global state (so a widget's figure is never shown
twice, and no figure is left open). Such figures need their own ``_repr_png_`` to appear when a
cell ends with them; this class adds it. Imported only when a lesson draws.
"""

from __future__ import annotations

from io import BytesIO

from matplotlib.figure import Figure

__all__ = ["CourseFigure", "png_bytes"]

DPI = 90


def png_bytes(fig: Figure, dpi: int = DPI) -> bytes:
    """``fig`` rendered as PNG bytes, trimmed to its content."""
    buffer = BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    return buffer.getvalue()


class CourseFigure(Figure):
    """A Figure that displays as a PNG image in Jupyter (``_repr_png_``)."""

    def _repr_png_(self) -> bytes:
        return png_bytes(self)
