"""Check a learner's answer in two steps: :func:`collect` runs it, :func:`judge` turns that into feedback.

:func:`collect` is the only step that runs learner code; it records plain data only (a
:class:`~dlcourse.exercises.collected.Collected`, which can be serialized and sent from a sandbox).
:func:`judge` is pure: it computes the expected answers itself and never calls learner code.
:func:`run_exercise` is the two together; ``check()`` and the grader both go through it.

Nothing here lets an exception escape into the notebook except ``KeyboardInterrupt`` (the
learner pressed Stop). A placeholder answer reads "not attempted yet"; an exception in the
learner's code is reported with the learner's own line; a function that runs too long is
stopped (see :mod:`dlcourse.exercises.timelimit`).
"""

from __future__ import annotations

import copy
import linecache
import os
import sysconfig
import traceback
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from dlcourse.exercises.collected import Collected, Outcome
from dlcourse.exercises.compare import describe_shape, difference, matches
from dlcourse.exercises.core import Case, Exercise
from dlcourse.exercises.diagnose import explains, likely_causes, same_values
from dlcourse.exercises.feedback import ERROR, FAILED, NOT_ATTEMPTED, PARTIAL, PASSED, CaseResult, Report
from dlcourse.exercises.plain import Opaque, to_plain
from dlcourse.exercises.timelimit import TimeLimitExceeded, call_with_time_limit

__all__ = ["collect", "is_placeholder", "judge", "learner_frame", "run_exercise"]

_errstate = np.errstate
_ndarray = np.ndarray
_array_equal = np.array_equal

_PACKAGE_DIR = str(Path(__file__).resolve().parent)
_LIBRARY_DIRS = tuple({str(Path(p).resolve()) for key in ("stdlib", "platstdlib", "purelib", "platlib")
                       if (p := sysconfig.get_paths().get(key))})


def is_placeholder(obj: Any) -> bool:
    """True for what ``dlcourse release`` leaves in an unanswered cell: ``None`` or ``...``."""
    return obj is None or obj is Ellipsis


def _is_learner_file(filename: str) -> bool:
    if not filename or filename.startswith("<frozen"):
        return False
    try:
        path = str(Path(filename).resolve())
    except (OSError, ValueError):
        return True
    if path.startswith(_PACKAGE_DIR + os.sep):
        return False
    return not any(path.startswith(d + os.sep) for d in _LIBRARY_DIRS)


def _cell_name(filename: str) -> str:
    """``cell In[5]`` for code typed in a notebook cell, else the file's name."""
    try:
        from IPython import get_ipython  # noqa: PLC0415 - only inside IPython

        shell = get_ipython()
        number = getattr(getattr(shell, "compile", None), "_filename_map", {}).get(filename)
        if number is not None:
            return f"cell In[{number}]"
    except ImportError:
        pass
    return Path(filename).name


