"""The picture of a widget: sharp, sized to fit, described in words, changed with its readout in one step.

Every main widget of the course shows its figure through a :class:`Picture`:

* **Sharp.** The fast renderers of :mod:`dlcourse.viz.figure` draw
  :data:`~dlcourse.viz.figure.SCALE` (2) pixels per CSS pixel, and the picture is shown at
  that size: never stretched, crisp on ordinary and on high-density screens.
* **Sized to fit.** The picture is as wide as it was drawn (pixels / :data:`SCALE`) but never
  wider than the notebook (``max-width: 100%``), and its height follows.
* **Described.** Each frame carries a text alternative (what the picture shows now): it is the
  image's ``title``, which screen readers read out and which is updated with the picture.
* **One step.** :meth:`Picture.show` takes a finished :class:`Frame` (picture, readout and
  description, all computed first) and hands them to the page together, so the sentence under a
  picture never describes another state than the one shown.

:func:`picture_report` lists the pictures of a widget with their sizes, the smallest text in
them and the texts that collide (:func:`overlapping_text`), for the browser tests. Imported only when a widget is built (it needs ipywidgets).
"""

from __future__ import annotations

from typing import Any, Iterator

import ipywidgets as widgets
from traitlets import Unicode

from dlcourse.viz.figure import SCALE, image_size
from dlcourse.widgets.frame import Frame

__all__ = ["Frame", "Picture", "main_report", "min_text_px", "overlapping_text", "picture_report", "row"]


def min_text_px(fig: Any) -> float | None:
    """The height in picture pixels of the smallest visible text in matplotlib figure ``fig``, or None.

    A picture drawn without matplotlib (the Playground's) reports its own: ``fig.min_text_px``.
    """
    own = getattr(fig, "min_text_px", None)
    if own is not None:
        return float(own)
    from matplotlib.text import Text  # noqa: PLC0415

    sizes = [t.get_fontsize() for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip() and _shown(t)]
    return min(sizes) * fig.dpi / 72.0 if sizes else None


def overlapping_text(fig: Any) -> list[str]:
    """Texts of matplotlib figure ``fig`` that collide, one line each: two texts over one another
    (a title on a legend, a colorbar's label on the next panel's title), or a text over another
    panel than its own (a long title running into a colorbar). Tick labels are left out (matplotlib
    keeps labels for ticks it does not draw). A picture not drawn by matplotlib reports none.
    """
    if not hasattr(fig, "findobj"):
        return []
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.text import Text  # noqa: PLC0415

    if not isinstance(fig.canvas, FigureCanvasAgg):  # never drawn for the page: lay it out first
        FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    ticks = {id(label) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)
             for tick in [*axis.majorTicks, *axis.minorTicks] for label in (tick.label1, tick.label2)}
    texts = [(t, t.get_window_extent(renderer)) for t in fig.findobj(Text)
             if id(t) not in ticks and t.get_visible() and t.get_text().strip() and _shown(t)]
    panels = [(ax, ax.get_window_extent(renderer)) for ax in fig.axes if ax.get_visible()]
    problems = []
    for index, (text, box) in enumerate(texts):
        for other, other_box in texts[index + 1:]:
            if _overlap(box, other_box) > 1:
                problems.append(f"{text.get_text()!r} runs into {other.get_text()!r}")
        for ax, ax_box in panels:
            if ax is not text.axes and _overlap(box, ax_box) > 1:
                name = ax.get_title() or ax.get_ylabel() or ax.get_label() or "a panel"
                problems.append(f"{text.get_text()!r} runs into the panel {name!r}")
    return problems


def _overlap(a: Any, b: Any) -> float:
    """The area (square pixels) two bounding boxes share."""
    return max(0.0, min(a.x1, b.x1) - max(a.x0, b.x0)) * max(0.0, min(a.y1, b.y1) - max(a.y0, b.y0))


def _shown(artist: Any) -> bool:
    """False when ``artist`` or one of its parents (an axes, a legend) is hidden."""
    axes = getattr(artist, "axes", None)
    return axes is None or axes.get_visible()


class DescribedImage(widgets.Image):
    """An ``ipywidgets.Image`` whose ``tooltip`` reaches the page as the picture's ``title``, its
    text alternative (:class:`Picture` builds on it)."""

    # ipywidgets' views show a tooltip as the title only when the model has an empty
    # description, which an Image model lacks (its view then fails to render): give it one.
    description = Unicode("").tag(sync=True)


class Picture(DescribedImage):
    """An image widget showing :class:`Frame` pictures at :data:`SCALE` pixels per CSS pixel.

    ``readout`` (an ``ipywidgets.HTML``, made when not given) receives each frame's readout.
    ``figure`` is the matplotlib figure drawn, kept so the smallest text in it can be reported.
    The description of each frame becomes the image's ``title`` (ipywidgets' ``tooltip``).
    """

    def __init__(self, figure: Any = None, readout: Any = None, **kwargs: Any) -> None:
        super().__init__(format="png", layout={"max_width": "100%", "height": "auto"}, **kwargs)
        self.add_class("dlcourse-picture")
        self.figure = figure
        self.readout = readout if readout is not None else widgets.HTML()
        self.frame: Frame | None = None

    def show(self, frame: Frame) -> None:
        """Put ``frame`` on the page: picture, its description and its readout, one right after another."""
        width = f"{image_size(frame.png)[0] / SCALE:g}px"
        if self.layout.width != width:
            self.layout.width = width
        kind = "jpeg" if frame.png[:2] == b"\xff\xd8" else "png"
        with self.hold_sync():  # picture and description in one message
            if self.format != kind:
                self.format = kind
            self.value = frame.png
            self.tooltip = frame.alt
        if self.readout.value != frame.readout:
            self.readout.value = frame.readout
        self.frame = frame


def row(*children: Any, **layout: Any) -> Any:
    """An HBox that wraps its children onto a new line when the notebook is too narrow for them."""
    return widgets.HBox(list(children), layout={"flex_flow": "row wrap", "align_items": "center",
                                                 **layout})


def _walk(widget: Any) -> Iterator[Any]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def picture_report(widget: Any) -> list[dict[str, Any]]:
    """Each :class:`Picture` inside ``widget``, in page order: pixel size, CSS width, smallest text, description.

    ``min_text_css_px`` is the smallest text of the figure in CSS pixels at the picture's own
    size (shrinking it to fit a narrow notebook makes it smaller still; the browser tests multiply
    by that factor).
    """
    report = []
    for part in _walk(widget):
        if isinstance(part, Picture) and part.frame is not None:
            width, height = image_size(part.frame.png)
            smallest = min_text_px(part.figure) if part.figure is not None else None
            report.append({"model_id": part.model_id, "width_px": width, "height_px": height,
                           "css_width": width / SCALE,
                           "min_text_css_px": None if smallest is None else smallest / SCALE,
                           "overlapping_text": overlapping_text(part.figure) if part.figure is not None else [],
                           "alt": part.frame.alt})
    return report


def main_report() -> str:
    """JSON: :func:`picture_report` of every main widget (CSS class ``dlcourse-main``) alive now.

    For the browser tests, which ask a lesson's kernel what its main widget drew.
    """
    import json  # noqa: PLC0415

    from ipywidgets.widgets.widget import _instances  # noqa: PLC0415 - ipywidgets 8's live widgets

    mains = [w for w in list(_instances.values()) if "dlcourse-main" in getattr(w, "_dom_classes", ())]
    return json.dumps([picture_report(w) for w in mains])
