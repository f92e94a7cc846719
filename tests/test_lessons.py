"""Every lesson, read without running it: the course style's skeleton, its exercises wired up,
and a learner copy without solutions.

Running the lessons is done once each, elsewhere: nbval runs every solution notebook (where a
check that does not pass fails its cell, see the root conftest.py), and the browser suite
(tests/browser) runs every learner copy in JupyterLab, with its checks reading "not attempted
yet" and exactly one main widget that responds.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dlcourse.exercises.core import lesson_exercises
from dlcourse.exercises.notebooks import CHECK, check_target, read

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted(p.stem for p in (REPO / "course" / "solutions").glob("[0-9][0-9]_*.ipynb"))
SKELETON = ("You will learn", "Time:", "## Setup", "Try it", "## Exercise", "## Common mistakes", "## Summary", "Next:")
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def test_thirteen_lessons_each_with_a_learner_copy():
    assert [lesson[:2] for lesson in LESSONS] == [f"{n:02d}" for n in range(13)]
    assert sorted(p.stem for p in (REPO / "course").glob("[0-9][0-9]_*.ipynb")) == LESSONS


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_follows_the_skeleton(lesson):
    nb = read(REPO / "course" / "solutions" / f"{lesson}.ipynb")
    assert nb.metadata["kernelspec"] == KERNELSPEC  # without it JupyterLab asks for a kernel first
    first = nb.cells[0].source
    assert first.startswith(f"# {lesson[:2]} · ") and "**By the end" in first
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    missing = [part for part in SKELETON if part not in markdown]
    assert not missing, f"{lesson} lacks {missing}"
    assert any(c.source.startswith("What you should have seen") for c in nb.cells if c.cell_type == "markdown"), \
        "no sentence after a widget says what the learner should have seen"
    long = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and len(c.source.splitlines()) > 15]
    assert not long, f"{lesson}: code cells {long} are longer than a screen (15 lines)"


@pytest.mark.parametrize("lesson", LESSONS)
def test_each_exercise_of_the_lesson_has_one_answer_and_one_check(lesson):
    nb = read(REPO / "course" / "solutions" / f"{lesson}.ipynb")
    checked = [re.search(r'check\("([\w.]+)"', c.source).group(1) for c in nb.cells if check_target(c.source)]
    registered = [e.name for e in lesson_exercises(lesson[:2])]
    assert registered, f"lesson {lesson[:2]} defines no exercise"
    assert sorted(checked) == sorted(registered)
    headings = re.findall(r"^## Exercise (\d+)\.(\d+)", "\n".join(c.source for c in nb.cells), re.M)
    assert [int(n) for n, _ in headings] == [int(lesson[:2])] * len(headings)
    assert [int(k) for _, k in headings] == list(range(1, len(headings) + 1)), "exercises are numbered in order"


@pytest.mark.parametrize("lesson", LESSONS)
def test_learner_copy_has_no_solutions_and_tagged_checks(lesson):
    learner = read(REPO / "course" / f"{lesson}.ipynb")
    solution = read(REPO / "course" / "solutions" / f"{lesson}.ipynb")
    assert learner.metadata["kernelspec"] == KERNELSPEC
    assert "BEGIN SOLUTION" not in "\n".join(c.source for c in learner.cells)
    assert all(not c.get("outputs") for c in learner.cells if c.cell_type == "code")
    tagged = [c for c in learner.cells if c.get("metadata", {}).get("dlcourse", {}).get("role") == CHECK]
    assert len(tagged) == sum(1 for c in solution.cells if check_target(c.source))
    assert all(c.metadata.get("editable") is False for c in tagged)
