"""Grids of small images with their labels (lesson 00 shows MNIST digits with it)."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from dlcourse.viz.style import new_figure

__all__ = ["draw_image", "show_images"]


def draw_image(ax: Any, image: np.ndarray, title: str = "") -> Any:
    """Draw one greyscale image on ``ax`` (0 = black, 255 or 1.0 = white) and return the AxesImage."""
    top = 255 if np.asarray(image).max() > 1 else 1.0
    shown = ax.imshow(image, cmap="gray", vmin=0, vmax=top, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=10)
    return shown


def show_images(images: np.ndarray, labels: Sequence[Any] | None = None, title: str = "Images",
                columns: int = 8, names: Sequence[str] | None = None) -> Any:
    """A figure with ``images`` in a grid, each titled with its label (or ``names[label]``).

    Returns the matplotlib Figure; a notebook cell that ends with it shows it once.
    """
    images = np.asarray(images)
    count = len(images)
    columns = max(1, min(columns, count))
    rows = -(-count // columns)
    fig, first = new_figure(title, "", "", figsize=(1.3 * columns, 1.5 * rows + 0.4))
    fig.delaxes(first)
    axes = fig.subplots(rows, columns, squeeze=False)
    for index, ax in enumerate(axes.flat):
        if index >= count:
            ax.set_axis_off()
            continue
        label = ""
        if labels is not None:
            value = labels[index]
            label = f"label {names[int(value)] if names is not None else value}"
        draw_image(ax, images[index], label)
    fig.suptitle(title)
    return fig
