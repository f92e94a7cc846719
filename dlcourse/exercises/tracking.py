"""Per-learner progress: one small JSON file per lesson in ``dlcourse.paths.progress_dir()``.

Each save holds a lock (``.lesson01.json.lock``, the ``filelock`` package), re-reads the file
inside it and writes it atomically (a temporary file in the same folder, then ``os.replace``):
two kernels checking at once both keep their records, and a crash mid-write leaves the old file
intact; a temporary file a killed writer left behind is removed by the next save. A file that
cannot be read, or holds a value of the wrong type, is renamed aside
(``lesson01.json.corrupt-<time>``), reported once, and a fresh one is started: progress is never
a reason for a check to fail.

File layout (``lesson01.json``)::

    {"version": 1, "lesson": "01",
     "exercises": {"01.weighted_sum": {"points": 3.0, "best": 3.0, "max_points": 3.0,
                                        "status": "passed", "attempts": 2,
                                        "first_passed": "2025-01-01T10:00:00", "last_checked": "..."}}}
"""

from __future__ import annotations

import html
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from dlcourse import paths
from dlcourse.exercises.feedback import NOT_ATTEMPTED, PASSED, Report, TextDisplay
from dlcourse.viz.style import PALETTE

__all__ = ["LessonProgress", "ProgressView", "load_lesson", "progress_file", "record", "summary"]

VERSION = 1


def progress_file(lesson_id: str) -> Path:
    """Where lesson ``lesson_id``'s progress is kept."""
    return paths.progress_dir() / f"lesson{lesson_id}.json"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S")


def _empty(lesson_id: str) -> dict[str, Any]:
    return {"version": VERSION, "lesson": lesson_id, "exercises": {}}


_LOCK_SECONDS = 30.0
_NUMBERS = ("points", "best", "max_points")
_TEXTS = ("status", "first_passed", "last_checked")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _valid_entry(entry: Any) -> bool:
    if not isinstance(entry, dict):
        return False
    attempts = entry.get("attempts", 0)
    return (isinstance(attempts, int) and not isinstance(attempts, bool) and attempts >= 0
            and all(_number(entry[key]) for key in _NUMBERS if key in entry)
            and all(entry[key] is None or isinstance(entry[key], str) for key in _TEXTS if key in entry))


def _valid(data: Any) -> bool:
    return (isinstance(data, dict) and isinstance(data.get("exercises"), dict)
            and all(isinstance(k, str) and _valid_entry(v) for k, v in data["exercises"].items()))


def load_lesson(lesson_id: str) -> tuple[dict[str, Any], str | None]:
    """The stored progress of a lesson and a note (None when all is well).

    A missing file is an empty record. An unreadable one is moved aside and the note says where.
    """
    path = progress_file(lesson_id)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _empty(lesson_id), None
    except OSError as exc:
        return _empty(lesson_id), f"Could not read your progress file {path} ({exc}); progress is not shown."
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if _valid(data):
        return data, None
    aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        os.replace(path, aside)
    except OSError as exc:
        return _empty(lesson_id), f"Your progress file {path} is damaged and could not be moved aside ({exc})."
    return _empty(lesson_id), (f"Your progress file {path.name} was damaged; it was set aside as {aside.name} "
                               "and a new one was started.")


def _remove_leftovers(path: Path) -> None:
    """Temporary files of writers that died mid-write (called with the lock held: no one is writing)."""
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            leftover.unlink()
        except OSError:
            pass


def _write_atomic(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream, indent=1, sort_keys=True)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def record(report: Report) -> str | None:
    """Store the outcome of one check; returns a note for the learner when something went wrong.

    Holds the lesson's lock while it re-reads the file, adds the outcome and writes it back, so
    concurrent checks (two kernels, two notebooks) never lose one another's records.
    """
    if report.status == NOT_ATTEMPTED or report.max_points <= 0:
        return None
    lesson_id = report.exercise.split(".", 1)[0]
    path = progress_file(lesson_id)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(path.with_name(f".{path.name}.lock")), timeout=_LOCK_SECONDS):
            _remove_leftovers(path)
            data, note = load_lesson(lesson_id)
            _add(data, report)
            _write_atomic(path, data)
    except Timeout:
        return (f"Your progress could not be saved: another program held {path.name}'s lock for "
                f"{_LOCK_SECONDS:g} s.")
    except OSError as exc:
        return f"Your progress could not be saved ({exc}). Set DLCOURSE_HOME to a writable folder."
    return note


