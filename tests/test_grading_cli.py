"""``dlcourse grade`` as an instructor runs it: options checked first, exit status, no sandbox, extra tests."""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat
import pytest

from dlcourse.cli import main as cli_main
from dlcourse.exercises import sandbox
from dlcourse.exercises.grading import grade_folder
from dlcourse.exercises.notebooks import read

REPO = Path(__file__).resolve().parents[1]
COURSE = REPO / "course"


@pytest.fixture
def one_class(tmp_path) -> Path:
    folder = tmp_path / "class"
    folder.mkdir()
    nbformat.write(read(COURSE / "00_welcome.ipynb"), folder / "00_welcome.ipynb")
    return folder


@pytest.fixture
def sandboxed():
    if sandbox.bwrap_problem() is not None:
        pytest.skip(sandbox.bwrap_problem())


def test_grade_command_writes_the_csv_and_feedback(one_class, tmp_path, capsys, sandboxed):
    out = tmp_path / "grades.csv"
    assert cli_main(["grade", str(one_class), "--out", str(out), "--jobs", "1", "--feedback", str(tmp_path / "fb")]) == 0
    feedback = (tmp_path / "fb" / "00_welcome.ipynb.txt").read_text(encoding="utf-8")
    assert "0/3 points, status: ok" in feedback and "00.scale_pixels: 0" in feedback and "not attempted" in feedback
    rows = list(csv.DictReader(out.open(newline="", encoding="utf-8")))
    assert [r["file"] for r in rows] == ["00_welcome.ipynb"] and rows[0]["total"] == "0"
    assert "Graded 1 notebooks" in capsys.readouterr().out


def test_exit_status_is_non_zero_when_a_submission_could_not_be_graded(one_class, tmp_path, sandboxed):
    (one_class / "01_neuron.ipynb").write_text("{ not json", encoding="utf-8")
    out = tmp_path / "grades.csv"
    assert cli_main(["grade", str(one_class), "--out", str(out)]) == 1
    statuses = {r["file"]: r["status"] for r in csv.DictReader(out.open(newline="", encoding="utf-8"))}
    assert statuses["00_welcome.ipynb"] == "ok" and statuses["01_neuron.ipynb"].startswith("error")


@pytest.mark.parametrize("option, why", [
    (["--out", "/nonexistent/folder/grades.csv"], "does not exist"),
    (["--out", "."], "is a folder"),
    (["--feedback", "grades-file"], "is a file"),
])
def test_out_and_feedback_are_checked_before_grading(one_class, tmp_path, capsys, monkeypatch, option, why):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "grades-file").write_text("x")
    monkeypatch.setattr("dlcourse.exercises.grading.grade_folder", lambda *a, **k: pytest.fail("graded anyway"))
    assert cli_main(["grade", str(one_class), *option]) == 2
    assert why in capsys.readouterr().err


def test_without_bubblewrap_grade_refuses_and_says_how_to_get_it(one_class, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sandbox, "bwrap_problem", lambda: "bubblewrap (bwrap) is not installed; install it")
    monkeypatch.setattr("dlcourse.exercises.grading.grade_folder", lambda *a, **k: pytest.fail("graded anyway"))
    assert cli_main(["grade", str(one_class), "--out", str(tmp_path / "g.csv")]) == 2
    err = capsys.readouterr().err
    assert "refusing" in err and "bubblewrap" in err


def test_no_sandbox_shows_in_every_row(one_class, tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "bwrap_problem", lambda: "not installed")
    out = tmp_path / "g.csv"
    assert cli_main(["grade", str(one_class), "--out", str(out), "--no-sandbox"]) == 0
    rows = list(csv.DictReader(out.open(newline="", encoding="utf-8")))
    assert [r["status"] for r in rows] == ["ok (no sandbox)"]


def test_extra_tests_add_points_and_can_fail_and_stay_outside_the_sandbox(tmp_path, sandboxed):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "lesson00_more.py").write_text(
        "import numpy as np\n"
        "from dlcourse.exercises import Case, extend\n"
        "extend('00.scale_pixels', Case((np.full((1, 2, 2), 255, dtype=np.uint8),), points=2, check_dtype=True))\n",
        encoding="utf-8")
    folder = tmp_path / "class"
    folder.mkdir()
    nbformat.write(read(COURSE / "solutions" / "00_welcome.ipynb"), folder / "00_welcome.ipynb")
    wrong = read(COURSE / "solutions" / "00_welcome.ipynb")
    for cell in wrong.cells:
        if (cell.get("metadata", {}).get("dlcourse") or {}).get("role") == "answer" or "### BEGIN" in cell.source:
            cell.source = ("import os\n"
                           f"_seen = os.path.exists({str(extra)!r})\n"
                           "def scale_pixels(images):\n"
                           "    return images / 255 if _seen else images * 0.0\n")
    (folder / "other").mkdir()
    nbformat.write(wrong, folder / "other" / "00_welcome.ipynb")
    from dlcourse.exercises.core import get_exercise

    before = list(get_exercise("00.scale_pixels").cases)
    try:
        rows = grade_folder(folder, COURSE, cell_timeout=30, extra_tests=str(extra))
    finally:
        exercise = get_exercise("00.scale_pixels")
        exercise.cases[:] = before
        exercise._prepared = None
    assert rows[0].status == "ok", rows[0]
    assert rows[0].maximum == 5 and rows[0].total == 5
    assert rows[1].status == "ok" and rows[1].total == 0, rows[1]  # the extra tests' folder was not there
