"""Start and stop an isolated JupyterLab for browser tests.

The server gets a free port, its own settings, workspace, runtime and config folders, a token,
and a copy of the course to work in (so saved outputs never touch the repository). It is
always stopped by its process group id, even when a test fails.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

# Settings that keep JupyterLab quiet and deterministic under automation.
USER_SETTINGS = {
    # No "Would you like to receive official Jupyter news?" prompt, and no request to the internet.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    # Attach every cell to the DOM, so widgets far down a lesson render and can be checked.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Lab:
    """A running JupyterLab server: where it serves, how to reach it, and its process."""

    root: Path
    port: int
    token: str
    process: subprocess.Popen
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str, workspace: str) -> str:
        """The URL opening ``path`` alone in a fresh JupyterLab workspace named ``workspace``."""
        return f"{self.base_url}/lab/workspaces/{workspace}/tree/{path}?reset&token={self.token}"

    def shut_down_kernels(self) -> None:
        """Shut down every running kernel (each lesson's kernel holds up to 1.5 GB)."""
        request = urllib.request.Request(f"{self.base_url}/api/kernels?token={self.token}")
        with urllib.request.urlopen(request, timeout=10) as response:
            kernels = json.load(response)
        for kernel in kernels:
            delete = urllib.request.Request(f"{self.base_url}/api/kernels/{kernel['id']}?token={self.token}",
                                            method="DELETE")
            urllib.request.urlopen(delete, timeout=30).close()

    def stop(self) -> None:
        """Stop the server and everything it started (kernels included), by process group."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=5)


def start_lab(course: Path, workdir: Path, timeout: float = 90.0) -> Lab:
    """Copy ``course`` into ``workdir`` and serve it with JupyterLab; return once it answers."""
    root = workdir / "course"
    shutil.copytree(course, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "solutions"))
    settings = workdir / "settings"
    for name, values in USER_SETTINGS.items():
        target = settings / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    for sub in ("workspaces", "runtime", "config"):
        (workdir / sub).mkdir(exist_ok=True)
    port, token = free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(workdir / "runtime"),
        "JUPYTER_CONFIG_DIR": str(workdir / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(workdir / "workspaces"),
    }
    env.pop("DLCOURSE_CHECKS_MUST_PASS", None)  # learner copies are run unfilled: checks read "not attempted"
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser",
        f"--ServerApp.root_dir={root}", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
        f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={workdir / 'workspaces'}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = workdir / "jupyterlab.log"
    with open(log, "wb") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, env=env,
                                   cwd=workdir, start_new_session=True)
    lab = Lab(root=root, port=port, token=token, process=process, log=log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{lab.base_url}/api/status?token={token}", timeout=2):
                return lab
        except OSError:
            time.sleep(0.5)
    lab.stop()
    raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}")