def learner_frame(exc: BaseException) -> traceback.FrameSummary | None:
    """The innermost traceback frame that is the learner's own code (not NumPy, not the checker)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _is_learner_file(f.filename)]
    return frames[-1] if frames else None


def _where(exc: BaseException) -> str:
    frame = learner_frame(exc)
    if frame is None:
        return ""
    line = (frame.line or linecache.getline(frame.filename, frame.lineno or 0)).strip()
    return f" (at {_cell_name(frame.filename)}, line {frame.lineno}, in {frame.name}: `{line}`)"


def _exception_message(outcome: Outcome) -> str:
    text = f"{outcome.error}: {outcome.message}" if outcome.message else outcome.error
    return f"your code raised {text}{outcome.where}"


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:  # noqa: BLE001 - a learner's exception class may break __str__
        return ""


def _failure(kind: str, exc: BaseException, answer: Any = None) -> Outcome:
    """An :class:`Outcome` for a call that ended with ``exc``."""
    return Outcome(kind, error=type(exc).__name__, message=_safe_str(exc), where=_where(exc),
                   placeholder=kind == "not implemented" and _placeholder_frame(exc, answer))


def _placeholder_frame(exc: NotImplementedError, func: Any) -> bool:
    """Whether the NotImplementedError was raised by ``func`` itself (its placeholder body)."""
    code = getattr(func, "__code__", None)
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    return last is not None and last.tb_frame.f_code is code



def _changed_input(before: tuple, after: tuple, names: list[str]) -> str | None:
    """The name of the first array argument the call changed in place, or None."""
    for index, (old, new) in enumerate(zip(before, after)):
        if isinstance(old, _ndarray) and isinstance(new, _ndarray):
            if old.shape != new.shape or not _array_equal(old, new, equal_nan=True):
                return names[index] if index < len(names) else f"argument {index + 1}"
    return None


def _run_learner(func: Any, args: tuple, kwargs: dict, seconds: float, owner: Any) -> tuple[Any, Outcome | None]:
    """Call learner code under a time limit: ``(value, None)``, or ``(None, how it failed)``.

    ``owner`` is what the learner wrote (a placeholder's ``NotImplementedError`` is told apart)."""
    try:
        return call_with_time_limit(func, args, kwargs, seconds=seconds), None
    except TimeLimitExceeded as exc:
        return None, _failure("timeout", exc)
    except NotImplementedError as exc:
        return None, _failure("not implemented", exc, owner)
    except SystemExit as exc:
        return None, _failure("exit", exc)
    except Exception as exc:  # noqa: BLE001 - any error in learner code becomes feedback
        return None, _failure("exception", exc)


def _call(exercise: Exercise, func: Any, case: Case, time_limit: float) -> Outcome:
    """Call the learner's function on one case (on copies of its inputs) and record how it ended."""
    args = copy.deepcopy(case.args)
    kwargs = copy.deepcopy(case.kwargs)
    # Underflow (e^-1000 becoming 0) is not a mistake: only overflow, 0/0 and the like are recorded.
    with warnings.catch_warnings(record=True) as caught, _errstate(all="warn", under="ignore"):
        warnings.simplefilter("always")
        value, failure = _run_learner(func, args, kwargs, time_limit, func)
        if failure is not None:
            return failure
        messages = [_safe_str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
        try:
            plain_value = to_plain(value)
        except Exception as exc:  # noqa: BLE001 - a strange result must not crash the check
            plain_value = Opaque(type(value).__name__, f"<could not be read: {type(exc).__name__}>")
    changed = _changed_input(case.args, args, exercise.parameter_names())
    if changed:
        return Outcome("mutated", message=changed)
    return Outcome("value", plain_value, warnings=messages)


def _describe(exercise: Exercise, answer: Any) -> Outcome:
    """Run a custom exercise's describe step on ``answer``: its plain description, or how it failed.

    The describe step is the only part of a custom check that touches the learner's object; the
    verdict is computed from its plain result by :func:`judge`, never here."""
    assert exercise.describe is not None
    value, failure = _run_learner(exercise.describe, (answer,), {}, exercise.time_limit, answer)
    if failure is not None:
        return failure
    try:
        return Outcome("value", to_plain(value))
    except Exception as exc:  # noqa: BLE001 - what the describe step returned could not be read
        return _failure("exception", exc)


def collect(exercise: Exercise, answer: Any, time_limit: float | None = None) -> Collected:
    """Run ``answer`` on every case of ``exercise`` and record what happened, as plain data.

    This is the only step that runs learner code. Each call gets deep copies of the case's inputs
    and ``time_limit`` seconds (the exercise's own limit by default). After a case runs too long,
    or when the answer is still the placeholder, the remaining cases are recorded as ``not run``.
    A custom exercise records one outcome: what its describe step made of the answer.
    """
    limit = float(exercise.time_limit if time_limit is None else time_limit)
    kind = type(answer).__name__
    if is_placeholder(answer):
        return Collected(exercise.name, "placeholder", kind, limit)
    if exercise.custom is not None:
        return Collected(exercise.name, "object", kind, limit, [_describe(exercise, answer)])
    if not callable(answer):
        return Collected(exercise.name, "not callable", kind, limit)
    outcomes: list[Outcome] = []
    for index, case in enumerate(exercise.cases):
        if outcomes and (outcomes[-1].kind in ("timeout", "not run")
                         or (index == 1 and outcomes[0].kind == "not implemented" and outcomes[0].placeholder)):
            outcomes.append(Outcome("not run"))
            continue
        outcomes.append(_call(exercise, answer, case, limit))
    return Collected(exercise.name, "function", kind, limit, outcomes)


# --- judging: pure, never calls learner code -----------------------------------------------------
def _judge_value(exercise: Exercise, case: Case, value: Any, expected: Any, runtime_warnings: list[str],
                 label: str) -> CaseResult:
    """The verdict on one returned value, in the contract's terms (misconceptions come later)."""
    overflow = [w for w in runtime_warnings if "overflow" in w]
    if overflow and not case.allow_overflow:
        return CaseResult(label, 0.0, case.points,
                          f"your `{exercise.target}` overflows at {label} (NumPy warned: {overflow[0]}). "
                          "Rewrite it so that large inputs stay finite.", "wrong")
    problem = difference(value, expected, rtol=case.rtol, atol=case.atol, check_dtype=case.check_dtype,
                         names=exercise.returns)
    if problem is None and case.test is not None:
        problem = case.test(value, *copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
    if problem is None:
        return CaseResult(label, case.points, case.points)
    cause = likely_causes(value, expected, _batch_size(case))
    if cause:
        problem += " " + cause
    related = [w for w in runtime_warnings if "NaN" in problem or "infinity" in problem]
    if related:  # a warning that explains a NaN or an infinity; others would only distract
        problem += f" NumPy warned: {related[0]}."
    return CaseResult(label, 0.0, case.points, problem, "wrong")


def _batch_size(case: Case) -> int | None:
    for arg in case.args:
        if isinstance(arg, _ndarray) and arg.ndim >= 2:
            return int(arg.shape[0])
    return None


def _name_misconception(exercise: Exercise, results: list[CaseResult], values: dict[int, Any],
                        prepared: list[tuple[Any, dict[str, Any]]]) -> None:
    """Name the first misconception that explains the whole answer (see :func:`diagnose.explains`)
    on every failing case it reproduces; leave the messages in the contract's terms otherwise."""
    indices = sorted(values)
    if not any(results[i].kind == "wrong" for i in indices):
        return
    for mis in exercise.misconceptions:
        wrong = [prepared[i][1].get(mis.name) for i in indices]
        wrong = [None if w is None or _all_zero(w) else w for w in wrong]  # zeros: what a do-nothing answer gives
        cases = [exercise.cases[i] for i in indices]
        if not explains([values[i] for i in indices], [prepared[i][0] for i in indices], wrong,
                        [not results[i].passed for i in indices], [(c.rtol, c.atol) for c in cases]):
            continue
        for i, w, case in zip(indices, wrong, cases):
            result = results[i]
            if result.passed or w is None or not same_values(values[i], w, case.rtol, case.atol):
                continue
            message = mis.message
            if result.message.startswith("wrong shape"):
                message = (f"expected shape {describe_shape(np.shape(prepared[i][0]))}, "
                           f"got {describe_shape(np.shape(values[i]))}: {message}")
            results[i] = CaseResult(result.label, 0.0, result.max_points, message, "misconception", mis.name)
        return


def _all_zero(value: Any) -> bool:
    if isinstance(value, tuple):
        return all(_all_zero(v) for v in value)
    try:
        array = np.asarray(value)
        return array.dtype.kind in "biuf" and not array.any()
    except (TypeError, ValueError):
        return False


def _status(cases: list[CaseResult]) -> str:
    earned = sum(c.points for c in cases)
    total = sum(c.max_points for c in cases)
    if total > 0 and earned >= total:
        return PASSED
    return PARTIAL if earned > 0 else FAILED


def _not_attempted(exercise: Exercise, headline: str) -> Report:
    return Report(exercise.name, exercise.title, NOT_ATTEMPTED, headline=headline)


def _judge_case(exercise: Exercise, case: Case, outcome: Outcome, prepared: tuple[Any, dict[str, Any]],
                label: str, limit: float) -> CaseResult:
    if outcome.kind == "value":
        try:
            return _judge_value(exercise, case, outcome.value, prepared[0], outcome.warnings, label)
        except Exception as exc:  # noqa: BLE001 - a strange result must not crash the check
            return CaseResult(label, 0.0, case.points, f"your result could not be compared "
                              f"({type(exc).__name__}: {exc}); return a number or a NumPy array", "wrong")
    if outcome.kind == "not implemented":
        return CaseResult(label, 0.0, case.points,
                          "your code called something that is not written yet: " + _exception_message(outcome),
                          "exception")
    if outcome.kind == "timeout":
        return CaseResult(label, 0.0, case.points, f"stopped after {limit:g} s: your function ran too long "
                          f"(an endless loop?){outcome.where}", "timeout")
    if outcome.kind == "exit":
        return CaseResult(label, 0.0, case.points, f"your function called sys.exit() or exit(){outcome.where}; "
                          "return a value instead", "exit")
    if outcome.kind == "mutated":
        name = outcome.message
        return CaseResult(label, 0.0, case.points, f"your function changed its input `{name}` in place; "
                          f"work on a copy (e.g. `{name} = {name}.copy()`) or build a new array.", "wrong")
    if outcome.kind == "not run":
        return CaseResult.skipped(label, "not run (an earlier case ran too long)", case.points)
    return CaseResult(label, 0.0, case.points, _exception_message(outcome), "exception")


def _error(exercise: Exercise, headline: str) -> Report:
    return Report(exercise.name, exercise.title, ERROR, headline=headline)


def judge(exercise: Exercise, collected: Collected) -> Report:
    """The :class:`Report` for what :func:`collect` recorded. Pure: never calls learner code.

    Expected answers and the known-wrong answers of the exercise's misconceptions are computed
    here, from the case inputs, with the course's own functions.
    """
    if collected.exercise != exercise.name:
        return _error(exercise, f"the collected answers are for {collected.exercise!r}, not {exercise.name!r}.")
    if collected.answer == "placeholder":
        return _not_attempted(exercise, f"`{exercise.target}` is still the placeholder. Write your code in the "
                                        "answer cell, run that cell, then run this check again.")
    if exercise.custom is not None:
        return _judge_custom(exercise, collected)
    if collected.answer == "not callable":
        return Report(exercise.name, exercise.title, FAILED, [CaseResult(
            "your answer", 0.0, exercise.max_points, f"expected a function, got {collected.answer_type}: "
            f"did you overwrite `{exercise.target}` with a value?", "wrong")], headline="not yet right.")
    if len(collected.outcomes) != len(exercise.cases):
        return _error(exercise, f"{len(collected.outcomes)} outcomes were collected for {len(exercise.cases)} cases.")
    first = collected.outcomes[0] if collected.outcomes else None
    if first is not None and first.kind == "not implemented" and first.placeholder:
        return _not_attempted(exercise, f"`{exercise.target}` still raises NotImplementedError: replace that "
                                        "line with your code, run the cell, then run this check again.")
    prepared = exercise.prepare()
    cases = []
    for case, outcome, expected in zip(exercise.cases, collected.outcomes, prepared):
        label = ("extra test" if case.extra else "") or exercise.label(case)
        cases.append(_judge_case(exercise, case, outcome, expected, label, collected.time_limit))
    values = {i: o.value for i, (o, c) in enumerate(zip(collected.outcomes, cases))
              if o.kind == "value" and c.kind in ("ok", "wrong")}
    try:
        _name_misconception(exercise, cases, values, prepared)
    except Exception:  # noqa: BLE001 - a strange result keeps its plain message
        pass
    status = _status(cases)
    return Report(exercise.name, exercise.title, status, cases, headline="" if status == PASSED else "not yet right.")


def _judge_custom(exercise: Exercise, collected: Collected) -> Report:
    """A custom exercise's report, from its describe step's outcome. A learner's placeholder reads
    "not attempted yet" when its NotImplementedError reached the describe step, or when the check
    returns a ``CaseResult.not_attempted(...)``."""
    assert exercise.custom is not None
    points = exercise.max_points
    if len(collected.outcomes) != 1:
        return _error(exercise, "a custom exercise collects exactly one outcome.")
    outcome = collected.outcomes[0]
    if outcome.kind == "not implemented" and outcome.placeholder:
        results = [CaseResult.not_attempted("your answer")]
    elif outcome.kind == "timeout":
        results = [CaseResult("your answer", 0.0, points, f"checking took longer than {collected.time_limit:g} s",
                              "timeout")]
    elif outcome.kind == "exit":
        results = [CaseResult("your answer", 0.0, points, f"your code called sys.exit() or exit(){outcome.where}",
                              "exit")]
    elif outcome.kind in ("exception", "not implemented"):
        results = [CaseResult("your answer", 0.0, points, _exception_message(outcome), "exception")]
    elif outcome.kind == "value":
        try:
            results = list(exercise.custom(outcome.value))
        except Exception as exc:  # noqa: BLE001 - a description the check cannot read
            results = [CaseResult("your answer", 0.0, points, f"your answer could not be checked "
                                  f"({type(exc).__name__}: {exc})", "wrong")]
    else:
        return _error(exercise, f"unexpected outcome {outcome.kind!r} for a custom exercise.")
    waiting = [c for c in results if c.kind == NOT_ATTEMPTED]
    if waiting:
        return _not_attempted(exercise, waiting[0].message or (
            f"`{exercise.target}` still raises NotImplementedError: replace that line with your code, "
            "run the cell, then run this check again."))
    status = _status(results) if results else ERROR
    headline = "" if status == PASSED else ("not yet right." if results else "the check returned no results.")
    return Report(exercise.name, exercise.title, status, results, headline=headline)


def run_exercise(exercise: Exercise, answer: Any, time_limit: float | None = None) -> Report:
    """Check ``answer`` against ``exercise``: ``judge(exercise, collect(exercise, answer))``.

    Never raises, except ``KeyboardInterrupt`` (Stop). Both ``check()`` and the grader use it.
    """
    return judge(exercise, collect(exercise, answer, time_limit))
