"""Browse the images of a dataset with a slider (lesson 00).

``digit_browser(images, labels)`` shows one image, large, with its label and a few numbers
about its pixels. Its frames (:class:`DigitFrames`, no widgets needed) use one figure made
once: moving the slider swaps the picture's data and re-renders only the image and its title
into the same image widget (a few milliseconds, see :class:`dlcourse.viz.figure.FastPNG`), so
it changes in place. The slider works with the
keyboard (Tab to it, then ← →).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["DigitFrames", "digit_browser"]


class DigitFrames:
    """The browser's frames without widgets: ``frames({"index": i})`` is a :class:`Frame` of image ``i``.

    One figure (``figure``) is made once; each frame swaps the image's data and re-renders only the
    image and its title. Introduced in lesson 00.
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray, names: Sequence[str] | None = None,
                 start: int = 0) -> None:
        from dlcourse.viz.figure import FastPNG  # noqa: PLC0415
        from dlcourse.viz.images import draw_image  # noqa: PLC0415
        from dlcourse.viz.style import new_figure  # noqa: PLC0415

        self.images, self.labels, self.names = images, labels, names
        self.figure, self.ax = new_figure("", "pixel column (0–27)", "pixel row (0–27)", figsize=(3.6, 3.6))
        self.ax.grid(False)
        self.shown = draw_image(self.ax, images[start])
        self.ax.set_xticks([0, 27])
        self.ax.set_yticks([0, 27])
        # The longest title, so the layout leaves room for every one; at a fixed height (y=1), because
        # matplotlib moves an automatically placed title out of the picture while it is hidden for
        # FastPNG's background, which left the first frame without a title.
        self.ax.set_title("image 0000: label 0", y=1.0)
        self.fast = FastPNG(self.figure, [self.shown, self.ax.title, *self.ax.spines.values()])

    def __call__(self, values: Mapping[str, Any]) -> Any:
        from dlcourse.viz.images import as_square  # noqa: PLC0415
        from dlcourse.widgets.frame import Frame  # noqa: PLC0415

        at = values["index"]
        image = as_square(self.images[at])
        label = self.labels[at]
        text = self.names[int(label)] if self.names is not None else str(label)
        self.shown.set_data(image)
        self.ax.title.set_text(f"image {at}: label {text}")
        lit = int((image > 0).sum())
        return Frame(
            self.fast.png(),
            f"Label <b>{text}</b>. Pixels: {image.size} values from {int(image.min())} to "
            f"{int(image.max())}; {lit} are not black.",
            f"Image {at} of {len(self.images)}, labelled {text}: a {image.shape[0]} by {image.shape[1]} grid of "
            f"grey pixels, {lit} of {image.size} lit (not black) on a black background.")


def digit_browser(images: np.ndarray, labels: np.ndarray, names: Sequence[str] | None = None,
                  start: int = 0) -> Any:
    """A widget: an ``index`` slider over ``images`` and the picked image with its label.

    Its one control is named ``index``; its frames are :class:`DigitFrames`.
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from dlcourse.widgets.live import LiveWidget  # noqa: PLC0415

    index = widgets.IntSlider(value=start, min=0, max=len(images) - 1, step=1, description="index",
                              continuous_update=True, layout={"width": "420px"},
                              tooltip="which image to show; arrow keys step one image")
    return LiveWidget({"index": index}, DigitFrames(images, labels, names, start),
                      help="Drag the slider (or Tab to it and press ← →) to flip through the images.")
