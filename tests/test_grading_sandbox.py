"""The grading sandbox itself, without a kernel: what a program inside can see, reach and use."""

from __future__ import annotations

import json
import os
import sys
import textwrap
import time
from pathlib import Path

import pytest

from dlcourse.exercises import sandbox

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(sandbox.bwrap_problem() is not None and os.environ.get("DLCOURSE_REQUIRE_SANDBOX") != "1",
                                reason=f"no sandbox here: {sandbox.bwrap_problem()}")


def _inside(tmp_path: Path, program: str, **limits) -> tuple[dict, sandbox.SandboxResult]:
    """Run ``program`` in a sandbox; it reports through ``report(key, value)`` into a JSON file."""
    private = tmp_path / "private"
    private.mkdir()
    (private / "program.py").write_text(
        "import json, os\nfrom dlcourse.exercises.sandbox import launch\nlaunch()\nfound = {}\n"
        "def report(key, value):\n    found[key] = value\n"
        "    open('report.json', 'w').write(json.dumps(found))\n" + textwrap.dedent(program), encoding="utf-8")
    result = sandbox.run(private, [sys.executable, "program.py"], sandbox.Limits(**{"uid": 99_001, **limits}))
    path = private / "report.json"
    return (json.loads(path.read_text()) if path.exists() else {}), result


def test_sees_only_its_own_folder_and_read_only_code(tmp_path):
    secret = tmp_path / "other-submission.ipynb"
    secret.write_text("{}")
    found, result = _inside(tmp_path, f"""
        report("secret", os.path.exists({str(secret)!r}))
        report("solutions", os.path.exists({str(REPO / "course" / "solutions")!r}))
        report("course", os.path.exists("/opt/dlcourse-src/course"))
        report("package", os.path.exists("/opt/dlcourse-src/dlcourse/exercises/grading.py"))
        try:
            open("/opt/dlcourse-src/dlcourse/evil.py", "w")
            report("package_writable", True)
        except OSError:
            report("package_writable", False)
        report("uid", os.getuid())
        report("processes", sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))
    """)
    assert result.returncode == 0, result.stderr
    assert found["secret"] is False and found["solutions"] is False and found["course"] is False
    assert found["package"] is True and found["package_writable"] is False
    if os.geteuid() == 0:
        assert found["uid"] != 0
    assert max(found["processes"]) < 10  # its own PID namespace


def test_no_network(tmp_path):
    found, _ = _inside(tmp_path, """
        import socket
        try:
            socket.create_connection(("1.1.1.1", 53), timeout=3)
            report("net", True)
        except OSError as exc:
            report("net", str(exc))
    """)
    assert found["net"] is not True


def test_limits_memory_processes_and_file_size(tmp_path):
    found, _ = _inside(tmp_path, """
        try:
            block = bytearray(6 * 1024 ** 3)
            report("memory", "allocated")
        except MemoryError:
            report("memory", "refused")
        children = 0
        try:
            for _ in range(200):
                if os.fork() == 0:
                    import time
                    time.sleep(30)
                    os._exit(0)
                children += 1
        except OSError:
            pass
        report("children", children)
        try:
            with open("big", "wb") as stream:
                stream.write(b"x" * (3 * 1024 * 1024))
            report("file", "written")
        except OSError:
            report("file", "refused")
    """, memory_mb=2048, processes=40, file_mb=1)
    assert found["memory"] == "refused"
    assert found["children"] < 40
    assert found["file"] == "refused"


def test_nothing_outlives_the_sandbox(tmp_path):
    marker = tmp_path / "private" / "late"
    started = time.monotonic()
    _, result = _inside(tmp_path, """
        import subprocess, sys
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(4); open('late', 'w').write('x')"],
                         start_new_session=True)
        report("started", True)
    """)
    assert result.returncode == 0
    time.sleep(max(0.0, 6 - (time.monotonic() - started)))
    assert not marker.exists()


def test_wall_time_limit_kills_it(tmp_path):
    started = time.monotonic()
    _, result = _inside(tmp_path, "import time\nwhile True:\n    time.sleep(1)\n", wall_seconds=5)
    assert result.timed_out and time.monotonic() - started < 60
