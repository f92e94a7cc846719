"""The grader's side inside the kernel: a first cell calls :func:`begin`, a last cell :func:`finish`.

``dlcourse grade`` rebuilds each submission as::

    [begin cell]  import the checker, capture references, compute every expected answer
    [the released lesson, with the student's answer cells put in]
    [finish cell] undo any patching of NumPy, builtins or the checker, run every check,
                  print ONE line: DLCOURSE-RESULT <token> {json}

The token is random per run and appears only in the finish cell, which runs last. The host
accepts exactly one result line carrying it; none, or more than one, scores 0. This makes a
forged result hard, not impossible: code that runs in the kernel can do anything the kernel
can (see the threat model in ``docs/instructor.md``).
"""

from __future__ import annotations

import builtins
import json
import math
import runpy
import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.linalg

__all__ = ["RESULT_MARK", "begin", "finish"]

RESULT_MARK = "DLCOURSE-RESULT"
_PROTECTED = ("numpy", "numpy.linalg", "math", "builtins", "json", "copy",
              "dlcourse.exercises", "dlcourse.exercises.api", "dlcourse.exercises.checking",
              "dlcourse.exercises.compare", "dlcourse.exercises.core", "dlcourse.exercises.feedback",
              "dlcourse.exercises.kernel", "dlcourse.exercises.timelimit")
_KERNEL_SWAPS = {"input", "raw_input", "getpass"}  # ipykernel replaces these for every cell
_state: dict[str, Any] = {}


def _snapshot() -> dict[str, tuple[Any, dict[str, Any]]]:
    import dlcourse.exercises.checking  # noqa: F401, PLC0415 - make sure every protected module is loaded
    import dlcourse.exercises.api  # noqa: F401, PLC0415

    return {name: (sys.modules[name], dict(vars(sys.modules[name]))) for name in _PROTECTED if name in sys.modules}


def begin(names: list[str], extra_tests: str | None = None) -> None:
    """Prepare grading before any student code runs: snapshot modules, load extra tests, compute answers."""
    from dlcourse.exercises.core import get_exercise  # noqa: PLC0415

    if extra_tests:
        for path in sorted(Path(extra_tests).glob("*.py")):
            runpy.run_path(str(path), run_name=f"dlcourse_extra_{path.stem}")
    exercises = [get_exercise(name) for name in names]
    for exercise in exercises:
        if exercise.custom is None:
            exercise.prepare()
    _state.update(
        exercises=exercises,
        snapshot=_snapshot(),
        write=sys.stdout.write,
        flush=sys.stdout.flush,
        dumps=json.dumps,
    )
    _ = (np, numpy.linalg, math, builtins)  # imported so that they are in the snapshot
    _no_pictures()


def _no_pictures() -> None:
    """Skip rendering images while grading: nobody looks at them, and PNGs cost time."""
    try:
        shell = builtins.get_ipython()  # type: ignore[attr-defined]
    except AttributeError:
        return
    for mime in ("image/png", "image/jpeg", "image/svg+xml", "application/pdf"):
        formatter = shell.display_formatter.formatters.get(mime)
        if formatter is not None:
            formatter.enabled = False


def _restore() -> list[str]:
    """Put back every protected module attribute that the student's code replaced; name them."""
    flags: list[str] = []
    for name, (module, saved) in _state["snapshot"].items():
        if sys.modules.get(name) is not module:
            flags.append(f"runtime-patch: sys.modules[{name!r}] was replaced")
            sys.modules[name] = module
        current = vars(module)
        for key, value in saved.items():
            if name == "builtins" and (key.startswith("_") or key in _KERNEL_SWAPS):
                continue  # IPython and ipykernel keep their own entries there
            if current.get(key, _MISSING) is not value:
                flags.append(f"runtime-patch: {name}.{key} was changed")
                current[key] = value
    return flags


_MISSING = object()


def _forget_source(token: str) -> None:
    """Blank this cell's source in IPython's input history, so student code cannot read the token."""
    try:
        shell = builtins.get_ipython()  # type: ignore[attr-defined]
    except AttributeError:
        return
    for history in (shell.history_manager.input_hist_parsed, shell.history_manager.input_hist_raw):
        for index, text in enumerate(history):
            if token in text:
                history[index] = ""
    for key, value in list(shell.user_ns.items()):
        if isinstance(value, str) and key.startswith("_i") and token in value:
            shell.user_ns[key] = ""


def finish(token: str) -> None:
    """Check every exercise against the caller's globals and print the one result line."""
    caller = sys._getframe(1).f_globals
    flags = _restore()
    _forget_source(token)
    from dlcourse.exercises.checking import run_exercise  # noqa: PLC0415

    results: dict[str, Any] = {}
    for exercise in _state["exercises"]:
        answer = caller.get(exercise.target)
        try:
            report = run_exercise(exercise, answer)
        except BaseException as exc:  # noqa: BLE001 - even KeyboardInterrupt/SystemExit must not lose the line
            results[exercise.name] = {"points": 0.0, "status": "error",
                                      "messages": [f"checking stopped: {type(exc).__name__}: {exc}"]}
            continue
        messages = [f"{c.label}: {c.message}" for c in report.cases if not c.passed][:3]
        if report.status == "not attempted":
            messages = ["not attempted"]
        if any(c.kind == "exit" for c in report.cases):
            flags.append(f"{exercise.name}: the answer called sys.exit() while being checked")
        results[exercise.name] = {"points": report.points, "status": report.status, "messages": messages}
        flags += _restore()
    payload = _state["dumps"]({"exercises": results, "flags": flags})
    _state["write"](f"\n{RESULT_MARK} {token} {payload}\n")
    _state["flush"]()
