"""``dlcourse release``: write the learner notebooks from the solution notebooks.

The solution notebooks (``course/solutions/NN_topic.ipynb``) are the single source. For each,
the learner copy (``course/NN_topic.ipynb``) gets:

* every ``### BEGIN SOLUTION`` … ``### END SOLUTION`` region replaced by a placeholder that
  never crashes when the cell runs: inside a function, ``# YOUR CODE HERE`` and
  ``raise NotImplementedError(...)`` (the check reads that as "not attempted yet"); at module
  level, ``name = None  # YOUR CODE HERE`` for each name the solution assigned;
* outputs and execution counts cleared;
* answer and check cells tagged with the exercise they belong to (check cells read-only);
* cells tagged ``solution-only`` removed.

It also writes the reference answers the checks use, ``dlcourse/exercises/answers/lessonNN.py``,
from the answer cells (see :mod:`dlcourse.exercises.answers_build`).

``dlcourse release --check`` writes nothing and exits 1 when a learner copy or a generated
answer module is out of date.
"""

from __future__ import annotations

import argparse
import ast
import copy
import hashlib
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from dlcourse.exercises.notebooks import ANSWER, BEGIN, END, cell_role, check_target, lesson_of, read, tag_cells

__all__ = ["ReleaseError", "Released", "main", "release", "release_notebook", "strip_solutions"]

SOLUTION_ONLY_TAG = "solution-only"
PLACEHOLDER_ERROR = 'raise NotImplementedError("Replace this line with your code.")'


class ReleaseError(ValueError):
    """A solution notebook that cannot be released (unbalanced markers, unknown exercise, ...)."""


@dataclass
class Released:
    """The outcome for one lesson: where its learner copy goes and whether it changed."""

    source: Path
    dest: Path
    text: str
    stale: bool
    problems: list[str] = field(default_factory=list)


def _regions(lines: list[str]) -> list[tuple[int, int]]:
    regions, start = [], None
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped == BEGIN:
            if start is not None:
                raise ReleaseError(f"line {number + 1}: {BEGIN} inside another solution region")
            start = number
        elif stripped == END:
            if start is None:
                raise ReleaseError(f"line {number + 1}: {END} without {BEGIN}")
            regions.append((start, number))
            start = None
    if start is not None:
        raise ReleaseError(f"line {start + 1}: {BEGIN} without {END}")
    return regions


