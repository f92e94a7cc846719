"""Three-way merge of a lesson notebook, cell by cell, by cell id.

``merge(base, mine, theirs)`` brings a course update (``theirs``) into a learner's copy
(``mine``) of the lesson version it was made from (``base``). Cells are matched by their id;
a cell's *content* is its type and source (outputs, execution counts and the learner's view
settings are not content). For every cell:

============================  ======================================  ==========================
learner                       course                                  result
============================  ======================================  ==========================
unchanged                     changed, added or removed               the course's version
changed                       unchanged                               the learner's
changed                       changed the same way                    the learner's
changed                       changed differently, or removed         the learner's: a conflict
added                         (not there)                             the learner's
deleted                       unchanged                               stays deleted
deleted                       changed                                 stays deleted: a conflict
============================  ======================================  ==========================

Order: when the learner has not moved any cell, the course's order is kept and every cell the
learner added stays right after the cell it followed; when the learner moved cells, the
learner's order is kept and the course's new cells go after the cell they follow in the
course. Nothing the learner wrote is dropped; each conflict says which cell and why, so the
caller can save the course's version beside the learner's and tell them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import nbformat

__all__ = ["Conflict", "MergeResult", "cell_content", "is_untouched", "merge"]


@dataclass(frozen=True)
class Conflict:
    """A cell both sides changed: ``kind`` is ``"both-changed"``, ``"course-removed"`` or ``"you-deleted"``."""

    cell_id: str
    kind: str
    position: int | None  # 1-based position of the learner's cell in the merged notebook, if it is there
    summary: str  # the cell's first line, to find it by eye

    def describe(self) -> str:
        """One line for the learner."""
        where = f"cell {self.position}" if self.position else "a cell you deleted"
        what = {
            "both-changed": "you and the course both changed it; your version is kept",
            "course-removed": "the course removed it; your edited version is kept",
            "you-deleted": "the course changed it; it stays deleted, as you left it",
        }[self.kind]
        return f"{where} ({self.summary}): {what}"


@dataclass
class MergeResult:
    """The merged notebook, the conflicts, and what the course brought in."""

    notebook: nbformat.NotebookNode
    conflicts: list[Conflict] = field(default_factory=list)
    updated: int = 0  # cells whose new course version was taken
    added: int = 0  # cells the course added
    removed: int = 0  # cells the course removed (the learner had not changed them)


def cell_content(cell: Any) -> tuple[str, str, str]:
    """What a cell says, compared across versions: its type, source and attachments (not outputs)."""
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(source)
    attachments = repr(sorted((cell.get("attachments") or {}).items()))
    return cell.get("cell_type", ""), source, attachments


def _key(cell: Any, index: int) -> str:
    return cell.get("id") or f"\0no-id-{index}"


def _by_id(nb: nbformat.NotebookNode) -> dict[str, Any]:
    return {_key(cell, i): cell for i, cell in enumerate(nb.cells)}


def is_untouched(base: nbformat.NotebookNode, mine: nbformat.NotebookNode) -> bool:
    """True when ``mine`` has the same cells, in the same order, with the same content as ``base``."""
    return [(_key(c, i), cell_content(c)) for i, c in enumerate(mine.cells)] == \
           [(_key(c, i), cell_content(c)) for i, c in enumerate(base.cells)]


def _summary(cell: Any) -> str:
    _, source, _ = cell_content(cell)
    first = next((line.strip() for line in source.splitlines() if line.strip()), "(empty)")
    return first if len(first) <= 60 else first[:57] + "..."


def _reordered(side: list[str], base: list[str]) -> bool:
    """Whether the ids ``side`` shares with ``base`` appear in a different relative order."""
    common = set(side) & set(base)
    return [i for i in side if i in common] != [i for i in base if i in common]


def _course_cell(theirs: Any, mine: Any | None) -> Any:
    """The course's version of a cell; when the course did not change its content, the learner's
    cell keeps its outputs and view settings, with the course's metadata on top."""
    if mine is not None and cell_content(mine) == cell_content(theirs):
        cell = copy.deepcopy(mine)
        cell.metadata.update(copy.deepcopy(theirs.get("metadata", {})))
        return cell
    return copy.deepcopy(theirs)


