"""dlcourse: the Python package behind an interactive introduction to deep learning.

Importing ``dlcourse`` is cheap and has no side effects: it does not import TensorFlow,
seed anything, configure logging or touch the file system. Sub-packages are imported when
you use them::

    from dlcourse.data import load_mnist      # datasets, offline-first
    from dlcourse import nn                   # the NumPy engine that mirrors Keras
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
