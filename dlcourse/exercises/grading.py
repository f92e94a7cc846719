"""``dlcourse grade``: score a folder of submitted notebooks into a CSV, failing closed.

For each submission the grader

1. finds its lesson (notebook metadata, else the ``NN_`` of its file name) and the released
   learner notebook of that lesson;
2. rebuilds the notebook from the released one, taking **only the student's answer cells**
   (matched by exercise metadata, else by cell id): edited or deleted check cells, and any
   other cell the student changed, play no part;
3. scans those answer cells for tampering (:mod:`dlcourse.exercises.scan`);
4. runs it in a fresh kernel with a per-cell time limit, between a first cell that prepares
   the checks before any student code runs and a last cell that runs them
   (:mod:`dlcourse.exercises.kernel`);
5. reads the one result line carrying this run's random token.

A timeout, a dead kernel, ``sys.exit``/``os._exit``, a missing or duplicated result: the
submission scores 0, ``status`` says why, and grading goes on with the next file.
"""

from __future__ import annotations

import argparse
import copy
import csv
import json
import os
import secrets
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import nbformat

from dlcourse.exercises.kernel import RESULT_MARK
from dlcourse.exercises.notebooks import ANSWER, CHECK, exercise_cells, lesson_of, read
from dlcourse.exercises.scan import scan_source

__all__ = ["GradeRow", "grade_folder", "grade_notebook", "load_extra_tests", "main", "rebuild", "write_csv",
           "write_feedback"]

OK = "ok"
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


@dataclass
class GradeRow:
    """One submission's grade: a row of the CSV."""

    file: str
    lesson: str = ""
    scores: dict[str, float] = field(default_factory=dict)
    maximum: float = 0.0
    status: str = OK
    flags: list[str] = field(default_factory=list)
    messages: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total(self) -> float:
        """Sum of the exercise scores."""
        return float(sum(self.scores.values()))


def load_extra_tests(folder: str | Path | None) -> None:
    """Run the instructor's extra test files (``*.py`` calling ``extend``) in this process too."""
    if not folder:
        return
    import runpy  # noqa: PLC0415

    for path in sorted(Path(folder).glob("*.py")):
        runpy.run_path(str(path), run_name=f"dlcourse_extra_{path.stem}")


