"""Exercises of lesson 10 (Overfitting and regularization): L2, dropout and early stopping.

All three are custom checks: a describe step records what the learner made as plain data
(without training it), and a judge reads only that data:

``10.build_l2_model``: ``build_l2_model()`` returns the lesson's overfitting network
(:data:`HIDDEN` ReLU units in each of two hidden ``Dense`` layers, a 10-class softmax output) with
``kernel_regularizer=keras.regularizers.L2(0.03)`` on both hidden layers. Named mistakes: the
penalty on the wrong layer (the output only) or on the biases/activations instead of the
weights, L1 instead of L2, a different factor.

``10.build_dropout_model``: ``build_dropout_model()`` returns the same network with
``keras.layers.Dropout(0.5)`` after each hidden layer. Named mistakes: the rate given as a
percentage (``Dropout(50)``), dropout after the output layer, a missing dropout layer.

``10.early_stopping``: ``early_stop`` is a ``keras.callbacks.EarlyStopping`` that watches
``"val_loss"`` with a patience of 3 to 10 epochs and ``restore_best_weights=True``. Named mistakes:
``monitor="val_err"`` (not a Keras metric), ``patience=0``, ``restore_best_weights`` left out.

Introduced in lesson 10.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from dlcourse.exercises.core import Exercise, lesson, register
from dlcourse.exercises.described_models import dense_layers, effective_activations, honesty_problem, layer_index
from dlcourse.exercises.feedback import CaseResult
from dlcourse.exercises.keras_models import describe_builder, describe_callback, first_problem, skipped

lesson("10", "Overfitting and regularization")

#: Units in each of the two hidden layers of the lesson's network.
HIDDEN = 256
#: The L2 factor of exercise 10.build_l2_model.
L2_FACTOR = 0.03
#: The dropout rate of exercise 10.build_dropout_model.
DROPOUT_RATE = 0.5


def _network(regularizer: Any = None, dropout: float = 0.0) -> Any:
    from dlcourse.seeding import import_keras  # noqa: PLC0415 - TensorFlow only when asked

    keras = import_keras()
    layers: list[Any] = [keras.Input((28, 28)), keras.layers.Flatten()]
    for _ in range(2):
        layers.append(keras.layers.Dense(HIDDEN, activation="relu", kernel_regularizer=regularizer))
        if dropout:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], steps_per_execution=32)  # as the lesson's `compiled`: same training, faster
    return model


def build_l2_model() -> Any:
    """The course's solution: the overfitting network with L2(0.03) on both hidden layers' weights."""
    from dlcourse.seeding import import_keras  # noqa: PLC0415

    return _network(regularizer=import_keras().regularizers.L2(L2_FACTOR))


def build_dropout_model() -> Any:
    """The course's solution: the overfitting network with Dropout(0.5) after each hidden layer."""
    return _network(dropout=DROPOUT_RATE)


def make_early_stopping() -> Any:
    """The course's solution: stop when val_loss has not improved for 5 epochs, keep the best weights."""
    from dlcourse.seeding import import_keras  # noqa: PLC0415

    return import_keras().callbacks.EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True)


def _hidden_and_output(model: dict[str, Any]) -> tuple[list[dict[str, Any]], Any, str | None]:
    dense = dense_layers(model)
    if len(dense) != 3:
        units = ", ".join(str(layer["units"]) for layer in dense) or "none"
        return [], None, (f"your model has {len(dense)} Dense layers (units: {units}); the lesson's network has "
                          f"three: {HIDDEN}, {HIDDEN} and 10")
    hidden, output = dense[:2], dense[2]
    activations = effective_activations(model)
    for index, layer in enumerate(hidden):
        if layer["units"] != HIDDEN or activations[index] != "relu":
            return [], None, (f"hidden layer {index + 1} is Dense({layer['units']}, activation='{activations[index]}'); "
                              f"keep the lesson's Dense({HIDDEN}, activation=\"relu\")")
    if output["units"] != 10 or activations[2] != "softmax":
        return [], None, "keep the output layer: Dense(10, activation=\"softmax\")"
    return hidden, output, None


