"""``dlcourse grade``: score a folder of submitted notebooks into a CSV, each in a sandbox.

For each submission the grader

1. reads it and finds its lesson (the ``NN_`` of its file name; the notebook's metadata only
   when the name has none, and a disagreement is flagged);
2. rebuilds the notebook from the released one, taking **only the student's answer cells**
   (matched by exercise metadata, else by cell id): edited or deleted check cells, and any
   other cell the student changed, play no part; scans those cells (:mod:`~dlcourse.exercises.scan`);
3. runs it in a bubblewrap sandbox (:mod:`~dlcourse.exercises.sandbox`) that sees only that
   notebook, where :mod:`dlcourse.exercises.kernel` runs the cells and **collects** the answers'
   outputs on the check inputs as plain data;
4. reads that data in this process as hostile input (size caps, strict parsing) and **judges**
   it here, with :func:`~dlcourse.exercises.checking.judge`: nothing the submission does to its
   own interpreter can change its score.

Anything that goes wrong with one file (unreadable, odd cells, a sandbox that would not start)
is that row's ``status``; grading goes on with the next file.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import queue
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import nbformat

from dlcourse.exercises.display import bound_names, display_helpers, without_displays
from dlcourse.exercises.notebooks import ANSWER, CHECK, cell_role, lesson_of, read
from dlcourse.exercises.scan import scan_source

__all__ = ["GradeRow", "Rebuilt", "check_outputs", "default_jobs", "grade_folder", "grade_notebook",
           "load_extra_tests", "main", "rebuild", "write_csv", "write_feedback"]

OK = "ok"
NO_SANDBOX = "ok (no sandbox)"
_MAX_COLLECTED = 64 * 1024 * 1024  # bytes of one exercise's collected data
_MAX_RECORD = 2 * 1024 * 1024  # bytes of the run record and of an origin record
_KERNEL_START = 300.0  # seconds a kernel may take to become ready (minutes on a machine at load 25)
_CELL_STATUSES = {"ok", "error", "timeout", "stuck", "died", "not run"}
_SPREADSHEET_FORMULA = ("=", "+", "-", "@", "\t", "\r")


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

    @property
    def graded(self) -> bool:
        """Whether the submission was graded (its status is ``ok``, with or without a sandbox)."""
        return self.status in (OK, NO_SANDBOX)


def load_extra_tests(folder: str | Path | None) -> None:
    """Run the instructor's extra test files (``*.py`` calling ``extend``) in this process only."""
    if not folder:
        return
    import runpy  # noqa: PLC0415

    for path in sorted(Path(folder).glob("*.py")):
        runpy.run_path(str(path), run_name=f"dlcourse_extra_{path.stem}")


@dataclass
class Rebuilt:
    """The cells to run for one submission, and how to name them in the learner's terms."""

    cells: list[str]
    labels: list[str]  #: per cell: "the answer cell of 01.x (cell 7)", "cell 12"
    answer_cell: dict[str, int]  #: exercise -> index into ``cells``
    sources: dict[str, str]  #: exercise -> the student's source
    flags: list[str]


