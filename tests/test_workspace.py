"""The learner's workspace: made from the shipped course, updated without losing a learner's work.

Every way a learner edits a lesson is crossed with every kind of course update; for each pair the
merged lesson must keep everything the learner wrote, take every course change the learner did not
touch, keep the order each side chose, and report a conflict exactly when both changed a cell.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from dlcourse import notebook_merge, paths, workspace
from dlcourse.notebook_merge import cell_content

ROOT = Path(__file__).resolve().parents[1]
LESSON = "01_neuron.ipynb"
NOW = dt.datetime(2026, 12, 1, 12, 0, 0)


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def write(nb: nbformat.NotebookNode, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def cell(nb, cell_id):
    return next(c for c in nb.cells if c.get("id") == cell_id)


def index(nb, cell_id):
    return [c.get("id") for c in nb.cells].index(cell_id)


def answer_ids(nb) -> list[str]:
    return [c.id for c in nb.cells if c.metadata.get("dlcourse", {}).get("role") == "answer"]


# --- what a learner does to lesson 01 -------------------------------------------------------------

def fill_answers(nb):
    for n, cell_id in enumerate(answer_ids(nb)):
        cell(nb, cell_id).source = f"def my_answer_{n}(X):\n    return X * {n}  # mine"


def edit_markdown(nb):
    cell(nb, "l01-03").source += "\n\nMy own note: the bias shifts the line."


def add_cells(nb):
    nb.cells.insert(index(nb, "l01-04") + 1, nbformat.v4.new_code_cell("scratch = 41 + 1"))
    nb.cells.append(nbformat.v4.new_markdown_cell("My summary of the lesson."))


def delete_cells(nb):
    nb.cells = [c for c in nb.cells if c.id not in ("l01-06", "l01-19")]


def move_cells(nb):
    moved = nb.cells.pop(index(nb, "l01-11"))
    nb.cells.append(moved)


def run_cells(nb):  # outputs only: not an edit
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs = [nbformat.v4.new_output("stream", text="ran\n")]
            c.execution_count = 1


EDITS = {
    "untouched": lambda nb: None,
    "ran-only": run_cells,
    "answers-filled": fill_answers,
    "markdown-edited": edit_markdown,
    "cells-added": add_cells,
    "cells-deleted": delete_cells,
    "cells-moved": move_cells,
    "everything": lambda nb: [f(nb) for f in (fill_answers, edit_markdown, add_cells, delete_cells, move_cells)],
}


# --- what a course update does to lesson 01 -------------------------------------------------------

def change_markdown(nb):
    cell(nb, "l01-05").source += "\n\n(The instructor fixed this explanation.)"


def change_code(nb):
    cell(nb, "l01-04").source = "x = np.array([1.0, 0.5])  # fixed by the course\n" + cell(nb, "l01-04").source


def change_answer_placeholder(nb):
    answer = cell(nb, answer_ids(nb)[0])
    answer.source = answer.source.replace("'''", "'''(clearer docstring) ", 1)


def change_edited_markdown(nb):
    cell(nb, "l01-03").source = "## Inputs, weights and a bias (rewritten by the course)"


def add_course_cell(nb):
    new = nbformat.v4.new_markdown_cell("A new hint from the course.")
    new.id = "l01-07b"
    nb.cells.insert(index(nb, "l01-07") + 1, new)


def remove_course_cell(nb):
    nb.cells = [c for c in nb.cells if c.id != "l01-19"]


def move_course_cell(nb):
    moved = nb.cells.pop(index(nb, "l01-33"))
    nb.cells.insert(index(nb, "l01-02") + 1, moved)


UPDATES = {
    "markdown-changed": change_markdown,
    "code-changed": change_code,
    "answer-placeholder-changed": change_answer_placeholder,
    "edited-markdown-changed": change_edited_markdown,
    "cell-added": add_course_cell,
    "cell-removed": remove_course_cell,
    "cells-moved": move_course_cell,
    "several": lambda nb: [f(nb) for f in (change_markdown, change_code, add_course_cell, remove_course_cell)],
}


@pytest.fixture
def course_v1(tmp_path) -> Path:
    folder = tmp_path / "course-v1"
    folder.mkdir()
    for name in ("00_welcome.ipynb", LESSON):
        shutil.copy(ROOT / "course" / name, folder / name)
    return folder


def course_version(tmp_path: Path, v1: Path, name: str, update) -> Path:
    folder = tmp_path / name
    shutil.copytree(v1, folder)
    nb = read(folder / LESSON)
    update(nb)
    write(nb, folder / LESSON)
    return folder


def content_by_id(nb) -> dict[str, tuple]:
    return {c.get("id"): cell_content(c) for c in nb.cells}


@pytest.mark.parametrize("update_name", sorted(UPDATES))
@pytest.mark.parametrize("edit_name", sorted(EDITS))
def test_every_edit_survives_every_update(tmp_path, course_v1, edit_name, update_name):
    ws = tmp_path / "ws"
    workspace.sync(ws, course_v1, NOW)
    base = read(course_v1 / LESSON)
    mine = read(ws / LESSON)
    EDITS[edit_name](mine)
    write(mine, ws / LESSON)
    before = (ws / LESSON).read_text()
    v2 = course_version(tmp_path, course_v1, "course-v2", UPDATES[update_name])
    new = read(v2 / LESSON)

    reports = {r.path.name: r for r in workspace.sync(ws, v2, NOW)}
    result = read(ws / LESSON)
    nbformat.validate(result)
    report = reports[LESSON]
    b, m, t, r = (content_by_id(nb) for nb in (base, mine, new, result))

    # Nothing the learner wrote is lost: every cell they changed or added is there, as they left it.
    for cell_id, content in m.items():
        if b.get(cell_id) != content:
            assert r.get(cell_id) == content, f"learner's cell {cell_id} lost or changed"
    # Every course change the learner did not touch is taken.
    for cell_id, content in t.items():
        if cell_id in m and m[cell_id] == b.get(cell_id):
            assert r.get(cell_id) == content, f"course's new version of {cell_id} not taken"
        if cell_id not in b:
            assert r.get(cell_id) == content, f"course's new cell {cell_id} missing"
    # Cells the course removed and the learner had not changed are gone; learner deletions stay deleted.
    for cell_id in b:
        if cell_id not in t and m.get(cell_id) == b[cell_id]:
            assert cell_id not in r
        if cell_id not in m:
            assert cell_id not in r
    # A conflict exactly where both sides changed a cell in different ways.
    expected = {cell_id for cell_id in b
                if m.get(cell_id) != b[cell_id] and t.get(cell_id) != b[cell_id] and m.get(cell_id) != t.get(cell_id)}
    assert {c.cell_id for c in report.conflicts} == expected
    beside = sorted(ws.glob("01_neuron.course-update-*.ipynb"))
    if expected:
        assert [report.beside] == beside
        saved = read(beside[0])
        assert saved.cells[0].id == "dlcourse-update-note" and content_by_id(saved) | {"dlcourse-update-note": None} == t | {"dlcourse-update-note": None}
        lines = "\n".join(report.lines(ws))
        assert beside[0].name in lines and all(f"cell {c.position}" in lines for c in report.conflicts if c.position)
    else:
        assert beside == []
    # Order: the course's when the learner moved nothing, the learner's when they did.
    r_ids = [c.id for c in result.cells]
    reference = mine if edit_name in ("cells-moved", "everything") else new
    kept = [i for i in [c.id for c in reference.cells] if i in r_ids]
    assert [i for i in r_ids if i in kept] == kept
    # An untouched lesson is simply replaced; an edited one is backed up before it is rewritten.
    if edit_name in ("untouched", "ran-only") and not expected:
        assert (ws / LESSON).read_text() == (v2 / LESSON).read_text() or report.action == "merged"
    if report.action == "merged":
        assert report.backup.read_text() == before
    # Running it again changes nothing.
    again = {u.path.name: u.action for u in workspace.sync(ws, v2, NOW)}
    assert again[LESSON] == "unchanged" and read(ws / LESSON) == result


def test_a_learner_fills_in_lesson_01_updates_and_still_sees_every_answer(tmp_path):
    """The issue's test: real solutions typed into the learner's lesson 01, then a course update
    that changes lesson 01 (an idea cell, a code cell, an answer's placeholder, a new cell)."""
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "course" / LESSON, course / LESSON)
    ws = tmp_path / "ws"
    workspace.sync(ws, course, NOW)
    solutions = read(ROOT / "course" / "solutions" / LESSON)
    mine = read(ws / LESSON)
    answers = {}
    for cell_id in answer_ids(mine):
        answers[cell_id] = cell(solutions, cell_id).source.replace("### BEGIN SOLUTION\n", "").replace("### END SOLUTION\n", "")
        cell(mine, cell_id).source = answers[cell_id]
    write(mine, ws / LESSON)

    new = read(course / LESSON)
    for update in (change_markdown, change_code, change_answer_placeholder, add_course_cell):
        update(new)
    write(new, course / LESSON)
    report = {u.path.name: u for u in workspace.sync(ws, course, NOW)}[LESSON]

    result = read(ws / LESSON)
    for cell_id, source in answers.items():
        assert cell(result, cell_id).source == source
    assert cell(result, "l01-05").source == cell(new, "l01-05").source
    assert cell(result, "l01-04").source == cell(new, "l01-04").source
    assert cell(result, "l01-07b").source == "A new hint from the course."
    assert report.action == "merged" and [c.cell_id for c in report.conflicts] == [answer_ids(new)[0]]
    message = "\n".join(report.lines(ws))
    assert "your version is kept" in message and "01_neuron.course-update-2026-12-01.ipynb" in message


