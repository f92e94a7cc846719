"""Run one untrusted program in a bubblewrap sandbox, the way contest judges do (IOI's ``isolate``).

The sandbox (:func:`run`) gives the program

* a **read-only** view of the system (``/usr``), of this Python environment and of the
  ``dlcourse`` package's own folder only (bound on its own, so ``course/``, its solutions and
  anything beside the package stay invisible); a read-only view of the datasets;
* one **private folder**, ``/sandbox``, the only place it can write, holding what the caller put
  there (one submission's notebook) and nothing else: no other submission, no CSV, no feedback
  folder, no extra tests;
* **no network** and new IPC, UTS, PID and mount namespaces (``--unshare-all``): its processes
  see only each other, and when the sandbox ends (``--die-with-parent``, or the caller killing
  it) the kernel ends every one of them, ``setsid`` children included;
* **limits** set before the program starts and inherited by everything it starts: address space
  (memory), processes, CPU time, size of any file it writes, open files, and a wall-clock limit
  enforced from outside. As root, bubblewrap keeps only ``CAP_SETUID``/``CAP_SETGID``, which the
  launcher (:func:`launch`) uses to drop to an unprivileged user of its own before anything
  untrusted runs, so the process limit counts this sandbox's processes alone.

Without bubblewrap, :func:`run` with ``isolated=False`` runs the same program as a plain
subprocess in its own session, with the same limits but no isolation (``dlcourse grade
--no-sandbox``). :func:`bwrap_problem` says why the sandbox cannot be used here.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["INSIDE", "Limits", "SandboxResult", "bwrap_problem", "launch", "prepare_package", "run"]

INSIDE = "/sandbox"  #: the private folder, as the program sees it
_SOURCE = "/opt/dlcourse-src"  #: the package's parent folder, as the program sees it
_DATA = "/opt/dlcourse-data"
_PACKAGE_DIR = Path(__file__).resolve().parents[1]  # .../dlcourse
# Every namespace (``--unshare-all``) but the user namespace when run as root: as root the
# sandbox drops to a real unprivileged user, so that its process limit is its own.
_UNSHARE = (["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
            if os.geteuid() == 0 else ["--unshare-all"])
_HOW_TO_GET = ("install bubblewrap: `sudo apt-get install bubblewrap` (Debian, Ubuntu), "
               "`sudo dnf install bubblewrap` (Fedora); on macOS or Windows grade inside a Linux VM or container. "
               "`dlcourse grade --no-sandbox` grades without one, trusting every submission.")


@dataclass
class Limits:
    """What one sandbox may use. ``uid`` is the unprivileged user it runs as (when started as root)."""

    memory_mb: int = 4096  #: address space per process (RLIMIT_AS)
    processes: int = 128  #: processes and threads of the sandbox's user (RLIMIT_NPROC)
    cpu_seconds: int = 600  #: CPU time per process (RLIMIT_CPU)
    file_mb: int = 256  #: largest file it may write (RLIMIT_FSIZE)
    open_files: int = 512  #: RLIMIT_NOFILE
    wall_seconds: float = 900.0  #: enforced from outside: the whole sandbox is killed
    uid: int = 100_000


@dataclass
class SandboxResult:
    """How the sandboxed program ended."""

    returncode: int | None
    timed_out: bool
    seconds: float
    stderr: str  #: the last few kilobytes of its standard error
    isolated: bool


@lru_cache(maxsize=1)
def bwrap_problem() -> str | None:
    """None when bubblewrap works here; otherwise what is wrong and how to get it."""
    if not sys.platform.startswith("linux"):
        return f"the grading sandbox needs Linux (this is {sys.platform}); " + _HOW_TO_GET
    path = shutil.which("bwrap")
    if path is None:
        return "bubblewrap (bwrap) is not installed; " + _HOW_TO_GET
    try:
        done = subprocess.run([path, *_mounts(), *_UNSHARE, "--die-with-parent", "--", sys.executable,
                               "-c", "pass"], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap does not start ({exc}); " + _HOW_TO_GET
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip()[-300:]
        return (f"bubblewrap cannot make a sandbox here ({detail}); it needs root or unprivileged user "
                "namespaces (sysctl kernel.unprivileged_userns_clone=1). " + _HOW_TO_GET)
    return None


def _python_roots() -> list[str]:
    """The folders this Python environment lives in (venv and base installation), outside /usr."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             str(Path(sys.executable).resolve().parents[1])}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            roots.add(str(Path(path).resolve()))
    kept: list[str] = []
    for root in sorted(roots, key=len):
        if root.startswith("/usr/") or root == "/usr" or any(root.startswith(k + "/") for k in kept):
            continue
        if Path(root).is_dir():
            kept.append(root)
    return kept


def _mounts() -> list[str]:
    """The read-only system view every sandbox gets."""
    args = ["--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for name in ("bin", "lib", "lib64", "lib32", "sbin"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), f"/{name}"]
        elif path.is_dir():
            args += ["--ro-bind", str(path), f"/{name}"]
    for name in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/ssl",
                 "/etc/fonts", "/etc/matplotlibrc"):
        if Path(name).exists():
            args += ["--ro-bind", name, name]
    made: set[str] = set()
    for root in _python_roots():
        for parent in reversed(Path(root).parents[:-1]):  # e.g. /root, 0700 on the host
            if str(parent) not in made:
                made.add(str(parent))
                args += ["--perms", "0755", "--dir", str(parent)]
        args += ["--ro-bind", root, root]
    return args