def _text(value: Any) -> str | None:
    """A cell's source as text (nbformat allows a list of lines), or None when it is neither."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return "".join(value)
    return None


def rebuild(released: nbformat.NotebookNode, student: nbformat.NotebookNode, displays: bool = False) -> Rebuilt:
    """The released lesson's cells with the student's answer cells put in, check cells left out.

    The released cells' display statements (figures, widgets, hints: :mod:`~dlcourse.exercises.display`)
    are left out too, unless ``displays``; every cell keeps its place. Cell numbers in labels count
    from 1, as the learner sees their own notebook.
    """
    student_cells = student.get("cells") if isinstance(student.get("cells"), list) else []
    by_exercise: dict[str, list[tuple[int, Any]]] = {}
    by_id: dict[str, tuple[int, Any]] = {}
    for number, cell in enumerate(student_cells, start=1):
        if not isinstance(cell, dict):
            continue
        role = cell_role(cell)
        if role and role[0] == ANSWER:
            by_exercise.setdefault(role[1], []).append((number, cell))
        if isinstance(cell.get("id"), str):
            by_id.setdefault(cell["id"], (number, cell))
    out = Rebuilt([], [], {}, {}, [])
    for released_number, cell in enumerate(released.cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        role = cell_role(cell)
        same = by_id.get(cell.get("id", ""))
        where = f"cell {same[0]}" if same else f"cell {released_number} of the released lesson"
        if role and role[0] == CHECK:
            continue  # the grader collects every answer itself, at the end
        if role and role[0] == ANSWER:
            name = role[1]
            candidates = by_exercise.get(name) or ([same] if same and same[1].get("cell_type") == "code" else [])
            source = ""
            if not candidates:
                out.flags.append(f"{name}: answer cell missing")
                label = f"the answer cell of {name} (missing)"
            else:
                if len(candidates) > 1:
                    out.flags.append(f"{name}: {len(candidates)} answer cells; the first (cell {candidates[0][0]}) "
                                     "was used")
                number, chosen = candidates[0]
                label = f"the answer cell of {name} (cell {number})"
                text = _text(chosen.get("source"))
                if text is None:
                    out.flags.append(f"{name}: the answer cell's source is not text; it was left out")
                else:
                    source = text
                    out.sources[name] = text
            out.answer_cell[name] = len(out.cells)
            out.cells.append(source)
            out.labels.append(label)
            continue
        out.cells.append(_text(cell.get("source")) or "")
        out.labels.append(where)
    if not displays:
        answers = set(out.answer_cell.values())
        ours = [source for index, source in enumerate(out.cells) if index not in answers]
        helpers = display_helpers(ours) - bound_names(out.sources.values())  # a learner's rebinding runs
        out.cells = [source if index in answers else without_displays(source, helpers)
                     for index, source in enumerate(out.cells)]
    return out


def _lesson(path: Path, student: Any, released: dict[str, Any]) -> tuple[str | None, list[str]]:
    """The submission's lesson: its file name's, else its metadata's; a disagreement is flagged."""
    from_name = lesson_of(path)
    try:
        from_meta = lesson_of("", student)
    except Exception:  # noqa: BLE001 - odd metadata is the submission's problem, not the grader's
        from_meta = None
    flags = []
    if from_name and from_meta and from_name != from_meta:
        flags.append(f"the notebook's metadata says lesson {from_meta}, its file name lesson {from_name}: "
                     f"graded as lesson {from_name}")
    lesson = from_name or from_meta
    return (lesson if lesson in released else None), flags


def _read_capped(path: Path, limit: int) -> bytes | None:
    """The file's bytes, or None when it is missing, not a regular file, or larger than ``limit``."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > limit:
            return None
        with open(path, "rb") as stream:
            data = stream.read(limit + 1)
    except OSError:
        return None
    return data if len(data) <= limit else None


def _run_record(data: bytes | None, cells: int) -> dict[str, Any] | None:
    """The runner's record, strictly checked; None when it is missing or malformed."""
    if data is None:
        return None
    try:
        record = json.loads(data)
    except ValueError:
        return None
    if not isinstance(record, dict) or not isinstance(record.get("cells"), list) \
            or len(record["cells"]) != cells or not isinstance(record.get("collect"), dict):
        return None
    for cell in record["cells"]:
        if not isinstance(cell, dict) or cell.get("status") not in _CELL_STATUSES \
                or not isinstance(cell.get("error", ""), str) \
                or not all(type(cell.get(key, 0)) is int for key in ("count", "kernel")):
            return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in record["collect"].items()):
        return None
    if not isinstance(record.get("problem", ""), str):
        return None
    return record


def _write_extra_inputs(exercises: list[Any], folder: Path) -> None:
    """The extra tests' inputs (never their code or expected answers), for the sandbox to run."""
    from dlcourse.exercises import plain  # noqa: PLC0415

    for exercise in exercises:
        extra = [[list(c.args), dict(c.kwargs)] for c in exercise.cases if c.extra]
        if extra:
            folder.mkdir(exist_ok=True)
            (folder / f"{exercise.name}.data").write_bytes(plain.dumps(extra))