def test_first_start_copies_every_learner_lesson_and_no_solution(tmp_path):
    ws = tmp_path / "ws"
    course = paths.shipped_course_dir()
    updates = workspace.sync(ws, course)
    shipped = sorted(p.name for p in course.glob("[0-9][0-9]_*.ipynb"))
    assert sorted(p.name for p in ws.glob("*.ipynb")) == shipped
    assert {u.action for u in updates} == {"created"}
    assert not list(ws.rglob("solutions")) and not any("BEGIN SOLUTION" in p.read_text() for p in ws.glob("*.ipynb"))
    assert sorted(p.name for p in (ws / ".dlcourse" / "base").iterdir()) == [f"{n[:2]}.ipynb" for n in shipped]


def test_a_renamed_lesson_is_updated_where_it_is_and_a_deleted_one_comes_back(tmp_path, course_v1):
    ws = tmp_path / "ws"
    workspace.sync(ws, course_v1, NOW)
    mine = read(ws / LESSON)
    fill_answers(mine)
    write(mine, ws / "my work" / "neuron-mine.ipynb")
    (ws / LESSON).unlink()
    (ws / "00_welcome.ipynb").unlink()
    v2 = course_version(tmp_path, course_v1, "v2", change_markdown)
    updates = {u.path.name: u for u in workspace.sync(ws, v2, NOW)}
    assert updates["neuron-mine.ipynb"].action == "merged" and not (ws / LESSON).exists()
    renamed = read(ws / "my work" / "neuron-mine.ipynb")
    assert cell(renamed, "l01-05").source == cell(read(v2 / LESSON), "l01-05").source
    assert [cell(renamed, i).source for i in answer_ids(renamed)] == [cell(mine, i).source for i in answer_ids(mine)]
    assert updates["00_welcome.ipynb"].action == "restored"
    assert (ws / "00_welcome.ipynb").read_text() == (v2 / "00_welcome.ipynb").read_text()


