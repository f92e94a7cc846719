"""Exercises of lesson 08 (Your first Keras network): build and compile a model to a spec.

``08.build_model``: the learner writes ``build_model()``, which returns a compiled Keras model
with this spec (:data:`SPEC`):

* input: flattened images, 784 numbers each (``keras.Input((784,))``; an input of shape
  (28, 28) followed by ``Flatten`` is accepted too);
* ``Dense(128, activation="relu")``, then ``Dense(64, activation="relu")``;
* output ``Dense(10, activation="softmax")``;
* ``Adam`` with ``learning_rate=0.0005``, loss ``sparse_categorical_crossentropy``, metric ``accuracy``.

The check is custom: its describe step calls ``build_model()`` and records the model as plain
data (:func:`~dlcourse.exercises.keras_models.describe_model`); its judge compares that with the
spec part by part (layers, units, activations, loss, optimizer, learning rate, metrics), naming
each mistake it finds. It never trains the model. Introduced in lesson 08.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from dlcourse.exercises.core import Exercise, lesson, register
from dlcourse.exercises.described_models import dense_layers, effective_activations, honesty_problem
from dlcourse.exercises.feedback import CaseResult
from dlcourse.exercises.keras_models import describe_builder, first_problem

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


def describe_build_model(build: Callable[[], Any]) -> dict[str, Any]:
    """The describe step: call ``build()`` and describe the model it returns, as plain data."""
    return describe_builder(build, "build_model")


def judge_model(description: dict[str, Any]) -> list[CaseResult]:
    """Compare a described model with :data:`SPEC`, one result per part (never touches the model)."""
    parts = ["returns a compiled Keras model", "input", "Dense layers and units", "activations", "loss",
             "optimizer", "learning rate", "metrics"]
    if "problem" in description:
        return first_problem(parts, str(description["problem"]))
    model = description["model"]
    problem = honesty_problem(model)
    if problem is None and not model["compiled"]:
        problem = ("the model is not compiled: call `model.compile(optimizer=..., loss=..., metrics=...)` "
                   "before returning it")
    if problem is not None:
        return first_problem(parts, problem)
    return [CaseResult.ok(parts[0]),
            _check_input(model, parts[1]),
            _check_units(model, parts[2]),
            _check_activations(model, parts[3]),
            _check_loss(model["loss"], parts[4]),
            _check_optimizer(model["optimizer"], parts[5]),
            _check_learning_rate(model["optimizer"], parts[6]),
            _check_metrics(model["metrics"], parts[7])]


def check_model(build: Callable[[], Any]) -> list[CaseResult]:
    """Describe what ``build()`` returns and judge it: the check of ``08.build_model`` in one process."""
    return judge_model(describe_build_model(build))


def _check_input(model: dict[str, Any], label: str) -> CaseResult:
    shape = model["input_shape"]
    if shape is None:
        return CaseResult.wrong(label, "the model does not know its input shape: start it with `keras.Input((784,))`")
    shape = tuple(shape)
    flatten = any(layer["class"] == "Flatten" for layer in model["layers"])
    if shape == (784,):
        return CaseResult.ok(label)
    if shape == (28, 28) and flatten:
        return CaseResult.ok(label)
    if shape == (28, 28):
        return CaseResult.wrong(label, "your input has shape (28, 28) but no `Flatten` layer follows it: "
                                "use `keras.Input((784,))`, or add `keras.layers.Flatten()`")
    return CaseResult.wrong(label, f"your input shape is {shape}, expected (784,): one flattened image "
                            "of 28 × 28 = 784 pixels")


def _check_units(model: dict[str, Any], label: str) -> CaseResult:
    dense = dense_layers(model)
    expected = [units for units, _ in SPEC["dense"]]
    if len(dense) != len(expected):
        got = ", ".join(str(layer["units"]) for layer in dense) or "none"
        return CaseResult.wrong(label, f"your model has {len(dense)} Dense layers (units: {got}); expected "
                                f"{len(expected)}: {', '.join(map(str, expected))}")
    for index, (layer, units) in enumerate(zip(dense, expected)):
        if layer["units"] != units:
            return CaseResult.wrong(label, f"your {_ordinal(index)} Dense layer has {layer['units']} units, "
                                    f"expected {units}")
    return CaseResult.ok(label)


def _check_activations(model: dict[str, Any], label: str) -> CaseResult:
    got = effective_activations(model)
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


def _check_loss(loss: dict[str, Any], label: str) -> CaseResult:
    name = loss["name"]
    if not loss["keras"]:
        return CaseResult.wrong(label, f"your loss `{name}` is a function of your own; pass Keras' "
                                "loss=\"sparse_categorical_crossentropy\"")
    if name == SPEC["loss"]:
        if loss["from_logits"]:
            return CaseResult.wrong(label, "your loss has `from_logits=True`, but the output layer already applies "
                                    "softmax: drop `from_logits=True`")
        return CaseResult.ok(label)
    if name == "categorical_crossentropy":
        return CaseResult.wrong(label, "categorical_crossentropy expects one-hot labels; MNIST's labels are "
                                "integers 0–9, so use sparse_categorical_crossentropy")
    if name == "binary_crossentropy":
        return CaseResult.wrong(label, "binary_crossentropy is for two classes; ten classes with integer labels "
                                "need sparse_categorical_crossentropy")
    return CaseResult.wrong(label, f"your loss is {name}; classifying digits with integer labels needs "
                            "sparse_categorical_crossentropy")


def _check_optimizer(optimizer: dict[str, Any], label: str) -> CaseResult:
    name = optimizer["class"]
    if name == SPEC["optimizer"] and optimizer["keras"]:
        return CaseResult.ok(label)
    if name == SPEC["optimizer"]:
        return CaseResult.wrong(label, "your Adam is a class of your own; use `keras.optimizers.Adam(learning_rate=...)`")
    return CaseResult.wrong(label, f"your optimizer is {name}; the spec asks for Adam "
                            "(`keras.optimizers.Adam(learning_rate=...)`)")


def _check_learning_rate(optimizer: dict[str, Any], label: str) -> CaseResult:
    rate = optimizer["learning_rate"]
    if not isinstance(rate, (int, float)) or isinstance(rate, bool):
        return CaseResult.wrong(label, "the optimizer's learning rate is not a number; pass "
                                "`learning_rate=0.0005` to `keras.optimizers.Adam`")
    expected = SPEC["learning_rate"]
    if math.isclose(rate, expected, rel_tol=1e-5):
        return CaseResult.ok(label)
    if math.isclose(rate, 0.001, rel_tol=1e-5):
        return CaseResult.wrong(label, "your learning rate is 0.001, Adam's default (did you pass the string "
                                "'adam'?); create the optimizer yourself: `keras.optimizers.Adam(learning_rate=0.0005)`")
    return CaseResult.wrong(label, f"your learning rate is {rate:g}, expected {expected:g}")


def _check_metrics(names: list[str], label: str) -> CaseResult:
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
    describe=describe_build_model,
    custom=judge_model,
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
