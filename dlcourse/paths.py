"""Where dlcourse reads and writes on the learner's machine.

Everything the course writes (downloaded datasets, exercise progress) lives under one
per-user folder, ``course_home()``. Set ``DLCOURSE_HOME`` to move it (a shared classroom
machine, a read-only home directory). A folder of ready datasets can be named with
``DLCOURSE_DATA``; it is only ever read.

The learner works in their own copy of the lessons, the workspace (``workspace_dir()``,
default ``~/dlcourse``; ``DLCOURSE_WORKSPACE`` moves it, e.g. on a hub). The lessons it is made
from ship with the package (``shipped_course_dir()``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HOME_ENV = "DLCOURSE_HOME"
DATA_ENV = "DLCOURSE_DATA"
WORKSPACE_ENV = "DLCOURSE_WORKSPACE"


def course_home() -> Path:
    """The per-user folder the course writes to (not created here).

    ``$DLCOURSE_HOME`` if set, else the platform's per-user data folder:
    ``~/.local/share/dlcourse`` (or ``$XDG_DATA_HOME/dlcourse``) on Linux,
    ``~/Library/Application Support/dlcourse`` on macOS and ``%APPDATA%\\dlcourse`` on Windows.
    """
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "dlcourse"


def dataset_cache() -> Path:
    """Folder where downloaded or imported datasets are kept: ``course_home()/datasets``."""
    return course_home() / "datasets"


def progress_dir() -> Path:
    """Folder where exercise progress is recorded: ``course_home()/progress``."""
    return course_home() / "progress"


def data_override() -> Path | None:
    """The read-only dataset folder named by ``$DLCOURSE_DATA``, or None when unset."""
    value = os.environ.get(DATA_ENV)
    return Path(value).expanduser() if value else None


def course_dir() -> Path | None:
    """The ``course/`` folder of a source checkout (editable install), if there is one."""
    candidate = Path(__file__).resolve().parent.parent / "course"
    return candidate if candidate.is_dir() else None


def workspace_dir() -> Path:
    """The learner's own copy of the lessons: ``$DLCOURSE_WORKSPACE`` if set, else ``~/dlcourse``."""
    override = os.environ.get(WORKSPACE_ENV)
    return Path(override).expanduser() if override else Path.home() / "dlcourse"


def shipped_course_dir() -> Path | None:
    """The learner lessons that came with this installation of dlcourse, or None if there are none.

    In a source checkout (an editable install) that is the repository's ``course/``, read directly;
    in an installed wheel, the copy the build put in the package (``dlcourse/_course``).
    """
    for candidate in (course_dir(), Path(__file__).resolve().parent / "_course"):
        if candidate is not None and any(candidate.glob("[0-9][0-9]_*.ipynb")):
            return candidate
    return None