def _origin(folder: Path, name: str) -> list[str]:
    """Flags from the in-sandbox record of where the answer object came from."""
    data = _read_capped(folder / f"{name}.origin.json", _MAX_RECORD)
    if data is None:
        return []
    try:
        flags = json.loads(data).get("flags", [])
        return [str(f)[:300] for f in flags][:5]
    except (ValueError, TypeError, AttributeError):
        return ["tampered: the origin record is malformed"]


def _events(folder: Path, cells: dict[tuple[int, int], str]) -> list[str]:
    """What the answer cells, and the answers while being checked, reached for (files, processes).

    ``cells`` maps (kernel, execution count) to a cell's label; other counts are the collection.
    """
    data = _read_capped(folder / "events.jsonl", _MAX_RECORD)
    if data is None:
        return []
    out: list[str] = []
    try:
        for line in data.decode("utf-8").splitlines()[:1000]:
            kernel, count, event, detail = json.loads(line)
            if not isinstance(kernel, int) or not isinstance(count, int):
                raise ValueError("not a count")
            where = cells.get((kernel, count), "the answers, while being checked,")
            if not where.startswith(("the answer", "the answers")):
                continue  # the lesson's own cells may open files and start processes
            text = f"{where} {'opened ' + str(detail)[:120] if event == 'open' else str(detail)[:60]} ({str(event)[:40]})"
            if text not in out:
                out.append(text)
    except (ValueError, TypeError, UnicodeDecodeError):
        return out + ["tampered: the event record is malformed"]
    return out[:20]


def grade_notebook(path: str | Path, released: dict[str, nbformat.NotebookNode], cell_timeout: float = 60.0,
                   root: Path | None = None, isolated: bool = True, uid: int = 100_000,
                   limits: Any = None, package: Path | None = None, displays: bool = False) -> GradeRow:
    """Grade one submitted notebook against the released notebooks (``{lesson id: notebook}``).

    ``package``: the copy of the package the sandbox sees (:func:`~dlcourse.exercises.sandbox.prepare_package`;
    default: the package itself). ``displays``: also run the lesson's figures and widgets (see
    :func:`rebuild`; grades are the same without). Never raises: whatever goes wrong with this file
    is the row's ``status``.
    """
    started = time.perf_counter()
    path = Path(path)
    row = GradeRow(str(path.relative_to(root)) if root else str(path))
    try:
        _grade(path, released, cell_timeout, row, isolated, uid, limits, package, displays)
    except Exception as exc:  # noqa: BLE001 - one bad file is a row, never a crash
        row.status = f"error: {type(exc).__name__}: {str(exc)[:200]}"
        row.scores = {name: 0.0 for name in row.scores}
    if not isolated and row.status == OK:
        row.status = NO_SANDBOX
    row.seconds = time.perf_counter() - started
    return row


