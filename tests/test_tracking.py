"""Progress records lose nothing: concurrent writers, killed writers, bad values, long titles."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pytest

from dlcourse.exercises import tracking
from dlcourse.exercises.feedback import CaseResult, Report

WRITERS, RECORDS = 4, 250  # 1,000 records in all


def _report(name: str, points: float = 1.0) -> Report:
    return Report(name, "t", "passed" if points else "failed", cases=[CaseResult("c", points, 1.0)])


def _write_many(home: str, writer: int) -> None:
    os.environ["DLCOURSE_HOME"] = home
    for index in range(RECORDS):
        note = tracking.record(_report(f"01.w{writer}_{index % 5}"))
        assert note is None, note


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("DLCOURSE_HOME", str(tmp_path))
    return tmp_path


def test_concurrent_writers_lose_nothing(home):
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_write_many, args=(str(home), w)) for w in range(WRITERS)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(300)
        assert process.exitcode == 0
    data, note = tracking.load_lesson("01")
    assert note is None
    attempts = sum(entry["attempts"] for entry in data["exercises"].values())
    assert attempts == WRITERS * RECORDS
    assert len(data["exercises"]) == WRITERS * 5
    assert not list(tracking.progress_file("01").parent.glob("*.tmp"))


def test_a_killed_writers_temporary_file_is_removed(home):
    folder = tracking.progress_file("01").parent
    folder.mkdir(parents=True)
    leftover = folder / ".lesson01.json.abc123.tmp"
    leftover.write_text("{half", encoding="utf-8")
    assert tracking.record(_report("01.weighted_sum")) is None
    assert not leftover.exists()
    assert tracking.load_lesson("01")[0]["exercises"]["01.weighted_sum"]["attempts"] == 1


@pytest.mark.parametrize("bad", [{"attempts": "2"}, {"best": "x"}, {"attempts": True}, {"status": 3},
                                 {"points": None}])
def test_a_file_with_a_wrong_typed_value_is_set_aside(home, bad):
    path = tracking.progress_file("01")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 1, "lesson": "01", "exercises": {"01.weighted_sum": bad}}),
                    encoding="utf-8")
    note = tracking.record(_report("01.weighted_sum"))
    assert note and "set aside" in note
    assert list(path.parent.glob("lesson01.json.corrupt-*"))
    assert tracking.record(_report("01.weighted_sum")) is None  # later saves work again
    assert tracking.load_lesson("01")[0]["exercises"]["01.weighted_sum"]["attempts"] == 2


def test_progress_aligns_long_titles(home, monkeypatch):
    rows = [tracking.LessonProgress("01", "Short", 1, 2, 0, 1),
            tracking.LessonProgress("02", "A much longer lesson title than usual", 1, 2, 0, 1)]
    monkeypatch.setattr(tracking, "summary", lambda: (rows, []))
    lines = tracking.ProgressView().lines()[1:]
    assert len({line.index("█") if "█" in line else line.index("░") for line in lines}) == 1