def _judge_layers(description: dict[str, Any],
                  parts: list[str]) -> tuple[dict[str, Any] | None, list[Any], Any, list[CaseResult]]:
    """The verdicts on the first two ``parts`` (a Keras model; the lesson's layers) of a described model.

    Returns ``(model, hidden, output, results)``. When either part fails, ``model`` is None and
    ``results`` already covers every part, the rest skipped.
    """
    if "problem" in description:
        return None, [], None, first_problem(parts, str(description["problem"]))
    model = description["model"]
    problem = honesty_problem(model)
    if problem is not None:
        return None, [], None, first_problem(parts, problem)
    hidden, output, problem = _hidden_and_output(model)
    if problem is not None:
        return None, [], None, [CaseResult.ok(parts[0]), CaseResult.wrong(parts[1], problem)] + \
            skipped(parts[2:], "not checked: fix the layers first")
    return model, hidden, output, [CaseResult.ok(parts[0]), CaseResult.ok(parts[1])]


def describe_l2_model(build: Callable[[], Any]) -> dict[str, Any]:
    """The describe step of ``10.build_l2_model``: the model ``build()`` returns, as plain data."""
    return describe_builder(build, "build_l2_model")


def describe_dropout_model(build: Callable[[], Any]) -> dict[str, Any]:
    """The describe step of ``10.build_dropout_model``: the model ``build()`` returns, as plain data."""
    return describe_builder(build, "build_dropout_model")


def judge_l2_model(description: dict[str, Any]) -> list[CaseResult]:
    """Where a described model's L2 penalty sits and how strong it is (never touches the model)."""
    parts = ["returns a Keras model", "same layers as the lesson's network", "penalty on the hidden layers' weights",
             f"L2, factor {L2_FACTOR:g}", "output layer left alone"]
    model, hidden, output, results = _judge_layers(description, parts)
    if model is None:
        return results
    kernel = [layer["kernel_regularizer"] for layer in hidden]
    if all(k is not None for k in kernel):
        results.append(CaseResult.ok(parts[2]))
    elif output["kernel_regularizer"] is not None and not any(kernel):
        results.append(CaseResult.wrong(parts[2], "your penalty is on the output layer only: put "
                                        "`kernel_regularizer=` on the two hidden Dense layers, which hold almost all "
                                        "the weights"))
    elif any(layer["bias_regularizer"] is not None for layer in hidden):
        results.append(CaseResult.wrong(parts[2], "you passed `bias_regularizer=`: the penalty goes on the weights, "
                                        "`kernel_regularizer=`"))
    elif any(layer["activity_regularizer"] is not None for layer in hidden):
        results.append(CaseResult.wrong(parts[2], "you passed `activity_regularizer=`, which penalizes the layer's "
                                        "outputs; weight decay is `kernel_regularizer=`"))
    elif any(kernel):
        results.append(CaseResult.wrong(parts[2], "only one of the two hidden layers has `kernel_regularizer=`; "
                                        "give it to both"))
    else:
        results.append(CaseResult.wrong(parts[2], "no hidden layer has a penalty: add "
                                        "`kernel_regularizer=keras.regularizers.L2(0.03)` to both hidden Dense layers"))
    present = [k for k in kernel if k is not None]
    if not present:
        results.append(CaseResult.skipped(parts[3], "not checked: no penalty on the hidden layers"))
    elif not all(k["keras"] for k in present):
        results.append(CaseResult.wrong(parts[3], "your regularizer is a class of your own; use "
                                        "`keras.regularizers.L2(0.03)`"))
    elif present[0]["l1"] and not present[0]["l2"]:
        results.append(CaseResult.wrong(parts[3], "that is an L1 penalty (sum of |w|); this exercise asks for L2 "
                                        "(sum of w²): `keras.regularizers.L2(0.03)`"))
    elif all(math.isclose(k["l2"], L2_FACTOR, rel_tol=1e-4) and not k["l1"] for k in present):
        results.append(CaseResult.ok(parts[3]))
    else:
        factors = ", ".join(f"{k['l2']:g}" for k in present)
        results.append(CaseResult.wrong(parts[3], f"your L2 factor is {factors}; expected {L2_FACTOR:g}"))
    if output["kernel_regularizer"] is None:
        results.append(CaseResult.ok(parts[4]))
    else:
        results.append(CaseResult.wrong(parts[4], "the output layer has a penalty too; in this exercise only the "
                                        "hidden layers do"))
    return results


