"""The ``dlcourse`` command: ``start``, ``data``, ``doctor`` (and more as the course grows).

Run ``dlcourse --help`` or ``dlcourse COMMAND --help`` for details.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Sequence

from dlcourse import paths
from dlcourse.classroom import commands as classroom_commands
from dlcourse.exercises import commands as exercise_commands


def _cmd_start(args: argparse.Namespace) -> int:
    folder = Path(args.folder) if args.folder else paths.course_dir()
    if folder is None or not folder.is_dir():
        where = args.folder or "the course/ folder of a source checkout"
        print(f"dlcourse: cannot find {where}. Run this from a clone of the course "
              "(python -m pip install -e .), or pass the folder: dlcourse start PATH/TO/course",
              file=sys.stderr)
        return 2
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}", *args.jupyter_args]
    print("Starting JupyterLab on", folder)
    if args.dry_run:
        print(" ".join(command))
        return 0
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0


def _cmd_data(args: argparse.Namespace) -> int:
    from dlcourse.data import store

    try:
        if args.action == "status":
            return _data_status(store)
        if args.action == "fetch":
            names = args.names or list(store.DATASETS)
            for name in names:
                folder = store.fetch(name, force=args.force)
                print(f"{name}: ready in {folder}")
            return 0
        if args.action == "import":
            counts = store.import_from(args.folder)
            total = sum(counts.values())
            if total == 0:
                print(f"No dataset files with valid checksums found in {args.folder}. Expected "
                      "mnist/ and fashion-mnist/ folders of IDX .gz files, or the .gz files themselves.",
                      file=sys.stderr)
                return 1
            print(f"Imported {total} files into {paths.dataset_cache()}.")
            return 0
    except store.DatasetError as exc:
        print(f"dlcourse data {args.action}: {exc}", file=sys.stderr)
        return 1
    raise AssertionError(args.action)  # argparse restricts the choices


def _data_status(store) -> int:  # type: ignore[no-untyped-def]
    override = paths.data_override()
    print(f"{paths.DATA_ENV}: {override if override else '(not set)'}")
    print(f"cache:         {paths.dataset_cache()}")
    rows = store.status()
    width = max(len(f"{r.dataset}/{r.name}") for r in rows)
    for row in rows:
        label = f"{row.dataset}/{row.name}".ljust(width)
        if row.ok:
            print(f"  ok       {label}  {row.path}")
        elif row.path is None:
            print(f"  missing  {label}")
        else:
            print(f"  BAD      {label}  {row.problem}")
    missing = [r for r in rows if not r.ok]
    if missing:
        print("Fix: dlcourse data fetch (online) or dlcourse data import FOLDER (offline).")
    return 0 if not missing else 1


def _cmd_doctor(args: argparse.Namespace) -> int:
    from dlcourse.doctor import run_checks

    results = run_checks()
    for result in results:
        print(result.line())
    failed = sum(not r.ok for r in results)
    print(f"{len(results) - failed} ok, {failed} to fix." if failed else f"All {len(results)} checks ok.")
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``dlcourse`` and all its sub-commands."""
    parser = argparse.ArgumentParser(prog="dlcourse", description="An interactive introduction to deep learning.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    start = sub.add_parser("start", help="open the course in JupyterLab",
                           epilog="Arguments after -- go to JupyterLab, e.g. dlcourse start -- --no-browser")
    start.add_argument("folder", nargs="?", help="course folder (default: the course/ of this checkout)")
    start.add_argument("--dry-run", action="store_true", help="print the command instead of running it")
    start.set_defaults(func=_cmd_start)

    data = sub.add_parser("data", help="show, download or import the datasets")
    data_sub = data.add_subparsers(dest="action", required=True, metavar="ACTION")
    data_sub.add_parser("status", help="where each dataset file is and whether it verifies")
    fetch = data_sub.add_parser("fetch", help="download datasets into the per-user cache")
    fetch.add_argument("names", nargs="*", help="mnist and/or fashion-mnist (default: both)")
    fetch.add_argument("--force", action="store_true", help="download again even if cached")
    imp = data_sub.add_parser("import", help="copy datasets in from a folder (offline classrooms)")
    imp.add_argument("folder", help="a folder with mnist/ and fashion-mnist/ sub-folders, or the .gz files")
    data.set_defaults(func=_cmd_data)

    doctor = sub.add_parser("doctor", help="check this machine can run the course")
    doctor.set_defaults(func=_cmd_doctor)

    # Exercises (logic in dlcourse.exercises; see docs/instructor.md).
    progress = sub.add_parser("progress", help="show your exercise progress, lesson by lesson")
    exercise_commands.progress_arguments(progress)
    progress.set_defaults(func=exercise_commands.progress)
    release = sub.add_parser("release", help="write the learner notebooks from course/solutions (instructors)")
    exercise_commands.release_arguments(release)
    release.set_defaults(func=exercise_commands.release)
    grade = sub.add_parser("grade", help="grade a folder of submitted notebooks into a CSV (instructors)")
    exercise_commands.grade_arguments(grade)
    grade.set_defaults(func=exercise_commands.grade)
    classroom_commands.add_commands(sub)  # links, submit, collect (a class on a hub: docs/hub.md)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dlcourse`` command; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:  # everything after "--" is passed through to JupyterLab
        split = argv.index("--")
        argv, extra = argv[:split], argv[split + 1:]
    args = build_parser().parse_args(argv)
    args.jupyter_args = extra
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
