"""Every claim the course makes about how Keras or TensorFlow behaves, asserted by running Keras.

One test (or a few) per claim; each test's name starts with the lesson it backs, and its
docstring quotes or paraphrases the sentence and names the lesson's section. A Keras upgrade
that changes a default, an error, a warning or what a loss computes from fails here, and the
failing test names the lesson to correct.

Sections follow the course map. Keep each claim next to its lesson's others.
"""

from __future__ import annotations

import os
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402


def _warnings_of(function, *args, **kwargs) -> list[str]:
    """The messages of every warning ``function(*args, **kwargs)`` raises."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        function(*args, **kwargs)
    return [str(w.message) for w in caught]


def test_keras_is_version_3():
    """README, lesson 08: the course teaches Keras 3."""
    assert keras.__version__.split(".")[0] == "3"


# ============================================================================================
# Lesson 01: the neuron
# ============================================================================================




# ============================================================================================
# Lesson 02: activation functions
# ============================================================================================




# ============================================================================================
# Lesson 03: layers and forward propagation
# ============================================================================================




# ============================================================================================
# Lesson 04: loss functions
# ============================================================================================




# ============================================================================================
# Lesson 05: backpropagation
# ============================================================================================




# ============================================================================================
# Lesson 06: gradient descent
# ============================================================================================




# ============================================================================================
# Lesson 07: optimizers
# ============================================================================================




# ============================================================================================
# Lesson 08: your first Keras network
# ============================================================================================




# ============================================================================================
# Lesson 09: capacity and non-linearity
# ============================================================================================




# ============================================================================================
# Lesson 10: overfitting and regularization
# ============================================================================================




# ============================================================================================
# Lesson 11: Playground challenges
# ============================================================================================




# ============================================================================================
# Lesson 12: beyond the MLP
# ============================================================================================
