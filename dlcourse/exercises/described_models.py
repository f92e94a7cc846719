"""Judging a described Keras model: the judge side of the model exercises of lessons 08-10.

The describe step (:func:`dlcourse.exercises.keras_models.describe_model`) turns the learner's
model into plain data; the functions here read only that data, with NumPy, and never touch a
learner's object or TensorFlow. :func:`honesty_problem` is the part that makes the description
trustworthy: every layer must be one of Keras' own classes that this course's networks use, and
the outputs the model gave on the fixed probe inputs must be what its described layers and
weights compute. So a model whose ``get_config`` or ``units`` lie, or a custom layer dressed up
as a Dense one, cannot get ✓ for the layers it only claims to have.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcourse.exercises.keras_models import probe_inputs

__all__ = ["KNOWN_LAYERS", "dense_layers", "effective_activations", "honesty_problem", "layer_index"]

#: The layer classes the networks of lessons 08-10 are built from (and that the judge can run).
KNOWN_LAYERS = ("InputLayer", "Flatten", "Dense", "Dropout", "Activation", "ReLU", "Softmax")
_ACTIVATION_LAYERS = ("Activation", "ReLU", "Softmax")


def _softmax(x: np.ndarray) -> np.ndarray:
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


_ACTIVATIONS = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0.0),
    "softmax": _softmax,
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "tanh": np.tanh,
}


def dense_layers(model: dict[str, Any]) -> list[dict[str, Any]]:
    """The described model's Dense layers, in order."""
    return [layer for layer in model["layers"] if layer["class"] == "Dense"]


def layer_index(model: dict[str, Any], layer: dict[str, Any]) -> int:
    """Where ``layer`` (one of the description's own layer dicts) sits in the model."""
    return next(i for i, other in enumerate(model["layers"]) if other is layer)


def effective_activations(model: dict[str, Any]) -> list[str]:
    """What each Dense layer's outputs go through before the next Dense layer: its own activation,
    then any Activation/ReLU/Softmax layers after it (Dropout skipped), joined with " then ";
    ``"linear"`` for none. ``Dense(10)`` followed by ``Softmax()`` is ``"softmax"``."""
    result: list[list[str]] = []
    for layer in model["layers"]:
        if layer["class"] == "Dense":
            result.append([layer["activation"]])
        elif layer["class"] in _ACTIVATION_LAYERS and result:
            result[-1].append(layer["activation"])
    names = []
    for chain in result:
        steps = [name for name in chain if name != "linear"]
        names.append(" then ".join(steps) if steps else "linear")
    return names


def _structure_problem(model: dict[str, Any]) -> str | None:
    if not model["keras"]:
        return (f"your model is a {model['class']}, a class of your own: build it with `keras.Sequential([...])`, "
                "so that its layers are what the check reads")
    seen_dense = False
    for layer in model["layers"]:
        if layer["class"] not in KNOWN_LAYERS:
            return (f"your model has a {layer['class']} layer (`{layer['name']}`); this network is built from "
                    "Flatten, Dense and Dropout layers only")
        if not layer["keras"]:
            return (f"your layer `{layer['name']}` is a {layer['class']} of your own making; use Keras' own "
                    f"`keras.layers.{layer['class']}`")
        if layer["class"] in _ACTIVATION_LAYERS and not seen_dense:
            return (f"your {layer['class']} layer (`{layer['name']}`) comes before any Dense layer, so it changes "
                    "the input pixels; an activation belongs after a Dense layer")
        seen_dense = seen_dense or layer["class"] == "Dense"
    return None


def _forward(model: dict[str, Any], x: np.ndarray) -> np.ndarray | None:
    """The described layers run on ``x`` with NumPy (None when an activation is not one the judge
    knows: such a model fails the exercise's activation part anyway)."""
    for layer in model["layers"]:
        kind = layer["class"]
        if kind == "Flatten":
            x = x.reshape(len(x), -1)
        elif kind == "Dense":
            weights = [np.asarray(w, dtype=np.float64) for w in layer["weights"]]
            if len(weights) != (2 if layer["use_bias"] else 1) or weights[0].shape != (x.shape[-1], layer["units"]):
                raise ValueError(f"the weights of `{layer['name']}` do not fit {layer['units']} units")
            x = x @ weights[0] + (weights[1] if layer["use_bias"] else 0.0)
            if layer["activation"] not in _ACTIVATIONS:
                return None
            x = _ACTIVATIONS[layer["activation"]](x)
        elif kind in _ACTIVATION_LAYERS:
            if layer["activation"] not in _ACTIVATIONS:
                return None
            x = _ACTIVATIONS[layer["activation"]](x)
    return x


def honesty_problem(model: dict[str, Any]) -> str | None:
    """Why the description cannot be trusted as it stands (a message for the learner), or None.

    The model must be made of Keras' own layers of :data:`KNOWN_LAYERS`, and its recorded outputs
    on the probe inputs must equal what its described layers and weights compute.
    """
    problem = _structure_problem(model)
    if problem is not None:
        return problem
    shape = model["input_shape"]
    if not shape or not all(isinstance(d, int) for d in shape):
        return None  # the input part says what is wrong with the shape
    recorded = model["probe"]
    if recorded is None:
        return "your model could not be run on a batch of inputs of its own input shape"
    try:
        with np.errstate(all="ignore"):
            computed = _forward(model, probe_inputs(tuple(shape)).astype(np.float64))
    except ValueError as exc:
        return f"your model's layers do not fit together: {exc}"
    if computed is None:
        return None
    recorded = np.asarray(recorded, dtype=np.float64)
    if computed.shape != recorded.shape or not np.allclose(computed, recorded, rtol=1e-3, atol=1e-4):
        return ("your model's outputs are not what its layers, in order, compute: build the network as one "
                "chain of Keras layers (`keras.Sequential([...])`) and do not change a layer after building it")
    return None
