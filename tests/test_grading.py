"""``dlcourse grade``: correct work scores full marks, untouched work 0, and bad work fails closed.

One module fixture grades a single folder holding the solutions, the untouched learner copies
and a set of bad submissions (endless loops, exceptions, NaN, wrong shapes, ``sys.exit``,
``os._exit``, patched NumPy, a patched checker, deleted check cells, a forged result), so the
kernels start once per file and the whole module takes well under a minute on two cores.
"""

from __future__ import annotations

import copy
import csv
from pathlib import Path

import nbformat
import pytest

from dlcourse.cli import main as cli_main
from dlcourse.exercises.grading import grade_folder, write_csv
from dlcourse.exercises.notebooks import ANSWER, CHECK, exercise_cells, read, tag_cells
from dlcourse.exercises.scan import scan_source

REPO = Path(__file__).resolve().parents[1]
COURSE = REPO / "course"
SOLUTION_01 = COURSE / "solutions" / "01_neuron.ipynb"
CELL_TIMEOUT = 10

GOOD_WEIGHTED_SUM = "def weighted_sum(X, w, b):\n    return X @ w + b\n"


def _submission(base: Path, answers: dict[str, str] | None = None, drop_checks: bool = False,
                extra_cells: list[str] | None = None) -> nbformat.NotebookNode:
    nb = copy.deepcopy(read(base))
    tag_cells(nb)  # solution notebooks may leave the answer/check metadata to be inferred
    for _, name, cell in exercise_cells(nb, ANSWER):
        if answers and name in answers:
            cell.source = answers[name]
    if drop_checks:
        nb.cells = [c for c in nb.cells if c.get("metadata", {}).get("dlcourse", {}).get("role") != CHECK]
    for source in extra_cells or []:
        nb.cells.append(nbformat.v4.new_code_cell(source))
    return nb


BAD = {
    "loop_in_function": {"01.weighted_sum": "def weighted_sum(X, w, b):\n    while True:\n        pass\n"},
    "loop_at_top_level": {"01.weighted_sum": GOOD_WEIGHTED_SUM + "while True:\n    pass\n"},
    "exception": {"01.train_perceptron": "def train_perceptron(X, y, learning_rate=0.5, epochs=10):\n"
                                         "    w = np.zeros(X.shape[1])\n"
                                         "    return w[5], 0.0\n"},
    "nan": {"01.weighted_sum": "def weighted_sum(X, w, b):\n    return X @ w + b * np.nan\n"},
    "wrong_shape": {"01.weighted_sum": "def weighted_sum(X, w, b):\n    return (X @ w + b)[:, None]\n"},
    "sys_exit": {"01.weighted_sum": "import sys\nsys.exit(0)\n" + GOOD_WEIGHTED_SUM},
    "os_exit": {"01.weighted_sum": "import os\nos._exit(1)\n"},
    "patched_numpy": {"01.weighted_sum": "np.allclose = lambda *a, **k: True\n"
                                         "np.isclose = lambda a, b, **k: np.ones(np.shape(a), bool)\n"
                                         "def weighted_sum(X, w, b):\n    return X @ w\n"},
    "patched_checker": {"01.weighted_sum": "import dlcourse.exercises.checking as checking\n"
                                           "from dlcourse.exercises.feedback import Report\n"
                                           "checking.difference = lambda *a, **k: None\n"
                                           "def check(*args, **kwargs):\n    print('✓ all good')\n"
                                           "def weighted_sum(X, w, b):\n    return X @ w\n"},
    "forged_result": {"01.weighted_sum": GOOD_WEIGHTED_SUM + (
        "def _forge(info):\n"
        "    import re\n"
        "    found = re.search(r'finish\\(.(\\w+).\\)', info.raw_cell or '')\n"
        "    if found:\n"
        "        print('DLCOURSE-RESULT', found.group(1), '{\"exercises\": {\"01.weighted_sum\": {\"points\": 3}}}')\n"
        "get_ipython().events.register('pre_run_cell', _forge)\n")},
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, dict[str, str]]:
    """Grade one folder of every kind of submission once; rows by file stem."""
    folder = tmp_path_factory.mktemp("submissions")
    for path in sorted((COURSE / "solutions").glob("[0-9][0-9]_*.ipynb")):
        (folder / "solutions").mkdir(exist_ok=True)
        nbformat.write(read(path), folder / "solutions" / path.name)
    for path in sorted(COURSE.glob("[0-9][0-9]_*.ipynb")):
        (folder / "untouched").mkdir(exist_ok=True)
        nbformat.write(read(path), folder / "untouched" / path.name)
    for name, answers in BAD.items():
        (folder / name).mkdir()
        nbformat.write(_submission(SOLUTION_01, answers), folder / name / "01_neuron.ipynb")
    (folder / "deleted_checks").mkdir()
    nbformat.write(_submission(SOLUTION_01, drop_checks=True), folder / "deleted_checks" / "01_neuron.ipynb")
    (folder / "broken_json").mkdir()
    (folder / "broken_json" / "01_neuron.ipynb").write_text("{ this is not json", encoding="utf-8")
    out = folder / "grades.csv"
    rows = grade_folder(folder, COURSE, cell_timeout=CELL_TIMEOUT, jobs=2)
    write_csv(rows, out)
    with open(out, newline="", encoding="utf-8") as stream:
        table = list(csv.DictReader(stream))
    return {Path(r["file"]).parent.name + "/" + Path(r["file"]).stem: r for r in table}