def _grade(path: Path, released: dict[str, nbformat.NotebookNode], cell_timeout: float, row: GradeRow,
           isolated: bool, uid: int, limits: Any, package: Path | None = None,
           displays: bool = False) -> None:  # noqa: PLR0913
    from dlcourse import paths  # noqa: PLC0415
    from dlcourse.exercises import sandbox  # noqa: PLC0415
    from dlcourse.exercises.core import get_exercise  # noqa: PLC0415

    try:
        student = read(path)
    except Exception as exc:  # noqa: BLE001 - an unreadable file is a row
        row.status = f"error: cannot read the notebook ({type(exc).__name__})"
        return
    lesson, flags = _lesson(path, student, released)
    row.flags += flags
    if lesson is None:
        row.status = "error: unknown lesson (expected NN_topic.ipynb of a released lesson)"
        return
    row.lesson = lesson
    exercises = [get_exercise(x) for x in released[lesson].metadata.get("dlcourse", {}).get("exercises", [])]
    row.scores = {e.name: 0.0 for e in exercises}
    row.maximum = float(sum(e.max_points for e in exercises))
    nb = rebuild(released[lesson], student, displays)
    row.flags += nb.flags
    for name, source in nb.sources.items():
        cell = nb.labels[nb.answer_cell[name]].split("(")[-1].rstrip(")")
        row.flags += [f"{name}: {flag.replace('(line', f'({cell}, line')}" for flag in scan_source(source)]
    collect_seconds = {e.name: 20.0 + e.time_limit * max(1, len(e.cases)) for e in exercises}
    job = {"cells": nb.cells, "cell_timeout": cell_timeout, "kernel_start_seconds": _KERNEL_START,
           "exercises": [{"name": e.name, "seconds": collect_seconds[e.name]} for e in exercises]}
    wall = 120.0 + 2 * _KERNEL_START + 2 * cell_timeout * min(len(nb.cells), 10) + 2 * sum(collect_seconds.values())
    limits = limits or sandbox.Limits(wall_seconds=wall, uid=uid)
    limits.uid = uid
    with tempfile.TemporaryDirectory(prefix="dlcourse-grade-") as temporary:
        private = Path(temporary) / "sandbox"
        private.mkdir()
        (private / "job.json").write_text(json.dumps(job), encoding="utf-8")
        _copy_font_cache(private / "home" / ".cache" / "matplotlib")
        _write_extra_inputs(exercises, private / "extra")
        result = sandbox.run(private, [sys.executable, "-m", "dlcourse.exercises.kernel"], limits,
                             data=paths.data_override() or paths.dataset_cache(), isolated=isolated, package=package)
        out = private / "out"
        record = _run_record(_read_capped(out / "run.json", _MAX_RECORD), len(nb.cells))
        if record is None:
            reason = (f"the sandbox ran over {limits.wall_seconds:g} s" if result.timed_out else
                      f"the run ended without its record (exit status {result.returncode}"
                      + (f": {result.stderr.strip().splitlines()[-1][:200]}" if result.stderr.strip() else "") + ")")
            row.status = f"error: {reason}"
            return
        if record.get("problem"):  # the runner could not finish (e.g. no kernel started): not graded
            row.status = f"error: the grading run stopped early: {record['problem'][:200]}"
            return
        _score(row, exercises, nb, record, out, cell_timeout)


def _copy_font_cache(target: Path) -> None:
    """Give the sandbox matplotlib's font list, so that its fresh home does not rebuild it (seconds)."""
    source = Path(os.environ.get("MPLCONFIGDIR") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
                  / "matplotlib")
    for path in source.glob("fontlist-v*.json"):
        if path.is_file() and path.stat().st_size < _MAX_RECORD * 4:
            target.mkdir(parents=True, exist_ok=True)
            (target / path.name).write_bytes(path.read_bytes())


def _score(row: GradeRow, exercises: list[Any], nb: Rebuilt, record: dict[str, Any], out: Path,
           cell_timeout: float) -> None:
    """Judge each exercise's collected data here, outside the sandbox."""
    from dlcourse.exercises.checking import judge  # noqa: PLC0415
    from dlcourse.exercises.collected import Collected  # noqa: PLC0415

    counts: dict[tuple[int, int], str] = {}
    lost: dict[int, str] = {}
    for index, cell in enumerate(record["cells"]):
        label = nb.labels[index]
        if cell["count"]:
            counts[(cell.get("kernel", 0), cell["count"])] = label
        if cell["status"] == "error":
            row.flags.append(f"{label} raised {cell['error'][:100]}")
        elif cell["status"] == "timeout":
            lost[index] = f"ran over {cell_timeout:g} s and was interrupted"
        elif cell["status"] == "stuck":
            lost[index] = f"ran over {cell_timeout:g} s and ignored the interrupt; its kernel was restarted without it"
        elif cell["status"] == "died":
            lost[index] = "ended its kernel (os._exit, a crash or out of memory); the rest ran without it"
        elif cell["status"] == "not run":
            lost[index] = "was not run (the kernel was restarted too often)"
        if index in lost:
            row.flags.append(f"{label} {lost[index]}")
    for exercise in exercises:
        name = exercise.name
        index = nb.answer_cell.get(name)
        if index in lost:
            row.messages[name] = [f"your answer cell {lost[index]}"]
            continue
        state = record["collect"].get(name, "not run")
        if state != "ok":
            row.messages[name] = [f"checking did not finish ({state[:120]})"]
            if state in ("stuck", "died", "timeout"):
                row.flags.append(f"{name}: checking the answer {'ran too long' if state != 'died' else 'ended the kernel'}")
            continue
        data = _read_capped(out / f"{name}.collected", _MAX_COLLECTED)
        try:
            collected = Collected.from_bytes(data) if data is not None else None
        except Exception:  # noqa: BLE001 - hostile data: whatever is wrong with it scores 0
            collected = None
        if collected is None or collected.exercise != name:
            row.messages[name] = ["the collected answers were missing or malformed"]
            row.flags.append(f"{name}: tampered: the collected answers were missing or malformed")
            continue
        report = judge(exercise, collected)
        points = float(report.points)
        row.scores[name] = min(max(points, 0.0), exercise.max_points) if points == points else 0.0
        messages = [f"{c.label}: {c.message}" for c in report.cases if not c.passed][:3]
        row.messages[name] = ["not attempted"] if report.status == "not attempted" else messages
        if any(c.kind == "exit" for c in report.cases):
            row.flags.append(f"{name}: the answer called sys.exit() while being checked")
        row.flags += [f"{name}: {flag}" for flag in _origin(out, name)]
    row.flags += _events(out, counts)


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


