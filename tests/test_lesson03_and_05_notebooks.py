"""Lessons 03 and 05 run top to bottom: solutions pass every check with full marks, learner copies
run unfilled and read "not attempted", the skeleton is complete, and one main widget is marked.

Each notebook is executed once in a fresh kernel (module fixture); nbval runs the solutions again
for plain errors. Run times are printed, not asserted (benchmarks/lessons.py measures them).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from dlcourse.exercises.notebooks import CHECK, check_target, read

REPO = Path(__file__).resolve().parents[1]
LESSONS = ("03_forward_propagation", "05_backpropagation")
SKELETON = ("You will learn", "Time:", "## Setup", "Try it", "## Exercise", "## Common mistakes", "## Summary",
            "Next:")
MAIN_WIDGETS = {"03_forward_propagation": "forward_explorer(", "05_backpropagation": "slope_explorer("}


@pytest.fixture(scope="module")
def executed() -> dict[str, nbformat.NotebookNode]:
    out = {}
    for lesson in LESSONS:
        for kind, path in (("solution", REPO / "course" / "solutions" / f"{lesson}.ipynb"),
                           ("learner", REPO / "course" / f"{lesson}.ipynb")):
            nb = read(path)
            started = time.perf_counter()
            NotebookClient(nb, kernel_name="python3", timeout=300, store_widget_state=True,
                           resources={"metadata": {"path": str(path.parent)}}).execute()
            print(f"{kind:>8} {lesson}: {time.perf_counter() - started:.1f} s")
            out[f"{kind}/{lesson}"] = nb
    return out


def _text(output: dict) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    return output.get("data", {}).get("text/plain", "")


def _check_reports(nb: nbformat.NotebookNode) -> list[str]:
    return ["".join(_text(o) for o in cell.outputs) for cell in nb.cells
            if cell.cell_type == "code" and check_target(cell.source)]


@pytest.mark.parametrize("kind", ["solution", "learner"])
@pytest.mark.parametrize("lesson", LESSONS)
def test_runs_without_errors_or_warnings(executed, kind, lesson):
    for index, cell in enumerate(executed[f"{kind}/{lesson}"].cells):
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"cell {index}: {output.ename}: {output.evalue}"
            assert not (output.output_type == "stream" and output.name == "stderr"), \
                f"cell {index} wrote to stderr: {output.text[:300]}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_check_passes_in_the_solution_and_is_not_attempted_in_the_learner_copy(executed, lesson):
    solved = _check_reports(executed[f"solution/{lesson}"])
    assert len(solved) == 3
    for report in solved:
        points = re.search(r"(\d+)/(\d+) points", report)
        assert report.startswith("✓") and points and points.group(1) == points.group(2), report
    unfilled = _check_reports(executed[f"learner/{lesson}"])
    assert len(unfilled) == 3 and all("not attempted yet" in r for r in unfilled), unfilled


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_follows_the_skeleton(lesson):
    nb = read(REPO / "course" / "solutions" / f"{lesson}.ipynb")
    assert nb.metadata["kernelspec"] == {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                         "language": "python"}
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for part in SKELETON:
        assert part in markdown, f"{lesson} has no {part!r}"
    assert nb.cells[0].source.startswith("# ") and "**By the end" in nb.cells[0].source
    assert all(len(c.source.splitlines()) <= 15 for c in nb.cells if c.cell_type == "code")
    learner = read(REPO / "course" / f"{lesson}.ipynb")
    assert "### BEGIN SOLUTION" not in "\n".join(c.source for c in learner.cells)
    tagged = [c for c in learner.cells if c.get("metadata", {}).get("dlcourse", {}).get("role") == CHECK]
    assert len(tagged) == 3


@pytest.mark.parametrize("lesson", LESSONS)
def test_exactly_one_main_widget(executed, lesson):
    nb = executed[f"learner/{lesson}"]
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    mains = [m for m in state.values() if "dlcourse-main" in m["state"].get("_dom_classes", [])]
    assert len(mains) == 1
    calls = [c for c in nb.cells if c.cell_type == "code" and MAIN_WIDGETS[lesson] in c.source]
    assert len(calls) == 1 and "application/vnd.jupyter.widget-view+json" in calls[0].outputs[0]["data"]
    # the sentence after the widget says what the learner should have seen
    after = nb.cells[nb.cells.index(calls[0]) + 1]
    assert after.cell_type == "markdown" and after.source.startswith("What you should have seen")
