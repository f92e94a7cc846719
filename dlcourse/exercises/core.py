"""Exercise definitions and the registry: what an exercise is, and where to find it by name.

An exercise is named ``"NN.short_name"`` (``"01.weighted_sum"``): ``NN`` is the lesson, and
the definitions of lesson ``NN`` live in ``dlcourse/exercises/lessonNN.py``, imported the first
time one of its exercises is asked for. A lesson module calls :func:`lesson` once and
:func:`register` once per exercise.

Two kinds of exercise:

* **Case-based** (the usual one): the learner writes a function; each :class:`Case` gives
  inputs, the reference function gives the expected output, and optional
  :class:`Misconception` functions compute known-wrong answers, so that a matching wrong
  answer is named ("you left out the bias").
* **Custom**: the learner makes an object (a value, a Keras model). ``describe=`` turns it into
  plain data (a Keras model's layers and compile settings; it is the only step that touches the
  learner's object), and ``custom=`` judges that description, returning a list of
  :class:`~dlcourse.exercises.feedback.CaseResult`, from that description only. Every custom
  exercise has both: the describe step runs where the learner's code runs (in the grader's
  sandbox), the judge outside it, so a submission cannot write its own verdict.
"""

from __future__ import annotations

import copy
import functools
import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import numpy as np

from dlcourse.exercises.compare import format_value
from dlcourse.exercises.feedback import CaseResult

__all__ = [
    "Case", "Exercise", "ExerciseError", "Misconception", "all_exercises", "extend", "get_exercise",
    "lesson", "lesson_exercises", "lesson_ids", "lesson_title", "quiet", "reference", "register",
]

NAME_PATTERN = re.compile(r"^(\d\d)\.[A-Za-z_][A-Za-z0-9_]*$")