def default_jobs() -> int:
    """Notebooks graded at once by default: the CPUs this process can use (its affinity and its
    cgroup quota, :func:`dlcourse.cpus.usable_cpus`)."""
    from dlcourse.cpus import usable_cpus  # noqa: PLC0415

    return usable_cpus()


def sandbox_uids(jobs: int) -> range:
    """The unprivileged users this grader's sandboxes run as: one per job, and none shared with
    another grader running at the same time (so each sandbox's process limit is its own)."""
    base = 100_000 + (os.getpid() % 10_000) * 64
    return range(base, base + min(jobs, 64))


def grade_folder(folder: str | Path, course: str | Path | None = None, cell_timeout: float = 60.0,
                 extra_tests: str | None = None, jobs: int | None = None, progress: Any = None,
                 isolated: bool = True, displays: bool = False) -> list[GradeRow]:
    """Grade every notebook under ``folder``; returns one row per file, in file order.

    ``jobs`` notebooks are graded at once (default: :func:`default_jobs`), each in its own sandbox
    with its own unprivileged user. Extra tests are loaded in this process only: the sandbox
    receives their inputs, never their files. ``displays``: see :func:`grade_notebook`.
    """
    from dlcourse import paths  # noqa: PLC0415

    folder = Path(folder)
    course_path = Path(course) if course else paths.course_dir()
    if course_path is None or not course_path.is_dir():
        raise FileNotFoundError("cannot find the released notebooks; pass --course DIR")
    load_extra_tests(extra_tests)
    released = released_notebooks(course_path)
    files = submissions(folder)
    jobs = max(1, jobs or default_jobs())
    slots: queue.Queue[int] = queue.Queue()
    for uid in sandbox_uids(jobs):
        slots.put(uid)

    with tempfile.TemporaryDirectory(prefix="dlcourse-grade-package-") as prepared:
        from dlcourse.exercises.sandbox import prepare_package  # noqa: PLC0415

        package = prepare_package(prepared) if isolated and files else None  # bytecode compiled once, not per kernel

        def one(path: Path) -> GradeRow:
            uid = slots.get()
            try:
                row = grade_notebook(path, released, cell_timeout, root=folder, isolated=isolated, uid=uid,
                                     package=package, displays=displays)
            finally:
                slots.put(uid)
            if progress is not None:
                print(f"{row.file}: {row.total:g}/{row.maximum:g} {row.status} ({row.seconds:.1f} s)", file=progress,
                      flush=True)
            return row

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(one, files))


