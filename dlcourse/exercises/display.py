"""Which statements of a released lesson only show something: ``dlcourse grade`` leaves them out.

A lesson's figures, widgets, hints and progress table are for the learner's eyes; nothing the
grader collects depends on them, yet drawing them (and importing matplotlib to do it) was more
than half of what grading a lesson-01 notebook cost. A **display statement** is a top-level
expression statement of one of the released lesson's own cells (never a learner's answer cell)
that

* calls, by its plain name, a helper the released notebook imports from ``dlcourse.viz`` or
  ``dlcourse.widgets`` (or ``hint``/``progress`` from ``dlcourse.exercises``) and never binds
  to anything else;
* passes arguments that call nothing and bind nothing (no calls, ``:=``, ``await``, ``yield``),
  so leaving the statement out skips no computation a later cell could see;
* has its lines to itself (no ``;`` sharing a line with other code).

Its value is only shown, never bound. The decision comes from the released notebook alone;
a helper name that a learner's answer cell rebinds keeps running, so an answer that replaces a
helper is graded as the notebook would run it.
"""

from __future__ import annotations

import ast
from typing import Iterable

__all__ = ["DISPLAY_MODULES", "bound_names", "display_helpers", "without_displays"]

#: Modules whose every imported name is a display helper (figures, widgets).
DISPLAY_MODULES = ("dlcourse.viz", "dlcourse.widgets")
#: Display helpers of other modules, by module.
_DISPLAY_NAMES = {"dlcourse.exercises": frozenset({"hint", "progress"}),
                  "dlcourse.exercises.api": frozenset({"hint", "progress"})}
_SIDE_EFFECTS = (ast.Call, ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom)


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):  # IPython magics, a learner's broken cell: nothing to decide from
        return None


def _is_display_module(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in DISPLAY_MODULES)


def _bindings(source: str) -> list[tuple[str, bool]]:
    """``(name, is a display import)`` for every name ``source`` binds: assignments, ``def``,
    ``class``, imports, loop, ``with`` and ``except`` targets, ``global``."""
    tree = _parse(source)
    out: list[tuple[str, bool]] = []
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            out.append((node.id, False))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.append((node.name, False))
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            for alias in node.names:
                shows = not node.level and (_is_display_module(module)
                                            or alias.name in _DISPLAY_NAMES.get(module, ()))
                out.append((alias.asname or alias.name, shows))
        elif isinstance(node, ast.Import):
            out += [((a.asname or a.name).split(".")[0], False) for a in node.names]
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            out += [(name, False) for name in node.names]
        elif isinstance(node, ast.ExceptHandler) and node.name:
            out.append((node.name, False))
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            out.append((node.name, False))
    return out


def bound_names(sources: Iterable[str]) -> set[str]:
    """Every name the cells bind (in any way)."""
    return {name for source in sources for name, _ in _bindings(source)}


def display_helpers(sources: Iterable[str]) -> set[str]:
    """The names the released lesson's cells import as display helpers and bind to nothing else."""
    helpers: set[str] = set()
    other: set[str] = set()
    for source in sources:
        for name, shows in _bindings(source):
            (helpers if shows else other).add(name)
    return helpers - other


def _is_display(statement: ast.stmt, helpers: set[str]) -> bool:
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return False
    call = statement.value
    if not (isinstance(call.func, ast.Name) and call.func.id in helpers):
        return False
    arguments = [*call.args, *(k.value for k in call.keywords)]
    return not any(isinstance(node, _SIDE_EFFECTS) for argument in arguments for node in ast.walk(argument))


def without_displays(source: str, helpers: set[str]) -> str:
    """``source`` without its display statements (the other lines kept as they are)."""
    tree = _parse(source)
    if tree is None or not helpers:
        return source
    spans = [(s.lineno, s.end_lineno or s.lineno) for s in tree.body]
    dropped: set[int] = set()
    for index, statement in enumerate(tree.body):
        first, last = spans[index]
        shared = any(a <= last and first <= b for j, (a, b) in enumerate(spans) if j != index)
        if not shared and _is_display(statement, helpers):
            dropped.update(range(first, last + 1))
    if not dropped:
        return source
    lines = source.splitlines(keepends=True)
    return "".join(line for number, line in enumerate(lines, start=1) if number not in dropped)
