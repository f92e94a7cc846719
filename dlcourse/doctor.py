"""``dlcourse doctor``: check that this machine can run the course, one line per check.

Each check returns a :class:`Check` that says ok, or what is wrong and what to do. Nothing
here raises: a doctor that crashes is no help to a learner whose setup is broken.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from typing import Callable, Iterator

from dlcourse import paths


@dataclass
class Check:
    """The result of one check: its name, whether it passed, and a detail or a fix."""

    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        """The check as one line of text: ``[ ok ] name: detail`` or ``[FAIL] ...``."""
        return f"[{' ok ' if self.ok else 'FAIL'}] {self.name}: {self.detail}"


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def check_python() -> Check:
    """Python 3.11 or newer."""
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info >= (3, 11):
        return Check("Python", True, f"{version} ({sys.executable})")
    return Check("Python", False, f"{version} is too old: install Python 3.11 or newer.")


def check_tensorflow() -> Check:
    """TensorFlow imports and brings Keras 3 (checked in a subprocess, so its logging stays out)."""
    probe = "import tensorflow as tf, keras; print(tf.__version__, keras.__version__)"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    try:
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=300)
    except subprocess.TimeoutExpired:
        return Check("TensorFlow/Keras", False, "importing TensorFlow took over 5 minutes. Fix: reinstall it")
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        return Check("TensorFlow/Keras", False, f"cannot import ({last}). Fix: python -m pip install -e .")
    tf_version, keras_version = done.stdout.split()[-2:]
    if not keras_version.startswith("3."):
        return Check("TensorFlow/Keras", False,
                     f"Keras {keras_version} found, Keras 3 expected. Fix: python -m pip install -U 'tensorflow>=2.16'")
    return Check("TensorFlow/Keras", True, f"TensorFlow {tf_version}, Keras {keras_version}")


def check_widgets() -> Check:
    """ipywidgets 8, its JupyterLab front end and anywidget (the menus' view) are installed."""
    widgets = _version("ipywidgets")
    lab = _version("jupyterlab")
    front_end = _version("jupyterlab_widgets")
    menus = _version("anywidget")
    if widgets is None or not widgets.startswith("8."):
        return Check("Widgets", False, f"ipywidgets 8 expected, found {widgets}. Fix: python -m pip install 'ipywidgets>=8,<9'")
    if lab is None or not lab.startswith("4."):
        return Check("Widgets", False, f"JupyterLab 4 expected, found {lab}. Fix: python -m pip install 'jupyterlab>=4,<5'")
    if front_end is None:
        return Check("Widgets", False, "jupyterlab_widgets (the widgets' JupyterLab extension) is missing. "
                     "Fix: python -m pip install 'ipywidgets>=8,<9'")
    if menus is None:
        return Check("Widgets", False, "anywidget (which draws the lessons' menus) is missing. "
                     "Fix: python -m pip install -e .")
    return Check("Widgets", True, f"ipywidgets {widgets} with jupyterlab_widgets {front_end} and anywidget {menus} "
                 f"in JupyterLab {lab}")


def check_datasets() -> list[Check]:
    """Both image datasets are present and pass their checksums (no download is attempted)."""
    from dlcourse.data import store

    results = []
    for dataset in store.DATASETS.values():
        rows = [row for row in store.status() if row.dataset == dataset.name]
        bad = [row for row in rows if not row.ok]
        if not bad:
            results.append(Check(f"Dataset {dataset.name}", True, f"verified in {rows[0].path.parent}"))
        elif all(row.problem == "missing" for row in bad):
            results.append(Check(
                f"Dataset {dataset.name}", False,
                f"{len(bad)} of {len(rows)} files missing. Fix: dlcourse data fetch {dataset.name} "
                f"(or dlcourse data import FOLDER, or set {paths.DATA_ENV})"))
        else:
            first = next(row for row in bad if row.problem != "missing")
            results.append(Check(f"Dataset {dataset.name}", False, f"{first.problem}"))
    return results


def check_lessons() -> Check:
    """The lessons ship with this installation, and the learner's workspace can be made or written."""
    course = paths.shipped_course_dir()
    if course is None:
        return Check("Lessons", False, "this installation has no lessons. Fix: python -m pip install --force-reinstall dlcourse")
    count = len(list(course.glob("[0-9][0-9]_*.ipynb")))
    folder = paths.workspace_dir()
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is None or not os.access(existing, os.W_OK):
        return Check("Lessons", False, f"{count} lessons, but your workspace {folder} cannot be written. "
                     f"Fix: export {paths.WORKSPACE_ENV}=/a/folder/you/can/write")
    state = "made" if folder.exists() else "made on the first dlcourse start"
    return Check("Lessons", True, f"{count} lessons in {course}; your workspace {folder} ({state})")


def check_home() -> Check:
    """The per-user folder (progress, dataset cache) can be created and written."""
    home = paths.course_home()
    try:
        home.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=home, prefix=".doctor-", delete=True):
            pass
    except OSError as exc:
        return Check("Course folder", False,
                     f"{home} is not writable ({exc.strerror}). Fix: export {paths.HOME_ENV}=/a/folder/you/can/write")
    return Check("Course folder", True, f"{home} is writable")


CHECKS: list[Callable[[], Check | list[Check]]] = [
    # TensorFlow's check is last: it takes 10-40 s (importing TensorFlow), the others well under one.
    check_python, check_widgets, check_datasets, check_lessons, check_home, check_tensorflow,
]


def iter_checks() -> Iterator[Check]:
    """Run every check in order, yielding each result as soon as its check is done."""
    for check in CHECKS:
        outcome = check()
        yield from (outcome if isinstance(outcome, list) else [outcome])


def run_checks() -> list[Check]:
    """Run every check in order and return the results."""
    return list(iter_checks())
