"""What learners call in notebooks: ``check``, ``hint``, ``progress`` and ``reference``.

``check(name, answer)`` is given the learner's object explicitly; it is never looked up in the
notebook's globals. Every function here returns an object that displays itself (HTML in
JupyterLab, text in a terminal) and never raises into the notebook, with one exception for
maintainers: with the environment variable ``DLCOURSE_CHECKS_MUST_PASS=1``, a check that does not
pass raises :class:`CheckNotPassed`, so running the solution notebooks (the test suite does, with
nbval) proves that every check in them passes.
"""

from __future__ import annotations

import os
from typing import Any, Callable

from dlcourse.exercises.checking import run_exercise
from dlcourse.exercises.core import ExerciseError, get_exercise
from dlcourse.exercises.core import reference as _reference
from dlcourse.exercises.feedback import ERROR, Hint, Report
from dlcourse.exercises.tracking import ProgressView, record

__all__ = ["CHECKS_MUST_PASS_ENV", "CheckNotPassed", "check", "hint", "progress", "reference"]

CHECKS_MUST_PASS_ENV = "DLCOURSE_CHECKS_MUST_PASS"


class CheckNotPassed(AssertionError):
    """Raised by :func:`check` only under ``DLCOURSE_CHECKS_MUST_PASS=1``, when a check does not pass."""

_HINTS_SHOWN: dict[str, int] = {}


def check(name: str, answer: Any, *, save: bool = True) -> Report:
    """Run exercise ``name``'s checks on ``answer`` and return the report.

    ``answer`` is usually the function you wrote (``check("01.weighted_sum", weighted_sum)``).
    With ``save=True`` the result is added to your progress (see :func:`progress`).
    """
    try:
        exercise = get_exercise(name)
    except ExerciseError as exc:
        return Report(str(name), "", ERROR, headline=str(exc))
    report = run_exercise(exercise, answer)
    if report.status != "passed" and exercise.hints and report.status != ERROR:
        report.add_note(f"Stuck? Run `hint(\"{name}\")` for a hint.")
    if save:
        try:
            note = record(report)
        except Exception as exc:  # noqa: BLE001 - progress must never break a check
            note = f"Your progress could not be saved ({type(exc).__name__}: {exc})."
        report.add_note(note)
    if os.environ.get(CHECKS_MUST_PASS_ENV) == "1" and report.status != "passed":
        raise CheckNotPassed(f"{CHECKS_MUST_PASS_ENV}=1 and this check did not pass:\n{report}")
    return report


def hint(name: str, level: int | None = None) -> Hint:
    """The next hint for exercise ``name`` each time you call it, or hint number ``level`` (from 1)."""
    try:
        exercise = get_exercise(name)
    except ExerciseError as exc:
        return Hint(str(name), 0, 0, str(exc))
    if not exercise.hints:
        return Hint(name, 0, 0, "this exercise has no hints.")
    count = len(exercise.hints)
    if level is None:
        level = min(_HINTS_SHOWN.get(name, 0) + 1, count)
    level = max(1, min(int(level), count))
    _HINTS_SHOWN[name] = max(_HINTS_SHOWN.get(name, 0), level)
    return Hint(name, level, count, exercise.hints[level - 1])


def progress() -> ProgressView:
    """Your progress through the course, one bar per lesson."""
    return ProgressView()


def reference(name: str) -> Callable[..., Any]:
    """The course's own solution of exercise ``name``, for the cells that come after it."""
    return _reference(name)
