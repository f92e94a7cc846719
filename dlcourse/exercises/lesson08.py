"""Exercises of lesson 08 (Your first Keras network): build and compile a model to a spec.

``08.build_model``: the learner writes ``build_model()``, which returns a compiled Keras model
with this spec (:data:`SPEC`):

* input: flattened images, 784 numbers each (``keras.Input((784,))``; an input of shape
  (28, 28) followed by ``Flatten`` is accepted too);
* ``Dense(128, activation="relu")``, then ``Dense(64, activation="relu")``;
* output ``Dense(10, activation="softmax")``;
* ``Adam`` with ``learning_rate=0.0005``, loss ``sparse_categorical_crossentropy``, metric ``accuracy``.

The check is custom: it calls ``build_model()`` and inspects the model it returns (layers, units,
activations, loss, optimizer, learning rate, metrics), naming each mistake it finds. It never
trains the model. Introduced in lesson 08.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from dlcourse.exercises.core import Exercise, lesson, register
from dlcourse.exercises.feedback import CaseResult
from dlcourse.exercises.keras_models import activation_name, call_builder, first_problem

lesson("08", "Your first Keras network")

#: What ``build_model()`` must return.
SPEC: dict[str, Any] = {
    "input": 784,
    "dense": [(128, "relu"), (64, "relu"), (10, "softmax")],
    "optimizer": "Adam",
    "learning_rate": 0.0005,
    "loss": "sparse_categorical_crossentropy",
    "metric": "accuracy",
}

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_LOSS_ALIASES = {
    "sparsecategoricalcrossentropy": "sparse_categorical_crossentropy",
    "categoricalcrossentropy": "categorical_crossentropy",
    "binarycrossentropy": "binary_crossentropy",
    "meansquarederror": "mean_squared_error",
    "mse": "mean_squared_error",
    "meanabsoluteerror": "mean_absolute_error",
    "mae": "mean_absolute_error",
}


def build_model() -> Any:
    """The course's solution: a compiled Keras model that matches :data:`SPEC`."""
    from dlcourse.seeding import import_keras  # noqa: PLC0415 - TensorFlow only when asked

    keras = import_keras()
    model = keras.Sequential([
        keras.Input((784,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.0005),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _ordinal(index: int) -> str:
    return _ORDINALS[index] if index < len(_ORDINALS) else f"number {index + 1}"


def _loss_name(loss: Any) -> str:
    if isinstance(loss, str):
        name = loss
    elif isinstance(loss, dict):
        name = loss.get("class_name") or loss.get("config", {}).get("name", "")
    elif callable(loss):
        name = getattr(loss, "name", None) or getattr(loss, "__name__", type(loss).__name__)
    else:
        name = str(loss)
    key = str(name).lower().replace("_", "")
    return _LOSS_ALIASES.get(key, str(name).lower())


def _metric_names(metrics: Any) -> list[str]:
    names = []
    for metric in metrics or []:
        if isinstance(metric, (list, tuple)):
            names += _metric_names(metric)
            continue
        name = metric if isinstance(metric, str) else (getattr(metric, "name", None)
                                                       or getattr(metric, "__name__", str(metric)))
        names.append(str(name).lower())
    return names


def check_model(build: Callable[[], Any]) -> list[CaseResult]:
    """Call ``build()`` and compare the model it returns with :data:`SPEC`, one result per part."""
    parts = ["returns a compiled Keras model", "input", "Dense layers and units", "activations", "loss",
             "optimizer", "learning rate", "metrics"]
    model, problem = call_builder(build, "build_model")
    if problem is None and not getattr(model, "compiled", False):
        problem = ("the model is not compiled: call `model.compile(optimizer=..., loss=..., metrics=...)` "
                   "before returning it")
    if problem is not None:
        return first_problem(parts, problem)
    from dlcourse.seeding import import_keras  # noqa: PLC0415

    keras = import_keras()
    return [CaseResult.ok(parts[0])] + [
        _check_input(model, keras, parts[1]),
        _check_units(model, keras, parts[2]),
        _check_activations(model, keras, parts[3]),
        _check_loss(model, parts[4]),
        _check_optimizer(model, parts[5]),
        _check_learning_rate(model, parts[6]),
        _check_metrics(model, parts[7]),
    ]


def _dense_layers(model: Any, keras: Any) -> list[Any]:
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def _check_input(model: Any, keras: Any, label: str) -> CaseResult:
    try:
        shape = tuple(model.input_shape)
    except (AttributeError, ValueError, TypeError):
        return CaseResult.wrong(label, "the model does not know its input shape: start it with `keras.Input((784,))`")
    flatten = any(isinstance(layer, keras.layers.Flatten) for layer in model.layers)
    if shape[1:] == (784,):
        return CaseResult.ok(label)
    if shape[1:] == (28, 28) and flatten:
        return CaseResult.ok(label)
    if shape[1:] == (28, 28):
        return CaseResult.wrong(label, "your input has shape (28, 28) but no `Flatten` layer follows it: "
                                "use `keras.Input((784,))`, or add `keras.layers.Flatten()`")
    return CaseResult.wrong(label, f"your input shape is {shape[1:]}, expected (784,): one flattened image "
                            "of 28 × 28 = 784 pixels")


def _check_units(model: Any, keras: Any, label: str) -> CaseResult:
    dense = _dense_layers(model, keras)
    expected = [units for units, _ in SPEC["dense"]]
    if len(dense) != len(expected):
        got = ", ".join(str(layer.units) for layer in dense) or "none"
        return CaseResult.wrong(label, f"your model has {len(dense)} Dense layers (units: {got}); expected "
                                f"{len(expected)}: {', '.join(map(str, expected))}")
    for index, (layer, units) in enumerate(zip(dense, expected)):
        if layer.units != units:
            return CaseResult.wrong(label, f"your {_ordinal(index)} Dense layer has {layer.units} units, "
                                    f"expected {units}")
    return CaseResult.ok(label)


def _effective_activations(model: Any, keras: Any) -> list[str]:
    """Each Dense layer's activation; a separate Activation/Softmax/ReLU layer right after counts too."""
    result: list[str] = []
    layers = list(model.layers)
    for index, layer in enumerate(layers):
        if not isinstance(layer, keras.layers.Dense):
            continue
        name = activation_name(layer)
        following = layers[index + 1] if index + 1 < len(layers) else None
        if name == "linear" and following is not None:
            if isinstance(following, keras.layers.Activation):
                name = activation_name(following)
            elif isinstance(following, keras.layers.Softmax):
                name = "softmax"
            elif isinstance(following, keras.layers.ReLU):
                name = "relu"
        result.append(name)
    return result


def _check_activations(model: Any, keras: Any, label: str) -> CaseResult:
    got = _effective_activations(model, keras)
    expected = [activation for _, activation in SPEC["dense"]]
    if len(got) != len(expected):
        return CaseResult.skipped(label, "not checked: fix the number of Dense layers first")
    for index in range(len(expected) - 1):
        if got[index] != expected[index]:
            return CaseResult.wrong(label, f"your {_ordinal(index)} Dense layer uses activation '{got[index]}', "
                                    f"expected '{expected[index]}'")
    if got[-1] != expected[-1]:
        extra = (" (with no activation it outputs raw scores, which the loss would read as probabilities)"
                 if got[-1] == "linear" else "")
        return CaseResult.wrong(label, "the output activation should be softmax for "
                                f"sparse_categorical_crossentropy; yours is '{got[-1]}'{extra}")
    return CaseResult.ok(label)


def _check_loss(model: Any, label: str) -> CaseResult:
    config = model.get_compile_config() or {}
    loss = _loss_name(config.get("loss", model.loss))
    if loss == SPEC["loss"]:
        return CaseResult.ok(label)
    if loss == "categorical_crossentropy":
        return CaseResult.wrong(label, "categorical_crossentropy expects one-hot labels; MNIST's labels are "
                                "integers 0–9, so use sparse_categorical_crossentropy")
    if loss == "binary_crossentropy":
        return CaseResult.wrong(label, "binary_crossentropy is for two classes; ten classes with integer labels "
                                "need sparse_categorical_crossentropy")
    return CaseResult.wrong(label, f"your loss is {loss}; classifying digits with integer labels needs "
                            "sparse_categorical_crossentropy")


def _check_optimizer(model: Any, label: str) -> CaseResult:
    name = type(model.optimizer).__name__
    if name == SPEC["optimizer"]:
        return CaseResult.ok(label)
    return CaseResult.wrong(label, f"your optimizer is {name}; the spec asks for Adam "
                            "(`keras.optimizers.Adam(learning_rate=...)`)")


def _check_learning_rate(model: Any, label: str) -> CaseResult:
    try:
        rate = float(model.optimizer.learning_rate)
    except (TypeError, ValueError, AttributeError):
        return CaseResult.wrong(label, "the optimizer's learning rate is not a number; pass "
                                "`learning_rate=0.0005` to `keras.optimizers.Adam`")
    expected = SPEC["learning_rate"]
    if math.isclose(rate, expected, rel_tol=1e-5):
        return CaseResult.ok(label)
    if math.isclose(rate, 0.001, rel_tol=1e-5):
        return CaseResult.wrong(label, "your learning rate is 0.001, Adam's default (did you pass the string "
                                "'adam'?); create the optimizer yourself: `keras.optimizers.Adam(learning_rate=0.0005)`")
    return CaseResult.wrong(label, f"your learning rate is {rate:g}, expected {expected:g}")


def _check_metrics(model: Any, label: str) -> CaseResult:
    config = model.get_compile_config() or {}
    names = _metric_names(config.get("metrics"))
    if any(name in ("accuracy", "acc", "sparse_categorical_accuracy", "sparsecategoricalaccuracy")
           for name in names):
        return CaseResult.ok(label)
    return CaseResult.wrong(label, "pass `metrics=[\"accuracy\"]` to `compile`, so `fit` and `evaluate` "
                            "report the fraction of digits classified correctly")


register(Exercise(
    name="08.build_model",
    title="Build and compile a model to a spec",
    target="build_model",
    reference=build_model,
    custom=check_model,
    custom_points=8.0,
    time_limit=60.0,
    hints=[
        "Start from the lesson's model: `keras.Sequential([keras.Input(...), keras.layers.Dense(...), ...])`, "
        "then change the units to 128, 64 and 10.",
        "The learning rate belongs to the optimizer, not to `compile`: create it with "
        "`keras.optimizers.Adam(learning_rate=0.0005)` and pass that object as `optimizer=`.",
        "`model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.0005), "
        "loss=\"sparse_categorical_crossentropy\", metrics=[\"accuracy\"])`, then `return model`.",
    ],
))
