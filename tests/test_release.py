"""``dlcourse release``: learner copies come from the solutions, carry no solutions, and stay in sync."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from dlcourse.cli import main as cli_main
from dlcourse.exercises import check
from dlcourse.exercises.notebooks import ANSWER, CHECK, exercise_cells, read
from dlcourse.exercises.release import ReleaseError, release, release_notebook, strip_solutions

REPO = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO / "course" / "solutions"
LEARNER = sorted((REPO / "course").glob("[0-9][0-9]_*.ipynb"))
RELEASED = [p for p in LEARNER if (SOLUTIONS / p.name).exists()]


def test_learner_copies_are_up_to_date(capsys):
    """Fails when a solution notebook changed without `dlcourse release` being run."""
    assert cli_main(["release", "--check"]) == 0, capsys.readouterr()


def test_every_solution_has_a_learner_copy():
    assert sorted(p.name for p in SOLUTIONS.glob("[0-9][0-9]_*.ipynb")) == sorted(p.name for p in RELEASED)
    assert {"00_welcome.ipynb", "01_neuron.ipynb"} <= {p.name for p in RELEASED}


def test_function_regions_become_a_placeholder_that_defines_cleanly():
    source = ("def f(x):\n    '''Doc.'''\n    ### BEGIN SOLUTION\n    y = x + 1\n    return y\n"
              "    ### END SOLUTION\n")
    learner = strip_solutions(source)
    assert learner == ("def f(x):\n    '''Doc.'''\n    # YOUR CODE HERE\n"
                       "    raise NotImplementedError(\"Replace this line with your code.\")\n")
    namespace: dict = {}
    exec(learner, namespace)  # noqa: S102 - defining the cell must not crash
    assert callable(namespace["f"])


def test_module_level_regions_become_none():
    source = "### BEGIN SOLUTION\nanswer = 42\nrate, steps = 0.1, 3\n### END SOLUTION\nprint('after')"
    assert strip_solutions(source) == ("answer = None  # YOUR CODE HERE\nrate = None  # YOUR CODE HERE\n"
                                       "steps = None  # YOUR CODE HERE\nprint('after')")
    assert strip_solutions("no markers here") == "no markers here"
    assert strip_solutions("### BEGIN SOLUTION\nWhy?\n### END SOLUTION", markdown=True) == "_Write your answer here._"


@pytest.mark.parametrize("source", ["### BEGIN SOLUTION\nx = 1\n", "x = 1\n### END SOLUTION\n",
                                    "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n"])
def test_unbalanced_markers_are_refused(source):
    with pytest.raises(ReleaseError):
        strip_solutions(source)


@pytest.mark.parametrize("path", [p for p in RELEASED if p.name[:2] in ("00", "01")], ids=lambda p: p.name)
def test_learner_copy_has_no_solutions_and_is_tagged(path):
    learner, solution = read(path), read(SOLUTIONS / path.name)
    text = path.read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    assert learner.metadata["kernelspec"]["name"] == "python3" and learner.metadata["language_info"]["name"] == "python"
    assert all(c.get("outputs") == [] and c.get("execution_count") is None for c in learner.cells if c.cell_type == "code")
    answers = list(exercise_cells(learner, ANSWER))
    checks = list(exercise_cells(learner, CHECK))
    assert answers and sorted(n for _, n, _ in answers) == sorted(n for _, n, _ in checks)
    assert sorted(learner.metadata["dlcourse"]["exercises"]) == sorted(n for _, n, _ in answers)
    for _, _, cell in checks:
        assert cell.metadata["editable"] is False and cell.metadata["deletable"] is False
    solution_ids = {c.id for c in solution.cells}
    for _, name, cell in answers:
        assert "# YOUR CODE HERE" in cell.source and cell.id in solution_ids
        namespace: dict = {"np": __import__("numpy")}
        exec(cell.source, namespace)  # noqa: S102 - the placeholder defines without crashing
        from dlcourse.exercises.core import get_exercise

        target = namespace[get_exercise(name).target]
        assert check(name, target, save=False).status == "not attempted"


def test_release_writes_only_changes_and_check_detects_staleness(tmp_path, capsys):
    source, dest = tmp_path / "solutions", tmp_path / "course"
    source.mkdir()
    dest.mkdir()
    shutil.copy(SOLUTIONS / "01_neuron.ipynb", source)
    assert cli_main(["release", "--source", str(source), "--dest", str(dest), "--check"]) == 1
    assert cli_main(["release", "--source", str(source), "--dest", str(dest)]) == 0
    assert cli_main(["release", "--source", str(source), "--dest", str(dest), "--check"]) == 0
    assert (dest / "01_neuron.ipynb").read_text() == (REPO / "course" / "01_neuron.ipynb").read_text()
    nb = read(source / "01_neuron.ipynb")
    nb.cells[0].source += "\nA new sentence."
    nbformat.write(nb, source / "01_neuron.ipynb")
    assert cli_main(["release", "--source", str(source), "--dest", str(dest), "--check"]) == 1
    assert "out of date" in capsys.readouterr().out


def test_solution_only_cells_and_broken_notebooks():
    nb = read(SOLUTIONS / "01_neuron.ipynb")
    extra = nbformat.v4.new_code_cell("print('instructor note')")
    extra.metadata["tags"] = ["solution-only"]
    nb.cells.insert(3, extra)
    learner, problems = release_notebook(nb, "01_neuron.ipynb")
    assert problems == [] and all("instructor note" not in c.source for c in learner.cells)
    orphan = nbformat.v4.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n")
    nb.cells.append(orphan)
    _, problems = release_notebook(nb, "01_neuron.ipynb")
    assert any("no check cell after it" in p for p in problems)
    nb.cells.append(nbformat.v4.new_code_cell('check("01.no_such_exercise", f)'))
    _, problems = release_notebook(nb, "01_neuron.ipynb")
    assert any("no exercise called '01.no_such_exercise'" in p for p in problems)
    assert release(SOLUTIONS, REPO / "course", write=False)
