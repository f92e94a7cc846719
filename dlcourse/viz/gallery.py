"""A classifier's answers on images: one image with its probability bars, and a gallery of mistakes.

``plot_prediction`` draws an image next to the network's probability for each class; its
``update`` method swaps in another image and redraws the same figure (the lesson 08 widget
uses it). ``show_mistakes`` lays out the images the network got wrong, each titled with the
true class, the predicted class and the network's confidence.

The predicted class is marked by colour *and* hatching, the true class by its tick label, so
the pictures never rely on colour alone. Introduced in lesson 08.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from dlcourse.viz.images import as_square, draw_image
from dlcourse.viz.style import PALETTE, new_figure

__all__ = ["PredictionPlot", "mistake_indices", "plot_prediction", "show_mistakes"]


class PredictionPlot:
    """One figure: an image on the left, the probability of each class as bars on the right.

    Build it once, then call :meth:`update` to show another image; the figure is changed in
    place (new bar heights, new image data), which is fast enough for a slider.
    Introduced in lesson 08.
    """

    def __init__(self, image: np.ndarray, probabilities: Sequence[float], label: int | None = None,
                 names: Sequence[str] | None = None, figsize: tuple[float, float] = (6.4, 2.9)) -> None:
        probabilities = np.asarray(probabilities, dtype=float)
        self.names = list(names) if names is not None else [str(i) for i in range(len(probabilities))]
        self.fig, self.ax_bars = new_figure("", "class", "probability (0 to 1)", figsize=figsize)
        grid = self.fig.add_gridspec(1, 2, width_ratios=(1, 2.2))
        self.ax_bars.set_subplotspec(grid[0, 1])
        self.ax_image = self.fig.add_subplot(grid[0, 0])
        self.shown = draw_image(self.ax_image, as_square(image))
        classes = np.arange(len(probabilities))
        self.bars = self.ax_bars.bar(classes, probabilities, color=PALETTE["neutral"], edgecolor="black",
                                     linewidth=0.6, label="other classes")
        # Headroom above 1 for the legend, so it never covers a tall bar (whichever class is predicted).
        self.ax_bars.set_ylim(0, 1.32)
        self.ax_bars.set_yticks(np.linspace(0, 1, 6))
        self.ax_bars.set_xticks(classes, self.names)
        self.ax_bars.grid(False, axis="x")
        from matplotlib.patches import Patch  # noqa: PLC0415 - matplotlib only when drawing

        self.ax_bars.legend(handles=[Patch(facecolor=PALETTE["accent"], hatch="///", edgecolor="black",
                                           label="predicted class"),
                                     Patch(facecolor=PALETTE["neutral"], edgecolor="black", label="other classes")],
                            loc="upper center", ncol=2, fontsize=8, framealpha=0.9)
        self.update(image, probabilities, label)

    def update(self, image: np.ndarray, probabilities: Sequence[float], label: int | None = None,
               title: str = "") -> int:
        """Show ``image`` and its ``probabilities``; returns the predicted class (the tallest bar)."""
        probabilities = np.asarray(probabilities, dtype=float)
        predicted = int(np.argmax(probabilities))
        self.shown.set_data(as_square(image))
        for index, bar in enumerate(self.bars):
            bar.set_height(probabilities[index])
            bar.set_facecolor(PALETTE["accent"] if index == predicted else PALETTE["neutral"])
            bar.set_hatch("///" if index == predicted else "")
        ticks = [f"{name}\n(true)" if label is not None and i == int(label) else name
                 for i, name in enumerate(self.names)]
        self.ax_bars.set_xticks(range(len(ticks)), ticks)
        verdict = ""
        if label is not None:
            verdict = "  ✓ right" if predicted == int(label) else f"  ✗ wrong (true: {self.names[int(label)]})"
        # y=1.0: a fixed place. The widget redraws the titles alone (dlcourse.viz.figure.FastPNG), and
        # a title placed by matplotlib went missing from its first frame.
        self.ax_image.set_title(title or (f"true label {self.names[int(label)]}" if label is not None else "image"),
                                fontsize=10, y=1.0)
        self.ax_bars.set_title(f"predicted {self.names[predicted]} with probability "
                               f"{probabilities[predicted]:.0%}{verdict}", fontsize=10, y=1.0)
        return predicted


def plot_prediction(image: np.ndarray, probabilities: Sequence[float], label: int | None = None,
                    names: Sequence[str] | None = None) -> Any:
    """A figure with ``image`` and the network's probability for each class as bars.

    ``probabilities`` is one row of ``model.predict(...)``. Returns the Figure.
    Introduced in lesson 08.
    """
    return PredictionPlot(image, probabilities, label, names).fig


def mistake_indices(y_true: np.ndarray, probabilities: np.ndarray, order: str = "confidence") -> np.ndarray:
    """Indices of the wrongly predicted examples.

    ``order="confidence"`` puts the most confident mistakes first; ``"index"`` keeps the data's order.
    """
    y_true = np.asarray(y_true).ravel()
    probabilities = np.asarray(probabilities)
    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != y_true)
    if order == "confidence":
        wrong = wrong[np.argsort(-probabilities[wrong].max(axis=1), kind="stable")]
    elif order != "index":
        raise ValueError(f"order must be 'confidence' or 'index', got {order!r}")
    return wrong


def show_mistakes(images: np.ndarray, y_true: np.ndarray, probabilities: np.ndarray, count: int = 16,
                  columns: int = 8, names: Sequence[str] | None = None, order: str = "confidence",
                  title: str = "Mistakes: true label → predicted (confidence)") -> Any:
    """A grid of up to ``count`` misclassified images, each titled "true → predicted (confidence)".

    ``probabilities`` is ``model.predict(images)`` (one row of class probabilities per image).
    Returns the Figure. Introduced in lesson 08.
    """
    wrong = mistake_indices(y_true, probabilities, order)[:count]
    labels = list(names) if names is not None else [str(i) for i in range(np.shape(probabilities)[1])]
    if len(wrong) == 0:
        fig, ax = new_figure(title, "", "", figsize=(4.0, 1.2))
        ax.set_axis_off()
        ax.text(0.5, 0.5, "no mistakes: every image was classified correctly", ha="center", va="center")
        return fig
    columns = max(1, min(columns, len(wrong)))
    rows = -(-len(wrong) // columns)
    fig, first = new_figure(title, "", "", figsize=(1.3 * columns, 1.6 * rows + 0.5))
    fig.delaxes(first)
    axes = fig.subplots(rows, columns, squeeze=False)
    for slot, ax in enumerate(axes.flat):
        if slot >= len(wrong):
            ax.set_axis_off()
            continue
        index = wrong[slot]
        predicted = int(np.argmax(probabilities[index]))
        draw_image(ax, as_square(images[index]),
                   f"{labels[int(y_true[index])]} → {labels[predicted]} ({probabilities[index][predicted]:.0%})")
        ax.set_xlabel(f"#{index}", fontsize=8)
    fig.suptitle(title)
    return fig
