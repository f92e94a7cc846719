"""The ``dlcourse`` command: ``start``, ``update``, ``data``, ``doctor`` and the exercise commands.

Run ``dlcourse --help`` or ``dlcourse COMMAND --help`` for details.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from dlcourse import __version__, paths
from dlcourse.classroom import commands as classroom_commands
from dlcourse.exercises import commands as exercise_commands

if TYPE_CHECKING:
    from dlcourse.workspace import LessonUpdate


def _workspace(args: argparse.Namespace) -> tuple[Path, Path] | None:
    """The learner's workspace and the shipped course, or None (with a message) when there is no course."""
    course = paths.shipped_course_dir()
    if course is None:
        print("dlcourse: this installation has no lessons (the package is incomplete). "
              "Reinstall it: python -m pip install --force-reinstall dlcourse", file=sys.stderr)
        return None
    return (Path(args.folder).expanduser() if args.folder else paths.workspace_dir()), course


def _sync(folder: Path, course: Path) -> list[LessonUpdate] | None:
    """Make or update the workspace, telling the learner what changed; None on failure."""
    from dlcourse import workspace

    try:
        updates = workspace.sync(folder, course)
    except workspace.WorkspaceError as exc:
        print(f"dlcourse: {exc}", file=sys.stderr)
        return None
    created = sum(u.action == "created" for u in updates)
    if created == len(updates):
        print(f"Made your workspace {folder}: your own copy of the {created} lessons. "
              "Work there; course updates keep your work.")
    elif created:
        print(f"Added {created} new lessons to your workspace {folder}.")
    for update in updates:
        for line in update.lines(folder):
            print(line)
    return updates


def _cmd_start(args: argparse.Namespace) -> int:
    from dlcourse import lab

    found = _workspace(args)
    if found is None:
        return 2
    folder, course = found
    if args.dry_run:
        with lab.kernel_sockets() as sockets:
            print(" ".join(lab.command(folder, "00_welcome.ipynb", args.jupyter_args, sockets)))
        return 0
    updates = _sync(folder, course)
    if updates is None:
        return 2
    first = next((u.path for u in updates if u.lesson == "00"), None)
    if lab.is_root() and "--allow-root" not in args.jupyter_args:
        print("Running as root: dlcourse added --allow-root for JupyterLab.")
    print(f"Starting JupyterLab on your workspace {folder} (Ctrl-C here stops it).", flush=True)
    with lab.kernel_sockets() as sockets:
        cmd = lab.command(folder, first.relative_to(folder).as_posix() if first else None, args.jupyter_args, sockets)
        return lab.run(cmd)


def _cmd_update(args: argparse.Namespace) -> int:
    found = _workspace(args)
    if found is None:
        return 2
    folder, course = found
    updates = _sync(folder, course)
    if updates is None:
        return 2
    if all(u.action == "unchanged" for u in updates):
        print(f"Your workspace {folder} is up to date.")
    return 0


def _cmd_data(args: argparse.Namespace) -> int:
    from dlcourse.data import store

    try:
        if args.action == "status":
            return _data_status(store)
        if args.action == "fetch":
            return _data_fetch(store, args.names or list(store.DATASETS), args.force)
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


def _data_fetch(store, names: list[str], force: bool) -> int:  # type: ignore[no-untyped-def]
    """Fetch every dataset named, reporting each; a host that did not answer is not tried again."""
    dead_hosts: set[str] = set()
    failed = []
    for name in names:
        print(f"{name}: fetching...", flush=True)
        try:
            folder = store.fetch(name, force=force, dead_hosts=dead_hosts)
        except store.DatasetError as exc:
            print(f"{name}: FAILED. {exc}", file=sys.stderr, flush=True)
            failed.append(name)
            continue
        print(f"{name}: ready in {folder}", flush=True)
    if failed:
        print(f"dlcourse data fetch: {', '.join(failed)} not fetched (see above).", file=sys.stderr)
    return 1 if failed else 0


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
    from dlcourse.doctor import iter_checks

    results = []
    for result in iter_checks():  # each line as soon as its check is done (TensorFlow's takes a while)
        print(result.line(), flush=True)
        results.append(result)
    failed = sum(not r.ok for r in results)
    print(f"{len(results) - failed} ok, {failed} to fix." if failed else f"All {len(results)} checks ok.")
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``dlcourse`` and all its sub-commands."""
    parser = argparse.ArgumentParser(prog="dlcourse", description="An interactive introduction to deep learning.")
    parser.add_argument("--version", action="version", version=f"dlcourse {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    workspace_help = f"your workspace folder (default: ${paths.WORKSPACE_ENV}, else ~/dlcourse)"

    start = sub.add_parser("start", help="open your copy of the lessons in JupyterLab, at lesson 00",
                           description="Open your workspace (your own copy of the lessons, made on first "
                           "start and updated from the course without losing your work) in JupyterLab.",
                           epilog="Arguments after -- go to JupyterLab, e.g. dlcourse start -- --no-browser")
    start.add_argument("folder", nargs="?", help=workspace_help)
    start.add_argument("--dry-run", action="store_true", help="print the JupyterLab command instead of running it")
    start.set_defaults(func=_cmd_start)
    update = sub.add_parser("update", help="bring the course's new lesson versions into your workspace",
                            description="Bring new lesson versions in, keeping your work (dlcourse start "
                            "does this too). Close the lessons in JupyterLab first.")
    update.add_argument("folder", nargs="?", help=workspace_help)
    update.set_defaults(func=_cmd_update)

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
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # bare ``dlcourse``: say what it can do
        parser.print_help()
        return 0
    args.jupyter_args = extra
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
