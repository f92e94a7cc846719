"""``dlcourse grade``: correct work scores full marks, untouched work 0, and no attack helps.

One module fixture grades a single folder, in parallel, each notebook in the bubblewrap
sandbox: the solutions, the untouched learner copies, bad answers (endless loops, exceptions,
NaN, wrong shapes, ``sys.exit``, ``os._exit``) and one submission per attack found by the red
team of issue 17 (each scores 0 for the attacked exercise or is flagged), plus odd notebooks
(each gets a row). Kernels start once per file.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import time
from pathlib import Path

import nbformat
import pytest

from dlcourse.exercises import grading, sandbox
from dlcourse.exercises import kernel as kernel_runner
from dlcourse.exercises.core import lesson_exercises
from dlcourse.exercises.grading import GradeRow, feedback_path, grade_folder, sandbox_uids, write_csv
from dlcourse.exercises.notebooks import ANSWER, CHECK, exercise_cells, read, tag_cells
from dlcourse.exercises.sandbox import bwrap_problem
from dlcourse.exercises.scan import scan_source

REPO = Path(__file__).resolve().parents[1]
COURSE = REPO / "course"
SOLUTION_01 = COURSE / "solutions" / "01_neuron.ipynb"
SOLUTION_02 = COURSE / "solutions" / "02_activations.ipynb"
CELL_TIMEOUT = 30  # lesson cells must not run over it on a loaded 2-core machine

REQUIRE_SANDBOX = os.environ.get("DLCOURSE_REQUIRE_SANDBOX") == "1"  # set by .ci/run: CI never skips

# Lesson 01's points per exercise in CSV order (weighted_sum, perceptron_predict, train_perceptron)
# and in all, from the exercises themselves: adding a case changes them.
FULL_01 = tuple(f"{e.max_points:g}" for e in lesson_exercises("01"))
TOTAL_01 = f"{sum(e.max_points for e in lesson_exercises('01')):g}"
GOOD_WEIGHTED_SUM = "def weighted_sum(X, w, b):\n    return X @ w + b\n"
WRONG_WEIGHTED_SUM = "def weighted_sum(X, w, b):\n    return X @ w\n"
SWALLOW = ("while True:\n"
           "    try:\n"
           "        try:\n"
           "            while True:\n"
           "                pass\n"
           "        except BaseException:\n"
           "            pass\n"
           "    except BaseException:\n"
           "        pass\n")


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


def _attacks(folder: Path) -> dict[str, dict[str, str]]:
    """Lesson-01 submissions: ``{folder name: {exercise: answer cell source}}``."""
    victim = folder / "victim" / "01_neuron.ipynb"
    marker = folder.parent / "outlived-the-sandbox"
    csv_path = folder.parent / "grades.csv"
    private_core = "np._core" if hasattr(__import__("numpy"), "_core") else "np.core"
    return {
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
                                             + WRONG_WEIGHTED_SUM},
        "patched_private_numpy": {"01.weighted_sum": f"_m = {private_core}.numeric\n"
                                                     "_m.isclose = lambda a, b, **k: np.ones(np.shape(a), bool)\n"
                                                     "_m.allclose = lambda *a, **k: True\n"
                                                     "_m.array_equal = lambda *a, **k: True\n"
                                                     + WRONG_WEIGHTED_SUM},
        "patched_checker": {"01.weighted_sum": "import dlcourse.exercises.checking as checking\n"
                                               "checking.difference = lambda *a, **k: None\n"
                                               "checking.judge = lambda *a, **k: None\n"
                                               "def check(*args, **kwargs):\n    print('✓ all good')\n"
                                               + WRONG_WEIGHTED_SUM},
        "report_property": {"01.weighted_sum": "from dlcourse.exercises.feedback import Report, CaseResult\n"
                                               "Report.points = property(lambda self: 3.0)\n"
                                               "CaseResult.passed = property(lambda self: True)\n"
                                               + WRONG_WEIGHTED_SUM},
        "builtins_swap": {"01.weighted_sum": WRONG_WEIGHTED_SUM + (
            "_b = weighted_sum.__globals__['__builtins__']\n"
            "_b = _b if isinstance(_b, dict) else vars(_b)\n"
            "_real = _b['__import__']\n"
            "def _fake(name, *args, **kwargs):\n"
            "    module = _real(name, *args, **kwargs)\n"
            "    for sub in ('compare', 'checking'):\n"
            "        target = getattr(getattr(module, 'exercises', None), sub, None)\n"
            "        if target is not None:\n"
            "            target.difference = lambda *a, **k: None\n"
            "    return module\n"
            "_b['__import__'] = _fake\n")},
        "replaced_reference": {"01.weighted_sum": "from dlcourse.exercises.core import get_exercise\n"
                                                  "get_exercise('01.weighted_sum').reference = "
                                                  "lambda X, w, b: X @ w\n"
                                                  "get_exercise('01.weighted_sum')._prepared = None\n"
                                                  + WRONG_WEIGHTED_SUM},
        "kernel_state": {"01.weighted_sum": "import dlcourse.exercises.kernel as k\n"
                                            "k.collect_answer = lambda name: None\n" + WRONG_WEIGHTED_SUM},
        "reference_answer": {"01.weighted_sum": "weighted_sum = reference('01.weighted_sum')\n"},
        "reference_wrapped": {"01.weighted_sum": "def weighted_sum(X, w, b):\n"
                                                 "    return reference('01.weighted_sum')(X, w, b)\n"},
        "reference_alias": {"01.weighted_sum": "import sys\n"
                                               "_r = getattr(sys.modules['dlcourse.exercises.api'], 'refer' + 'ence')"
                                               "('01.weighted_sum')\n"
                                               "def weighted_sum(X, w, b):\n    return _r(X, w, b)\n"},
        "solutions_runpy": {"01.weighted_sum": (
            "import json, pathlib, runpy, dlcourse\n"
            "_src = pathlib.Path(dlcourse.__file__).parents[1] / 'course' / 'solutions' / '01_neuron.ipynb'\n"
            "_code = '\\n'.join(''.join(c['source']) for c in json.loads(_src.read_text())['cells']\n"
            "                   if c['cell_type'] == 'code' and 'def weighted_sum' in ''.join(c['source']))\n"
            "pathlib.Path('solution.py').write_text(_code)\n"
            "weighted_sum = runpy.run_path('solution.py')['weighted_sum']\n")},
        "proc_overwrite": {"01.weighted_sum": GOOD_WEIGHTED_SUM + (
            "import glob, os\n"
            f"_targets = [{str(victim)!r}]\n"
            "for _p in glob.glob('/proc/[0-9]*/cwd') + glob.glob('/proc/[0-9]*/root/sandbox'):\n"
            "    _targets += glob.glob(_p + '/*.ipynb') + glob.glob(_p + '/*/*.ipynb')\n"
            "for _fd in glob.glob('/proc/[0-9]*/fd/*'):\n"
            "    try:\n"
            "        _targets.append(os.readlink(_fd))\n"
            "    except OSError:\n"
            "        pass\n"
            "_targets = [t for t in _targets if t.endswith('.ipynb')]\n"
            "for _t in _targets:\n"
            "    try:\n"
            "        open(_t, 'w').write('{}')\n"
            "    except OSError:\n"
            "        pass\n")},
        "setsid_child": {"01.weighted_sum": GOOD_WEIGHTED_SUM + (
            "import subprocess, sys\n"
            f"_program = {_outliving_program(marker, csv_path)!r}\n"
            "subprocess.Popen([sys.executable, '-c', _program], start_new_session=True)\n")},
        "output_flood": {"01.train_perceptron": _good_answer("01.train_perceptron") + (
            "import sys\nfor _ in range(40):\n    sys.stdout.write('x' * 500_000 + '\\n')\n")},
        "swallow_at_top_level": {"01.weighted_sum": GOOD_WEIGHTED_SUM + SWALLOW},
        "swallow_in_function": {"01.weighted_sum": "def weighted_sum(X, w, b):\n"
                                + "".join("    " + line + "\n" for line in SWALLOW.splitlines())},
    }


def _outliving_program(marker: Path, csv_path: Path) -> str:
    return (f"import time, pathlib\ntime.sleep(6)\npathlib.Path({str(marker)!r}).write_text('alive')\n"
            f"pathlib.Path({str(csv_path)!r}).write_text('hacked')\n")


def _good_answer(name: str) -> str:
    nb = _submission(SOLUTION_01)
    return next(cell.source for _, n, cell in exercise_cells(nb, ANSWER) if n == name) + "\n"


def _write_raw(path: Path, nb: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb), encoding="utf-8")


def _odd_notebooks(folder: Path) -> None:
    base = json.loads(nbformat.writes(_submission(SOLUTION_01)))
    null_meta = copy.deepcopy(base)
    null_meta["cells"][0]["metadata"]["dlcourse"] = None
    null_meta["metadata"]["dlcourse"] = None
    _write_raw(folder / "null_metadata" / "01_neuron.ipynb", null_meta)
    odd_source = copy.deepcopy(base)
    for cell in odd_source["cells"]:
        if (cell.get("metadata", {}).get("dlcourse") or {}).get("exercise") == "01.weighted_sum" \
                and cell["metadata"]["dlcourse"]["role"] == ANSWER:
            cell["source"] = 5
    _write_raw(folder / "non_string_source" / "01_neuron.ipynb", odd_source)
    mismatch = copy.deepcopy(base)
    mismatch["metadata"]["dlcourse"] = {"lesson": "02"}
    _write_raw(folder / "lesson_mismatch" / "01_neuron.ipynb", mismatch)
    _write_raw(folder / "=HYPERLINK(1)" / "01_neuron.ipynb", base)
    (folder / "broken_json").mkdir()
    (folder / "broken_json" / "01_neuron.ipynb").write_text("{ this is not json", encoding="utf-8")


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, dict[str, str]]:
    """Grade one folder of every kind of submission once; rows by ``folder/stem``."""
    if bwrap_problem() is not None:
        if REQUIRE_SANDBOX:
            pytest.fail(f"CI must grade in the sandbox: {bwrap_problem()}")
        pytest.skip(f"no sandbox here: {bwrap_problem()}")
    folder = tmp_path_factory.mktemp("class") / "submissions"
    for path in (SOLUTION_01, COURSE / "solutions" / "00_welcome.ipynb", SOLUTION_02):
        (folder / "solutions").mkdir(parents=True, exist_ok=True)
        nbformat.write(read(path), folder / "solutions" / path.name)
    for path in (COURSE / "00_welcome.ipynb", COURSE / "01_neuron.ipynb"):
        (folder / "untouched").mkdir(exist_ok=True)
        nbformat.write(read(path), folder / "untouched" / path.name)
    for name, answers in _attacks(folder).items():
        (folder / name).mkdir()
        nbformat.write(_submission(SOLUTION_01, answers), folder / name / "01_neuron.ipynb")
    (folder / "victim").mkdir()
    nbformat.write(_submission(SOLUTION_01), folder / "victim" / "01_neuron.ipynb")
    (folder / "engine_import").mkdir()
    nbformat.write(_submission(SOLUTION_02, {"02.sigmoid": "from dlcourse.nn.activations import sigmoid\n"}),
                   folder / "engine_import" / "02_activations.ipynb")
    (folder / "deleted_checks").mkdir()
    nbformat.write(_submission(SOLUTION_01, drop_checks=True), folder / "deleted_checks" / "01_neuron.ipynb")
    _odd_notebooks(folder)
    victim_bytes = (folder / "victim" / "01_neuron.ipynb").read_bytes()
    out = folder.parent / "grades.csv"
    started = time.monotonic()
    rows = grade_folder(folder, COURSE, cell_timeout=CELL_TIMEOUT, jobs=2)
    print(f"graded {len(rows)} notebooks in {time.monotonic() - started:.0f} s")
    write_csv(rows, out)
    written = out.read_text(encoding="utf-8")
    time.sleep(8)  # the setsid child would have rewritten the CSV after 6 s
    with open(out, newline="", encoding="utf-8") as stream:
        table = list(csv.DictReader(stream))
    result = {Path(r["file"].lstrip("'")).parent.name + "/" + Path(r["file"]).stem: r for r in table}
    result["_after"] = {"csv_unchanged": str(out.read_text(encoding="utf-8") == written),
                        "victim_unchanged": str((folder / "victim" / "01_neuron.ipynb").read_bytes() == victim_bytes),
                        "marker": str((folder.parent / "outlived-the-sandbox").exists())}
    return result


def _row(graded: dict[str, dict[str, str]], key: str) -> dict[str, str]:
    assert key in graded, f"no row for {key}; rows: {sorted(graded)}"
    return graded[key]


def _scores(row: dict[str, str]) -> tuple[str, str, str]:
    return row["01.weighted_sum"], row["01.perceptron_predict"], row["01.train_perceptron"]


def test_solutions_get_full_marks(graded):
    for key in ("solutions/00_welcome", "solutions/01_neuron", "solutions/02_activations", "victim/01_neuron",
                "deleted_checks/01_neuron"):
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
    assert _scores(row) == FULL_01


def test_bad_answers_cost_only_their_exercise(graded):
    # (perceptron_predict calls the learner's weighted_sum; train_perceptron does not)
    for key in ("loop_in_function", "nan", "wrong_shape", "os_exit", "sys_exit", "loop_at_top_level",
                "swallow_at_top_level", "swallow_in_function"):
        row = _row(graded, key + "/01_neuron")
        assert row["status"] == "ok", row
        assert row["01.weighted_sum"] == "0" and row["01.train_perceptron"] == FULL_01[2], row
    row = _row(graded, "exception/01_neuron")
    assert _scores(row) == (FULL_01[0], FULL_01[1], "0"), row


def test_cells_that_hang_or_end_the_kernel_are_flagged_with_the_learners_cell_number(graded):
    nb = _submission(SOLUTION_01)
    number = next(i for i, n, _ in exercise_cells(nb, ANSWER) if n == "01.weighted_sum") + 1
    assert f"the answer cell of 01.weighted_sum (cell {number}) ran over {CELL_TIMEOUT} s" \
        in _row(graded, "loop_at_top_level/01_neuron")["flags"]
    assert "ignored the interrupt" in _row(graded, "swallow_at_top_level/01_neuron")["flags"]
    assert f"(cell {number}) ended its kernel" in _row(graded, "os_exit/01_neuron")["flags"]
    assert "exit" in _row(graded, "sys_exit/01_neuron")["flags"]


@pytest.mark.parametrize("attack", ["patched_numpy", "patched_private_numpy", "patched_checker", "report_property",
                                    "builtins_swap", "replaced_reference", "kernel_state"])
def test_tampering_with_the_interpreter_does_not_change_the_score(graded, attack):
    row = _row(graded, attack + "/01_neuron")
    assert row["01.weighted_sum"] == "0", row


def test_tampering_is_still_flagged(graded):
    assert "patches-module" in _row(graded, "patched_numpy/01_neuron")["flags"]
    for flag in ("imports-checker", "redefines-check", "patches-module"):
        assert flag in _row(graded, "patched_checker/01_neuron")["flags"], flag
    assert "introspection" in _row(graded, "builtins_swap/01_neuron")["flags"]


@pytest.mark.parametrize("attack, found", [
    ("reference_answer", "the answer is the course's reference solution of 01.weighted_sum"),
    ("reference_wrapped", "`reference` (used by the answer) is dlcourse.exercises.api.reference"),
    ("reference_alias", "`_r` (used by the answer) is the course's reference solution of 01.weighted_sum")])
def test_the_courses_own_answer_is_flagged(graded, attack, found):
    row = _row(graded, attack + "/01_neuron")
    assert f"01.weighted_sum: uses-course-code: {found}" in row["flags"], row


def test_an_engine_function_as_the_answer_is_flagged(graded):
    row = _row(graded, "engine_import/02_activations")
    assert "uses-course-code: the answer is dlcourse.nn.activations.sigmoid" in row["flags"], row


def test_the_solutions_are_not_in_the_sandbox(graded):
    row = _row(graded, "solutions_runpy/01_neuron")
    assert row["01.weighted_sum"] == "0", row
    assert "solutions/01_neuron.ipynb" in row["flags"] and "FileNotFoundError" in row["flags"], row


def test_a_submission_cannot_touch_another_or_outlive_its_sandbox(graded):
    assert graded["_after"] == {"csv_unchanged": "True", "victim_unchanged": "True", "marker": "False"}
    for key in ("proc_overwrite/01_neuron", "setsid_child/01_neuron"):
        assert _scores(_row(graded, key)) == FULL_01, _row(graded, key)["flags"]
    assert "started a process" in _row(graded, "setsid_child/01_neuron")["flags"]
    leftovers = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _uid(p) in sandbox_uids(64)]
    assert leftovers == []


def _uid(process: Path) -> int:
    try:
        return process.stat().st_uid
    except OSError:
        return -1


def test_output_flood_does_not_cost_a_correct_submission(graded):
    row = _row(graded, "output_flood/01_neuron")
    assert row["status"] == "ok" and row["total"] == row["max"] == TOTAL_01, row


def test_odd_notebooks_get_rows(graded):
    assert _row(graded, "broken_json/01_neuron")["status"].startswith("error: cannot read")
    row = _row(graded, "null_metadata/01_neuron")
    assert row["status"] == "ok" and row["total"] == TOTAL_01, row
    row = _row(graded, "non_string_source/01_neuron")
    assert row["status"] == "ok" and row["01.weighted_sum"] == "0" and row["01.train_perceptron"] == FULL_01[2], row
    assert "not text" in row["flags"]
    row = _row(graded, "lesson_mismatch/01_neuron")
    assert row["lesson"] == "01" and row["total"] == TOTAL_01 and "metadata says lesson 02" in row["flags"], row


def test_csv_values_cannot_be_spreadsheet_formulas(graded):
    row = _row(graded, "=HYPERLINK(1)/01_neuron")
    assert row["file"].startswith("'=HYPERLINK(1)"), row


def test_a_runner_whose_kernel_never_answers_leaves_a_record_that_says_so(tmp_path, monkeypatch):
    # On a machine at load 25 a kernel took longer than the runner waited, and the row had no
    # record (issue 17). Now the runner tries twice, and its record names the problem.
    attempts = []

    def never_ready(folder, number, ready_seconds):
        attempts.append(folder)
        raise RuntimeError(f"Kernel didn't respond in {ready_seconds:g} seconds")

    monkeypatch.setattr(kernel_runner, "_Kernel", never_ready)
    monkeypatch.chdir(tmp_path)
    record = kernel_runner._run_job({"cells": ["x = 1", "y = 2"], "cell_timeout": 30, "kernel_start_seconds": 300,
                                     "exercises": [{"name": "01.weighted_sum", "seconds": 30}]})
    assert len(attempts) == 2
    assert record["problem"].startswith("KernelStartError: the kernel did not start in 2 x 300 s"), record
    assert [c["status"] for c in record["cells"]] == ["not run", "not run"] and record["collect"] == {}


def test_a_run_that_stops_early_is_a_row_that_names_the_problem(tmp_path):
    # One process allowed: the runner cannot start its kernel at all. The row is not graded and says why.
    if bwrap_problem() is not None and not REQUIRE_SANDBOX:
        pytest.skip(f"no sandbox here: {bwrap_problem()}")
    nbformat.write(_submission(SOLUTION_01), tmp_path / "01_neuron.ipynb")
    row = grading.grade_notebook(tmp_path / "01_neuron.ipynb", grading.released_notebooks(COURSE), root=tmp_path,
                                 uid=sandbox_uids(1)[0], limits=sandbox.Limits(processes=1, wall_seconds=300))
    assert row.status.startswith("error: the grading run stopped early: "), row.status
    assert not row.graded and row.total == 0


def test_feedback_names_cannot_collide(tmp_path):
    rows = [GradeRow("p/q__01_neuron.ipynb"), GradeRow("p__q/01_neuron.ipynb")]
    assert feedback_path(tmp_path, rows[0]) != feedback_path(tmp_path, rows[1])


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
    assert any(f.startswith("uses-course-code") for f in scan_source("f = reference('01.weighted_sum')"))
    assert any(f.startswith("uses-course-code") for f in scan_source("from dlcourse.nn.activations import sigmoid"))
    assert any(f.startswith("runpy") for f in scan_source("import runpy\nrunpy.run_path('x.py')"))
    assert any(f.startswith("subprocess") for f in scan_source("import os\nos.system('ls')"))
    assert any(f.startswith("subprocess") for f in scan_source("import os\nos.fork()"))
    assert any(f.startswith("getattr") for f in scan_source("import numpy as np\ngetattr(np, 'allclose')"))
    assert scan_source("def f(X, w, b):\n    z = X @ w\n    return z + b\n") == []
    assert scan_source("def f(x):\n    d = {}\n    setattr(x, 'a', 1)\n    d['k'] = x\n    return d\n") == []
    assert scan_source("def broken(:\n")[0].startswith("syntax-error")