def _code_cell(source: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.id = "dlcourse-grader-" + secrets.token_hex(4)
    return cell


def rebuild(released: nbformat.NotebookNode, student: nbformat.NotebookNode, token: str,
            extra_tests: str | None = None) -> tuple[nbformat.NotebookNode, dict[str, str], list[str]]:
    """The notebook to run: released cells plus the student's answer cells, between grader cells.

    Returns ``(notebook, {exercise: student source}, flags)``.
    """
    by_exercise: dict[str, list[Any]] = {}
    for _, name, cell in exercise_cells(student, ANSWER):
        by_exercise.setdefault(name, []).append(cell)
    by_id = {cell.get("id"): cell for cell in student.cells if cell.get("id")}
    nb = copy.deepcopy(released)
    flags: list[str] = []
    sources: dict[str, str] = {}
    cells = []
    names: list[str] = []
    for cell in nb.cells:
        role = None
        meta = cell.get("metadata", {}).get("dlcourse", {})
        if meta.get("role") in (ANSWER, CHECK):
            role = meta["role"]
        if role == CHECK:
            continue  # the grader runs every check itself, at the end
        if role == ANSWER:
            name = meta["exercise"]
            names.append(name)
            candidates = by_exercise.get(name) or ([by_id[cell.id]] if cell.get("id") in by_id
                                                   and by_id[cell.id].cell_type == "code" else [])
            if not candidates:
                flags.append(f"{name}: answer cell missing")
            else:
                if len(candidates) > 1:
                    flags.append(f"{name}: {len(candidates)} answer cells; the first was used")
                cell.source = candidates[0].source
                sources[name] = cell.source
        cells.append(cell)
    setup = (f"import dlcourse.exercises.kernel as _dlcourse_grader\n"
             f"_dlcourse_grader.begin({names!r}, extra_tests={extra_tests!r})\n"
             f"del _dlcourse_grader")
    final = (f"import dlcourse.exercises.kernel as _dlcourse_grader\n"
             f"_dlcourse_grader.finish({token!r})")
    nb.cells = [_code_cell(setup), *cells, _code_cell(final)]
    return nb, sources, flags


def _kernel_manager_class() -> type:
    """An async kernel manager whose ``python3`` is this interpreter (like nbval's current-env).

    It must be the async manager: with a blocking client, nbclient waits on the kernel's output
    without ever reaching its own timeout, and an endless loop would hang the grader.
    """
    import ipykernel.kernelspec  # noqa: PLC0415
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager  # noqa: PLC0415
    from jupyter_client.manager import AsyncKernelManager  # noqa: PLC0415
    from traitlets import default  # noqa: PLC0415

    class CurrentPythonSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:  # noqa: D102
            return KernelSpec(resource_dir=ipykernel.kernelspec.RESOURCES, **ipykernel.kernelspec.get_kernel_dict())

    class CurrentPythonKernelManager(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _default_specs(self) -> KernelSpecManager:
            return CurrentPythonSpecs()

    return CurrentPythonKernelManager


def _cell_label(nb: nbformat.NotebookNode, index: int | None) -> str:
    if index is None or not 0 <= index < len(nb.cells):
        return "a cell"
    cell = nb.cells[index]
    meta = cell.get("metadata", {}).get("dlcourse", {})
    if meta.get("role") == ANSWER:
        return f"the answer cell of {meta['exercise']}"
    if str(cell.get("id", "")).startswith("dlcourse-grader-"):
        return "the grader's cell"
    return f"lesson cell {index}"


def _run(nb: nbformat.NotebookNode, cell_timeout: float, final_timeout: float, workdir: str,
         env: dict[str, str]) -> tuple[str, int | None]:
    """Execute ``nb`` in place; returns ``(status, index of the failing cell or None)``."""
    from nbclient import NotebookClient  # noqa: PLC0415
    from nbclient.exceptions import CellTimeoutError, DeadKernelError  # noqa: PLC0415

    current: dict[str, int] = {"index": -1}
    last = len(nb.cells) - 1

    def timeout_for(cell: Any) -> int:
        current["index"] = nb.cells.index(cell)
        return int(final_timeout if current["index"] in (0, last) else cell_timeout)

    client = NotebookClient(nb, kernel_name="python3", kernel_manager_class=_kernel_manager_class(),
                            timeout_func=timeout_for, allow_errors=True, interrupt_on_timeout=False,
                            record_timing=False, startup_timeout=60, shutdown_kernel="immediate",
                            resources={"metadata": {"path": workdir}})
    try:
        client.execute(env=env)  # nbclient owns the kernel and shuts it down, also after an error
    except CellTimeoutError:
        return "timeout", current["index"]
    except DeadKernelError:
        return "kernel died", current["index"]
    except Exception as exc:  # noqa: BLE001 - any failure to run is a row, never a crash
        return f"error: {type(exc).__name__}: {str(exc)[:200]}", current["index"]
    return OK, None


def _result(nb: nbformat.NotebookNode, token: str) -> tuple[dict[str, Any] | None, str]:
    """The parsed result line, or None and the reason."""
    found: list[str] = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            texts = [output.get("text", "")] if output.get("output_type") == "stream" else [
                str(v) for v in output.get("data", {}).values()] + [str(output.get("evalue", ""))]
            for text in texts:
                if token not in text:
                    continue
                if index != len(nb.cells) - 1 or output.get("name") != "stdout":
                    return None, "tampered: the result token appeared outside the grader's output"
                found += [line for line in text.splitlines() if token in line]
    if not found:
        return None, "no result: the grader's cell printed nothing"
    if len(found) > 1:
        return None, f"tampered: {len(found)} result lines"
    line = found[0].strip()
    prefix = f"{RESULT_MARK} {token} "
    if not line.startswith(prefix):
        return None, "tampered: malformed result line"
    try:
        data = json.loads(line[len(prefix):])
    except ValueError:
        return None, "no result: the result line is not valid JSON"
    if not isinstance(data, dict) or not isinstance(data.get("exercises"), dict):
        return None, "no result: the result has no exercises"
    return data, OK


def _errors(nb: nbformat.NotebookNode) -> list[tuple[int, str, str]]:
    out = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                out.append((index, output.get("ename", ""), output.get("evalue", "")))
    return out


def grade_notebook(path: str | Path, released: dict[str, nbformat.NotebookNode], cell_timeout: float = 60.0,
                   extra_tests: str | None = None, root: Path | None = None) -> GradeRow:
    """Grade one submitted notebook against the released notebooks (``{lesson id: notebook}``)."""
    from dlcourse.exercises.core import get_exercise  # noqa: PLC0415

    started = time.perf_counter()
    path = Path(path)
    row = GradeRow(str(path.relative_to(root)) if root else str(path))
    try:
        student = read(path)
    except Exception as exc:  # noqa: BLE001 - an unreadable file is a row
        row.status = f"error: cannot read the notebook ({type(exc).__name__})"
        return row
    lesson = lesson_of(path, student)
    if lesson not in released:
        lesson = lesson_of(path)  # the file name, if the metadata was edited
    if lesson not in released:
        row.status = "error: unknown lesson (expected NN_topic.ipynb of a released lesson)"
        return row
    row.lesson = lesson
    token = secrets.token_hex(16)
    nb, sources, flags = rebuild(released[lesson], student, token, extra_tests)
    names = [get_exercise(x) for x in released[lesson].metadata.get("dlcourse", {}).get("exercises", [])]
    row.scores = {e.name: 0.0 for e in names}
    row.maximum = float(sum(e.max_points for e in names))
    row.flags = flags + [f"{name}: {flag}" for name, source in sources.items() for flag in scan_source(source)]
    final_timeout = 30 + sum(e.time_limit * 2 for e in names)
    with tempfile.TemporaryDirectory(prefix="dlcourse-grade-") as workdir:
        env = {**os.environ, "DLCOURSE_HOME": str(Path(workdir) / "home"), "MPLBACKEND": "agg",
               "PYDEVD_DISABLE_FILE_VALIDATION": "1",
               # the kernel must import the same dlcourse (and checker) as this process
               "PYTHONPATH": os.pathsep.join([_PACKAGE_ROOT, *filter(None, [os.environ.get("PYTHONPATH")])])}
        status, index = _run(nb, cell_timeout, final_timeout, workdir, env)
    row.seconds = time.perf_counter() - started
    errors = _errors(nb)
    exits = [(i, n) for i, n, _ in errors if n == "SystemExit"]
    if status != OK:
        limit = final_timeout if index in (0, len(nb.cells) - 1) else cell_timeout
        detail = f"{_cell_label(nb, index)} ran over {limit:g} s" if status == "timeout" else _cell_label(nb, index)
        row.status = f"{status} ({detail})" if not status.startswith("error") else status
        return row
    if exits:
        row.status = f"exited (sys.exit in {_cell_label(nb, exits[0][0])})"
        return row
    for index, name, value in errors:
        label = _cell_label(nb, index)
        if label.startswith("the answer cell"):
            row.flags.append(f"{label[len('the answer cell of '):]}: the answer cell raised {name}: {value[:80]}")
        elif label != "the grader's cell":
            row.flags.append(f"{label} raised {name}: {value[:80]}")
    data, reason = _result(nb, token)
    if data is None:
        row.status = reason
        return row
    for exercise in names:
        entry = data["exercises"].get(exercise.name, {})
        points = entry.get("points", 0.0) if isinstance(entry, dict) else 0.0
        if not isinstance(points, (int, float)) or points != points:
            points = 0.0
        row.scores[exercise.name] = float(min(max(points, 0.0), exercise.max_points))
        row.messages[exercise.name] = [str(m) for m in entry.get("messages", [])][:3] if isinstance(entry, dict) else []
    row.flags += [str(f) for f in data.get("flags", [])]
    return row


def released_notebooks(course: Path) -> dict[str, nbformat.NotebookNode]:
    """The released learner notebooks of ``course``, by lesson id."""
    out = {}
    for path in sorted(course.glob("[0-9][0-9]_*.ipynb")):
        nb = read(path)
        lesson = lesson_of(path, nb)
        if lesson and nb.metadata.get("dlcourse", {}).get("exercises"):
            out[lesson] = nb
    return out


def submissions(folder: Path) -> list[Path]:
    """Every ``.ipynb`` under ``folder`` (checkpoints excluded), in a stable order."""
    return sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def grade_folder(folder: str | Path, course: str | Path | None = None, cell_timeout: float = 60.0,
                 extra_tests: str | None = None, jobs: int = 1,
                 progress: Any = None) -> list[GradeRow]:
    """Grade every notebook under ``folder``; returns one row per file, in file order."""
    from dlcourse import paths  # noqa: PLC0415

    folder = Path(folder)
    course_path = Path(course) if course else paths.course_dir()
    if course_path is None or not course_path.is_dir():
        raise FileNotFoundError("cannot find the released notebooks; pass --course DIR")
    load_extra_tests(extra_tests)
    released = released_notebooks(course_path)
    files = submissions(folder)
    extra = str(Path(extra_tests).resolve()) if extra_tests else None

    def one(path: Path) -> GradeRow:
        row = grade_notebook(path, released, cell_timeout, extra, root=folder)
        if progress is not None:
            print(f"{row.file}: {row.total:g}/{row.maximum:g} {row.status} ({row.seconds:.1f} s)", file=progress)
        return row

    if jobs <= 1:
        return [one(p) for p in files]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, files))


