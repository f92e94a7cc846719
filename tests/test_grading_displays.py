"""``dlcourse grade`` leaves the lesson's figures and widgets out, and no grade changes.

The rules (which statements are display statements) are tested on small cells; then a class of
lesson-01 and lesson-02 submissions (the course's solutions, untouched copies, the classic wrong
answers, an answer that rebinds a display helper) is graded twice, with and without the display
statements: every row must be the same.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from dlcourse.exercises import grading
from dlcourse.exercises.display import display_helpers, without_displays
from dlcourse.exercises.notebooks import ANSWER, exercise_cells, read
from dlcourse.exercises.sandbox import bwrap_problem

REPO = Path(__file__).resolve().parents[1]
COURSE = REPO / "course"
sys.path.insert(0, str(REPO / "benchmarks"))

import grade_class  # noqa: E402 - the benchmark's generated class: correct and classic wrong answers

IMPORTS = ("import numpy as np\nfrom dlcourse.exercises import check, hint, progress\n"
           "from dlcourse.viz.boundary import plot_neuron as show\nfrom dlcourse.widgets.neuron import neuron_explorer\n")


def test_display_helpers_are_the_viz_and_widget_imports_and_hint_and_progress():
    assert display_helpers([IMPORTS]) == {"hint", "progress", "show", "neuron_explorer"}
    # a helper the lesson rebinds (by any means) is an ordinary function
    assert display_helpers([IMPORTS, "show = print\n"]) == {"hint", "progress", "neuron_explorer"}
    assert display_helpers([IMPORTS, "def progress():\n    return 1\n"]) == {"hint", "show", "neuron_explorer"}
    assert display_helpers([IMPORTS, "from os import path as hint\n"]) == {"progress", "show", "neuron_explorer"}


def test_only_calls_that_compute_nothing_are_left_out():
    helpers = display_helpers([IMPORTS])
    cell = ("X = np.eye(2)  # kept\nshow(X, [0, 1], w=(1.0, 1.0), b=-1.5, name='AND')\n"
            "show(X, train(X))\n"              # its argument computes: kept
            "show(X, (y := X[0]))\n"           # binds: kept
            "a = show(X)\n"                    # binds: kept
            "b = 1; progress()\n"              # shares its line: kept
            "if True:\n    progress()\n"       # not top-level: kept
            "neuron_explorer(\n    start='AND',\n)\nprint(X)\nhint('01.weighted_sum')\n")
    assert without_displays(cell, helpers) == (
        "X = np.eye(2)  # kept\nshow(X, train(X))\nshow(X, (y := X[0]))\na = show(X)\nb = 1; progress()\n"
        "if True:\n    progress()\nprint(X)\n")
    assert without_displays("%matplotlib inline\nprogress()\n", helpers) == "%matplotlib inline\nprogress()\n"
    assert without_displays("progress()\n", set()) == "progress()\n"


def test_lesson_01_keeps_every_cell_and_every_binding():
    released = read(COURSE / "01_neuron.ipynb")
    shown, graded = grading.rebuild(released, released, displays=True), grading.rebuild(released, released)
    assert len(graded.cells) == len(shown.cells) and graded.labels == shown.labels
    assert graded.answer_cell == shown.answer_cell
    dropped = "".join(shown.cells) != "".join(graded.cells)
    assert dropped and not any(name in "".join(graded.cells) for name in ("plot_neuron(", "neuron_explorer(",
                                                                          "plot_curves(", "plot_lines(", "progress("))
    assert 'X_and, y_and = LOGIC_GATES["AND"]' in "".join(graded.cells)


def test_grading_lesson_01_imports_neither_matplotlib_nor_ipywidgets():
    released = read(COURSE / "01_neuron.ipynb")
    graded = grading.rebuild(released, released)
    cells = [c for i, c in enumerate(graded.cells) if i not in graded.answer_cell.values()]
    program = ("import sys\nnamespace = {}\nfor cell in " + repr(cells) + ":\n    exec(cell, namespace)\n"
               "print(sorted({'matplotlib', 'ipywidgets'} & set(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.splitlines()[-1] == "[]", done.stdout


def test_a_learner_who_rebinds_a_helper_keeps_its_calls():
    released = read(COURSE / "01_neuron.ipynb")
    student = nbformat.from_dict(released)
    for _, name, cell in exercise_cells(student, ANSWER):
        if name == "01.weighted_sum":
            cell.source = "def plot_neuron(*a, **k):\n    pass\n\ndef weighted_sum(X, w, b):\n    return X @ w + b\n"
    graded = grading.rebuild(released, student)
    assert "plot_neuron(X_and" in "".join(graded.cells) and "neuron_explorer(" not in "".join(graded.cells)


def _class(folder: Path) -> None:
    grade_class.make_class(folder / "generated", 6, seed=3)
    for path in (COURSE / "solutions" / "01_neuron.ipynb", COURSE / "solutions" / "02_activations.ipynb",
                 COURSE / "01_neuron.ipynb", COURSE / "02_activations.ipynb"):
        (folder / path.parent.name / path.stem).mkdir(parents=True)
        nbformat.write(read(path), folder / path.parent.name / path.stem / path.name)
    wrong = nbformat.from_dict(read(COURSE / "solutions" / "02_activations.ipynb"))
    for _, name, cell in exercise_cells(wrong, ANSWER):
        if name == "02.sigmoid":
            cell.source = "def sigmoid(z):\n    return 1 / (1 + np.exp(z))\n"
    (folder / "wrong_02").mkdir()
    nbformat.write(wrong, folder / "wrong_02" / "02_activations.ipynb")
    rebinds = nbformat.from_dict(read(COURSE / "solutions" / "01_neuron.ipynb"))
    for _, name, cell in exercise_cells(rebinds, ANSWER):
        if name == "01.weighted_sum":
            cell.source = ("_calls = []\ndef plot_neuron(*args, **kwargs):\n    _calls.append(1)\n\n"
                           "def weighted_sum(X, w, b):\n    return X @ w + b * (len(_calls) == 2)\n")
    (folder / "rebinds").mkdir()
    nbformat.write(rebinds, folder / "rebinds" / "01_neuron.ipynb")


def test_leaving_the_displays_out_changes_no_grade(tmp_path):
    isolated = bwrap_problem() is None
    _class(tmp_path / "class")
    rows = {displays: grading.grade_folder(tmp_path / "class", COURSE, jobs=2, isolated=isolated, displays=displays)
            for displays in (True, False)}
    assert len(rows[True]) == len(rows[False]) == 12
    for shown, graded in zip(rows[True], rows[False], strict=True):
        assert shown.graded, shown
        assert (graded.file, graded.scores, graded.status, graded.flags, graded.messages) == \
            (shown.file, shown.scores, shown.status, shown.flags, shown.messages)
    by_file = {row.file: row for row in rows[False]}
    assert by_file["solutions/01_neuron/01_neuron.ipynb"].total == by_file["solutions/01_neuron/01_neuron.ipynb"].maximum
    rebinds = by_file["rebinds/01_neuron.ipynb"]
    assert rebinds.total == rebinds.maximum  # weighted_sum is right only if its plot_neuron ran twice
    assert len({row.total for row in rows[False]}) > 3  # the class is varied

