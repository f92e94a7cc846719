"""Grids of small images: digits with their labels (lesson 00), and any 2-D arrays such as
convolution filters, feature maps or an autoencoder's reconstructions (``show_maps``, lesson 08).

Images may come flattened (784 values, as a ``Dense`` network sees them) or with a channel
axis (28, 28, 1), as a convolutional network sees them; both are drawn as 28 × 28 squares.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from dlcourse.viz.style import new_figure

__all__ = ["as_square", "draw_image", "show_images", "show_maps"]


def as_square(image: np.ndarray) -> np.ndarray:
    """``image`` as a 2-D array: a flattened square (784 values) becomes 28 × 28, and a single
    channel axis (28, 28, 1) is dropped; anything else is returned unchanged. Introduced in lesson 08."""
    image = np.asarray(image)
    if image.ndim == 1:
        side = int(round(np.sqrt(image.size)))
        if side * side == image.size:
            return image.reshape(side, side)
    if image.ndim == 3 and image.shape[-1] == 1:
        return image[..., 0]
    return image


def draw_image(ax: Any, image: np.ndarray, title: str = "") -> Any:
    """Draw one greyscale image on ``ax`` (0 = black, 255 or 1.0 = white) and return the AxesImage.

    Flattened (784,) and (28, 28, 1) images are drawn as 28 × 28 squares (since lesson 08).
    """
    image = as_square(image)
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


def show_maps(maps: np.ndarray | Sequence[np.ndarray], titles: Sequence[str] | None = None, title: str = "",
              columns: int = 8, signed: bool = False, size: float = 1.3) -> Any:
    """A figure with 2-D arrays in a grid, each scaled to its own range, titled by ``titles``.

    ``signed=True`` is for arrays with negative and positive values, such as a convolution's
    weights: a purple–white–orange scale centred on zero (colour-blind safe), with orange for
    positive. Otherwise dark is low and bright is high, as for images and feature maps.
    Returns the Figure. Introduced in lesson 08.
    """
    items = [as_square(m) for m in maps]
    count = len(items)
    columns = max(1, min(columns, count))
    rows = -(-count // columns)
    fig, first = new_figure(title, "", "", figsize=(size * columns, (size + 0.25) * rows + 0.4))
    fig.delaxes(first)
    axes = fig.subplots(rows, columns, squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if index >= count:
            ax.set_axis_off()
            continue
        item = np.asarray(items[index], dtype=float)
        if signed:
            top = float(np.abs(item).max()) or 1.0
            ax.imshow(item, cmap="PuOr_r", vmin=-top, vmax=top, interpolation="nearest")
        else:
            ax.imshow(item, cmap="gray", vmin=float(item.min()), vmax=float(item.max()) or 1.0,
                      interpolation="nearest")
        if titles is not None and index < len(titles):
            ax.set_title(titles[index], fontsize=9)
    if title:
        fig.suptitle(title)
    return fig