def _add(data: dict[str, Any], report: Report) -> None:
    entry = data["exercises"].setdefault(report.exercise, {"attempts": 0, "best": 0.0})
    entry["attempts"] = int(entry.get("attempts", 0)) + 1
    entry["points"] = report.points
    entry["max_points"] = report.max_points
    entry["best"] = max(float(entry.get("best", 0.0)), report.points)
    entry["status"] = report.status
    entry["last_checked"] = _now()
    if report.status == PASSED and not entry.get("first_passed"):
        entry["first_passed"] = entry["last_checked"]


@dataclass
class LessonProgress:
    """Progress on one lesson: best points over the maximum, and exercises passed."""

    lesson: str
    title: str
    points: float
    max_points: float
    passed: int
    exercises: int

    @property
    def fraction(self) -> float:
        """Share of the lesson's points earned, 0 to 1."""
        return self.points / self.max_points if self.max_points else 0.0


def summary() -> tuple[list[LessonProgress], list[str]]:
    """Progress on every lesson that has exercises, and any notes about damaged files."""
    from dlcourse.exercises.core import lesson_exercises, lesson_ids, lesson_title  # noqa: PLC0415

    rows, notes = [], []
    for lesson_id in lesson_ids():
        exercises = lesson_exercises(lesson_id)
        if not exercises:
            continue
        data, note = load_lesson(lesson_id)
        if note:
            notes.append(note)
        stored = data["exercises"]
        points = passed = 0.0
        maximum = 0.0
        for exercise in exercises:
            entry = stored.get(exercise.name, {})
            best = float(entry.get("best", 0.0)) if isinstance(entry.get("best", 0.0), (int, float)) else 0.0
            top = exercise.max_points
            maximum += top
            points += min(best, top)
            passed += bool(entry.get("first_passed"))
        rows.append(LessonProgress(lesson_id, lesson_title(lesson_id), points, maximum, int(passed), len(exercises)))
    return rows, notes


def _bar(fraction: float, width: int = 20) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


class ProgressView(TextDisplay):
    """Your progress through the course: a bar per lesson (HTML in notebooks, text elsewhere)."""

    def __init__(self) -> None:
        self.rows, self.notes = summary()

    def lines(self) -> list[str]:
        """The progress as lines of text, one per lesson."""
        out = [f"Progress (saved in {paths.progress_dir()})"]
        width = max([24, *(len(row.title) for row in self.rows)])
        for row in self.rows:
            out.append(f"  {row.lesson} {row.title:<{width}} {_bar(row.fraction)} "
                       f"{row.points:g}/{row.max_points:g} points, {row.passed}/{row.exercises} exercises passed")
        out += [f"  Note: {n}" for n in self.notes]
        return out

    def _repr_html_(self) -> str:
        rows = []
        for row in self.rows:
            percent = round(100 * row.fraction)
            rows.append(
                "<tr>"
                f"<td>{html.escape(row.lesson)} {html.escape(row.title)}</td>"
                f"<td><div role='progressbar' aria-label='{html.escape(row.lesson)} {html.escape(row.title)}: {percent}% done' "
                f"aria-valuenow='{percent}' aria-valuemin='0' aria-valuemax='100' "
                f"style='width:160px;height:12px;background:#e6e6e6;border-radius:3px'>"
                f"<div style='width:{percent}%;height:100%;background:{PALETTE['ok']};border-radius:3px'></div></div></td>"
                f"<td>{row.points:g}/{row.max_points:g} points, {row.passed}/{row.exercises} exercises passed</td>"
                "</tr>")
        notes = "".join(f"<p>Note: {html.escape(n)}</p>" for n in self.notes)
        return ("<div class='dlcourse-progress'><strong>Your progress</strong>"
                f"<table>{''.join(rows)}</table>{notes}</div>")
