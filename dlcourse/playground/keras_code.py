""""Show me the Keras code": the Playground's current network as a runnable Keras 3 program (lesson 11).

:func:`keras_code` writes a script that makes the same data, the same input features and a
``keras.Sequential`` model with exactly the Playground network's layers, so that copying the
Playground's weights into it (``model.set_weights(run.network.get_weights())``) gives the same
predictions. It then compiles and fits the model the way the Playground trains it.

Introduced in lesson 11.
"""

from __future__ import annotations

from dlcourse.playground.config import PlaygroundConfig
from dlcourse.playground.features import EXPRESSIONS
from dlcourse.playground.model import TEST_SEED_OFFSET, n_training_points

__all__ = ["keras_code", "keras_optimizer"]

_GENERATORS = {"circles": "make_circles", "xor": "make_xor", "blobs": "make_blobs", "spirals": "make_spirals",
               "plane": "make_regression_plane"}


def keras_optimizer(config: PlaygroundConfig) -> str:
    """The Keras expression of the config's optimizer, e.g. ``keras.optimizers.Adam(learning_rate=0.03)``."""
    lr = f"learning_rate={config.learning_rate!r}"
    return {
        "sgd": f"keras.optimizers.SGD({lr})",
        "momentum": f"keras.optimizers.SGD({lr}, momentum=0.9)",
        "nesterov": f"keras.optimizers.SGD({lr}, momentum=0.9, nesterov=True)",
        "rmsprop": f"keras.optimizers.RMSprop({lr})",
        "adam": f"keras.optimizers.Adam({lr})",
        "adagrad": f"keras.optimizers.Adagrad({lr})",
    }[config.optimizer]


def _regularizer(config: PlaygroundConfig) -> str:
    if config.regularization == "none" or config.regularization_rate == 0:
        return ""
    name = "L1(l1=" if config.regularization == "l1" else "L2(l2="
    return f", kernel_regularizer=keras.regularizers.{name}{config.regularization_rate!r})"


def keras_code(config: PlaygroundConfig, epochs: int = 100) -> str:
    """A runnable Keras 3 script equal to the Playground's network for ``config``.

    The script defines ``x_train, y_train, x_val, y_val`` (the Playground's points),
    ``x_test, y_test`` (the fresh test points of
    :func:`~dlcourse.playground.model.make_test_points`), ``features(x)`` (the chosen input
    features) and ``model``, then trains for ``epochs`` epochs. Keras' ``fit`` shuffles its own way, so the trained weights differ from the
    Playground's run; the network itself is the same.
    """
    classification = config.problem == "classification"
    expressions = ", ".join(EXPRESSIONS[f] for f in config.features)
    lines = [
        "import numpy as np",
        "import keras",
        f"from dlcourse.data import {_GENERATORS[config.data_name]}",
        "",
        f"# The Playground's data: {config.n_points} points, noise {config.noise:g}, "
        f"{config.train_ratio:.0%} for training, the rest for validation",
        f"x, y = {_GENERATORS[config.data_name]}(n={config.n_points}, noise={config.noise!r}, seed={config.seed})",
        f"n_train = {n_training_points(config)}",
        "x_train, y_train, x_val, y_val = x[:n_train], y[:n_train], x[n_train:], y[n_train:]",
        "# Fresh test points, for one final score once every choice is made",
        f"x_test, y_test = {_GENERATORS[config.data_name]}(n={config.n_points - n_training_points(config)}, "
        f"noise={config.noise!r}, seed={config.seed + TEST_SEED_OFFSET})",
        "",
        "",
        "def features(x):",
        f"    \"\"\"The input features: {', '.join(config.features)}.\"\"\"",
        "    x1, x2 = x[:, 0], x[:, 1]",
        f"    return np.stack([{expressions}], axis=1).astype(\"float32\")",
        "",
        "",
        "model = keras.Sequential([",
        f"    keras.Input(shape=({len(config.features)},)),",
    ]
    for units in config.hidden:
        lines.append(f"    keras.layers.Dense({units}, activation=\"{config.activation}\"{_regularizer(config)}),")
        if config.dropout > 0:
            lines.append(f"    keras.layers.Dropout({config.dropout!r}),")
    output = "sigmoid" if classification else "linear"
    lines += [
        f"    keras.layers.Dense(1, activation=\"{output}\"{_regularizer(config)}),",
        "])",
        f"model.compile(optimizer={keras_optimizer(config)},",
        f"              loss=\"{'binary_crossentropy' if classification else 'mse'}\""
        + (", metrics=[\"accuracy\"])" if classification else ")"),
    ]
    callbacks = ""
    if config.early_stopping:
        lines += [
            "# Early stopping watches the validation loss, never the test set.",
            f"early_stopping = keras.callbacks.EarlyStopping(monitor=\"val_loss\", patience={config.patience}, "
            "restore_best_weights=True)",
        ]
        callbacks = ", callbacks=[early_stopping]"
    lines += [
        f"history = model.fit(features(x_train), y_train, batch_size={config.batch_size}, epochs={int(epochs)}, "
        f"verbose=0,\n                    validation_data=(features(x_val), y_val){callbacks})",
        "print(\"validation:\", model.evaluate(features(x_val), y_val, verbose=0))",
        "print(\"test (the final score):\", model.evaluate(features(x_test), y_test, verbose=0))",
    ]
    return "\n".join(lines) + "\n"
