"""Handing in and collecting notebooks through a class's exchange folder.

``dlcourse submit LESSON`` copies the learner's own copy of a lesson into
``$DLCOURSE_EXCHANGE/inbound/`` as ``USER+LESSON+TIME+RANDOM.ipynb``. The instructor makes the
inbound folder once with mode 1733 (``dlcourse collect --init``): everyone may add a file, nobody
but its owner may list, read back, rename or delete what is there, and the random part of each
name cannot be guessed. ``dlcourse collect`` gathers the newest submission of each learner and
lesson into ``OUT/USER/LESSON.ipynb``, the layout ``dlcourse grade`` reads.

A submission is identified by the user name in its file name; on a hub where each learner is a
system user, a file whose owner is another user than the name it claims is refused and reported.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["EXCHANGE_ENV", "Collected", "ExchangeError", "collect", "init_exchange", "submit", "user_name"]

EXCHANGE_ENV = "DLCOURSE_EXCHANGE"
_NAME = re.compile(r"^(?P<user>[A-Za-z0-9_.@-]+)\+(?P<lesson>\d\d_[\w-]+)\+(?P<time>\d{8}T\d{6})\+[0-9a-f]{8}\.ipynb$")
_SAFE_USER = re.compile(r"^[A-Za-z0-9_.@-]+$")
MAX_BYTES = 50 * 1024 * 1024


class ExchangeError(RuntimeError):
    """An exchange folder that is missing or unsafe, or a lesson that cannot be submitted."""


def user_name() -> str:
    """The learner's name on this machine or hub (``$JUPYTERHUB_USER`` on a hub)."""
    name = os.environ.get("JUPYTERHUB_USER") or os.environ.get("USER") or os.environ.get("USERNAME")
    if not name:
        import getpass  # noqa: PLC0415

        name = getpass.getuser()
    return name


def init_exchange(root: str | Path) -> Path:
    """Make ``root/inbound`` with mode 1733 (instructors run this once)."""
    inbound = Path(root) / "inbound"
    inbound.mkdir(parents=True, exist_ok=True)
    inbound.chmod(0o1733)
    return inbound


def submit(notebook: str | Path, root: str | Path, user: str | None = None) -> Path:
    """Copy ``notebook`` into the exchange as this user's newest submission of its lesson."""
    notebook = Path(notebook)
    user = user or user_name()
    if not _SAFE_USER.match(user):
        raise ExchangeError(f"user name {user!r} cannot be used in a file name")
    if not notebook.is_file():
        raise ExchangeError(f"{notebook} does not exist: open the lesson once (its link makes your copy)")
    if notebook.stat().st_size > MAX_BYTES:
        raise ExchangeError(f"{notebook} is over {MAX_BYTES // 2**20} MB: clear its outputs and submit again")
    if not re.fullmatch(r"\d\d_[\w-]+\.ipynb", notebook.name):
        raise ExchangeError(f"{notebook.name} is not a lesson notebook (NN_topic.ipynb)")
    inbound = Path(root) / "inbound"
    if not inbound.is_dir():
        raise ExchangeError(f"the exchange folder {inbound} does not exist: ask your instructor "
                            "(dlcourse collect --init EXCHANGE makes it)")
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    dest = inbound / f"{user}+{notebook.stem}+{stamp}+{secrets.token_hex(4)}.ipynb"
    descriptor = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(descriptor, "wb") as out, notebook.open("rb") as source:
        shutil.copyfileobj(source, out)
    return dest


@dataclass
class Collected:
    """What :func:`collect` gathered: ``files`` per (user, lesson), and what it refused."""

    files: dict[tuple[str, str], Path] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)


def _owner(path: Path) -> str | None:
    try:
        import pwd  # noqa: PLC0415 - POSIX only

        return pwd.getpwuid(path.lstat().st_uid).pw_name
    except (ImportError, KeyError):
        return None


def collect(root: str | Path, out: str | Path) -> Collected:
    """Copy each learner's newest submission of each lesson to ``out/USER/LESSON.ipynb``."""
    inbound = Path(root) / "inbound"
    if not inbound.is_dir():
        raise ExchangeError(f"no exchange inbound folder at {inbound}")
    result = Collected()
    newest: dict[tuple[str, str], tuple[str, Path]] = {}
    me = _owner(inbound)
    for path in sorted(inbound.iterdir()):
        match = _NAME.match(path.name)
        info = path.lstat()
        if match is None or not stat.S_ISREG(info.st_mode):
            result.refused.append(f"{path.name}: not a submission (name or file type)")
            continue
        if info.st_size > MAX_BYTES:
            result.refused.append(f"{path.name}: larger than {MAX_BYTES // 2**20} MB")
            continue
        user, lesson = match["user"], match["lesson"]
        owner = _owner(path)
        if owner not in (None, user, me, "root"):
            result.refused.append(f"{path.name}: claims to be {user}'s but belongs to {owner}")
            continue
        key = (user, lesson)
        if key not in newest or match["time"] > newest[key][0]:
            newest[key] = (match["time"], path)
    out = Path(out)
    for (user, lesson), (_, path) in sorted(newest.items()):
        dest = out / user / f"{lesson}.ipynb"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
        result.files[(user, lesson)] = dest
    return result