def judge_dropout_model(description: dict[str, Any]) -> list[CaseResult]:
    """A described model's Dropout layers: where they are and their rate (never touches the model)."""
    parts = ["returns a Keras model", "same Dense layers as the lesson's network", "a Dropout after each hidden layer",
             "rate 0.5", "nothing after the output layer"]
    model, hidden, output, results = _judge_layers(description, parts)
    if model is None:
        return results
    layers = model["layers"]
    after = []
    for layer in hidden:
        index = layer_index(model, layer)
        following = layers[index + 1] if index + 1 < len(layers) else None
        after.append(following if following is not None and following["class"] == "Dropout" else None)
    dropouts = [layer for layer in layers if layer["class"] == "Dropout"]
    last_dense = layer_index(model, output)
    after_output = [d for d in dropouts if layer_index(model, d) > last_dense]
    if all(after):
        results.append(CaseResult.ok(parts[2]))
    elif not dropouts:
        results.append(CaseResult.wrong(parts[2], "your model has no Dropout layer: add `keras.layers.Dropout(0.5)` "
                                        "right after each hidden Dense layer"))
    elif after_output and not any(after):
        results.append(CaseResult.wrong(parts[2], "your Dropout comes after the output layer, where it would zero "
                                        "class probabilities; put it after each hidden layer instead"))
    else:
        results.append(CaseResult.wrong(parts[2], "one hidden layer has no Dropout right after it; each of the two "
                                        "needs its own `keras.layers.Dropout(0.5)`"))
    rates = [float(d["rate"]) for d in dropouts]
    if not rates:
        results.append(CaseResult.skipped(parts[3], "not checked: no Dropout layer"))
    elif all(math.isclose(r, DROPOUT_RATE) for r in rates):
        results.append(CaseResult.ok(parts[3]))
    else:
        shown = ", ".join(f"{r:g}" for r in rates)
        results.append(CaseResult.wrong(parts[3], f"your dropout rate is {shown}; expected {DROPOUT_RATE:g} "
                                        "(the fraction of units set to zero in each training step)"))
    if after_output:
        results.append(CaseResult.wrong(parts[4], "remove the Dropout after the output layer: the output must stay "
                                        "a probability for every class"))
    else:
        results.append(CaseResult.ok(parts[4]))
    return results


def check_l2_model(build: Callable[[], Any]) -> list[CaseResult]:
    """Describe what ``build()`` returns and judge it: the check of ``10.build_l2_model`` in one process."""
    return judge_l2_model(describe_l2_model(build))


def check_dropout_model(build: Callable[[], Any]) -> list[CaseResult]:
    """Describe what ``build()`` returns and judge it: the check of ``10.build_dropout_model`` in one process."""
    return judge_dropout_model(describe_dropout_model(build))


