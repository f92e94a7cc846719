"""Run JupyterLab for ``dlcourse start``, and stop it the way JupyterLab stops itself.

JupyterLab runs in its own process group, so a Ctrl-C in the terminal reaches only ``dlcourse``,
which passes it on: as SIGINT when JupyterLab's input is a terminal (JupyterLab's own Ctrl-C
handler, told not to ask "Shut down this Jupyter server (y/[n])?"), otherwise as SIGTERM (without
a terminal JupyterLab treats SIGINT as a bare KeyboardInterrupt and exits without shutting its
kernels down, leaving them and its runtime files behind; its SIGTERM handler is the same clean
shutdown). Either way JupyterLab stops its kernels and removes its runtime files; dlcourse waits.
A third Ctrl-C, for a JupyterLab that hangs, kills it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator, Sequence
from urllib.parse import quote

__all__ = ["command", "is_root", "kernel_sockets", "run"]


def is_root() -> bool:
    """True when running as the superuser (JupyterLab refuses to start then, unless told)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


IPC_PATH_MAX = 100  # a Unix socket's path must fit in sockaddr_un.sun_path (104 bytes on macOS, 108 on Linux)


@contextlib.contextmanager
def kernel_sockets() -> Iterator[Path | None]:
    """A private, short-named folder for the kernels' local sockets (removed afterwards), or None
    where there are none (Windows) or its path would be too long for a socket."""
    if os.name == "nt":
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="dlcourse-kernels-"))  # mode 0700: only this user
    try:
        yield folder if len(str(folder / "kernel-99")) <= IPC_PATH_MAX else None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def command(root: Path, open_path: str | None = None, extra: Sequence[str] = (),
            sockets: Path | None = None) -> list[str]:
    """The JupyterLab command line: serve ``root``, open ``open_path`` (relative to it) first.

    With ``sockets`` (see :func:`kernel_sockets`) kernels talk to JupyterLab over local (ipc)
    sockets in that folder, so they do not warn that they run over unencrypted TCP; without it
    (Windows) they use TCP on localhost. (JupyterLab's runtime folder is no place for the sockets:
    its path is often too long for one.)
    """
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}", "--ServerApp.answer_yes=True"]
    if open_path:
        cmd.append(f"--LabApp.default_url=/lab/tree/{quote(Path(open_path).as_posix())}")
    if sockets is not None:
        cmd += ["--KernelManager.transport=ipc", f"--KernelManager.ip={sockets / 'kernel'}"]
    if is_root() and "--allow-root" not in extra:
        cmd.append("--allow-root")
    return [*cmd, *extra]


def run(cmd: Sequence[str]) -> int:
    """Run JupyterLab until it stops; Ctrl-C asks it to shut down cleanly (see the module docstring)."""
    if os.name == "nt":  # the console sends Ctrl-C to JupyterLab too; wait for it to finish
        proc = subprocess.Popen(list(cmd))
        while True:
            try:
                return proc.wait()
            except KeyboardInterrupt:
                continue
    proc = subprocess.Popen(list(cmd), process_group=0)
    stop_signal = signal.SIGINT if sys.stdin is not None and sys.stdin.isatty() else signal.SIGTERM
    interrupts = 0

    def forward(signum: int, frame: object) -> None:
        nonlocal interrupts
        interrupts += 1
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL if interrupts >= 3 else stop_signal if interrupts == 1 else signal.SIGTERM)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return proc.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
