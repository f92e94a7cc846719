"""Which cells of a lesson notebook are exercises: shared by ``dlcourse release`` and ``dlcourse grade``.

A cell's role is kept in its metadata::

    {"dlcourse": {"exercise": "01.weighted_sum", "role": "answer"}}   # the learner writes here
    {"dlcourse": {"exercise": "01.weighted_sum", "role": "check"}}    # check("01.weighted_sum", ...)

In a solution notebook the metadata may be left out: a code cell holding a
``### BEGIN SOLUTION`` marker is an answer cell, a cell calling ``check("NN.name", ...)`` is a
check cell, and an answer cell belongs to the first check cell after it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

import nbformat

__all__ = ["BEGIN", "END", "ANSWER", "CHECK", "cell_role", "check_target", "exercise_cells",
           "lesson_of", "read", "tag_cells"]

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
ANSWER, CHECK = "answer", "check"
_CHECK_CALL = re.compile(r"""\bcheck\(\s*["'](\d\d\.[A-Za-z_]\w*)["']\s*,\s*([^,)]+)""")
_LESSON_FILE = re.compile(r"^(\d\d)_[\w-]+\.ipynb$")


def read(path: str | Path) -> nbformat.NotebookNode:
    """Read a notebook as nbformat 4."""
    return nbformat.read(str(path), as_version=4)


def lesson_of(path: str | Path, nb: nbformat.NotebookNode | None = None) -> str | None:
    """The lesson id (``"01"``) from the notebook's metadata, else from a ``NN_topic.ipynb`` file name."""
    meta = nb.get("metadata") if nb is not None else None
    meta = meta.get("dlcourse") if isinstance(meta, dict) else None
    if isinstance(meta, dict):
        lesson = meta.get("lesson")
        if isinstance(lesson, str) and re.fullmatch(r"\d\d", lesson):
            return lesson
    match = _LESSON_FILE.match(Path(path).name) if path else None
    return match.group(1) if match else None


def check_target(source: str) -> tuple[str, str] | None:
    """``(exercise, expression)`` of the first ``check("NN.name", expression)`` call in ``source``."""
    match = _CHECK_CALL.search(source)
    return (match.group(1), match.group(2).strip()) if match else None


def cell_role(cell: Any) -> tuple[str, str] | None:
    """``(role, exercise)`` from the cell's metadata, or None for an ordinary cell."""
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    meta = meta.get("dlcourse") if isinstance(meta, dict) else None
    if isinstance(meta, dict) and meta.get("role") in (ANSWER, CHECK) and isinstance(meta.get("exercise"), str):
        return meta["role"], meta["exercise"]
    return None


def tag_cells(nb: nbformat.NotebookNode) -> list[str]:
    """Fill in missing answer/check metadata (see the module docstring); returns problems found."""
    problems: list[str] = []
    pending: list[Any] = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        role = cell_role(cell)
        if role is None and BEGIN in cell.source:
            pending.append(cell)
            continue
        if role is None:
            found = check_target(cell.source)
            if found:
                cell.metadata["dlcourse"] = {"exercise": found[0], "role": CHECK}
                role = (CHECK, found[0])
        if role and role[0] == CHECK:
            for answer in pending:
                answer.metadata["dlcourse"] = {"exercise": role[1], "role": ANSWER}
            pending = []
        elif role and role[0] == ANSWER:
            pending = []
    for cell in pending:
        problems.append(f"an answer cell has no check cell after it: {cell.source.splitlines()[0][:60]!r}")
    return problems


def exercise_cells(nb: nbformat.NotebookNode, role: str) -> Iterator[tuple[int, str, Any]]:
    """``(index, exercise, cell)`` for every cell with the given role."""
    for index, cell in enumerate(nb.cells):
        found = cell_role(cell)
        if found and found[0] == role:
            yield index, found[1], cell
