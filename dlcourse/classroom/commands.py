"""The classroom commands of ``dlcourse``: ``links``, ``submit`` and ``collect`` (and the
``--student-repo`` option of ``release``). See ``docs/hub.md``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

__all__ = ["add_commands", "student_repo"]


def add_commands(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``links``, ``submit`` and ``collect`` to the ``dlcourse`` parser."""
    links = sub.add_parser("links", help="print each lesson's nbgitpuller link (instructors on a hub)")
    links.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.example.edu")
    links.add_argument("--repo", required=True, help="the student repository's git URL")
    links.add_argument("--branch", default="main", help="its branch (default: main)")
    links.add_argument("--lessons", help="folder of the learner notebooks (default: the installed course)")
    links.set_defaults(func=_links)

    submit = sub.add_parser("submit", help="hand in a lesson: copy your notebook into the class's exchange folder")
    submit.add_argument("lesson", help="the lesson's number (01) or notebook (01_neuron.ipynb)")
    submit.add_argument("--exchange", help="the exchange folder (default: $DLCOURSE_EXCHANGE)")
    submit.set_defaults(func=_submit)

    collect = sub.add_parser("collect", help="gather the newest submission of each learner (instructors)")
    collect.add_argument("exchange", help="the exchange folder")
    collect.add_argument("--out", default="collected", help="folder to write USER/LESSON.ipynb into")
    collect.add_argument("--init", action="store_true", help="make the exchange's inbound folder (mode 1733) and stop")
    collect.set_defaults(func=_collect)


def _lesson_names(folder: Path | None) -> list[str]:
    return sorted(p.name for p in folder.glob("[0-9][0-9]_*.ipynb")) if folder and folder.is_dir() else []


def _links(args: argparse.Namespace) -> int:
    from dlcourse import paths  # noqa: PLC0415
    from dlcourse.classroom.links import lesson_link  # noqa: PLC0415

    lessons = _lesson_names(Path(args.lessons) if args.lessons else paths.shipped_course_dir())
    if not lessons:
        print("dlcourse links: no lesson notebooks found; pass --lessons FOLDER", file=sys.stderr)
        return 2
    width = max(len(name) for name in lessons)
    for name in lessons:
        print(f"{name.ljust(width)}  {lesson_link(args.hub, args.repo, name, branch=args.branch)}")
    return 0


def _submit(args: argparse.Namespace) -> int:
    from dlcourse import paths  # noqa: PLC0415
    from dlcourse.classroom.exchange import EXCHANGE_ENV, ExchangeError, submit  # noqa: PLC0415

    exchange = args.exchange or os.environ.get(EXCHANGE_ENV)
    if not exchange:
        print(f"dlcourse submit: no exchange folder: pass --exchange DIR or set {EXCHANGE_ENV}", file=sys.stderr)
        return 2
    folder = paths.workspace_dir()
    name = args.lesson
    if name.isdigit():
        matches = sorted(folder.glob(f"{int(name):02d}_*.ipynb"))
        if not matches:
            print(f"dlcourse submit: no lesson {name} in {folder}", file=sys.stderr)
            return 2
        path = matches[0]
    else:
        path = folder / Path(name).name
    try:
        dest = submit(path, exchange)
    except (ExchangeError, OSError) as exc:
        print(f"dlcourse submit: {exc}", file=sys.stderr)
        return 1
    print(f"Submitted {path.name} ({dest.name}). You can submit again; the newest one is graded.")
    return 0


def _collect(args: argparse.Namespace) -> int:
    from dlcourse.classroom.exchange import ExchangeError, collect, init_exchange  # noqa: PLC0415

    try:
        if args.init:
            print(f"Made {init_exchange(args.exchange)} (mode 1733).")
            return 0
        result = collect(args.exchange, args.out)
    except (ExchangeError, OSError) as exc:
        print(f"dlcourse collect: {exc}", file=sys.stderr)
        return 1
    for problem in result.refused:
        print(f"refused: {problem}", file=sys.stderr)
    print(f"Collected {len(result.files)} notebooks into {args.out}: grade them with "
          f"dlcourse grade {args.out} --out grades.csv")
    return 1 if result.refused else 0


def student_repo(dest: str, solutions: Path) -> int:
    """``dlcourse release --student-repo DEST``: write or update the student repository."""
    from dlcourse.classroom.student_repo import StudentRepoError, write_student_repo  # noqa: PLC0415

    try:
        result = write_student_repo(dest, solutions)
    except StudentRepoError as exc:
        print(f"dlcourse release: {exc}", file=sys.stderr)
        return 2
    changed = ", ".join(result.changed) or "nothing changed"
    print(f"{result.path}: {changed} (commit {result.commit[:10]})")
    return 0