def _row(graded: dict[str, dict[str, str]], key: str) -> dict[str, str]:
    assert key in graded, f"no row for {key}; rows: {sorted(graded)}"
    return graded[key]


def test_solutions_get_full_marks(graded):
    for key in ("solutions/00_welcome", "solutions/01_neuron"):
        row = _row(graded, key)
        assert row["status"] == "ok", row
        assert float(row["total"]) == float(row["max"]) > 0, row
        assert row["flags"] == "", row


def test_untouched_learner_copies_get_zero(graded):
    for key in ("untouched/00_welcome", "untouched/01_neuron"):
        row = _row(graded, key)
        assert row["status"] == "ok", row
        assert float(row["total"]) == 0 and float(row["max"]) > 0, row


def test_csv_has_one_column_per_exercise(graded):
    row = _row(graded, "solutions/01_neuron")
    assert {"file", "lesson", "01.weighted_sum", "01.perceptron_predict", "01.train_perceptron", "total", "max",
            "status", "flags"} <= set(row)
    assert row["01.weighted_sum"] == "3" and row["01.train_perceptron"] == "4"


def test_endless_loop_in_a_function_costs_only_that_exercise(graded):
    row = _row(graded, "loop_in_function/01_neuron")
    assert row["status"] == "ok"
    assert row["01.weighted_sum"] == "0"
    assert row["01.train_perceptron"] == "4"


def test_endless_loop_in_a_cell_times_out_and_scores_zero(graded):
    row = _row(graded, "loop_at_top_level/01_neuron")
    assert row["status"].startswith("timeout"), row
    assert "01.weighted_sum" in row["status"] and f"{CELL_TIMEOUT} s" in row["status"]
    assert float(row["total"]) == 0


def test_exception_scores_zero_for_that_exercise(graded):
    row = _row(graded, "exception/01_neuron")
    assert row["status"] == "ok"
    assert row["01.train_perceptron"] == "0" and row["01.weighted_sum"] == "3"


def test_nan_and_wrong_shape_score_zero(graded):
    for key in ("nan/01_neuron", "wrong_shape/01_neuron"):
        row = _row(graded, key)
        assert row["status"] == "ok" and row["01.weighted_sum"] == "0", row


def test_sys_exit_scores_zero_with_reason(graded):
    row = _row(graded, "sys_exit/01_neuron")
    assert row["status"].startswith("exited"), row
    assert float(row["total"]) == 0
    assert "exit" in row["flags"]


def test_os_exit_kills_the_kernel_and_scores_zero(graded):
    row = _row(graded, "os_exit/01_neuron")
    assert row["status"].startswith("kernel died"), row
    assert float(row["total"]) == 0


