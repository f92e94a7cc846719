"""The learner's workspace: their own copy of the lessons, kept up to date without losing their work.

A workspace (default ``~/dlcourse``, see :func:`dlcourse.paths.workspace_dir`) holds one copy of
every learner lesson that ships with the package (never the solutions), and a hidden folder::

    ~/dlcourse/
        00_welcome.ipynb  01_neuron.ipynb  ...      the learner's lessons, theirs to edit
        .dlcourse/base/01.ipynb                     the course version each lesson was copied from
        .dlcourse/backups/<time>/01_neuron.ipynb    the learner's file as it was before an update

:func:`sync` makes the workspace on first use and brings course updates in: a lesson the learner
has not touched is replaced; an edited one is merged cell by cell against its base
(:mod:`dlcourse.notebook_merge`), and where both changed a cell the learner's cell stays and the
course's new lesson is saved beside it with a note at its top. A lesson found under another name
(renamed by the learner, identified by its lesson number in the notebook's metadata) is updated
where it is (looked for up to two folders deep); a lesson deleted from the workspace is copied in
again, fresh.
"""

from __future__ import annotations

import datetime as _dt
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from dlcourse import notebook_merge
from dlcourse.exercises.notebooks import lesson_of

__all__ = ["LessonUpdate", "WorkspaceError", "lesson_files", "sync"]

STATE = ".dlcourse"
SEARCH_DEPTH = 2  # how deep in the workspace a renamed or moved lesson is looked for
UPDATE_MARK = "update_of"  # metadata["dlcourse"] key of a course version saved beside a learner's lesson


class WorkspaceError(RuntimeError):
    """The workspace cannot be made or updated here; the message says why and what to do."""


@dataclass
class LessonUpdate:
    """What :func:`sync` did to one lesson copy."""

    lesson: str
    path: Path  # the learner's file
    action: str  # created, restored, unchanged, replaced, merged, kept
    conflicts: list[notebook_merge.Conflict] = field(default_factory=list)
    beside: Path | None = None  # the course's new version, when it could not all be merged in
    backup: Path | None = None
    counts: tuple[int, int, int] = (0, 0, 0)  # cells updated, added, removed by the course
    reason: str = ""  # why a lesson was kept as it is

    def lines(self, workspace: Path) -> list[str]:
        """What to tell the learner (nothing for an unchanged lesson)."""
        name = _relative(self.path, workspace)
        if self.action in ("unchanged", "created"):
            return []
        if self.action == "restored":
            return [f"{name}: was missing, copied in fresh from the course."]
        if self.action == "replaced":
            return [f"{name}: updated to the course's new version (you had not changed it)."]
        if self.action == "kept":
            return [f"{name}: left as it is ({self.reason}); "
                    f"the course's new version is in {_relative(self.beside, workspace)}."]
        updated, added, removed = self.counts
        lines = [f"{name}: updated, your work kept ({updated} cells changed, {added} added, "
                 f"{removed} removed by the course; your copy before the update: "
                 f"{_relative(self.backup, workspace)})."]
        if self.conflicts:
            lines.append(f"  Check these cells; the course's new version of the lesson is in "
                         f"{_relative(self.beside, workspace)}:")
            lines += [f"  - {conflict.describe()}" for conflict in self.conflicts]
        return lines


def _relative(path: Path | None, root: Path) -> str:
    if path is None:
        return "?"
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def lesson_files(course: Path) -> dict[str, Path]:
    """The course's learner lessons by lesson number (``"01"``): ``NN_*.ipynb`` in ``course``."""
    lessons = {}
    for path in sorted(course.glob("[0-9][0-9]_*.ipynb")):
        lessons[lesson_of(path, _read(path)) or path.name[:2]] = path
    return lessons


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def _write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (a temporary file beside it, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _notebook_text(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb, version=4) + "\n"


def _notebooks_under(folder: Path, depth: int = SEARCH_DEPTH) -> list[Path]:
    """The ``.ipynb`` files in ``folder`` and its sub-folders down to ``depth`` levels, hidden ones left out."""
    found = []
    for root, dirs, files in os.walk(folder):
        level = len(Path(root).relative_to(folder).parts)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if level < depth else []
        found += [Path(root) / name for name in sorted(files) if name.endswith(".ipynb") and not name.startswith(".")]
    return found


def _learner_notebooks(workspace: Path) -> dict[str, list[Path]]:
    """Every notebook of the workspace that is a copy of a lesson, by lesson number (hidden folders,
    checkpoints and course versions saved beside a lesson are left out)."""
    found: dict[str, list[Path]] = {}
    for path in _notebooks_under(workspace):
        try:
            meta = _read(path).metadata.get("dlcourse", {})
        except Exception:  # noqa: BLE001 - not a notebook we can read: not a lesson copy we may touch
            continue
        if isinstance(meta, dict) and meta.get("lesson") and UPDATE_MARK not in meta:
            found.setdefault(str(meta["lesson"]), []).append(path)
    return found


def _beside(path: Path, today: str) -> Path:
    stem = f"{path.stem}.course-update-{today}"
    candidate, n = path.with_name(stem + ".ipynb"), 2
    while candidate.exists():
        candidate, n = path.with_name(f"{stem}-{n}.ipynb"), n + 1
    return candidate


def _save_beside(new: nbformat.NotebookNode, mine_path: Path, conflicts: list[notebook_merge.Conflict],
                 today: str) -> Path:
    """Save the course's new lesson beside the learner's, with a note at the top saying why."""
    nb = nbformat.from_dict(new)  # a copy
    nb.metadata.setdefault("dlcourse", {})[UPDATE_MARK] = mine_path.name
    items = "\n".join(f"- {c.describe()}" for c in conflicts) or "- (the whole lesson)"
    note = nbformat.v4.new_markdown_cell(
        f"**The course's new version of `{mine_path.name}`, from the update of {today}.**\n\n"
        f"Your `{mine_path.name}` kept your work; these cells could not be merged, so the course's "
        f"version of them is here:\n\n{items}\n\n"
        "Copy from here what you want, then delete this file.")
    note["id"] = "dlcourse-update-note"
    nb.cells.insert(0, note)
    target = _beside(mine_path, today)
    _write_text(target, _notebook_text(nb))
    return target


def _backup(path: Path, workspace: Path, stamp: str) -> Path:
    target = workspace / STATE / "backups" / stamp / path.relative_to(workspace)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, target)
    return target


