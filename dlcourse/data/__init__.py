"""Datasets for the course: MNIST and Fashion-MNIST (offline-first), and small synthetic sets.

``load_mnist()`` and ``load_fashion_mnist()`` return ``((x_train, y_train), (x_test, y_test))``
as uint8 arrays shaped exactly like ``keras.datasets`` returns them: images (60000, 28, 28)
and (10000, 28, 28), labels (60000,) and (10000,). See :mod:`dlcourse.data.store` for where
the files come from, and ``dlcourse data status`` on the command line.

Introduced in lesson 00 (welcome); the synthetic sets appear from lesson 01 on.
"""

from __future__ import annotations

import numpy as np

from dlcourse.data.idx import IDXError, read_idx
from dlcourse.data.store import FASHION_MNIST_CLASSES, DATASETS, DatasetError, fetch, import_from, status
from dlcourse.data.store import load as _load
from dlcourse.data.synthetic import (
    SPAM_EXAMPLE,
    SPAM_FEATURES,
    SYNTHETIC,
    make_blobs,
    make_circles,
    make_dataset,
    make_moons,
    make_regression_plane,
    make_spam_keywords,
    make_spirals,
    make_xor,
)

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def load_mnist(download: bool = True) -> Split:
    """MNIST handwritten digits as ``((x_train, y_train), (x_test, y_test))``, uint8.

    Looks in ``$DLCOURSE_DATA/mnist``, then the per-user cache, then downloads (unless
    ``download=False``). Raises :class:`DatasetError` with instructions when none works.
    """
    return _load("mnist", download=download)


def load_fashion_mnist(download: bool = True) -> Split:
    """Fashion-MNIST as ``((x_train, y_train), (x_test, y_test))``, uint8.

    Label ``i`` is the garment ``FASHION_MNIST_CLASSES[i]``. Same search order as :func:`load_mnist`.
    """
    return _load("fashion-mnist", download=download)


__all__ = [
    "DATASETS", "DatasetError", "FASHION_MNIST_CLASSES", "IDXError", "SPAM_EXAMPLE", "SPAM_FEATURES",
    "SYNTHETIC", "fetch", "import_from", "load_fashion_mnist", "load_mnist", "make_blobs",
    "make_circles", "make_dataset", "make_moons", "make_regression_plane", "make_spam_keywords",
    "make_spirals", "make_xor", "read_idx", "status",
]
