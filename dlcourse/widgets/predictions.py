"""Browse a trained network's answers on test images with a slider (lesson 08).

``prediction_browser(images, labels, probabilities)`` shows one image next to the network's
probability for each of the classes. ``probabilities`` is ``model.predict(images)``, computed
once before the widget is made, so moving the slider never runs the network: it only swaps the
image and the bar heights in one figure and re-renders it (well under 100 ms of kernel time).

Controls: the ``image`` slider picks the image (keyboard: Tab to it, then ← →); the ``show``
menu switches between all images and only the ones the network got wrong (most confident
mistakes first). The widget starts on the mistakes, the interesting case.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["PredictionFrames", "prediction_browser"]


class PredictionFrames:
    """The browser's frames without widgets: ``frames({"image": i, "show": "mistakes" or "all"})`` is a :class:`Frame`.

    ``subsets`` holds the test images each ``show`` choice steps through (the mistakes most
    confident first; all images when there is no mistake). One figure (``figure``), laid out once,
    is redrawn for each frame. Introduced in lesson 08.
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray, probabilities: np.ndarray,
                 names: Sequence[str] | None = None, show: str = "mistakes") -> None:
        from dlcourse.viz.figure import FastPNG  # noqa: PLC0415
        from dlcourse.viz.gallery import PredictionPlot, mistake_indices  # noqa: PLC0415

        self.images = np.asarray(images)
        self.labels = np.asarray(labels).ravel()
        self.probabilities = np.asarray(probabilities)
        if len(self.images) != len(self.labels) or len(self.images) != len(self.probabilities):
            raise ValueError(f"images, labels and probabilities need the same length, got "
                             f"{len(self.images)}, {len(self.labels)} and {len(self.probabilities)}")
        self.subsets = {"all": np.arange(len(self.images)), "mistakes": mistake_indices(self.labels, self.probabilities)}
        if len(self.subsets["mistakes"]) == 0:
            self.subsets["mistakes"] = self.subsets["all"]
        self.show = show if show in self.subsets else "all"
        first = self.subsets[self.show][0]
        self.plot = PredictionPlot(self.images[first], self.probabilities[first], int(self.labels[first]), names)
        self.figure = self.plot.fig
        plot = self.plot  # what a new image changes; the rest (legend, grid, y axis) is drawn once
        self.fast = FastPNG(self.figure, moving=[plot.shown, *plot.bars, plot.ax_bars.xaxis, plot.ax_image.title,
                                                 plot.ax_bars.title, *plot.ax_bars.spines.values(),
                                                 *plot.ax_image.spines.values()])
        self.fast.lay_out()

    def __call__(self, values: Mapping[str, Any]) -> Any:
        from dlcourse.widgets.frame import Frame  # noqa: PLC0415

        shown, at = self.subsets[values["show"]], int(values["image"])
        index = int(shown[at])
        p, names, label = self.probabilities[index], self.plot.names, int(self.labels[index])
        predicted = self.plot.update(self.images[index], p, label, title=f"test image {index}")
        ranked = np.argsort(p)[::-1][:3]
        return Frame(
            self.fast.png(),
            f"Image <b>{at + 1}</b> of {len(shown)} shown (test image {index}): the network says "
            f"<b>{names[predicted]}</b> with probability {p[predicted]:.1%}; the label is <b>{names[label]}</b>.",
            f"Test image {index}, labelled {names[label]}, beside bars of the network's ten "
            f"probabilities; the highest: " + ", ".join(f"{names[k]} {p[k]:.1%}" for k in ranked)
            + f". Its answer is {names[predicted]}.")


def prediction_browser(images: np.ndarray, labels: np.ndarray, probabilities: np.ndarray,
                       names: Sequence[str] | None = None, show: str = "mistakes") -> Any:
    """A widget: an ``image`` slider and a ``show`` menu over one image-and-probabilities figure.

    ``show`` is the starting menu choice, ``"mistakes"`` or ``"all"``. Its controls are named
    ``image`` and ``show`` (a new choice restarts the slider, one draw); its frames are
    :class:`PredictionFrames`. Introduced in lesson 08.
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from dlcourse.widgets.browsing import restart  # noqa: PLC0415
    from dlcourse.widgets.live import LiveWidget  # noqa: PLC0415
    from dlcourse.widgets.menu import Menu  # noqa: PLC0415

    frames = PredictionFrames(images, labels, probabilities, names, show)
    controls = {
        "image": widgets.IntSlider(value=0, min=0, max=len(frames.subsets[frames.show]) - 1, step=1,
                                   description="image", continuous_update=True, layout={"width": "460px"},
                                   tooltip="which image to show; arrow keys step one image"),
        "show": Menu(options=[("only the mistakes (most confident first)", "mistakes"),
                              ("all test images", "all")],
                     value=frames.show, description="show", layout={"width": "380px"}),
    }
    return LiveWidget(
        controls, frames, react={"show": restart("image", "show", lambda choice: len(frames.subsets[choice]))},
        help="<b>image</b>: which image to show (drag, or Tab to the slider and press ← →). "
             "<b>show</b>: all test images, or only those the network got wrong. "
             "The bars are the network's probabilities for the ten classes; the hatched orange bar is its answer.")