def _cell(value: str) -> str:
    """A CSV value a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(_SPREADSHEET_FORMULA) else value


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
            writer.writerow([_cell(row.file), _cell(row.lesson), *scores, f"{row.total:g}", f"{row.maximum:g}",
                             _cell(row.status), _cell("; ".join(row.flags))])


def feedback_path(folder: str | Path, row: GradeRow) -> Path:
    """Where a row's feedback goes: the submission's own relative path, plus ``.txt`` (never shared)."""
    return Path(folder).joinpath(*Path(row.file).parts[:-1], Path(row.file).name + ".txt")


def write_feedback(rows: Iterable[GradeRow], folder: str | Path) -> None:
    """One text file per submission, mirroring the submissions' folders, with its scores and first problems."""
    for row in rows:
        target = feedback_path(folder, row)
        target.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"{row.file}: {row.total:g}/{row.maximum:g} points, status: {row.status}"]
        for name, score in row.scores.items():
            lines.append(f"  {name}: {score:g}")
            lines += [f"    - {message}" for message in row.messages.get(name, [])]
        lines += [f"  flag: {flag}" for flag in row.flags]
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def check_outputs(out: Path, feedback: Path | None, folder: Path, flag: str = "--out") -> str | None:
    """Why the CSV (the file of option ``flag``) or the feedback folder could not be written,
    before any grading; None if fine."""
    if out.is_dir():
        return f"{flag} {out} is a folder; name a file"
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        return f"{flag} {out}: the folder {parent} does not exist"
    if not os.access(parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        return f"{flag} {out}: cannot write there (permission denied)"
    if feedback is not None:
        if feedback.exists() and not feedback.is_dir():
            return f"--feedback {feedback} is a file; name a folder"
        existing = next((p for p in [feedback, *feedback.parents] if p.exists()), Path("."))
        if not os.access(existing, os.W_OK):
            return f"--feedback {feedback}: cannot write in {existing} (permission denied)"
        try:
            feedback.resolve().relative_to(folder.resolve())
            return f"--feedback {feedback} is inside the submissions folder; put it elsewhere"
        except ValueError:
            pass
    return None


def main(args: argparse.Namespace) -> int:
    """Run ``dlcourse grade``; returns the exit status (1 when any submission could not be graded)."""
    from dlcourse.exercises.sandbox import bwrap_problem  # noqa: PLC0415

    folder = Path(args.submissions)
    if not folder.is_dir():
        print(f"dlcourse grade: {folder} is not a folder", file=sys.stderr)
        return 2
    feedback = Path(args.feedback) if getattr(args, "feedback", None) else None
    problem = check_outputs(Path(args.out), feedback, folder)
    exports = {flag: Path(value) for flag, value in (("--results-json", getattr(args, "results_json", None)),
                                                     ("--gradebook", getattr(args, "gradebook", None))) if value}
    for flag, path in exports.items():
        problem = problem or check_outputs(path, None, folder, flag)
    if problem:
        print(f"dlcourse grade: {problem}", file=sys.stderr)
        return 2
    isolated = not getattr(args, "no_sandbox", False)
    if isolated:
        missing = bwrap_problem()
        if missing:
            print(f"dlcourse grade: refusing to run submissions without a sandbox: {missing}", file=sys.stderr)
            return 2
    started = time.perf_counter()
    try:
        rows = grade_folder(folder, args.course, args.timeout, args.extra_tests, args.jobs, progress=sys.stdout,
                            isolated=isolated)
    except FileNotFoundError as exc:
        print(f"dlcourse grade: {exc}", file=sys.stderr)
        return 2
    write_csv(rows, args.out)
    if feedback is not None:
        write_feedback(rows, feedback)
    if exports:
        from dlcourse.classroom import exports as classroom_exports  # noqa: PLC0415

        if "--results-json" in exports:
            classroom_exports.write_results_json(rows, exports["--results-json"])
        if "--gradebook" in exports:
            classroom_exports.write_gradebook_csv(rows, exports["--gradebook"])
    bad = sum(not r.graded for r in rows)
    print(f"Graded {len(rows)} notebooks in {time.perf_counter() - started:.0f} s -> {args.out}"
          + (f" ({bad} could not be graded: see their status)" if bad else "")
          + ("" if isolated else " WITHOUT a sandbox"))
    return 1 if bad else 0