def _function_lines(source: str) -> list[tuple[int, int]]:
    """1-based line spans of every function in ``source`` (empty when it does not parse)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [(node.lineno, node.end_lineno or node.lineno) for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))]


def _assigned_names(code: str) -> list[str]:
    try:
        tree = ast.parse(textwrap.dedent(code))
    except SyntaxError:
        return []
    names: list[str] = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else [])
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Name) and sub.id not in names:
                    names.append(sub.id)
    return names


def strip_solutions(source: str, markdown: bool = False) -> str:
    """``source`` with every solution region replaced by its placeholder (see the module docstring)."""
    lines = source.split("\n")
    regions = _regions(lines)
    if not regions:
        return source
    functions = [] if markdown else _function_lines(source)
    out: list[str] = []
    previous_end = -1
    for start, end in regions:
        out += lines[previous_end + 1:start]
        indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
        if markdown:
            out.append(indent + "_Write your answer here._")
        elif any(first < start + 1 <= last for first, last in functions):
            out += [indent + "# YOUR CODE HERE", indent + PLACEHOLDER_ERROR]
        else:
            names = _assigned_names("\n".join(lines[start + 1:end]))
            out += [f"{indent}{name} = None  # YOUR CODE HERE" for name in names] or [indent + "# YOUR CODE HERE"]
        previous_end = end
    out += lines[previous_end + 1:]
    return "\n".join(out)


def release_notebook(nb: nbformat.NotebookNode, source_name: str = "") -> tuple[nbformat.NotebookNode, list[str]]:
    """The learner copy of solution notebook ``nb``, and a list of problems found."""
    from dlcourse.exercises.core import ExerciseError, get_exercise  # noqa: PLC0415

    nb = copy.deepcopy(nb)
    problems = tag_cells(nb)
    answers: dict[str, int] = {}
    checks: dict[str, int] = {}
    cells = []
    for index, cell in enumerate(nb.cells):
        if "id" not in cell:  # a hand-written cell: give it an id that is the same on every release
            digest = hashlib.sha1(f"{index}:{cell.get('source', '')}".encode("utf-8")).hexdigest()
            cell["id"] = digest[:8]
        if SOLUTION_ONLY_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        cell = copy.deepcopy(cell)
        role = cell_role(cell)
        try:
            cell.source = strip_solutions(cell.source, markdown=cell.cell_type == "markdown")
        except ReleaseError as exc:
            problems.append(f"{source_name} cell {cell.get('id', '?')}: {exc}")
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            for key in ("execution", "collapsed", "scrolled"):
                cell.metadata.pop(key, None)
        if role:
            kind, name = role
            try:
                exercise = get_exercise(name)
            except ExerciseError as exc:
                problems.append(f"{source_name}: {exc}")
                exercise = None
            if kind == ANSWER:
                answers[name] = answers.get(name, 0) + 1
                cell.metadata["editable"] = True
                cell.metadata["deletable"] = False
            else:
                checks[name] = checks.get(name, 0) + 1
                cell.metadata["editable"] = False
                cell.metadata["deletable"] = False
                target = check_target(cell.source)
                if exercise and target and target[1] != exercise.target:
                    problems.append(f"{source_name}: the check of {name} passes {target[1]!r}, "
                                    f"but the exercise's target is {exercise.target!r}")
        cells.append(cell)
    for name in sorted(set(answers) | set(checks)):
        if answers.get(name, 0) != 1 or checks.get(name, 0) < 1:
            problems.append(f"{source_name}: {name} needs exactly one answer cell and a check cell "
                            f"(found {answers.get(name, 0)} answer, {checks.get(name, 0)} check)")
    nb.cells = cells
    meta = nb.metadata.setdefault("dlcourse", {})
    meta["lesson"] = lesson_of(source_name or "x.ipynb", nb) or meta.get("lesson")
    meta["exercises"] = sorted(answers)
    meta["generated_from"] = f"solutions/{Path(source_name).name}" if source_name else None
    meta["note"] = "Generated by `dlcourse release`: edit the solution notebook, not this file."
    return nb, problems


def _text(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb, version=4) + "\n"


def release(source_dir: Path, dest_dir: Path, write: bool = True) -> list[Released]:
    """Release every ``NN_*.ipynb`` in ``source_dir`` into ``dest_dir`` (only changed files are written)."""
    results = []
    for source in sorted(source_dir.glob("[0-9][0-9]_*.ipynb")):
        nb, problems = release_notebook(read(source), source.name)
        dest = dest_dir / source.name
        text = _text(nb)
        current = dest.read_text(encoding="utf-8") if dest.exists() else None
        stale = current != text
        if write and stale and not problems:
            dest.write_text(text, encoding="utf-8")
        results.append(Released(source, dest, text, stale, problems))
    return results


def _release_answers(source: Path, check: bool) -> list[Path]:
    """Write (or, with ``check``, only find) the stale generated answer modules; their paths."""
    from dlcourse.exercises.answers_build import write_answers  # noqa: PLC0415

    stale = [m.path for m in write_answers(source, check=check) if m.stale]
    for path in stale:
        print(f"{path}: {'out of date' if check else 'written'}")
    return stale


def main(args: argparse.Namespace) -> int:
    """Run ``dlcourse release``; returns the exit status."""
    from dlcourse import paths  # noqa: PLC0415

    course = paths.course_dir()
    source = Path(args.source) if args.source else (course / "solutions" if course else None)
    dest = Path(args.dest) if args.dest else (source.parent if source else None)
    if source is None or not source.is_dir() or dest is None:
        print("dlcourse release: cannot find the solution notebooks; pass --source DIR", file=sys.stderr)
        return 2
    results = release(source, dest, write=not args.check)
    if not results:
        print(f"dlcourse release: no NN_*.ipynb notebooks in {source}", file=sys.stderr)
        return 2
    problems = [p for r in results for p in r.problems]
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    stale = [r for r in results if r.stale] + _release_answers(source, check=args.check)
    for result in results:
        state = ("out of date" if args.check else "written") if result.stale else "up to date"
        print(f"{result.dest}: {state}")
    if problems:
        return 2
    if args.check and stale:
        print("Learner notebooks or generated answers are out of date: run `dlcourse release`.", file=sys.stderr)
        return 1
    return 0
