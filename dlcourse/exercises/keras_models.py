"""Reading a learner's Keras model: the describe step of the model exercises of lessons 08-10.

Those exercises ask for a function that builds (and compiles) a Keras model, or for a Keras
object. Their describe step, the only one that touches the learner's object, calls the builder
with :func:`call_builder`, which turns every way that can go wrong into one sentence of feedback
(including Keras 2 habits such as ``lr=``), and turns the model into plain data with
:func:`describe_model`: its layers with their settings and weights, its compile settings, and
its outputs on :func:`probe_inputs`. Each exercise's judge reads only that description
(:mod:`dlcourse.exercises.described_models`), outside the learner's process; because it
recomputes the outputs from the described layers and weights, a model whose methods lie about
its layers cannot pass. When the model cannot be checked at all, :func:`first_problem` reports
why and skips the rest. TensorFlow is imported only when a check runs.
"""

from __future__ import annotations

import sys
import types
from typing import Any, Callable

import numpy as np

from dlcourse.exercises.feedback import CaseResult

__all__ = ["activation_name", "by_keras", "call_builder", "describe_builder", "describe_callback", "describe_model",
           "first_problem", "loss_name", "metric_names", "probe_inputs", "skipped"]

#: Rows of :func:`probe_inputs`: the fixed inputs a described model's outputs are recorded on.
PROBE_ROWS = 4
_LOSS_ALIASES = {
    "sparsecategoricalcrossentropy": "sparse_categorical_crossentropy",
    "categoricalcrossentropy": "categorical_crossentropy",
    "binarycrossentropy": "binary_crossentropy",
    "meansquarederror": "mean_squared_error",
    "mse": "mean_squared_error",
    "meanabsoluteerror": "mean_absolute_error",
    "mae": "mean_absolute_error",
}

# Errors Keras raises for common mistakes, and what to tell the learner instead.
_KNOWN_ERRORS = (
    (("{'lr'", "'lr'", "lr="), "you passed `lr=`, which Keras 3 does not accept: use `learning_rate=` "
                               "(for example `keras.optimizers.Adam(learning_rate=0.0005)`)."),
    (("argument `rate`",), "Keras refused your Dropout rate: the rate is a fraction of the units to drop, "
                           "between 0 and 1. Write `Dropout(0.5)`, not `Dropout(50)`."),
)


def call_builder(build: Callable[[], Any], name: str) -> tuple[Any, str | None]:
    """Call the learner's model-building function ``name``; ``(model, None)`` or ``(None, message)``.

    The message says what went wrong: not a function (a model was passed instead), an exception
    inside it (a known Keras mistake explained, otherwise its first line), or something other
    than a Keras model returned. The placeholder's ``NotImplementedError`` propagates, so the
    check reads "not attempted yet". Introduced in lesson 08.
    """
    if not callable(build) or hasattr(build, "layers"):  # a Keras model is callable too
        return None, (f"expected the function `{name}`, got {type(build).__name__}: pass the function itself, "
                      "without calling it")
    try:
        model = build()
    except NotImplementedError:
        raise  # the check reads "not attempted yet" when it is the placeholder's own line
    except Exception as exc:  # noqa: BLE001 - any error in learner code becomes feedback
        text = str(exc).strip()
        for needles, advice in _KNOWN_ERRORS:
            if isinstance(exc, (TypeError, ValueError)) and any(n in text for n in needles):
                return None, advice
        first_line = text.splitlines()[0] if text else ""
        return None, f"`{name}()` raised {type(exc).__name__}: {first_line}"
    from dlcourse.seeding import import_keras  # noqa: PLC0415 - TensorFlow only when a check runs

    keras = import_keras()
    if not isinstance(model, keras.Model):
        return None, f"`{name}()` returned {type(model).__name__}, not a Keras model: end it with `return model`"
    return model, None


