"""Exercises with specific feedback: check an answer, ask for hints, see your progress.

In a lesson::

    from dlcourse.exercises import check, hint, progress

    check("01.weighted_sum", weighted_sum)   # ✓/✗ report with points
    hint("01.weighted_sum")                  # the next hint each time
    progress()                               # a bar per lesson

Instructors use ``dlcourse release`` (learner copies from the solution notebooks) and
``dlcourse grade`` (a CSV of scores); see ``docs/instructor.md``. Exercise definitions live
in ``dlcourse/exercises/lessonNN.py``. Names are resolved lazily, so importing this package
(and ``dlcourse`` itself) stays cheap.
"""

from __future__ import annotations

from dlcourse.lazy import attach

__all__ = ["Case", "CaseResult", "Exercise", "Misconception", "check", "extend", "get_exercise", "hint",
           "lesson", "progress", "reference", "register"]

_WHERE = {
    "check": "api", "hint": "api", "progress": "api", "reference": "api",
    "Case": "core", "Exercise": "core", "Misconception": "core", "extend": "core", "get_exercise": "core",
    "lesson": "core", "register": "core", "CaseResult": "feedback",
}


__getattr__, __dir__ = attach(__name__, _WHERE)
