"""Reading a learner's Keras model: the shared steps of the model exercises of lessons 08-10.

Those exercises ask for a function that builds (and compiles) a Keras model. The checks call it
with :func:`call_builder`, which turns every way that can go wrong into one sentence of feedback
(including Keras 2 habits such as ``lr=``), and read the layers with :func:`activation_name`.
When the model cannot be checked at all, :func:`first_problem` reports why and skips the rest.
TensorFlow is imported only when a check runs.
"""

from __future__ import annotations

from typing import Any, Callable

from dlcourse.exercises.feedback import CaseResult

__all__ = ["activation_name", "call_builder", "first_problem", "skipped"]

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
