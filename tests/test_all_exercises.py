"""Every exercise of every lesson: what the exercise system promises a learner, for each one.

* the course's own answer (the reference, or for an answer that is an object, what the
  reference builds) gets full marks;
* an untouched placeholder (``None``, or the answer cell exactly as the learner copy has it)
  reads "not attempted yet", never a failure;
* there are progressive hints (at least three);
* every named misconception, given as an answer, fails and is named in the feedback.

Lesson tests (tests/test_lessonNN.py) add what is particular to each exercise: the reference
against an independent implementation (Keras, TensorFlow autodiff) and hand-written mistakes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dlcourse.exercises.checking import run_exercise
from dlcourse.exercises.core import all_exercises, get_exercise, lesson_ids
from dlcourse.exercises.notebooks import ANSWER, read

REPO = Path(__file__).resolve().parents[1]

lesson_ids()  # imports every lesson's exercise module
NAMES = [e.name for e in all_exercises()]
ANSWER_CELLS = [(path.name, cell.metadata["dlcourse"]["exercise"], cell.source)
                for path in sorted((REPO / "course").glob("[0-9][0-9]_*.ipynb")) for cell in read(path).cells
                if cell.get("metadata", {}).get("dlcourse", {}).get("role") == ANSWER]
WITH_MISCONCEPTIONS = [(e.name, m.name) for e in all_exercises() for m in e.misconceptions]


def test_every_lesson_has_exercises():
    assert sorted({name[:2] for name in NAMES}) == [f"{n:02d}" for n in range(13)]


@pytest.mark.parametrize("name", NAMES)
def test_the_course_answer_gets_full_marks(name):
    exercise = get_exercise(name)
    report = run_exercise(exercise, exercise.reference)
    if report.status != "passed" and exercise.custom is not None:
        report = run_exercise(exercise, exercise.reference())  # the reference builds the answer object
    assert report.status == "passed", str(report)
    assert report.points == report.max_points > 0


@pytest.mark.parametrize("name", NAMES)
def test_a_placeholder_is_not_attempted_and_hints_exist(name):
    exercise = get_exercise(name)
    report = run_exercise(exercise, None)
    assert report.status == "not attempted" and report.points == 0
    assert "not attempted yet" in str(report)
    assert len(exercise.hints) >= 3


def test_every_exercise_has_an_answer_cell_in_a_learner_copy():
    assert sorted(name for _, name, _ in ANSWER_CELLS) == sorted(NAMES)


@pytest.mark.parametrize("notebook,name,source", ANSWER_CELLS, ids=[name for _, name, _ in ANSWER_CELLS])
def test_the_learner_copys_unfilled_answer_cell_is_not_attempted(notebook, name, source):
    namespace: dict = {}
    exec(compile(source, f"<{notebook}: answer cell of {name}>", "exec"), namespace)  # defining never fails
    exercise = get_exercise(name)
    report = run_exercise(exercise, namespace[exercise.target])
    assert report.status == "not attempted", str(report)


@pytest.mark.parametrize("name,misconception", WITH_MISCONCEPTIONS)
def test_each_misconception_is_failed_and_named(name, misconception):
    exercise = get_exercise(name)
    mistake = next(m for m in exercise.misconceptions if m.name == misconception)
    report = run_exercise(exercise, mistake.function)
    assert report.status != "passed"
    assert misconception in {c.misconception for c in report.cases}, \
        [(c.kind, c.misconception, c.message) for c in report.cases]