def prepare_package(folder: str | Path) -> Path:
    """A copy of the ``dlcourse`` package in ``folder``, with its bytecode compiled: for sandboxes
    to bind read-only instead of the package itself.

    A sandbox cannot write bytecode into its read-only view, so without this every kernel would
    compile the package's modules again (a few tenths of a second of CPU each); an installation
    made with ``PYTHONDONTWRITEBYTECODE`` or an editable install may have none to share. The copy
    holds the same files as the package, and nothing beside it. Returns the copy's folder.
    """
    import compileall  # noqa: PLC0415
    import py_compile  # noqa: PLC0415

    target = Path(folder) / "dlcourse"
    shutil.copytree(_PACKAGE_DIR, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    compileall.compile_dir(target, quiet=2, workers=1,
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    for path in [target, *target.rglob("*")]:  # readable by the sandbox's own user
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


def _command(private: Path, argv: list[str], env: dict[str, str], limits: Limits, data: Path | None,
             package: Path) -> list[str]:
    args = ["bwrap", *_mounts(), "--perms", "0755", "--dir", "/opt", "--perms", "0755", "--dir", _SOURCE,
            "--ro-bind", str(package), f"{_SOURCE}/dlcourse",  # the package alone, not course/
            "--bind", str(private), INSIDE, "--chdir", INSIDE,
            *_UNSHARE, "--die-with-parent", "--new-session", "--hostname", "sandbox",
            "--clearenv"]
    if data is not None and data.is_dir():
        args += ["--ro-bind", str(data), _DATA]
    if os.geteuid() == 0:
        args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    for key, value in env.items():
        args += ["--setenv", key, value]
    return [*args, "--", *argv]


def inner_environment(env: dict[str, str], data: Path | None, isolated: bool, private: Path) -> dict[str, str]:
    """The environment of the sandboxed program: ``env`` plus paths as seen from inside."""
    inside = INSIDE if isolated else str(private)
    base = {"PATH": "/usr/bin:/bin", "HOME": f"{inside}/home", "DLCOURSE_HOME": f"{inside}/home",
            "LANG": "C.UTF-8", "MPLBACKEND": "agg", "TF_CPP_MIN_LOG_LEVEL": "3",
            "PYTHONPATH": _SOURCE if isolated else str(_PACKAGE_DIR.parent), "PYTHONDONTWRITEBYTECODE": "1",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1", "JUPYTER_PLATFORM_DIRS": "1", "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
            "TF_NUM_INTRAOP_THREADS": "1"}
    if data is not None:
        base["DLCOURSE_DATA"] = _DATA if isolated else str(data)
    return {**base, **env}


def run(private: str | Path, argv: list[str], limits: Limits, env: dict[str, str] | None = None,
        data: str | Path | None = None, isolated: bool = True, package: str | Path | None = None) -> SandboxResult:
    """Run ``argv`` (a ``python -m`` command that calls :func:`launch` first) in the sandbox.

    ``private`` becomes ``/sandbox`` inside; ``data`` (a dataset folder) is visible read-only;
    ``package`` is the ``dlcourse`` package it sees (default: this one; :func:`prepare_package`
    makes a copy with bytecode). The whole sandbox is killed after ``limits.wall_seconds``.
    """
    private = Path(private)
    data_path = Path(data) if data else None
    environment = inner_environment(env or {}, data_path, isolated, private)
    # Outside a sandbox the program keeps the caller's user: an unprivileged one could not read
    # an environment installed under a private home (pyenv in /root), and isolates nothing there.
    environment["DLCOURSE_SANDBOX_LIMITS"] = json.dumps({**asdict(limits), "drop_user": isolated})
    if os.geteuid() == 0 and isolated:
        for path in [private, *private.rglob("*")]:
            os.chown(path, limits.uid, limits.uid, follow_symlinks=False)
    if isolated:
        command = _command(private, argv, environment, limits, data_path, Path(package or _PACKAGE_DIR))
        popen_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        cwd = None
    else:
        command, popen_env, cwd = argv, environment, str(private)
    started = time.monotonic()
    stderr_path = private.parent / (private.name + ".stderr")
    with open(stderr_path, "w+b") as stderr:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                                   env=popen_env, cwd=cwd, start_new_session=True)
        timed_out = False
        try:
            process.wait(timeout=limits.wall_seconds)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            _kill_group(process)
        size = stderr.seek(0, os.SEEK_END)
        stderr.seek(max(0, size - 4000))
        tail = stderr.read().decode("utf-8", "replace")
    stderr_path.unlink(missing_ok=True)
    return SandboxResult(None if timed_out else process.returncode, timed_out, time.monotonic() - started, tail,
                         isolated)


def _kill_group(process: subprocess.Popen) -> None:
    """End the sandbox and everything in it (its session; the PID namespace does the rest)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def launch() -> None:
    """Inside the sandbox, first thing: apply the limits and drop to the sandbox's own user.

    Reads ``DLCOURSE_SANDBOX_LIMITS`` (set by :func:`run`); does nothing without it.
    """
    text = os.environ.pop("DLCOURSE_SANDBOX_LIMITS", None)
    if not text:
        return
    settings = json.loads(text)
    drop_user = settings.pop("drop_user", True)
    limits = Limits(**settings)
    mb = 1024 * 1024
    for which, value in ((resource.RLIMIT_AS, limits.memory_mb * mb), (resource.RLIMIT_CPU, limits.cpu_seconds),
                         (resource.RLIMIT_FSIZE, limits.file_mb * mb), (resource.RLIMIT_NOFILE, limits.open_files),
                         (resource.RLIMIT_NPROC, limits.processes), (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(which, (value, value))
    if os.geteuid() == 0 and drop_user:
        os.setgroups([])
        os.setresgid(limits.uid, limits.uid, limits.uid)
        os.setresuid(limits.uid, limits.uid, limits.uid)  # from here on: no capabilities, no root
    os.umask(0o077)
