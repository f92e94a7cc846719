"""Run an exercise's cases against a learner's answer and turn every outcome into feedback.

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

from dlcourse.exercises.compare import describe_shape, difference, matches
from dlcourse.exercises.core import Case, Exercise
from dlcourse.exercises.feedback import ERROR, FAILED, NOT_ATTEMPTED, PARTIAL, PASSED, CaseResult, Report
from dlcourse.exercises.timelimit import TimeLimitExceeded, call_with_time_limit

__all__ = ["is_placeholder", "learner_frame", "run_exercise"]

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


def _exception_message(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return f"your code raised {text}{_where(exc)}"


def _placeholder_frame(exc: NotImplementedError, func: Any) -> bool:
    """Whether the NotImplementedError was raised by ``func`` itself (its placeholder body)."""
    code = getattr(func, "__code__", None)
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    return last is not None and last.tb_frame.f_code is code


def _changed_inputs(before: tuple, after: tuple, names: list[str]) -> str | None:
    for index, (old, new) in enumerate(zip(before, after)):
        if isinstance(old, _ndarray) and isinstance(new, _ndarray):
            if old.shape != new.shape or not _array_equal(old, new, equal_nan=True):
                name = names[index] if index < len(names) else f"argument {index + 1}"
                return (f"your function changed its input `{name}` in place; "
                        f"work on a copy (e.g. `{name} = {name}.copy()`) or build a new array.")
    return None


def _call(exercise: Exercise, func: Any, case: Case, time_limit: float) -> tuple[str, Any, list[str]]:
    """Call the learner's function on one case; returns ``(outcome, value_or_exception, warnings)``."""
    args = copy.deepcopy(case.args)
    kwargs = copy.deepcopy(case.kwargs)
    with warnings.catch_warnings(record=True) as caught, _errstate(all="warn"):
        warnings.simplefilter("always")
        try:
            value = call_with_time_limit(func, args, kwargs, seconds=time_limit)
        except TimeLimitExceeded as exc:
            return "timeout", exc, []
        except NotImplementedError as exc:
            return "not implemented", exc, []
        except SystemExit as exc:
            return "exit", exc, []
        except Exception as exc:  # noqa: BLE001 - any error in learner code becomes feedback
            return "exception", exc, []
    changed = _changed_inputs(case.args, args, exercise.parameter_names())
    if changed:
        return "mutated", changed, []
    messages = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    return "value", value, messages


def _judge(exercise: Exercise, case: Case, value: Any, expected: Any, wrong: dict[str, Any],
           runtime_warnings: list[str], label: str) -> CaseResult:
    overflow = [w for w in runtime_warnings if "overflow" in w]
    if overflow and not case.allow_overflow:
        return CaseResult(label, 0.0, case.points,
                          f"your `{exercise.target}` overflows at {label} (NumPy warned: {overflow[0]}). "
                          "Rewrite it so that large inputs stay finite.", "wrong")
    problem = difference(value, expected, rtol=case.rtol, atol=case.atol, check_dtype=case.check_dtype,
                         names=exercise.returns)
    if problem is None and case.test is not None:
        problem = case.test(value, *case.args, **case.kwargs)
    if problem is None:
        return CaseResult(label, case.points, case.points)
    for mis in exercise.misconceptions:
        if mis.name not in wrong or _all_zero(wrong[mis.name]):  # zeros are what a do-nothing answer gives
            continue
        if not matches(expected, wrong[mis.name], rtol=case.rtol, atol=case.atol) \
                and matches(value, wrong[mis.name], rtol=case.rtol, atol=case.atol):
            message = mis.message
            if problem.startswith("wrong shape"):
                message = (f"expected shape {describe_shape(np.shape(expected))}, "
                           f"got {describe_shape(np.shape(value))}: {message}")
            return CaseResult(label, 0.0, case.points, message, "misconception", mis.name)
    if runtime_warnings:
        problem += f" NumPy also warned: {runtime_warnings[0]}."
    return CaseResult(label, 0.0, case.points, problem, "wrong")


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