def activation_name(layer: Any) -> str:
    """The name of a Keras layer's activation (``"relu"``, ``"linear"``, ...), lower case.

    Works whether the activation was given as a name, a function or a serialized object.
    """
    config = layer.get_config()
    activation = config.get("activation", "linear")
    if isinstance(activation, dict):  # a serialized activation object
        activation = activation.get("config", {}).get("name") or activation.get("class_name", "?")
    if callable(activation):
        activation = getattr(activation, "__name__", str(activation))
    return str(activation).lower()


def first_problem(parts: list[str], problem: str) -> list[CaseResult]:
    """``parts[0]`` failed with ``problem``; every later part is skipped until it is fixed."""
    return [CaseResult.wrong(parts[0], problem)] + skipped(parts[1:], "not checked (fix the first problem)")


def skipped(labels: list[str], why: str) -> list[CaseResult]:
    """One "skipped" result (worth 1 point) per label, each saying ``why`` it was not checked."""
    return [CaseResult.skipped(label, why) for label in labels]


def probe_inputs(shape: tuple[int, ...] | list[int]) -> np.ndarray:
    """The fixed inputs (:data:`PROBE_ROWS` examples of ``shape``, values in [0, 1)) on which a
    described model's outputs are recorded, and which the judge feeds to the described layers."""
    rng = np.random.default_rng(20240808)
    return rng.uniform(0.0, 1.0, size=(PROBE_ROWS, *shape)).astype(np.float32)


