"""Start ``dlcourse start`` as a learner would and watch JupyterLab: what it serves, and how it stops.

Shared by the start tests (tests/test_cli.py), the wheel test (tests/test_package.py) and the
README's learner command (tests/test_readme.py).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from dlcourse import paths


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _api(info: dict, path: str, method: str = "GET", body: bytes | None = None):
    request = urllib.request.Request(info["url"].rstrip("/") + path, method=method, data=body,
                                     headers={"Authorization": f"token {info['token']}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read(), response.url


def start_course(command: list[str], tmp_path: Path, env: dict | None = None, tty: bool = False,
                 timeout: float = 600, **popen):
    """Start ``command`` (a ``dlcourse start``) with its own HOME and Jupyter runtime folder; wait
    until JupyterLab answers (within ``timeout`` seconds, which must cover an install the command
    makes first); return (process, server info, runtime folder, output file)."""
    runtime = tmp_path / "runtime"
    env = {**(env or os.environ), "HOME": str(tmp_path / "home"), "JUPYTER_RUNTIME_DIR": str(runtime),
           "JUPYTER_PORT": str(_free_port()), "BROWSER": "true", "PYTHONUNBUFFERED": "1"}
    env.pop(paths.WORKSPACE_ENV, None)
    (tmp_path / "home").mkdir(exist_ok=True)
    log = tmp_path / "start.log"
    stdin = subprocess.DEVNULL
    if tty:
        import pty
        primary, stdin = pty.openpty()
    proc = subprocess.Popen(command, env=env, stdin=stdin, stdout=log.open("w"), stderr=subprocess.STDOUT, **popen)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        infos = list(runtime.glob("jpserver-*.json")) if runtime.is_dir() else []
        if infos:
            info = json.loads(infos[0].read_text())
            try:
                _api(info, "/api/status")
                return proc, info, runtime, log
            except (OSError, urllib.error.URLError):
                pass
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    proc.kill()
    pytest.fail(f"JupyterLab did not start:\n{log.read_text()[-3000:]}")


def check_serves_lesson_00_and_stops_cleanly(proc, info, runtime, log, workspace: Path, signal_to=None):
    """JupyterLab serves lesson 00 of ``workspace`` first; a kernel runs; one SIGINT stops it all."""
    assert info["root_dir"] == str(workspace)
    status, page, url = _api(info, "/")  # redirected to the default URL
    assert status == 200 and b"JupyterLab" in page and url.endswith("/lab/tree/00_welcome.ipynb"), url
    status, body, _ = _api(info, "/api/contents/00_welcome.ipynb?content=0")
    assert status == 200 and json.loads(body)["path"] == "00_welcome.ipynb"
    assert (workspace / "00_welcome.ipynb").is_file() and not (workspace / "solutions").exists()
    _, body, _ = _api(info, "/api/sessions", "POST", json.dumps(
        {"path": "00_welcome.ipynb", "type": "notebook", "name": "", "kernel": {"name": "python3"}}).encode())
    kernel = json.loads(body)["kernel"]["id"]
    for _ in range(240):
        _, body, _ = _api(info, f"/api/kernels/{kernel}")
        if json.loads(body)["execution_state"] in ("idle", "busy"):
            break
        time.sleep(0.5)
    kernel_pids = [p for p in os.listdir("/proc") if p.isdigit() and _cmdline(p).count(kernel)]
    assert kernel_pids, "the kernel process was not found"
    assert list(runtime.glob(f"kernel-{kernel}*"))
    (signal_to or proc.send_signal)(signal.SIGINT)
    proc.wait(timeout=120)
    out = log.read_text()
    assert "Shutting down 1 kernel" in out and "Kernel shutdown" in out, out[-3000:]
    assert "without encryption" not in out
    assert sorted(p.name for p in runtime.iterdir()) == ["jupyter_cookie_secret"], "runtime files left behind"
    time.sleep(1)
    assert not [p for p in kernel_pids if os.path.exists(f"/proc/{p}") and kernel in _cmdline(p)], "kernel left running"
    return out


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