def write_csv(rows: Iterable[GradeRow], out: str | Path) -> None:
    """Write the grades: file, lesson, one column per exercise, total, max, status, flags."""
    from dlcourse.exercises.core import lesson_exercises  # noqa: PLC0415

    rows = list(rows)
    names = {n for r in rows for n in r.scores}
    order = {e.name: i for lesson in {n[:2] for n in names} for i, e in enumerate(lesson_exercises(lesson))}
    columns = sorted(names, key=lambda n: (n[:2], order.get(n, len(order)), n))
    with open(out, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["file", "lesson", *columns, "total", "max", "status", "flags"])
        for row in rows:
            scores = [f"{row.scores[n]:g}" if n in row.scores else "" for n in columns]
            writer.writerow([row.file, row.lesson, *scores, f"{row.total:g}", f"{row.maximum:g}", row.status,
                             "; ".join(row.flags)])


def write_feedback(rows: Iterable[GradeRow], folder: str | Path) -> None:
    """One text file per submission (``<file>.txt``) with its scores, status, flags and first problems."""
    folder = Path(folder)
    for row in rows:
        target = folder / (row.file.replace("/", "__").replace("\\", "__") + ".txt")
        target.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"{row.file}: {row.total:g}/{row.maximum:g} points, status: {row.status}"]
        for name, score in row.scores.items():
            lines.append(f"  {name}: {score:g}")
            lines += [f"    - {message}" for message in row.messages.get(name, [])]
        lines += [f"  flag: {flag}" for flag in row.flags]
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(args: argparse.Namespace) -> int:
    """Run ``dlcourse grade``; returns the exit status."""
    folder = Path(args.submissions)
    if not folder.is_dir():
        print(f"dlcourse grade: {folder} is not a folder", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        rows = grade_folder(folder, args.course, args.timeout, args.extra_tests, args.jobs, progress=sys.stdout)
    except FileNotFoundError as exc:
        print(f"dlcourse grade: {exc}", file=sys.stderr)
        return 2
    write_csv(rows, args.out)
    if getattr(args, "feedback", None):
        write_feedback(rows, args.feedback)
    bad = sum(r.status != OK for r in rows)
    print(f"Graded {len(rows)} notebooks in {time.perf_counter() - started:.0f} s -> {args.out}"
          + (f" ({bad} with a status other than ok)" if bad else ""))
    return 0
