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

from typing import Any, Sequence

import numpy as np

__all__ = ["prediction_browser"]


def prediction_browser(images: np.ndarray, labels: np.ndarray, probabilities: np.ndarray,
                       names: Sequence[str] | None = None, show: str = "mistakes") -> Any:
    """A widget: an ``image`` slider and a ``show`` menu over one image-and-probabilities figure.

    ``show`` is the starting menu choice, ``"mistakes"`` or ``"all"``. Introduced in lesson 08.
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from dlcourse.viz.gallery import PredictionPlot, mistake_indices  # noqa: PLC0415
    from dlcourse.widgets.browsing import FigureImage, browse  # noqa: PLC0415

    images = np.asarray(images)
    labels = np.asarray(labels).ravel()
    probabilities = np.asarray(probabilities)
    if len(images) != len(labels) or len(images) != len(probabilities):
        raise ValueError(f"images, labels and probabilities need the same length, got "
                         f"{len(images)}, {len(labels)} and {len(probabilities)}")
    subsets = {"all": np.arange(len(images)), "mistakes": mistake_indices(labels, probabilities)}
    if len(subsets["mistakes"]) == 0:
        subsets["mistakes"] = subsets["all"]
    show = show if show in subsets else "all"

    order = subsets[show]
    slider = widgets.IntSlider(value=0, min=0, max=len(order) - 1, step=1, description="image",
                               continuous_update=True, layout={"width": "460px"},
                               tooltip="which image to show; arrow keys step one image")
    menu = widgets.Dropdown(options=[("only the mistakes (most confident first)", "mistakes"),
                                     ("all test images", "all")],
                            value=show, description="show", layout={"width": "380px"})
    plot = PredictionPlot(images[order[0]], probabilities[order[0]], int(labels[order[0]]), names)
    picture = FigureImage(plot.fig)

    def draw(*_: Any) -> None:
        index = int(subsets[menu.value][slider.value])
        predicted = plot.update(images[index], probabilities[index], int(labels[index]),
                                title=f"test image {index}")
        confidence = probabilities[index][predicted]
        ranked = np.argsort(probabilities[index])[::-1][:3]
        picture.render(
            f"Image <b>{slider.value + 1}</b> of {len(subsets[menu.value])} shown "
            f"(test image {index}): the network says <b>{plot.names[predicted]}</b> "
            f"with probability {confidence:.1%}; the label is <b>{plot.names[int(labels[index])]}</b>.",
            f"Test image {index}, labelled {plot.names[int(labels[index])]}, beside bars of the network's ten "
            f"probabilities; the highest: " + ", ".join(f"{plot.names[k]} {probabilities[index][k]:.1%}" for k in ranked)
            + f". Its answer is {plot.names[predicted]}.")

    browse(slider, menu, lambda choice: len(subsets[choice]), draw)
    help_text = widgets.HTML(
        "<b>image</b>: which image to show (drag, or Tab to the slider and press ← →). "
        "<b>show</b>: all test images, or only those the network got wrong. "
        "The bars are the network's probabilities for the ten classes; the hatched orange bar is its answer.")
    box = widgets.VBox([slider, menu, help_text, picture.readout, picture.widget])
    box.add_class("dlcourse-main")
    return box