def test_a_duplicate_is_left_alone_while_the_original_exists(tmp_path, course_v1):
    ws = tmp_path / "ws"
    workspace.sync(ws, course_v1, NOW)
    shutil.copy(ws / LESSON, ws / "01_neuron-Copy1.ipynb")
    copy_text = (ws / "01_neuron-Copy1.ipynb").read_text()
    v2 = course_version(tmp_path, course_v1, "v2", change_code)
    workspace.sync(ws, v2, NOW)
    assert (ws / "01_neuron-Copy1.ipynb").read_text() == copy_text
    assert (ws / LESSON).read_text() == (v2 / LESSON).read_text()


def test_new_and_removed_lessons(tmp_path, course_v1):
    ws = tmp_path / "ws"
    workspace.sync(ws, course_v1, NOW)
    v2 = tmp_path / "v2"
    v2.mkdir()
    shutil.copy(course_v1 / "00_welcome.ipynb", v2)
    shutil.copy(ROOT / "course" / "02_activations.ipynb", v2)
    updates = {u.path.name: u.action for u in workspace.sync(ws, v2, NOW)}
    assert updates == {"00_welcome.ipynb": "unchanged", "02_activations.ipynb": "created"}
    assert (ws / LESSON).read_text() == (course_v1 / LESSON).read_text(), "a lesson the course dropped stays"


def test_without_a_base_nothing_is_merged_blindly(tmp_path, course_v1):
    ws = tmp_path / "ws"
    workspace.sync(ws, course_v1, NOW)
    mine = read(ws / LESSON)
    fill_answers(mine)
    write(mine, ws / LESSON)
    shutil.rmtree(ws / ".dlcourse")
    v2 = course_version(tmp_path, course_v1, "v2", change_code)
    update = {u.path.name: u for u in workspace.sync(ws, v2, NOW)}[LESSON]
    assert update.action == "kept" and read(ws / LESSON) == mine
    assert update.beside.exists() and "no record" in update.lines(ws)[0]


def test_an_unreadable_lesson_is_left_alone(tmp_path, course_v1):
    ws = tmp_path / "ws"
    workspace.sync(ws, course_v1, NOW)
    (ws / LESSON).write_text("{ not json")
    v2 = course_version(tmp_path, course_v1, "v2", change_code)
    update = {u.path.name: u for u in workspace.sync(ws, v2, NOW)}[LESSON]
    assert update.action == "kept" and (ws / LESSON).read_text() == "{ not json"


def test_the_workspace_cannot_be_the_course_itself(tmp_path, course_v1):
    for folder in (course_v1, course_v1.parent, course_v1 / "sub"):
        with pytest.raises(workspace.WorkspaceError, match="course's own folder"):
            workspace.sync(folder, course_v1)


def test_outputs_of_cells_the_course_did_not_change_are_kept(course_v1):
    base = read(course_v1 / LESSON)
    mine = copy.deepcopy(base)
    run_cells(mine)
    fill_answers(mine)
    new = copy.deepcopy(base)
    change_code(new)
    merged = notebook_merge.merge(base, mine, new).notebook
    assert cell(merged, "l01-06").outputs and not cell(merged, "l01-04").outputs
    assert json.dumps(merged.metadata) == json.dumps(new.metadata)
