"""The ``dlcourse release``, ``grade`` and ``progress`` commands: their options and thin handlers.

``dlcourse/cli.py`` wires these into its parser. Nothing heavy is imported until a command
runs, so ``dlcourse --help`` stays fast.
"""

from __future__ import annotations

import argparse

__all__ = ["grade", "grade_arguments", "progress", "progress_arguments", "release", "release_arguments"]


def release_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``dlcourse release``."""
    parser.add_argument("--source", help="folder of solution notebooks (default: course/solutions)")
    parser.add_argument("--dest", help="folder for the learner notebooks (default: course/)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a learner notebook is out of date")
    parser.add_argument("--student-repo", metavar="DIR",
                        help="also write (or update and commit) the git repository a class pulls with "
                             "nbgitpuller: the learner notebooks, no solutions (docs/hub.md)")


def release(args: argparse.Namespace) -> int:
    """Run ``dlcourse release``."""
    from dlcourse.exercises.release import main  # noqa: PLC0415

    status = main(args)
    if status == 0 and getattr(args, "student_repo", None) and not args.check:
        from pathlib import Path  # noqa: PLC0415

        from dlcourse import paths  # noqa: PLC0415
        from dlcourse.classroom.commands import student_repo  # noqa: PLC0415

        course = paths.course_dir()
        solutions = Path(args.source) if args.source else (course / "solutions" if course else None)
        if solutions is None:
            return 2
        status = student_repo(args.student_repo, solutions)
    return status


def grade_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``dlcourse grade``."""
    parser.add_argument("submissions", help="folder of submitted notebooks (searched recursively)")
    parser.add_argument("--out", default="grades.csv", help="CSV file to write (default: grades.csv)")
    parser.add_argument("--course", help="folder of the released notebooks (default: course/ of this checkout)")
    parser.add_argument("--extra-tests", metavar="DIR",
                        help="folder of extra test files (*.py calling dlcourse.exercises.extend), kept outside the repo")
    parser.add_argument("--feedback", metavar="DIR",
                        help="also write one text file per submission with its first problems per exercise")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds allowed per cell (default: 60)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="notebooks graded at the same time, each in its own sandbox (default: the usable CPUs)")
    parser.add_argument("--results-json", metavar="FILE",
                        help="also write one Gradescope-style record per submission (score, max_score, tests)")
    parser.add_argument("--gradebook", metavar="FILE",
                        help="also write a gradebook CSV: one row per learner, one column per lesson (for an LMS)")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run submissions WITHOUT the bubblewrap sandbox (only for work you trust; "
                             "every row's status then says so)")


def grade(args: argparse.Namespace) -> int:
    """Run ``dlcourse grade``."""
    from dlcourse.exercises.grading import main  # noqa: PLC0415

    return main(args)


def progress_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``dlcourse progress`` (none yet)."""


def progress(args: argparse.Namespace) -> int:
    """Run ``dlcourse progress``: a text bar per lesson."""
    from dlcourse.exercises.tracking import ProgressView  # noqa: PLC0415

    print(ProgressView())
    return 0