def by_keras(obj: Any) -> bool:
    """Whether ``obj``'s class (or, for a function, ``obj`` itself) is Keras' own, found under its
    name in its Keras module: then the methods the describe step calls are Keras' code, not a
    learner's override (a learner's class that only claims ``__module__ = "keras..."`` is not)."""
    target = obj if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)) else type(obj)
    module, name = getattr(target, "__module__", None), getattr(target, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(name, str) or not (module == "keras" or module.startswith("keras.")):
        return False
    found: Any = sys.modules.get(module)
    for part in name.split("."):
        found = getattr(found, part, None)
    return found is target


def loss_name(loss: Any) -> str:
    """A loss's canonical name (``"sparse_categorical_crossentropy"``), however it was given."""
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


def metric_names(metrics: Any) -> list[str]:
    """The names of ``compile(metrics=...)``, lower case, nested lists flattened."""
    names = []
    for metric in metrics or []:
        if isinstance(metric, (list, tuple)):
            names += metric_names(metric)
            continue
        name = metric if isinstance(metric, str) else (getattr(metric, "name", None)
                                                       or getattr(metric, "__name__", str(metric)))
        names.append(str(name).lower())
    return names


def _regularizer(regularizer: Any) -> dict[str, Any] | None:
    if regularizer is None:
        return None
    config = regularizer.get_config() if hasattr(regularizer, "get_config") else {}
    return {"class": type(regularizer).__name__, "keras": by_keras(regularizer),
            "l1": float(config.get("l1", 0.0) or 0.0), "l2": float(config.get("l2", 0.0) or 0.0)}


def _describe_layer(layer: Any, keras: Any) -> dict[str, Any]:
    described: dict[str, Any] = {"class": type(layer).__name__, "keras": by_keras(layer), "name": str(layer.name)}
    if isinstance(layer, keras.layers.Dense):
        described.update(units=int(layer.units), activation=activation_name(layer), use_bias=bool(layer.use_bias),
                         kernel_regularizer=_regularizer(layer.kernel_regularizer),
                         bias_regularizer=_regularizer(layer.bias_regularizer),
                         activity_regularizer=_regularizer(layer.activity_regularizer),
                         weights=[np.asarray(w) for w in layer.get_weights()])
    elif isinstance(layer, keras.layers.Dropout):
        described["rate"] = float(layer.rate)
    elif isinstance(layer, keras.layers.Activation):
        described["activation"] = activation_name(layer)
    elif isinstance(layer, keras.layers.Softmax):
        described["activation"] = "softmax" if layer.get_config().get("axis", -1) in (-1, [-1]) else "softmax (axis)"
    elif isinstance(layer, keras.layers.ReLU):
        config = layer.get_config()
        plain = not config.get("negative_slope") and config.get("max_value") is None and not config.get("threshold")
        described["activation"] = "relu" if plain else "relu (with options)"
    return described


def describe_model(model: Any) -> dict[str, Any]:
    """A Keras model as plain data: class, input shape, layers (settings and weights), compile
    settings, and its outputs on :func:`probe_inputs` (None when it cannot be run on them)."""
    from dlcourse.seeding import import_keras  # noqa: PLC0415 - TensorFlow only when a check runs

    keras = import_keras()
    try:
        shape = [None if d is None else int(d) for d in tuple(model.input_shape)[1:]]
    except (AttributeError, ValueError, TypeError):
        shape = None
    compiled = bool(getattr(model, "compiled", False))
    described: dict[str, Any] = {
        "class": type(model).__name__, "keras": by_keras(model), "input_shape": shape,
        "layers": [_describe_layer(layer, keras) for layer in model.layers], "compiled": compiled,
        "loss": None, "optimizer": None, "metrics": [], "probe": None}
    if compiled:
        loss = model.loss
        from_logits: Any = False
        if not isinstance(loss, str):
            try:
                from_logits = (loss.get_config() or {}).get("from_logits") if hasattr(loss, "get_config") else None
            except (NotImplementedError, TypeError):
                from_logits = None
            if from_logits is None:
                from_logits = getattr(loss, "from_logits", None)
        described["loss"] = {"name": loss_name(loss), "keras": isinstance(loss, str) or by_keras(loss),
                             "from_logits": None if from_logits is None else bool(from_logits)}
        optimizer = model.optimizer
        try:
            rate: float | None = float(optimizer.learning_rate)
        except (TypeError, ValueError, AttributeError):
            rate = None
        described["optimizer"] = {"class": type(optimizer).__name__, "keras": by_keras(optimizer),
                                  "learning_rate": rate}
        described["metrics"] = metric_names((model.get_compile_config() or {}).get("metrics"))
    if shape and all(isinstance(d, int) for d in shape):
        try:
            described["probe"] = np.asarray(model(probe_inputs(shape), training=False), dtype=np.float64)
        except Exception:  # noqa: BLE001 - a model that cannot run is judged by its description alone
            described["probe"] = None
    return described


def describe_builder(build: Callable[[], Any], name: str) -> dict[str, Any]:
    """The describe step of a model exercise: ``{"model": describe_model(...)}`` of what ``build()``
    returns, or ``{"problem": message}`` (see :func:`call_builder`)."""
    model, problem = call_builder(build, name)
    if problem is not None:
        return {"problem": problem}
    return {"model": describe_model(model)}


def describe_callback(callback: Any, name: str = "early_stop") -> dict[str, Any]:
    """The describe step of an early-stopping exercise: the callback's class and settings as plain
    data, or ``{"problem": message}`` when it is not an ``EarlyStopping`` object."""
    from dlcourse.seeding import import_keras  # noqa: PLC0415 - TensorFlow only when a check runs

    keras = import_keras()
    if isinstance(callback, type) or callable(callback) and not hasattr(callback, "monitor"):
        return {"problem": f"`{name}` should be the callback object itself: "
                           f"`{name} = keras.callbacks.EarlyStopping(...)`"}
    if not isinstance(callback, keras.callbacks.EarlyStopping):
        return {"problem": f"`{name}` is a {type(callback).__name__}; create it with "
                           "`keras.callbacks.EarlyStopping(...)`"}
    patience = callback.patience
    return {"class": type(callback).__name__, "keras": by_keras(callback), "monitor": str(callback.monitor),
            "patience": patience if isinstance(patience, (int, float)) and not isinstance(patience, bool)
            else repr(patience), "restore_best_weights": bool(callback.restore_best_weights)}
