"""Lessons 02 and 04 run top to bottom: solutions pass every check with nothing on stderr,
learner copies run unfilled and read "not attempted", the skeleton is complete, and exactly one
widget is the main widget whose first control the browser test moves.

Each notebook is executed once in a fresh kernel (module fixture); run times are printed.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from dlcourse.exercises.grading import _kernel_manager_class
from dlcourse.exercises.notebooks import CHECK, check_target, read

REPO = Path(__file__).resolve().parents[1]
LESSONS = ("02_activations", "04_loss_functions")
SKELETON = ("You will learn", "Time:", "## Setup", "Try it", "## Exercise", "## Common mistakes", "## Summary", "Next:")
WIDGET = "application/vnd.jupyter.widget-view+json"


def _execute(path: Path) -> tuple[nbformat.NotebookNode, float]:
    nb = read(path)
    started = time.perf_counter()
    NotebookClient(nb, kernel_name="python3", kernel_manager_class=_kernel_manager_class(), timeout=300,
                   shutdown_kernel="immediate", resources={"metadata": {"path": str(REPO / "course")}}).execute()
    return nb, time.perf_counter() - started


@pytest.fixture(scope="module")
def executed() -> dict[str, nbformat.NotebookNode]:
    out = {}
    for lesson in LESSONS:
        for kind, path in (("solution", REPO / "course" / "solutions" / f"{lesson}.ipynb"),
                           ("learner", REPO / "course" / f"{lesson}.ipynb")):
            nb, seconds = _execute(path)
            print(f"{kind:>8} {lesson}: {seconds:.1f} s")
            out[f"{kind}/{lesson}"] = nb
    return out


def _text(output: dict) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    return output.get("data", {}).get("text/plain", "")


def _check_outputs(nb: nbformat.NotebookNode) -> list[str]:
    return ["".join(_text(o) for o in cell.outputs) for cell in nb.cells
            if cell.cell_type == "code" and check_target(cell.source)]


@pytest.mark.parametrize("kind", ["solution", "learner"])
@pytest.mark.parametrize("lesson", LESSONS)
def test_runs_without_errors_or_warnings(executed, kind, lesson):
    nb = executed[f"{kind}/{lesson}"]
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"cell {index}: {output.ename}: {output.evalue}"
            assert not (output.output_type == "stream" and output.name == "stderr"), \
                f"cell {index} wrote to stderr: {output.text[:300]}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_check_passes_in_the_solution(executed, lesson):
    reports = _check_outputs(executed[f"solution/{lesson}"])
    assert len(reports) >= 3
    for report in reports:
        points = re.search(r"(\d+)/(\d+) points", report)
        assert report.startswith("✓") and "public checks passed" in report, report
        assert points and points.group(1) == points.group(2), report


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_check_says_not_attempted_in_the_learner_copy(executed, lesson):
    reports = _check_outputs(executed[f"learner/{lesson}"])
    assert reports and all("not attempted yet" in r for r in reports), reports


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_follows_the_skeleton(lesson):
    nb = read(REPO / "course" / "solutions" / f"{lesson}.ipynb")
    assert nb.metadata["kernelspec"] == {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                         "language": "python"}
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for part in SKELETON:
        assert part in markdown, f"{lesson} has no {part!r}"
    assert nb.cells[0].source.startswith(f"# {lesson[:2]} · ") and "**By the end" in nb.cells[0].source
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert all(len(source.splitlines()) <= 15 for source in code), "a code cell is longer than a screen"
    # After the widget, a sentence says what the learner should have seen.
    widget_cell = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "_explorer()" in c.source)
    assert nb.cells[widget_cell + 1].source.startswith("What you should have seen")


@pytest.mark.parametrize("lesson", LESSONS)
def test_exactly_one_main_widget_and_its_first_control_is_a_slider(executed, lesson):
    nb = executed[f"learner/{lesson}"]
    shown = [o for c in nb.cells for o in c.get("outputs", []) if WIDGET in o.get("data", {})]
    assert len(shown) == 1, f"{lesson} shows {len(shown)} widgets"
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    main = [model_id for model_id, m in state.items() if "dlcourse-main" in m["state"].get("_dom_classes", [])]
    assert len(main) == 1

    def first_control(model_id: str) -> str | None:
        model = state[model_id]
        if model["model_name"] in ("FloatSliderModel", "IntSliderModel", "DropdownModel", "CheckboxModel"):
            return model["model_name"]
        for child in model["state"].get("children", []):
            found = first_control(child.removeprefix("IPY_MODEL_"))
            if found:
                return found
        return None

    assert first_control(main[0]) == "FloatSliderModel"


def test_check_cells_are_tagged_in_the_learner_copies():
    for lesson in LESSONS:
        nb = read(REPO / "course" / f"{lesson}.ipynb")
        tagged = [c for c in nb.cells if c.get("metadata", {}).get("dlcourse", {}).get("role") == CHECK]
        assert tagged and len(tagged) == len(_check_outputs(nb))
