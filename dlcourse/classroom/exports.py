"""Grades for the tools a class already uses: a Gradescope-style ``results.json`` and a gradebook CSV.

Both read the rows ``dlcourse grade`` makes (:class:`dlcourse.exercises.grading.GradeRow`). A
learner is the first folder of a submission's path (``collected/ada/01_neuron.ipynb`` is
``ada``'s), which is how ``dlcourse collect`` lays them out.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Iterable, Protocol

__all__ = ["learner_of", "write_gradebook_csv", "write_results_json"]


class _Row(Protocol):
    file: str
    lesson: str
    scores: dict[str, float]
    maximum: float
    status: str
    flags: list[str]
    messages: dict[str, list[str]]

    @property
    def total(self) -> float: ...


def learner_of(file: str) -> str:
    """The learner a submission belongs to: its first folder, else the file's name."""
    parts = Path(file).parts
    return parts[0] if len(parts) > 1 else Path(file).stem


def _spreadsheet_safe(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _maxima(scores: dict[str, float]) -> dict[str, float]:
    from dlcourse.exercises.core import ExerciseError, get_exercise  # noqa: PLC0415

    maxima = {}
    for name in scores:
        try:
            maxima[name] = float(get_exercise(name).max_points)
        except ExerciseError:
            continue
    return maxima


def write_results_json(rows: Iterable[_Row], out: str | Path) -> None:
    """One Gradescope-style record per submission (``score``, ``max_score``, ``tests``)."""
    records: list[dict[str, Any]] = []
    for row in rows:
        maxima = _maxima(row.scores)
        tests = [{"name": name, "score": score,
                  "max_score": maxima.get(name), "status": "passed" if not row.messages.get(name) else "failed",
                  "output": "\n".join(row.messages.get(name, []))}
                 for name, score in row.scores.items()]
        records.append({"learner": learner_of(row.file), "file": row.file, "lesson": row.lesson,
                        "score": row.total, "max_score": row.maximum, "status": row.status,
                        "flags": list(row.flags), "tests": tests})
    Path(out).write_text(json.dumps({"submissions": records}, indent=1) + "\n", encoding="utf-8")


def write_gradebook_csv(rows: Iterable[_Row], out: str | Path) -> None:
    """A gradebook: one row per learner, one column of points per lesson, and a status column
    that is ``ok`` only when every submission of that learner graded cleanly."""
    rows = list(rows)
    lessons = sorted({row.lesson for row in rows if row.lesson})
    table: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = table.setdefault(learner_of(row.file), {"status": []})
        if row.lesson:
            entry[row.lesson] = row.total
        if row.status != "ok" or row.flags:
            entry["status"].append(f"{row.lesson or row.file}: {row.status}" + (" (flagged)" if row.flags else ""))
    with open(out, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["learner", *[f"lesson {lesson}" for lesson in lessons], "total", "status"])
        for learner, entry in sorted(table.items()):
            points = [entry.get(lesson) for lesson in lessons]
            total = sum(p for p in points if p is not None)
            writer.writerow([_spreadsheet_safe(learner), *["" if p is None else f"{p:g}" for p in points],
                             f"{total:g}", _spreadsheet_safe("; ".join(entry["status"]) or "ok")])
