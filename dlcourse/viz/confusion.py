"""The confusion matrix of a classifier: which true class gets predicted as which.

Row ``i`` counts the examples whose true class is ``i``; column ``j`` counts those predicted as
``j``. The diagonal holds the correct answers, everything off it is a mistake. Row-normalised,
each row shows where the examples of one true class went, as fractions that add up to 1 (the
diagonal then is each class's recall).

Introduced in lesson 08.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from dlcourse.viz.style import new_figure

__all__ = ["confusion_matrix", "plot_confusion_matrix", "top_confusions"]


def confusion_matrix(y_true: Sequence[int] | np.ndarray, y_pred: Sequence[int] | np.ndarray,
                     num_classes: int | None = None, normalize: bool = False) -> np.ndarray:
    """Counts ``C[i, j]`` of examples with true class ``i`` predicted as class ``j``.

    ``num_classes`` defaults to one more than the largest label seen. With ``normalize=True``
    each row is divided by its total (rows without examples stay 0). Introduced in lesson 08.
    """
    y_true = np.asarray(y_true).astype(np.int64).ravel()
    y_pred = np.asarray(y_pred).astype(np.int64).ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred need the same length, got {len(y_true)} and {len(y_pred)}")
    if len(y_true) and min(y_true.min(), y_pred.min()) < 0:
        raise ValueError("class labels must be 0, 1, 2, ...; found a negative label")
    if num_classes is None:
        num_classes = int(max(y_true.max(initial=-1), y_pred.max(initial=-1))) + 1
    if len(y_true) and max(y_true.max(), y_pred.max()) >= num_classes:
        raise ValueError(f"a label is larger than num_classes - 1 = {num_classes - 1}")
    counts = np.bincount(y_true * num_classes + y_pred, minlength=num_classes * num_classes)
    matrix = counts.reshape(num_classes, num_classes)
    if not normalize:
        return matrix
    totals = matrix.sum(axis=1, keepdims=True)
    return np.divide(matrix, totals, out=np.zeros(matrix.shape), where=totals > 0)


def top_confusions(matrix: np.ndarray, count: int = 3) -> list[tuple[int, int, int]]:
    """The ``count`` largest off-diagonal cells as ``(true class, predicted class, number)``."""
    off = np.array(matrix, dtype=float, copy=True)
    np.fill_diagonal(off, -np.inf)
    order = np.argsort(off, axis=None)[::-1][:count]
    return [(int(i), int(j), int(matrix[i, j])) for i, j in zip(*np.unravel_index(order, off.shape))]


def plot_confusion_matrix(y_true: Sequence[int] | np.ndarray, y_pred: Sequence[int] | np.ndarray,
                          names: Sequence[str] | None = None, normalize: bool = False,
                          title: str = "Confusion matrix") -> Any:
    """A figure of the confusion matrix, every cell labelled with its count (or row fraction in %).

    Darker cells hold more examples; the numbers carry the same information, so the picture
    does not depend on telling shades apart. Returns the Figure. Introduced in lesson 08.
    """
    num_classes = len(names) if names is not None else None
    matrix = confusion_matrix(y_true, y_pred, num_classes=num_classes, normalize=normalize)
    n = matrix.shape[0]
    labels = list(names) if names is not None else [str(i) for i in range(n)]
    fig, ax = new_figure(title + (" (each row adds up to 100%)" if normalize else ""),
                         "predicted class", "true class", figsize=(0.55 * n + 2.2, 0.5 * n + 1.6))
    ax.grid(False)
    # A square-root scale keeps small counts visible next to the large diagonal.
    shown = np.sqrt(matrix / matrix.max()) if matrix.max() > 0 else matrix
    ax.imshow(shown, cmap="Blues", vmin=0, vmax=1)
    for i in range(n):
        for j in range(n):
            value = matrix[i, j]
            text = f"{100 * value:.0f}" if normalize else f"{int(value)}"
            if normalize and 0 < value < 0.005:
                text = "<1"
            ax.text(j, i, text, ha="center", va="center", fontsize=7,
                    color="white" if shown[i, j] > 0.6 else "black")
    ax.set_xticks(range(n), labels)
    ax.set_yticks(range(n), labels)
    if names is not None and max(len(label) for label in labels) > 2:
        ax.tick_params(axis="x", labelrotation=60)
    return fig
