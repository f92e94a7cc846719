"""A small NumPy neural-network engine that mirrors Keras, step for step.

Built so that every number can be looked at: the weighted sums, activations, losses,
gradients and optimizer updates are plain NumPy arrays, and the code of each concept fits
on a page. Models look like Keras models and, started from the same weights, train to the
same numbers (float32, Keras 3's formulas)::

    from dlcourse.nn import Sequential, Dense, Adam

    model = Sequential([Dense(16, activation="relu", input_shape=(4,)), Dense(3, activation="softmax")])
    model.compile(optimizer=Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=20, batch_size=16, validation_split=0.2)

Modules, one concept each: ``activations``, ``losses``, ``metrics``, ``optimizers``,
``schedules`` (learning-rate schedules), ``regularizers``, ``initializers``, ``layers``,
``model`` (``Sequential``), ``callbacks``, ``gradcheck`` and ``errors``.
``set_seed(n)`` makes initialisation, dropout and shuffling reproducible.

This package never imports TensorFlow.
"""

from __future__ import annotations

from dlcourse.nn import (
    activations,
    callbacks,
    initializers,
    losses,
    metrics,
    optimizers,
    regularizers,
    schedules,
)
from dlcourse.nn.activations import Activation
from dlcourse.nn.callbacks import Callback, EarlyStopping, History, LambdaCallback, ProgbarLogger
from dlcourse.nn.errors import NNError, ShapeError, UnknownNameError
from dlcourse.nn.gradcheck import GradientCheckResult, gradient_check
from dlcourse.nn.layers import Dense, Dropout, Flatten, Input, Layer, clear_session
from dlcourse.nn.losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    Loss,
    MeanSquaredError,
    SparseCategoricalCrossentropy,
)
from dlcourse.nn.model import Sequential
from dlcourse.nn.optimizers import SGD, Adadelta, Adagrad, Adam, Optimizer, RMSprop
from dlcourse.nn.regularizers import L1, L1L2, L2, Regularizer
from dlcourse.nn.schedules import ExponentialDecay, InverseTimeDecay, LearningRateSchedule
from dlcourse.nn.seeding import set_seed

__all__ = [
    "Activation",
    "Adadelta",
    "Adagrad",
    "Adam",
    "BinaryCrossentropy",
    "Callback",
    "CategoricalCrossentropy",
    "Dense",
    "Dropout",
    "EarlyStopping",
    "ExponentialDecay",
    "Flatten",
    "GradientCheckResult",
    "History",
    "Input",
    "InverseTimeDecay",
    "L1",
    "L1L2",
    "L2",
    "LambdaCallback",
    "Layer",
    "LearningRateSchedule",
    "Loss",
    "MeanSquaredError",
    "NNError",
    "Optimizer",
    "ProgbarLogger",
    "RMSprop",
    "Regularizer",
    "SGD",
    "Sequential",
    "ShapeError",
    "SparseCategoricalCrossentropy",
    "UnknownNameError",
    "activations",
    "callbacks",
    "clear_session",
    "gradient_check",
    "initializers",
    "losses",
    "metrics",
    "optimizers",
    "regularizers",
    "schedules",
    "set_seed",
]