def quiet(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` with NumPy's floating-point warnings off, for a :class:`Misconception`: a
    known-wrong variant may overflow, divide by zero or take sqrt(-1) on the cases."""
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with np.errstate(all="ignore"):
            return function(*args, **kwargs)
    return wrapper


class ExerciseError(LookupError):
    """An exercise name that is malformed or not registered."""


@dataclass
class Case:
    """One test of a case-based exercise.

    ``args`` (and ``kwargs``) are the inputs; they are deep-copied for every call, so a
    function that changes its inputs cannot affect other cases. ``label`` describes the inputs
    in feedback (built from the reference's argument names when empty). ``check_dtype``
    requires the same kind of number as the reference (integers, floats, booleans).
    ``test`` is an optional extra property check ``test(result, *args) -> message or None``.
    ``allow_overflow=False`` fails a case in which NumPy warns about an overflow, even when
    the final answer happens to be right (``1 / (1 + inf)`` is 0, but it overflowed).
    """

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    label: str = ""
    points: float = 1.0
    rtol: float = 1e-6
    atol: float = 1e-8
    check_dtype: bool = False
    allow_overflow: bool = False
    test: Callable[..., str | None] | None = None
    extra: bool = False  # added by the instructor's extra tests, not visible to learners


@dataclass
class Misconception:
    """A known wrong answer: ``function`` computes it, ``message`` explains it to the learner."""

    name: str
    function: Callable[..., Any]
    message: str


@dataclass
class Exercise:
    """One exercise: its cases (or a custom check), hints, and how much it is worth.

    ``target`` is the name the learner's object has in the notebook (``weighted_sum``); the
    grader uses it to find the answer. ``reference`` is the course's own solution.
    """

    name: str
    title: str
    target: str
    reference: Callable[..., Any] | None = None
    cases: list[Case] = field(default_factory=list)
    misconceptions: list[Misconception] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    returns: tuple[str, ...] = ()  # names of the items when the answer returns a tuple, e.g. ("w", "b")
    custom: Callable[[Any], list[CaseResult]] | None = None
    describe: Callable[[Any], Any] | None = None
    custom_points: float = 0.0
    time_limit: float = 2.0
    _prepared: list[tuple[Any, dict[str, Any]]] | None = field(default=None, repr=False)

    @property
    def lesson(self) -> str:
        """The lesson id, the ``NN`` of ``NN.name``."""
        return self.name.split(".", 1)[0]

    @property
    def max_points(self) -> float:
        """Total points of all cases (or ``custom_points`` for a custom exercise)."""
        if self.custom is not None:
            return float(self.custom_points)
        return float(sum(case.points for case in self.cases))

    def parameter_names(self) -> list[str]:
        """The reference function's argument names (empty when there is none)."""
        if self.reference is None:
            return []
        try:
            return list(inspect.signature(self.reference).parameters)
        except (TypeError, ValueError):
            return []

    def label(self, case: Case) -> str:
        """How ``case``'s inputs are shown in feedback: ``x = [1, 2], b = 0.5``."""
        if case.label:
            return case.label
        names = self.parameter_names()
        parts = [f"{names[i] if i < len(names) else f'arg{i}'} = {format_value(a, 40)}"
                 for i, a in enumerate(case.args)]
        parts += [f"{k} = {format_value(v, 40)}" for k, v in case.kwargs.items()]
        return ", ".join(parts)

    def prepare(self) -> list[tuple[Any, dict[str, Any]]]:
        """Expected output and each misconception's output, per case (computed once, cached).

        The grader calls this before any of the student's code runs, so the expected answers
        cannot be changed by what the student's code does later.
        """
        if self._prepared is None or len(self._prepared) != len(self.cases):
            prepared = []
            for case in self.cases:
                with np.errstate(all="ignore"):  # the course's own answer: its underflows are nobody's concern
                    expected = self.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
                wrong: dict[str, Any] = {}
                for mis in self.misconceptions:
                    try:
                        wrong[mis.name] = mis.function(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
                    except Exception:  # noqa: BLE001 - a wrong variant may not apply to every case
                        continue
                prepared.append((expected, wrong))
            self._prepared = prepared
        return self._prepared


_EXERCISES: dict[str, Exercise] = {}
_LESSONS: dict[str, str] = {}


def lesson(lesson_id: str, title: str) -> None:
    """Declare a lesson (``lesson("01", "The neuron")``), once, at the top of its module."""
    _LESSONS[lesson_id] = title


def register(exercise: Exercise) -> Exercise:
    """Add ``exercise`` to the registry (replacing one of the same name) and return it."""
    if not NAME_PATTERN.match(exercise.name):
        raise ExerciseError(f"exercise names look like '01.weighted_sum', got {exercise.name!r}")
    if exercise.custom is None and exercise.reference is None:
        raise ExerciseError(f"{exercise.name}: a case-based exercise needs a reference function")
    if exercise.custom is not None and exercise.describe is None:
        raise ExerciseError(f"{exercise.name}: a custom exercise needs a describe step (describe=) that turns the "
                            "answer into plain data, and a judge (custom=) that reads only that data")
    _EXERCISES[exercise.name] = exercise
    return exercise


def extend(name: str, *cases: Case) -> None:
    """Add instructor-only cases to a registered exercise (used by ``--extra-tests`` files)."""
    exercise = get_exercise(name)
    for case in cases:
        case.extra = True
        exercise.cases.append(case)
    exercise._prepared = None


def _import_lesson(lesson_id: str) -> None:
    try:
        importlib.import_module(f"dlcourse.exercises.lesson{lesson_id}")
    except ModuleNotFoundError as exc:
        if exc.name != f"dlcourse.exercises.lesson{lesson_id}":
            raise


def get_exercise(name: str) -> Exercise:
    """The exercise called ``name``; raises :class:`ExerciseError` with suggestions if unknown."""
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise ExerciseError(f"exercise names look like '01.weighted_sum', got {name!r}")
    if name not in _EXERCISES:
        _import_lesson(name[:2])
    if name not in _EXERCISES:
        known = [n for n in _EXERCISES if n.startswith(name[:3])]
        suggestion = f" Exercises of lesson {name[:2]}: {', '.join(known)}." if known else ""
        raise ExerciseError(f"there is no exercise called {name!r}.{suggestion}")
    return _EXERCISES[name]


def lesson_ids() -> list[str]:
    """Ids of all lessons that define exercises (imports every ``lessonNN`` module)."""
    import dlcourse.exercises as package

    for info in pkgutil.iter_modules(package.__path__):
        match = re.fullmatch(r"lesson(\d\d)", info.name)
        if match:
            _import_lesson(match.group(1))
    return sorted(_LESSONS)


def lesson_title(lesson_id: str) -> str:
    """The title a lesson declared with :func:`lesson` (``"The neuron"``)."""
    if lesson_id not in _LESSONS:
        _import_lesson(lesson_id)
    return _LESSONS.get(lesson_id, f"Lesson {lesson_id}")


def lesson_exercises(lesson_id: str) -> list[Exercise]:
    """The exercises of one lesson, in the order they were registered."""
    _import_lesson(lesson_id)
    return [e for e in _EXERCISES.values() if e.lesson == lesson_id]


def all_exercises(names: Iterable[str] | None = None) -> list[Exercise]:
    """The named exercises, or every exercise of every lesson."""
    if names is not None:
        return [get_exercise(n) for n in names]
    lesson_ids()
    return list(_EXERCISES.values())


def reference(name: str) -> Callable[..., Any]:
    """The course's own solution of exercise ``name``.

    Lessons use it in the cells after an exercise, so that a learner who skipped the exercise
    can still run the rest of the lesson.
    """
    exercise = get_exercise(name)
    if exercise.reference is None:
        raise ExerciseError(f"{name} has no reference function")
    return exercise.reference

