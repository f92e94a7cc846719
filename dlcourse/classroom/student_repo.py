"""``dlcourse release --student-repo DIR``: the git repository a class pulls with nbgitpuller.

It holds the learner notebooks (released from ``course/solutions`` afresh, so it can never carry a
solution), a short README for learners and ``course.json`` (the course version and each lesson's
SHA-256). ``course/solutions`` and the package's tests are never copied. Run it again after
changing the course: it writes the new versions and commits them as one update, which learners
receive the next time they follow a lesson link.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from dlcourse.exercises.notebooks import BEGIN, read

__all__ = ["StudentRepoError", "StudentRepo", "write_student_repo"]

MANIFEST = "course.json"
_README = """# {title}

Your lessons. Open them through the links your instructor gave you: each link brings this course
up to date and opens the lesson in your own copy (`~/dlcourse`), which no update overwrites.

Do not edit the files of this folder; edit the notebooks in `~/dlcourse`.
"""


class StudentRepoError(RuntimeError):
    """The student repository could not be written (a release problem, or git failed)."""


@dataclass
class StudentRepo:
    """What :func:`write_student_repo` did."""

    path: Path
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    commit: str = ""


def _git(repo: Path, *args: str) -> str:
    command = ["git", "-C", str(repo), "-c", "user.name=dlcourse", "-c", "user.email=dlcourse@localhost",
               "-c", "commit.gpgsign=false", *args]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise StudentRepoError(f"git {' '.join(args)} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout.strip()


def _texts(solutions: Path) -> dict[str, str]:
    from dlcourse.exercises.release import _text, release_notebook  # noqa: PLC0415

    texts: dict[str, str] = {}
    problems: list[str] = []
    for source in sorted(solutions.glob("[0-9][0-9]_*.ipynb")):
        nb, found = release_notebook(read(source), source.name)
        problems += found
        texts[source.name] = _text(nb)
    if problems:
        raise StudentRepoError("the course cannot be released: " + "; ".join(problems))
    if not texts:
        raise StudentRepoError(f"no NN_*.ipynb solution notebooks in {solutions}")
    for name, text in texts.items():
        if BEGIN in text:
            raise StudentRepoError(f"{name}: a solution region survived the release")
    return texts


def write_student_repo(dest: str | Path, solutions: str | Path, title: str = "Deep learning, one idea at a time",
                       branch: str = "main") -> StudentRepo:
    """Write (or update) the student repository at ``dest`` from the solution notebooks in ``solutions``.

    ``dest`` is created as a git repository on ``branch`` if it is not one; otherwise the lessons
    are replaced by the new release, lessons no longer in the course are removed, and everything
    is committed as one update (nothing is committed when nothing changed).
    """
    from dlcourse import __version__  # noqa: PLC0415

    dest = Path(dest)
    texts = _texts(Path(solutions))
    dest.mkdir(parents=True, exist_ok=True)
    if not (dest / ".git").exists():
        _git(dest, "init", "-q", "-b", branch)
    result = StudentRepo(dest)
    for old in sorted(dest.glob("[0-9][0-9]_*.ipynb")):
        if old.name not in texts:
            old.unlink()
            result.removed.append(old.name)
    for name, text in texts.items():
        path = dest / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            result.changed.append(name)
    manifest = {"course": title, "version": __version__,
                "lessons": {name: hashlib.sha256(text.encode("utf-8")).hexdigest() for name, text in texts.items()}}
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    (dest / "README.md").write_text(_README.format(title=title), encoding="utf-8")
    first = subprocess.run(["git", "-C", str(dest), "rev-parse", "-q", "--verify", "HEAD"],
                           capture_output=True).returncode != 0
    _git(dest, "add", "-A")
    if _git(dest, "status", "--porcelain"):
        what = ", ".join(result.changed + [f"{n} removed" for n in result.removed]) or "course files"
        _git(dest, "commit", "-q", "-m", f"{title}: first release" if first else f"Course update: {what}")
    result.commit = _git(dest, "rev-parse", "HEAD")
    return result
