"""The README is the course's front door: its map lists every lesson, its links resolve, and its
*Start here* works as written."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_course_map_lists_every_learner_notebook_in_order():
    section = README[README.index("## Course map"):]
    section = section[:section.index("\n## ", 3)]
    linked = re.findall(r"\]\((course/\d\d_[\w-]+\.ipynb)\)", section)
    lessons = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "course").glob("[0-9][0-9]_*.ipynb"))
    assert linked == lessons
    rows = [line for line in section.splitlines() if re.match(r"\| \d\d \|", line)]
    assert len(rows) == len(lessons) and all(line.count("|") == 7 for line in rows), rows


def test_every_relative_link_and_mentioned_path_exists():
    targets = re.findall(r"\]\(((?!https?://|#)[^)\s]+)\)", README)
    assert targets, "no relative links found"
    for target in targets:
        assert (ROOT / target.split("#")[0]).exists(), target
    for path in re.findall(r"`((?:benchmarks|tests|docs|binder)/[\w./-]+)`", README):
        assert (ROOT / path).exists(), path


def test_the_binder_badge_opens_the_first_lesson():
    badge = re.search(r"mybinder\.org/v2/gh/[\w.-]+/[\w.-]+/HEAD\?urlpath=lab/tree/([\w./-]+)\)", README)
    assert badge and (ROOT / badge.group(1)).exists()


def _between(marker: str) -> str:
    block = README.split(f"<!-- {marker} -->", 1)[1].split(f"<!-- /{marker} -->", 1)[0]
    lines = [line for line in block.strip().splitlines() if not line.startswith("```")]
    assert len(lines) == 1, f"the {marker} is one line: {lines}"
    return lines[0]


def test_start_here_is_a_clone_then_one_line_and_the_test_line_is_with_the_maintainers():
    start_here = README[README.index("## Start here"):README.index("## Course map")]
    maintainers = README[README.index("## For maintainers"):]
    assert "git clone https://github.com/" in start_here
    learner = _between("start-command")
    assert learner in start_here and learner.startswith("python3 -m venv .venv && ")
    assert learner.endswith("dlcourse start")
    assert "py -m venv .venv && " in start_here and ".venv\\Scripts\\dlcourse start" in start_here
    tests = _between("test-command")
    assert tests in maintainers and tests not in start_here
    assert tests.startswith("python3 -m venv .venv && ") and tests.endswith("-m pytest -n auto"), "the whole suite, on every usable CPU"
    assert '.venv\\Scripts\\python -m pip install -e ".[test]"' in maintainers
    assert re.search(r"\d(\.\d)? GB", start_here) and re.search(r"\d+ minutes", start_here), \
        "Start here states the install's size and time"
    # .ci/run reads the test command with this sed line and runs nothing else
    ci = (ROOT / ".ci" / "run").read_text()
    assert "sed -n '/<!-- test-command -->/,/<!-- \\/test-command -->/p' README.md" in ci
    assert "venv" not in ci.split("test_command=")[1].split("bash -euo")[0]
    assert "-m venv" not in ci, ".ci/run leaves making the environment to the README's line"


DEBIAN_PYTHON = Path("/usr/bin/python3")


@pytest.mark.skipif(not DEBIAN_PYTHON.exists(), reason="needs Debian's /usr/bin/python3 (.ci/run installs python3-venv)")
def test_the_learner_line_works_as_written_from_debians_python(tmp_path):
    """The learner's line of *Start here*, exactly as written, in a copy of the clone, with
    Debian's Python first on PATH (as root in CI): it makes .venv, installs, and starts JupyterLab,
    which serves lesson 00 of a new workspace; Ctrl-C's signal (to the whole command, as a
    terminal sends it) stops it cleanly. Takes minutes: it installs every dependency (pip's cache
    helps)."""
    from lab_helpers import check_serves_lesson_00_and_stops_cleanly, start_course
    from test_package import _clean_env, _tracked_copy

    clone = _tracked_copy(tmp_path / "dlcourse")
    line = _between("start-command")
    env = _clean_env(DEBIAN_PYTHON.parent)
    proc, info, runtime, log = start_course(["bash", "-c", line], tmp_path, env=env, cwd=clone,
                                            timeout=2400, start_new_session=True)
    out = check_serves_lesson_00_and_stops_cleanly(
        proc, info, runtime, log, tmp_path / "home" / "dlcourse",
        signal_to=lambda signum: os.killpg(proc.pid, signum))
    assert proc.returncode == 0, out[-3000:]
    base = subprocess.run([str(clone / ".venv" / "bin" / "python"), "-c", "import sys; print(sys.base_prefix)"],
                          capture_output=True, text=True).stdout.strip()
    assert base == "/usr", f"the venv was not made from Debian's Python: {base}"
    if os.geteuid() == 0:
        assert "Running as root: dlcourse added --allow-root" in out
    shutil.rmtree(clone / ".venv")  # about 2 GB; pytest keeps the temporary folders of its last runs