def judge_early_stopping(description: dict[str, Any]) -> list[CaseResult]:
    """A described ``EarlyStopping`` callback's monitor, patience and restore_best_weights."""
    parts = ["a keras.callbacks.EarlyStopping", "monitors val_loss", "patience of 3 to 10 epochs",
             "restores the best weights"]
    if "problem" in description:
        return first_problem(parts, str(description["problem"]))
    if not description["keras"]:
        return first_problem(parts, f"`early_stop` is a {description['class']}, a class of your own; use Keras' own "
                                    "`keras.callbacks.EarlyStopping(...)`")
    results = [CaseResult.ok(parts[0])]
    monitor = str(description["monitor"])
    if monitor == "val_loss":
        results.append(CaseResult.ok(parts[1]))
    elif monitor in ("val_err", "val_error"):
        results.append(CaseResult.wrong(parts[1], f"'{monitor}' is not something Keras logs (it logs loss, accuracy, "
                                        "val_loss, val_accuracy), so early stopping would never fire; "
                                        "use monitor=\"val_loss\""))
    elif monitor == "loss":
        results.append(CaseResult.wrong(parts[1], "'loss' is the training loss, which keeps falling while the model "
                                        "overfits; watch the validation loss, monitor=\"val_loss\""))
    elif monitor == "val_accuracy":
        results.append(CaseResult.wrong(parts[1], "val_accuracy works too, but this exercise (and Keras' default) "
                                        "watches monitor=\"val_loss\""))
    else:
        results.append(CaseResult.wrong(parts[1], f"monitor='{monitor}' is not what this exercise asks for; "
                                        "use monitor=\"val_loss\""))
    patience = description["patience"]
    number = isinstance(patience, (int, float)) and not isinstance(patience, bool)
    if number and patience != int(patience):
        results.append(CaseResult.wrong(parts[2], f"patience={patience} is not a whole number of epochs; "
                                        "use an integer from 3 to 10, e.g. patience=5"))
    elif number and 3 <= patience <= 10:
        results.append(CaseResult.ok(parts[2]))
    elif patience == 0:
        results.append(CaseResult.wrong(parts[2], "patience=0 (the default) stops at the first epoch that does not "
                                        "improve, and validation loss is noisy: give it a few epochs, e.g. patience=5"))
    elif number and patience < 3:
        results.append(CaseResult.wrong(parts[2], f"patience={patience} stops at the first noisy blip of the "
                                        "validation loss; use 3 to 10 epochs, e.g. patience=5"))
    elif number:
        results.append(CaseResult.wrong(parts[2], f"patience={patience} lets the model overfit for that many epochs "
                                        "before stopping; use 3 to 10, e.g. patience=5"))
    else:
        results.append(CaseResult.wrong(parts[2], f"patience={patience} is not a number of epochs; use an integer "
                                        "from 3 to 10, e.g. patience=5"))
    if description["restore_best_weights"]:
        results.append(CaseResult.ok(parts[3]))
    else:
        results.append(CaseResult.wrong(parts[3], "restore_best_weights is False (the default), so the model keeps "
                                        "the weights of the last, already overfitted epoch: pass "
                                        "restore_best_weights=True"))
    return results


def check_early_stopping(callback: Any) -> list[CaseResult]:
    """Describe ``callback`` and judge it: the check of ``10.early_stopping`` in one process."""
    return judge_early_stopping(describe_callback(callback))


register(Exercise(
    name="10.build_l2_model",
    title="Add an L2 penalty",
    target="build_l2_model",
    reference=build_l2_model,
    describe=describe_l2_model,
    custom=judge_l2_model,
    custom_points=5.0,
    time_limit=60.0,
    hints=[
        "Start from the lesson's `build_network` and give each hidden `Dense` one more argument.",
        "The argument is `kernel_regularizer=`: the penalty is on the layer's weights (its kernel).",
        "`keras.layers.Dense(256, activation=\"relu\", kernel_regularizer=keras.regularizers.L2(0.03))` for both "
        "hidden layers; leave the output layer as it is.",
    ],
))

register(Exercise(
    name="10.build_dropout_model",
    title="Add dropout",
    target="build_dropout_model",
    reference=build_dropout_model,
    describe=describe_dropout_model,
    custom=judge_dropout_model,
    custom_points=5.0,
    time_limit=60.0,
    hints=[
        "Dropout is a layer of its own: put one into the list right after each hidden Dense layer.",
        "Its argument is the fraction of units to drop, between 0 and 1.",
        "`keras.layers.Dense(256, activation=\"relu\"), keras.layers.Dropout(0.5)`, twice, then the output layer.",
    ],
))

register(Exercise(
    name="10.early_stopping",
    title="Configure early stopping",
    target="early_stop",
    reference=make_early_stopping,
    describe=describe_callback,
    custom=judge_early_stopping,
    custom_points=4.0,
    time_limit=30.0,
    hints=[
        "`keras.callbacks.EarlyStopping` takes `monitor=`, `patience=` and `restore_best_weights=`.",
        "Watch the validation loss, wait a few epochs before giving up, and go back to the best epoch's weights.",
        "`early_stop = keras.callbacks.EarlyStopping(monitor=\"val_loss\", patience=5, restore_best_weights=True)`",
    ],
))
