"""What a wrong result's pattern suggests, and when a known misconception explains a failure.

:func:`likely_causes` looks at how a wrong array differs from the expected one (every value
negated, scaled by one factor, shifted by one offset, transposed, reduced where one value per
example was expected) and names the one or two mistakes that produce that pattern.

:func:`explains` decides, for a whole report, whether one misconception accounts for the
learner's answer: it must reproduce the answer on every case that tells it from the right
answer (the passing ones too), it must not give the right answer where the learner failed, and
the evidence must not be a coincidence: at least two failing cases, or one whose output holds
several values or a NaN/infinity (a single number, or a small integer, is matched by chance too
easily).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcourse.exercises.compare import format_value, matches

__all__ = ["explains", "likely_causes", "same_values"]

_asarray = np.asarray
_errstate = np.errstate


def _numeric(value: Any) -> np.ndarray | None:
    try:
        array = _asarray(value)
    except (TypeError, ValueError):
        return None
    return array.astype(float) if array.dtype.kind in "biuf" else None


def likely_causes(got: Any, expected: Any, batch: int | None = None) -> str:
    """One sentence naming the likely cause of ``got`` differing from ``expected`` ("" if no pattern)."""
    if isinstance(expected, tuple) and isinstance(got, (tuple, list)) and len(got) == len(expected):
        for g, e in zip(got, expected):
            if not matches(g, e):
                return likely_causes(g, e, batch)
        return ""
    g, e = _numeric(got), _numeric(expected)
    if g is None or e is None:
        return ""
    if g.shape != e.shape:
        if g.ndim == 2 and g.shape == e.shape[::-1] and matches(g.T, e):
            return "Likely cause: a transposed result (rows and columns swapped): check the order of a matrix product."
        if e.shape == () and g.size > 1:
            return ("Likely cause: a missing mean or sum: you returned one value per element where a single "
                    "number is expected.")
        if g.shape == () and e.size > 1:
            return ("Likely cause: an extra reduction (a sum, mean or max) where one value per example or "
                    "element is expected.")
        return ""
    if e.size == 0 or not np.all(np.isfinite(g)) or not np.all(np.isfinite(e)):
        return ""
    causes = []
    with _errstate(all="ignore"):
        nonzero = np.abs(e) > 1e-12
        if matches(g, -e) and nonzero.any():
            causes.append("a sign: every value has the opposite sign of the expected one")
        elif nonzero.any() and np.all(np.abs(g[~nonzero]) < 1e-12):
            ratios = g[nonzero] / e[nonzero]
            ratio = float(ratios.flat[0])
            if ratio != 1 and np.allclose(ratios, ratio, rtol=1e-6, atol=0):
                causes.append(_factor(ratio, batch))
        if not causes and e.size > 1:
            offset = g - e
            if np.allclose(offset, offset.flat[0], rtol=1e-6, atol=1e-9) and abs(offset.flat[0]) > 1e-12:
                causes.append(f"an added constant: every value is off by {format_value(float(offset.flat[0]))} "
                              "(a bias or term added once too often, or left out?)")
    return f"Likely cause: {causes[0]}." if causes else ""


def _factor(ratio: float, batch: int | None) -> str:
    text = f"a factor: every value is {format_value(ratio)} × the expected one"
    if batch and batch > 1 and np.isclose(ratio, batch):
        return text + f" (= the batch size {batch}: a sum where the mean is expected?)"
    if batch and batch > 1 and np.isclose(ratio, 1 / batch):
        return text + f" (= 1 / the batch size {batch}: a mean where the sum is expected?)"
    if np.isclose(ratio, 2) or np.isclose(ratio, 0.5):
        return text + " (a factor 2 missing or extra?)"
    return text + " (a missing or extra factor, such as a learning rate or a 1/n)"


def explains(values: list[Any], expected: list[Any], wrong: list[Any], failed: list[bool],
             tolerances: list[tuple[float, float]]) -> bool:
    """Whether one misconception explains the learner's answer over all value cases.

    Per case: the learner's ``values``, the ``expected`` answers, the misconception's ``wrong``
    answers (``None`` where it did not apply or could not be computed), whether the case
    ``failed``, and its ``(rtol, atol)``.
    """
    evidence = 0.0
    for value, exp, mis, fail, (rtol, atol) in zip(values, expected, wrong, failed, tolerances):
        if mis is None:
            continue  # the misconception cannot be computed for this case
        if matches(mis, exp, rtol=rtol, atol=atol):
            if fail:
                return False  # this failure has another cause: the misconception gives the right answer here
            continue  # the case cannot tell the misconception from the right answer
        if not same_values(value, mis, rtol, atol):
            return False  # the case tells the two apart, and the learner did not make this mistake
        if fail:
            evidence += 1.0 if _size(exp) > 1 or not _finite(mis) else 0.5  # NaN or inf is no coincidence
    return evidence >= 1.0


def same_values(got: Any, wrong: Any, rtol: float = 1e-6, atol: float = 1e-8) -> bool:
    """``got`` equals ``wrong``, or holds the same values arranged in another shape ((3, 1) for (3,))."""
    if matches(got, wrong, rtol=rtol, atol=atol):
        return True
    g, w = _numeric(got), _numeric(wrong)
    return g is not None and w is not None and g.size == w.size and g.size > 0 \
        and matches(g.ravel(), w.ravel(), rtol=rtol, atol=atol)


def _finite(value: Any) -> bool:
    if isinstance(value, tuple):
        return all(_finite(v) for v in value)
    array = _numeric(value)
    return array is None or bool(np.all(np.isfinite(array)))


def _size(value: Any) -> int:
    if isinstance(value, tuple):
        return sum(_size(v) for v in value)
    try:
        return int(_asarray(value).size)
    except (TypeError, ValueError):
        return 1