def _check_location(workspace: Path, course: Path) -> None:
    ws, src = workspace.resolve(), course.resolve()
    if ws == src or src in ws.parents or ws == src.parent:
        raise WorkspaceError(
            f"{workspace} is the course's own folder: your work there would be overwritten by updates. "
            "Pick a folder of your own, e.g. dlcourse start ~/dlcourse")


def _update_copy(path: Path, base: nbformat.NotebookNode | None, new: nbformat.NotebookNode,
                 lesson: str, workspace: Path, today: str, stamp: str) -> LessonUpdate:
    try:
        mine = _read(path)
    except Exception as exc:  # noqa: BLE001 - a damaged file is the learner's: leave it, say so
        return LessonUpdate(lesson, path, "kept", beside=_save_beside(new, path, [], today),
                            reason=f"it cannot be read as a notebook: {exc}")
    if base is None:
        if notebook_merge.is_untouched(new, mine):
            return LessonUpdate(lesson, path, "unchanged")
        return LessonUpdate(lesson, path, "kept", beside=_save_beside(new, path, [], today),
                            reason="no record of the course version it was copied from")
    if notebook_merge.is_untouched(base, mine):
        _write_text(path, _notebook_text(new))
        return LessonUpdate(lesson, path, "replaced")
    result = notebook_merge.merge(base, mine, new)
    backup = _backup(path, workspace, stamp)
    _write_text(path, _notebook_text(result.notebook))
    beside = _save_beside(new, path, result.conflicts, today) if result.conflicts else None
    return LessonUpdate(lesson, path, "merged", result.conflicts, beside, backup,
                        (result.updated, result.added, result.removed))


def sync(workspace: Path, course: Path, now: _dt.datetime | None = None) -> list[LessonUpdate]:
    """Make ``workspace`` from the lessons in ``course``, or bring their new versions in.

    Returns what happened to each lesson copy, in lesson order. Never deletes or overwrites a
    learner's change: see the module docstring.
    """
    _check_location(workspace, course)
    now = now or _dt.datetime.now()
    today, stamp = now.strftime("%Y-%m-%d"), now.strftime("%Y%m%d-%H%M%S")
    bases = workspace / STATE / "base"
    try:
        bases.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkspaceError(f"cannot create the workspace {workspace}: {exc.strerror}. Name a folder you "
                             "can write to: dlcourse start FOLDER (or set DLCOURSE_WORKSPACE)") from None
    copies: dict[str, list[Path]] | None = None
    updates: list[LessonUpdate] = []
    for lesson, shipped in lesson_files(course).items():
        new_text = shipped.read_text(encoding="utf-8")
        base_path = bases / f"{lesson}.ipynb"
        base_text = base_path.read_text(encoding="utf-8") if base_path.is_file() else None
        original = workspace / shipped.name
        if original.is_file():
            targets = [original]
        else:
            if copies is None:
                copies = _learner_notebooks(workspace)
            targets = copies.get(lesson, [])
        if not targets:
            _write_text(original, new_text)
            updates.append(LessonUpdate(lesson, original, "restored" if base_text else "created"))
        elif base_text == new_text:
            updates += [LessonUpdate(lesson, path, "unchanged") for path in targets]
        else:
            base = nbformat.reads(base_text, as_version=4) if base_text is not None else None
            new = nbformat.reads(new_text, as_version=4)
            updates += [_update_copy(path, base, new, lesson, workspace, today, stamp) for path in targets]
        if base_text != new_text:
            _write_text(base_path, new_text)
    return updates