def _order(primary: list[str], secondary: list[str], keep: set[str]) -> list[str]:
    """``primary``'s kept ids in order, then each kept id only in ``secondary`` inserted right after
    the nearest id before it in ``secondary`` that is already placed (or first, if none)."""
    order = [i for i in primary if i in keep]
    placed = set(order)
    for index, cell_id in enumerate(secondary):
        if cell_id not in keep or cell_id in placed:
            continue
        anchor = next((secondary[j] for j in range(index - 1, -1, -1) if secondary[j] in placed), None)
        at = order.index(anchor) + 1 if anchor is not None else 0
        order.insert(at, cell_id)
        placed.add(cell_id)
    return order


def _merge_metadata(base: dict, mine: dict, theirs: dict) -> dict:
    merged = copy.deepcopy(dict(mine))
    for key, value in theirs.items():
        if base.get(key) != value:
            merged[key] = copy.deepcopy(value)
    for key in base:
        if key not in theirs and key in merged and merged[key] == base[key]:
            del merged[key]
    return merged


def merge(base: nbformat.NotebookNode, mine: nbformat.NotebookNode,
          theirs: nbformat.NotebookNode) -> MergeResult:
    """Merge the course update ``theirs`` into the learner's ``mine``, both descended from ``base``."""
    b, m, t = _by_id(base), _by_id(mine), _by_id(theirs)
    cells: dict[str, Any] = {}
    pending: list[tuple[str, str]] = []  # (cell id, conflict kind)
    result = MergeResult(nbformat.v4.new_notebook())
    for cell_id in dict.fromkeys([*m, *t, *b]):
        in_b, in_m, in_t = cell_id in b, cell_id in m, cell_id in t
        mine_changed = in_b and in_m and cell_content(m[cell_id]) != cell_content(b[cell_id])
        if in_m and not in_b:  # the learner's own cell (or one both added with the same id)
            cells[cell_id] = m[cell_id]
            if in_t and cell_content(t[cell_id]) != cell_content(m[cell_id]):
                pending.append((cell_id, "both-changed"))
        elif in_t and not in_b:  # the course's new cell
            cells[cell_id] = _course_cell(t[cell_id], None)
            result.added += 1
        elif not in_b:
            continue
        elif in_m and in_t:
            course_changed = cell_content(t[cell_id]) != cell_content(b[cell_id])
            if not mine_changed:
                cells[cell_id] = _course_cell(t[cell_id], m[cell_id])
                result.updated += course_changed
            else:
                cells[cell_id] = m[cell_id]
                if course_changed and cell_content(t[cell_id]) != cell_content(m[cell_id]):
                    pending.append((cell_id, "both-changed"))
        elif in_m:  # the course removed it
            if mine_changed:
                cells[cell_id] = m[cell_id]
                pending.append((cell_id, "course-removed"))
            else:
                result.removed += 1
        elif in_t:  # the learner deleted it
            if cell_content(t[cell_id]) != cell_content(b[cell_id]):
                pending.append((cell_id, "you-deleted"))
    mine_ids, theirs_ids, base_ids = list(m), list(t), list(b)
    if _reordered(mine_ids, base_ids):
        order = _order(mine_ids, theirs_ids, set(cells))
    else:
        order = _order(theirs_ids, mine_ids, set(cells))
    nb = result.notebook
    nb.cells = [copy.deepcopy(cells[i]) for i in order]
    nb.metadata = _merge_metadata(base.metadata, mine.metadata, theirs.metadata)
    nb.nbformat, nb.nbformat_minor = mine.nbformat, max(mine.nbformat_minor, theirs.nbformat_minor)
    positions = {cell_id: n + 1 for n, cell_id in enumerate(order)}
    for cell_id, kind in pending:
        source_cell = m.get(cell_id) or t.get(cell_id)
        result.conflicts.append(Conflict(cell_id, kind, positions.get(cell_id), _summary(source_cell)))
    result.conflicts.sort(key=lambda c: (c.position is None, c.position or 0))
    return result

