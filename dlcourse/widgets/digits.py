"""Browse the images of a dataset with a slider (lesson 00).

``digit_browser(images, labels)`` shows one image, large, with its label and a few numbers
about its pixels. One figure is made once; moving the slider swaps the picture's data and
re-renders only the image and its title into the same image widget (a few milliseconds, see
:class:`dlcourse.viz.figure.FastPNG`), so it changes in place. The slider works with the
keyboard (Tab to it, then ← →).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

__all__ = ["digit_browser"]


def digit_browser(images: np.ndarray, labels: np.ndarray, names: Sequence[str] | None = None,
                  start: int = 0) -> Any:
    """A widget: an ``index`` slider over ``images`` and the picked image with its label."""
    import ipywidgets as widgets  # noqa: PLC0415

    from dlcourse.viz.figure import FastPNG  # noqa: PLC0415
    from dlcourse.viz.images import as_square, draw_image  # noqa: PLC0415
    from dlcourse.viz.style import new_figure  # noqa: PLC0415
    from dlcourse.widgets.picture import Frame, Picture  # noqa: PLC0415

    count = len(images)
    index = widgets.IntSlider(value=start, min=0, max=count - 1, step=1, description="index",
                              continuous_update=True, layout={"width": "420px"},
                              tooltip="which image to show; arrow keys step one image")
    fig, ax = new_figure("", "pixel column (0–27)", "pixel row (0–27)", figsize=(3.6, 3.6))
    ax.grid(False)
    shown = draw_image(ax, images[start])
    ax.set_xticks([0, 27])
    ax.set_yticks([0, 27])
    ax.set_title("image 0000: label 0")  # the longest title, so the layout leaves room for every one
    fast = FastPNG(fig, [shown, ax.title, *ax.spines.values()])
    picture = Picture(fig)

    def draw(*_: Any) -> None:
        image = as_square(images[index.value])
        label = labels[index.value]
        text = names[int(label)] if names is not None else str(label)
        shown.set_data(image)
        ax.set_title(f"image {index.value}: label {text}")
        lit = int((image > 0).sum())
        picture.show(Frame(
            fast.png(),
            f"Label <b>{text}</b>. Pixels: {image.size} values from {int(image.min())} to "
            f"{int(image.max())}; {lit} are not black.",
            f"Image {index.value} of {count}, labelled {text}: a {image.shape[0]} by {image.shape[1]} grid of "
            f"grey pixels, {lit} of {image.size} lit (not black) on a black background."))

    index.observe(draw, names="value")
    draw()
    help_text = widgets.HTML("Drag the slider (or Tab to it and press ← →) to flip through the images.")
    box = widgets.VBox([index, help_text, picture.readout, picture])
    box.add_class("dlcourse-main")
    return box