def run_exercise(exercise: Exercise, answer: Any, time_limit: float | None = None) -> Report:
    """Check ``answer`` against ``exercise`` and return the :class:`Report` (never raises, except Stop)."""
    limit = exercise.time_limit if time_limit is None else time_limit
    report = Report(exercise.name, exercise.title, FAILED)
    if is_placeholder(answer):
        report.status = NOT_ATTEMPTED
        report.headline = (f"`{exercise.target}` is still the placeholder. Write your code in the answer "
                           "cell, run that cell, then run this check again.")
        return report
    if exercise.custom is not None:
        return _run_custom(exercise, answer, report)
    if not callable(answer):
        report.cases.append(CaseResult("your answer", 0.0, exercise.max_points,
                                       f"expected a function, got {type(answer).__name__}: "
                                       f"did you overwrite `{exercise.target}` with a value?", "wrong"))
        report.status = FAILED
        return report

    prepared = exercise.prepare()
    stopped = ""
    for index, (case, (expected, wrong)) in enumerate(zip(exercise.cases, prepared)):
        label = ("extra test" if case.extra else "") or exercise.label(case)
        if stopped:
            report.cases.append(CaseResult.skipped(label, stopped, case.points))
            continue
        outcome, value, runtime_warnings = _call(exercise, answer, case, limit)
        if outcome == "value":
            try:
                result = _judge(exercise, case, value, expected, wrong, runtime_warnings, label)
            except Exception as exc:  # noqa: BLE001 - a strange result must not crash the check
                result = CaseResult(label, 0.0, case.points, f"your result could not be compared "
                                    f"({type(exc).__name__}: {exc}); return a number or a NumPy array", "wrong")
            report.cases.append(result)
        elif outcome == "not implemented":
            if index == 0 and _placeholder_frame(value, answer):
                report.status = NOT_ATTEMPTED
                report.headline = (f"`{exercise.target}` still raises NotImplementedError: replace that "
                                   "line with your code, run the cell, then run this check again.")
                report.cases = []
                return report
            report.cases.append(CaseResult(label, 0.0, case.points,
                                           "your code called something that is not written yet: "
                                           + _exception_message(value), "exception"))
        elif outcome == "timeout":
            report.cases.append(CaseResult(label, 0.0, case.points,
                                           f"stopped after {limit:g} s: your function ran too long "
                                           f"(an endless loop?){_where(value)}", "timeout"))
            stopped = "not run (an earlier case ran too long)"
        elif outcome == "exit":
            report.cases.append(CaseResult(label, 0.0, case.points,
                                           f"your function called sys.exit() or exit(){_where(value)}; "
                                           "return a value instead", "exit"))
        elif outcome == "mutated":
            report.cases.append(CaseResult(label, 0.0, case.points, value, "wrong"))
        else:
            report.cases.append(CaseResult(label, 0.0, case.points, _exception_message(value), "exception"))
    report.status = _status(report.cases)
    if report.status != PASSED:
        report.headline = "not yet right."
    return report


def _run_custom(exercise: Exercise, answer: Any, report: Report) -> Report:
    """Run a custom check. A learner's placeholder reads "not attempted yet" when the check lets
    its NotImplementedError propagate, or returns a ``CaseResult.not_attempted(...)``."""
    assert exercise.custom is not None
    try:
        results = list(call_with_time_limit(exercise.custom, (answer,), seconds=exercise.time_limit))
    except TimeLimitExceeded:
        results = [CaseResult("your answer", 0.0, exercise.max_points,
                              f"checking took longer than {exercise.time_limit:g} s", "timeout")]
    except NotImplementedError as exc:
        if _placeholder_frame(exc, answer):
            results = [CaseResult.not_attempted("your answer")]
        else:
            results = [CaseResult("your answer", 0.0, exercise.max_points, _exception_message(exc), "exception")]
    except SystemExit as exc:
        results = [CaseResult("your answer", 0.0, exercise.max_points,
                              f"your code called sys.exit() or exit(){_where(exc)}", "exit")]
    except Exception as exc:  # noqa: BLE001
        results = [CaseResult("your answer", 0.0, exercise.max_points, _exception_message(exc), "exception")]
    waiting = [c for c in results if c.kind == NOT_ATTEMPTED]
    if waiting:
        report.status = NOT_ATTEMPTED
        report.headline = waiting[0].message or (
            f"`{exercise.target}` still raises NotImplementedError: replace that line with your code, "
            "run the cell, then run this check again.")
        return report
    report.cases = results
    report.status = _status(results) if results else ERROR
    if report.status != PASSED:
        report.headline = "not yet right." if results else "the check returned no results."
    return report
