"""Helpers for the tests that train the same network in dlcourse.nn and in Keras.

A network is described once, as a list of ``(units, activation, layer_kwargs)``; both
models are built from that description, the engine's initial weights are copied into the
Keras model with ``set_weights``, and both are trained on the same batches
(``shuffle=False``). Everything here is plain data so that a failing test shows exactly
which configuration was compared.
"""

from __future__ import annotations

import numpy as np

N_SAMPLES = 96  # 6 batches of 16 (partial last batches: see the fit-option tests)
N_FEATURES = 4
BATCH = 16
EPOCHS = 2


def rel_err(a, b) -> float:
    """Worst ``|a - b| / (|a| + 1e-3)`` over all elements (the tests' agreement measure)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / (np.abs(a) + 1e-3))) if a.size else 0.0


def worst_weight_error(ours: list[np.ndarray], theirs: list[np.ndarray]) -> float:
    """``rel_err`` over every weight array (Keras' values as the reference)."""
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape, (a.shape, b.shape)
    return max(rel_err(b, a) for a, b in zip(ours, theirs))


def make_data(task: str, seed: int = 0, n: int = N_SAMPLES):
    """Inputs (n, 4) float32 and targets for a task, from a fixed random 'teacher'.

    task: "sparse" (labels 0-2), "onehot" (3 columns), "binary" (0/1 labels, shape (n,)),
    "multilabel" (3 independent 0/1 columns), "regression" (2 real columns).
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, N_FEATURES)).astype(np.float32)
    w = rng.normal(size=(N_FEATURES, 3))
    scores = x @ w + 0.3 * rng.normal(size=(n, 3))
    if task == "sparse":
        return x, scores.argmax(axis=1)
    if task == "onehot":
        return x, np.eye(3, dtype=np.float32)[scores.argmax(axis=1)]
    if task == "binary":
        return x, (scores[:, 0] > 0).astype(np.int64)
    if task == "multilabel":
        return x, (scores > 0).astype(np.float32)
    if task == "regression":
        return x, np.tanh(scores[:, :2]).astype(np.float32)
    raise ValueError(task)


def build_engine(nn, layers, seed: int = 1):
    """dlcourse.nn Sequential from ``[(units, activation, kwargs), ...]``."""
    model = nn.Sequential([nn.Input((N_FEATURES,))])
    for i, (units, activation, kwargs) in enumerate(layers):
        kwargs = dict(kwargs)
        if "dropout" in kwargs:
            model.add(nn.Dropout(kwargs.pop("dropout")))
        model.add(nn.Dense(units, activation=activation, seed=seed + i, **_regs(nn.regularizers, kwargs)))
    return model


def build_keras(keras, layers):
    """The same architecture in Keras (weights to be copied from the engine)."""
    model = keras.Sequential([keras.Input((N_FEATURES,))])
    for units, activation, kwargs in layers:
        kwargs = dict(kwargs)
        if "dropout" in kwargs:
            model.add(keras.layers.Dropout(kwargs.pop("dropout")))
        model.add(keras.layers.Dense(units, activation=activation, **_regs(keras.regularizers, kwargs)))
    return model


def _regs(module, kwargs):
    """Regularizer specs like ("L2", {"l2": 0.01}) turned into objects of ``module``."""
    out = {}
    for key, value in kwargs.items():
        if key.endswith("_regularizer") and isinstance(value, tuple):
            name, args = value
            value = getattr(module, name)(**args)
        out[key] = value
    return out


def train_pair(nn, keras, layers, make_optimizer, loss, metrics, x, y, fit_kwargs=None):
    """Train the engine and Keras from the same start on the same batches.

    ``make_optimizer(optimizers_module, schedules_module)`` builds the optimizer for each
    library; ``loss`` is a name or a callable ``f(losses_module)``.
    Returns ``(engine_model, keras_model, engine_history, keras_history)``.
    """
    fit_kwargs = {"epochs": EPOCHS, "batch_size": BATCH, "shuffle": False, "verbose": 0, **(fit_kwargs or {})}
    ours = build_engine(nn, layers)
    theirs = build_keras(keras, layers)
    theirs.set_weights(ours.get_weights())
    ours.compile(
        optimizer=make_optimizer(nn.optimizers, nn.schedules),
        loss=loss(nn.losses) if callable(loss) else loss,
        metrics=list(metrics),
    )
    theirs.compile(
        optimizer=make_optimizer(keras.optimizers, keras.optimizers.schedules),
        loss=loss(keras.losses) if callable(loss) else loss,
        metrics=list(metrics),
    )
    h_ours = ours.fit(x, y, **fit_kwargs)
    h_theirs = theirs.fit(x, y, **fit_kwargs)
    return ours, theirs, h_ours.history, h_theirs.history
