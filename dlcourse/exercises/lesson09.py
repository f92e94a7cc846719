"""Exercises of lesson 09 (Capacity and non-linearity): count parameters, build the ReLU model.

``09.count_params``: ``count_params(n_inputs, hidden_units, n_outputs)`` returns the number of
weights and biases of a network with one hidden ``Dense`` layer (case-based, with named
misconceptions: biases forgotten, only one layer's biases, the output layer forgotten).

``09.build_relu_model``: ``build_relu_model()`` returns the lesson's third model, compiled:
``Flatten`` of 28 × 28 images (or an input of 784), ``Dense(10, activation="relu")`` and a
10-class output that the loss reads correctly. The custom check's describe step builds the model
(it never trains it) and records it as plain data; its judge names each mistake, in particular the classic one of feeding raw scores (a linear
output) to a loss that expects probabilities.

Introduced in lesson 09.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from dlcourse.exercises.answers.lesson09 import count_params  # the notebook's answers
from dlcourse.exercises.core import Case, Exercise, Misconception, lesson, register
from dlcourse.exercises.described_models import dense_layers, effective_activations, honesty_problem
from dlcourse.exercises.feedback import CaseResult
from dlcourse.exercises.keras_models import describe_builder, first_problem, skipped

lesson("09", "Capacity and non-linearity")

#: The learning rate exercise 09.build_relu_model asks for (with Adam and the accuracy metric).
LEARNING_RATE = 0.005


register(Exercise(
    name="09.count_params",
    title="Count the parameters",
    target="count_params",
    reference=count_params,
    cases=[
        Case((784, 1, 10), check_dtype=True, label="784 inputs, 1 hidden unit, 10 outputs"),
        Case((784, 10, 10), check_dtype=True, label="784 inputs, 10 hidden units, 10 outputs"),
        Case((784, 128, 10), check_dtype=True, label="784 inputs, 128 hidden units, 10 outputs"),
        Case((3, 4, 2), check_dtype=True, label="3 inputs, 4 hidden units, 2 outputs"),
    ],
    misconceptions=[
        Misconception("no biases", lambda n, h, k: n * h + h * k,
                      "you counted only the weights: every unit also has one bias, in both layers."),
        Misconception("hidden biases only", lambda n, h, k: (n + 1) * h + h * k,
                      "you forgot the output layer's biases: each of the n_outputs units has one too."),
        Misconception("output biases only", lambda n, h, k: n * h + (h + 1) * k,
                      "you forgot the hidden layer's biases: each hidden unit has one bias too."),
        Misconception("hidden layer only", lambda n, h, k: (n + 1) * h,
                      "you counted only the hidden layer; the output layer has (hidden_units + 1) × n_outputs "
                      "parameters of its own."),
        Misconception("one bias per layer", lambda n, h, k: n * h + h * k + 2,
                      "a layer has one bias per unit, not one per layer."),
        Misconception("inputs straight to outputs", lambda n, h, k: (n + 1) * k,
                      "that is a network without the hidden layer; the hidden layer sits between inputs and outputs."),
    ],
    hints=[
        "A Dense layer with `units` units and `n` inputs has a weight for every (input, unit) pair, plus one bias per unit.",
        "The hidden layer has (n_inputs + 1) × hidden_units parameters. The output layer's inputs are the hidden units.",
        "`return (n_inputs + 1) * hidden_units + (hidden_units + 1) * n_outputs`",
    ],
))


def build_relu_model() -> Any:
    """The course's solution: 28 × 28 → Flatten → Dense(10, relu) → Dense(10, softmax), compiled."""
    from dlcourse.seeding import import_keras  # noqa: PLC0415 - TensorFlow only when asked

    keras = import_keras()
    model = keras.Sequential([
        keras.Input((28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(10, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def describe_relu_model(build: Callable[[], Any]) -> dict[str, Any]:
    """The describe step: call ``build()`` and describe the model it returns, as plain data."""
    return describe_builder(build, "build_relu_model")


def judge_relu_model(description: dict[str, Any]) -> list[CaseResult]:
    """Compare a described model with the lesson's ReLU model, part by part (never touches the model)."""
    parts = ["returns a Keras model", "input of 28 × 28 images", "hidden layer: 10 units", "hidden activation",
             "output: 10 units", "output and loss agree", "compiled"]  # "compiled": Adam(0.005), accuracy
    if "problem" in description:
        return first_problem(parts, str(description["problem"]))
    model = description["model"]
    problem = honesty_problem(model)
    if problem is not None:
        return first_problem(parts, problem)
    results = [CaseResult.ok(parts[0])]
    shape = None if model["input_shape"] is None else tuple(model["input_shape"])
    flatten = any(layer["class"] == "Flatten" for layer in model["layers"])
    if shape == (784,) or (shape == (28, 28) and flatten):
        results.append(CaseResult.ok(parts[1]))
    elif shape == (28, 28):
        results.append(CaseResult.wrong(parts[1], "the input is 28 × 28 but no `Flatten` follows it: a Dense layer "
                                        "needs each image as one row of 784 numbers"))
    else:
        results.append(CaseResult.wrong(parts[1], f"your input shape is {shape}; start with `keras.Input((28, 28))` "
                                        "and `keras.layers.Flatten()`"))
    dense = dense_layers(model)
    if len(dense) != 2:
        results.append(CaseResult.wrong(parts[2], f"your model has {len(dense)} Dense layers; this one has two: "
                                        "the hidden layer and the output layer"))
        return results + skipped(parts[3:], "not checked: fix the number of Dense layers first")
    (hidden, output), (hidden_act, output_act) = dense, effective_activations(model)
    if hidden["units"] == 10:
        results.append(CaseResult.ok(parts[2]))
    elif hidden["units"] == 1:
        results.append(CaseResult.wrong(parts[2], "your hidden layer has 1 unit, the bottleneck of the first model; "
                                        "this one has 10"))
    else:
        results.append(CaseResult.wrong(parts[2], f"your hidden layer has {hidden['units']} units, expected 10"))
    if hidden_act == "relu":
        results.append(CaseResult.ok(parts[3]))
    elif hidden_act == "linear":
        results.append(CaseResult.wrong(parts[3], "your hidden layer has no activation (linear): two linear layers "
                                        "collapse into one linear map. Use `activation=\"relu\"`"))
    else:
        results.append(CaseResult.wrong(parts[3], f"your hidden activation is '{hidden_act}', expected 'relu'"))
    results.append(CaseResult.ok(parts[4]) if output["units"] == 10 else
                   CaseResult.wrong(parts[4], f"your output layer has {output['units']} units; one per class: 10"))
    if not model["compiled"]:
        results.append(CaseResult.skipped(parts[5], "not checked: the model is not compiled"))
        results.append(CaseResult.wrong(parts[6], "call `model.compile(optimizer=..., loss=..., metrics=[\"accuracy\"])` "
                                        "before returning the model"))
        return results
    loss = model["loss"]
    if not loss["keras"]:
        results.append(CaseResult.wrong(parts[5], f"your loss `{loss['name']}` is a function of your own; use Keras' "
                                        "\"sparse_categorical_crossentropy\""))
    else:
        results.append(_check_output_and_loss(output_act, loss["name"], loss["from_logits"], label=parts[5]))
    results.append(_check_compile_settings(model["optimizer"], model["metrics"], parts[6]))
    return results


def _check_compile_settings(optimizer: dict[str, Any], metrics: list[str], label: str) -> CaseResult:
    """Adam at :data:`LEARNING_RATE` and the accuracy metric, as the exercise asks."""
    if optimizer["class"] != "Adam" or not optimizer["keras"]:
        return CaseResult.wrong(label, f"your optimizer is {optimizer['class']}; the exercise asks for "
                                f"`keras.optimizers.Adam(learning_rate={LEARNING_RATE:g})`")
    rate = optimizer["learning_rate"]
    if not isinstance(rate, (int, float)) or not math.isclose(rate, LEARNING_RATE, rel_tol=1e-5):
        default = " (Adam's default: create `keras.optimizers.Adam(learning_rate=...)` yourself)" \
            if isinstance(rate, (int, float)) and math.isclose(rate, 0.001, rel_tol=1e-5) else ""
        return CaseResult.wrong(label, f"your learning rate is {rate}{default}; the exercise asks for "
                                f"{LEARNING_RATE:g}")
    if not any(name in ("accuracy", "acc", "sparse_categorical_accuracy") for name in metrics):
        return CaseResult.wrong(label, "pass `metrics=[\"accuracy\"]` to `compile`, so training reports accuracy "
                                "like the lesson's models")
    return CaseResult.ok(label)


def check_relu_model(build: Callable[[], Any]) -> list[CaseResult]:
    """Describe what ``build()`` returns and judge it: the check of ``09.build_relu_model`` in one process."""
    return judge_relu_model(describe_relu_model(build))


def _check_output_and_loss(output_act: str, loss: str, from_logits: bool | None, label: str) -> CaseResult:
    name = loss.replace("_", "")
    if "sparsecategoricalcrossentropy" not in name:
        return CaseResult.wrong(label, f"your loss is '{loss}'; integer labels 0–9 need "
                                "sparse_categorical_crossentropy")
    if output_act == "softmax" and not from_logits:
        return CaseResult.ok(label)
    if output_act == "linear" and from_logits:
        return CaseResult.ok(label)
    if output_act == "linear":
        return CaseResult.wrong(label, "your output layer is linear (raw scores), but the loss expects probabilities: "
                                "use `activation=\"softmax\"` on the output, or the loss "
                                "`keras.losses.SparseCategoricalCrossentropy(from_logits=True)`")
    if output_act == "softmax" and from_logits:
        return CaseResult.wrong(label, "your output already applies softmax and the loss has `from_logits=True`, "
                                "so softmax is applied twice: drop one of them")
    return CaseResult.wrong(label, f"your output activation is '{output_act}'; for ten classes use softmax")


register(Exercise(
    name="09.build_relu_model",
    title="Build the ReLU model",
    target="build_relu_model",
    reference=build_relu_model,
    describe=describe_relu_model,
    custom=judge_relu_model,
    custom_points=7.0,
    time_limit=60.0,
    hints=[
        "Copy the lesson's `make_model` and write the layers out: `keras.Input((28, 28))`, `keras.layers.Flatten()`, "
        "then two Dense layers.",
        "The hidden layer is `keras.layers.Dense(10, activation=\"relu\")`; the output layer has 10 units and "
        "`activation=\"softmax\"`.",
        "Compile with `optimizer=keras.optimizers.Adam(learning_rate=0.005)`, "
        "`loss=\"sparse_categorical_crossentropy\"`, `metrics=[\"accuracy\"]`, then `return model`.",
    ],
))