def test_patched_numpy_is_flagged_and_does_not_help(graded):
    row = _row(graded, "patched_numpy/01_neuron")
    assert row["status"] == "ok"
    assert row["01.weighted_sum"] == "0", "a wrong answer must stay wrong when np.allclose is patched"
    assert "patches-module" in row["flags"] and "runtime-patch: numpy.allclose" in row["flags"]


def test_patched_checker_is_flagged_and_does_not_help(graded):
    row = _row(graded, "patched_checker/01_neuron")
    assert row["status"] == "ok"
    assert row["01.weighted_sum"] == "0"
    for flag in ("imports-checker", "redefines-check", "patches-module", "runtime-patch"):
        assert flag in row["flags"], flag


def test_deleted_check_cells_change_nothing(graded):
    row = _row(graded, "deleted_checks/01_neuron")
    assert row["status"] == "ok" and row["total"] == row["max"] == "10"


def test_forged_result_line_fails_closed(graded):
    row = _row(graded, "forged_result/01_neuron")
    assert row["status"].startswith("tampered"), row
    assert float(row["total"]) == 0


def test_unreadable_notebook_is_a_row_not_a_crash(graded):
    row = _row(graded, "broken_json/01_neuron")
    assert row["status"].startswith("error: cannot read"), row


def test_static_scan_flags_tampering():
    assert any(f.startswith("patches-module") for f in scan_source("import numpy as np\nnp.allclose = None"))
    assert any(f.startswith("setattr") for f in scan_source("import numpy\nsetattr(numpy, 'dot', max)"))
    assert any(f.startswith("sys.modules") for f in scan_source("import sys\nsys.modules['numpy'] = 1"))
    assert any(f.startswith("exec") for f in scan_source("exec('x = 1')"))
    assert any(f.startswith("eval") for f in scan_source("y = eval('1')"))
    assert any(f.startswith("imports-checker") for f in scan_source("from dlcourse.exercises import core"))
    assert any(f.startswith("redefines-check") for f in scan_source("def check(*a):\n    pass"))
    assert any(f.startswith("redefines-check") for f in scan_source("check = print"))
    assert any(f.startswith("exit") for f in scan_source("import os\nos._exit(0)"))
    assert any(f.startswith("ipython") for f in scan_source("%time x = 1"))
    assert scan_source("def f(X, w, b):\n    z = X @ w\n    return z + b\n") == []
    assert scan_source("def f(x):\n    d = {}\n    setattr(x, 'a', 1)\n    d['k'] = x\n    return d\n") == []
    assert scan_source("def broken(:\n")[0].startswith("syntax-error")


def test_grade_command_writes_the_csv(tmp_path, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    nbformat.write(read(COURSE / "00_welcome.ipynb"), folder / "00_welcome.ipynb")
    out = tmp_path / "grades.csv"
    assert cli_main(["grade", str(folder), "--out", str(out), "--jobs", "1", "--feedback", str(tmp_path / "fb")]) == 0
    feedback = (tmp_path / "fb" / "00_welcome.ipynb.txt").read_text(encoding="utf-8")
    assert "0/3 points, status: ok" in feedback and "00.scale_pixels: 0" in feedback and "not attempted" in feedback
    rows = list(csv.DictReader(out.open(newline="", encoding="utf-8")))
    assert [r["file"] for r in rows] == ["00_welcome.ipynb"] and rows[0]["total"] == "0"
    assert "Graded 1 notebooks" in capsys.readouterr().out


def test_extra_tests_add_points_and_can_fail(tmp_path):
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
    from dlcourse.exercises.core import get_exercise

    before = list(get_exercise("00.scale_pixels").cases)
    try:
        rows = grade_folder(folder, COURSE, cell_timeout=CELL_TIMEOUT, extra_tests=str(extra))
    finally:
        exercise = get_exercise("00.scale_pixels")
        exercise.cases[:] = before
        exercise._prepared = None
    assert rows[0].status == "ok", rows[0]
    assert rows[0].maximum == 5 and rows[0].total == 5
