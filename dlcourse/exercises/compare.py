"""Compare a learner's result with the expected one and say what is wrong, in one sentence.

The order of the checks is the order a person would look: nothing returned, not a number,
NaN or infinity, wrong shape, wrong kind of number (dtype), then the values themselves.

The NumPy functions used here are looked up once, when this module is imported, so that an
answer which later replaces ``np.allclose`` (or any other NumPy function) does not change how
it is judged.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcourse.exercises.plain import Opaque

__all__ = ["describe_shape", "difference", "format_value", "matches"]

# References captured at import time (see the module docstring).
_asarray = np.asarray
_isclose = np.isclose
_isfinite = np.isfinite
_isnan = np.isnan
_argwhere = np.argwhere
_shape = np.shape
_array2string = np.array2string
_ndarray = np.ndarray
_generic = np.generic
_errstate = np.errstate

_KINDS = {"b": "booleans (True/False)", "i": "integers", "u": "integers", "f": "floats",
          "c": "complex numbers"}


def format_value(value: Any, limit: int = 60) -> str:
    """A short, readable rendering of a number, array or tuple for feedback messages."""
    if isinstance(value, tuple):
        return "(" + ", ".join(format_value(v, limit // 2) for v in value) + ")"
    if isinstance(value, (_ndarray, _generic, list)):
        try:
            array = _asarray(value)
        except ValueError:  # a ragged list
            array = _asarray([0], dtype=object)
        if array.dtype.kind in "biufc":
            text = _array2string(array, separator=", ", threshold=8, edgeitems=3, max_line_width=10_000,
                                 formatter={"float_kind": _number, "complex_kind": _number})
        else:
            text = repr(value)
    elif isinstance(value, float):
        text = f"{value:.6g}"
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: Any) -> str:
    return f"{value:.4g}"


def describe_shape(shape: tuple[int, ...]) -> str:
    """``(3,)`` for arrays, ``a single number`` for shape ``()``."""
    return "a single number" if shape == () else str(tuple(shape))


def _numeric(value: Any) -> np.ndarray | None:
    if isinstance(value, (bool, int, float, complex, _generic)):
        return _asarray(value)
    if isinstance(value, (_ndarray, list)):
        try:
            array = _asarray(value)
        except ValueError:  # ragged lists
            return None
        return array if array.dtype.kind in "biufc" else None
    return None


def matches(got: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-8) -> bool:
    """True when ``got`` equals ``expected`` to the tolerances: same shape, same values, NaN where NaN."""
    return difference(got, expected, rtol=rtol, atol=atol) is None


def difference(got: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-8,
               check_dtype: bool = False, what: str = "your result",
               names: tuple[str, ...] = ()) -> str | None:
    """None when ``got`` matches ``expected``; otherwise one sentence naming the first problem.

    Tuples are compared item by item (``names`` names the items, e.g. ``("w", "b")``). Arrays
    must have the expected shape; with ``check_dtype`` they must also hold the same kind of
    number (integers, floats, booleans). Anything that is not a number is compared with ``==``.
    """
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)):
            return f"{what} should be a tuple of {len(expected)} items, got {_type_name(got)}."
        if len(got) != len(expected):
            return f"{what} should have {len(expected)} items, got {len(got)}."
        for index, (g, e) in enumerate(zip(got, expected)):
            item = f"`{names[index]}`" if index < len(names) else f"item {index} of {what}"
            problem = difference(g, e, rtol, atol, check_dtype, what=item)
            if problem:
                return problem
        return None
    if got is None and expected is not None:
        return f"{what} is None: did you forget to `return` it?"
    expected_array = _numeric(expected)
    if expected_array is None:  # not a number: plain equality
        try:
            equal = bool(got == expected)
        except (TypeError, ValueError):
            equal = False
        return None if equal else f"{what} is {format_value(got)}, expected {format_value(expected)}."
    got_array = _numeric(got)
    if got_array is None:
        kind = "a number" if expected_array.shape == () else "a NumPy array"
        return f"{what} should be {kind}, got {_type_name(got)}: {format_value(got)}."
    return _array_difference(got_array, expected_array, rtol, atol, check_dtype, what)


def _array_difference(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float,
                      check_dtype: bool, what: str) -> str | None:
    with _errstate(all="ignore"):
        if got.dtype.kind in "fc":
            bad_nan = _isnan(got) & ~_isnan(expected) if expected.shape == got.shape else _isnan(got)
            if bad_nan.any():
                return f"{what} contains NaN (not a number){_where(bad_nan)}. " \
                       "NaN usually comes from 0/0, inf - inf or log of a negative number."
            bad_inf = ~_isfinite(got) & _isfinite(expected) if expected.shape == got.shape else ~_isfinite(got)
            if bad_inf.any():
                return f"{what} overflows to infinity{_where(bad_inf)}: a value grew too large for a float."
    prefix = "" if what == "your result" else f"{what}: "
    if got.shape != expected.shape:
        message = f"{prefix}wrong shape: expected {describe_shape(expected.shape)}, got {describe_shape(got.shape)}"
        if got.size == expected.size and got.size > 1:
            message += " (the right number of values, arranged differently: check reshape/keepdims)"
        elif expected.shape == () and got.size == 1:
            message += " (return a single number, e.g. with .item() or without keepdims)"
        return message + "."
    if check_dtype and _kind(got) != _kind(expected):
        message = (f"{prefix}wrong dtype: expected {_KINDS.get(expected.dtype.kind, expected.dtype)} ({expected.dtype}), "
                   f"got {_KINDS.get(got.dtype.kind, got.dtype)} ({got.dtype})")
        if expected.dtype.kind in "iu":
            message += "; convert with `.astype(int)`"
        elif expected.dtype.kind == "f":
            message += "; `/` gives floats, `//` and `.astype(int)` do not"
        return message + "."
    with _errstate(all="ignore"):
        if expected.dtype.kind in "biu" and got.dtype.kind in "biu":
            close = got == expected
        else:
            close = _isclose(got.astype(complex if "c" in (got.dtype.kind + expected.dtype.kind) else float),
                             expected.astype(float) if expected.dtype.kind != "c" else expected,
                             rtol=rtol, atol=atol, equal_nan=True)
    if bool(_asarray(close).all()):
        return None
    if expected.shape == ():
        return f"{what} is {format_value(got.item())}, expected {format_value(expected.item())}."
    wrong = _argwhere(~_asarray(close))
    first = tuple(int(i) for i in wrong[0])
    index = first[0] if len(first) == 1 else first
    return (f"{prefix}{len(wrong)} of {expected.size} values differ; first at index {index}: "
            f"expected {format_value(expected[first].item())}, got {format_value(got[first].item())}.")


def _type_name(value: Any) -> str:
    """The type's name of a learner's result (an :class:`~dlcourse.exercises.plain.Opaque` keeps it)."""
    return value.type_name if isinstance(value, Opaque) else type(value).__name__


def _kind(array: np.ndarray) -> str:
    kind = array.dtype.kind
    return "i" if kind == "u" else kind


def _where(mask: np.ndarray) -> str:
    if mask.shape == ():
        return ""
    first = tuple(int(i) for i in _argwhere(mask)[0])
    return f" at index {first[0] if len(first) == 1 else first}"
