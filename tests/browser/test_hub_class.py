"""A class on JupyterHub, end to end, on loopback only.

JupyterHub (dummy authenticator, local-process spawner) behind configurable-http-proxy, with
nbgitpuller and dlcourse's sync extension in every learner's server. Three learners log in in a
real browser and follow lesson 01's nbgitpuller link; each gets the course in their own
workspace, writes answers (all right, one right, one wrong), runs the lesson and passes the
checks they answered (progress recorded in their own home). The instructor then changes lesson
01 and pushes it to the student repository; each learner follows the link again, and their
workspace has the instructor's change and every answer they wrote. They submit; the instructor
collects and grades, and the CSV gives each learner the points they earned.

Needs ``jupyterhub``, ``nbgitpuller`` (the test extra), npm's ``configurable-http-proxy`` and
Chromium; skipped without them unless ``DLCOURSE_REQUIRE_HUB=1`` (set by ``.ci/run``).
Everything is started by this test and stopped by process group, even when it fails.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from lab import USER_SETTINGS, free_port

REPO = Path(__file__).resolve().parents[2]
LESSON = "01_neuron.ipynb"
USERS = {"ada": "all", "grace": "one", "alan": "wrong"}  # what each learner answers
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"


def _require(what: str) -> None:
    if os.environ.get("DLCOURSE_REQUIRE_HUB") == "1":
        pytest.fail(f"hub test required but {what}", pytrace=False)
    pytest.skip(f"hub test skipped: {what}")


@pytest.fixture(scope="module")
def proxy_command() -> str:
    for module in ("jupyterhub", "nbgitpuller"):
        try:
            __import__(module)
        except ImportError:
            _require(f"{module} is not installed (pip install -e '.[test]')")
    command = shutil.which("configurable-http-proxy")
    if command is None:
        _require("configurable-http-proxy is not on PATH (npm install -g configurable-http-proxy)")
    return command


def _dlcourse(*args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "dlcourse", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=900)
    if check:
        assert done.returncode == 0, f"dlcourse {' '.join(args)}: {done.stdout}\n{done.stderr}"
    return done


def _start_proxy(command: str, port: int, api_port: int, hub_port: int, token: str, log: Path) -> subprocess.Popen:
    """configurable-http-proxy on 127.0.0.1, as a hub with an external proxy runs it."""
    with log.open("wb") as out:
        return subprocess.Popen([command, "--ip", "127.0.0.1", "--port", str(port), "--api-ip", "127.0.0.1",
                                 "--api-port", str(api_port), "--error-target", f"http://127.0.0.1:{hub_port}/hub/error"],
                                env={**os.environ, "CONFIGPROXY_AUTH_TOKEN": token}, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


def _wait_http(url: str, seconds: float, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"JupyterHub exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answered (the proxy's API says 403 without its token)
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"JupyterHub did not answer at {url} within {seconds:.0f} s:\n{log.read_text()[-3000:]}")


def _hub_config(tmp: Path, hub_port: int, api_port: int, token: str, homes: Path) -> Path:
    extensions = tmp / "jupyter-config" / "jupyter_server_config.d"
    extensions.mkdir(parents=True)
    (extensions / "dlcourse.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {"dlcourse.classroom.sync": True, "nbgitpuller": True}}}))
    environment = {
        "DLCOURSE_DATA": os.environ.get("DLCOURSE_DATA", ""),
        "JUPYTER_CONFIG_PATH": str(tmp / "jupyter-config"),
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
    }
    config = tmp / "jupyterhub_config.py"
    config.write_text("\n".join([
        f"c.JupyterHub.hub_bind_url = 'http://127.0.0.1:{hub_port}'",
        # The proxy is started by the test (the hub gives a proxy it starts itself only 10 s).
        "c.ConfigurableHTTPProxy.should_start = False",
        f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{api_port}'",
        f"c.ConfigurableHTTPProxy.auth_token = {token!r}",
        "c.JupyterHub.authenticator_class = 'dummy'",
        "c.JupyterHub.spawner_class = 'simple'",
        f"c.SimpleLocalProcessSpawner.home_dir_template = {str(homes / '{username}')!r}",
        f"c.Spawner.cmd = [{sys.executable!r}, '-m', 'jupyterhub.singleuser']",
        "c.Spawner.default_url = '/lab'",
        # CI runs as root; on a real hub each learner's server runs as that learner.
        "c.Spawner.args = ['--allow-root'] if __import__('os').geteuid() == 0 else []",
        f"c.Spawner.environment = {environment!r}",
        "c.Spawner.start_timeout = 120",
        "c.Spawner.http_timeout = 120",
        f"c.JupyterHub.db_url = 'sqlite:///{tmp / 'hub.sqlite'}'",
        f"c.JupyterHub.cookie_secret_file = {str(tmp / 'cookie_secret')!r}",
        f"c.JupyterHub.pid_file = {str(tmp / 'hub.pid')!r}",
        f"c.ConfigurableHTTPProxy.pid_file = {str(tmp / 'proxy.pid')!r}",
        "c.JupyterHub.cleanup_servers = True",
    ]) + "\n")
    return config


def _prepare_home(home: Path) -> None:
    """What a hub's image would preset: JupyterLab's news prompt off, every cell in the DOM."""
    settings = home / ".jupyter" / "lab" / "user-settings"
    for name, values in USER_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def _answer_cells(solutions: Path) -> dict[str, str]:
    """The course's answer of each exercise of lesson 01, by exercise name."""
    from dlcourse.exercises.notebooks import ANSWER, exercise_cells, tag_cells  # noqa: PLC0415

    nb = nbformat.read(str(solutions / LESSON), as_version=4)
    tag_cells(nb)
    return {name: cell.source for _, name, cell in exercise_cells(nb, ANSWER)}


def _write_answers(path: Path, answers: dict[str, str], how: str) -> dict[str, str]:
    """Fill the learner's answer cells: ``all`` right, ``one`` right, or the first one ``wrong``."""
    from dlcourse.exercises.notebooks import ANSWER, exercise_cells  # noqa: PLC0415

    nb = nbformat.read(str(path), as_version=4)
    written = {}
    for number, (_, name, cell) in enumerate(exercise_cells(nb, ANSWER)):
        if how == "one" and number > 0:
            break
        source = answers[name]
        if how == "wrong":
            source = source.replace("X @ w + b", "X @ w - b")
            assert source != answers[name], "lesson 01's weighted-sum answer changed: update this test"
            written[name] = source
            cell.source = source
            break
        cell.source = source
        written[name] = source
    nbformat.write(nb, str(path))
    return written


def _login(page, hub: str, user: str) -> None:
    page.goto(f"{hub}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", "any password: the dummy authenticator takes it")
    page.click("#login_submit")
    page.wait_for_url(lambda url: "/hub/login" not in url, timeout=60_000)


def _follow_link(page, link: str, user: str) -> None:
    page.goto(link)
    page.wait_for_url(f"**/user/{user}/lab/tree/dlcourse/{LESSON}*", timeout=240_000)
    page.wait_for_selector(f"{NOTEBOOK} .jp-Cell", timeout=120_000)


def _run_all_and_save(page, saved: Path) -> None:
    status = lambda: page.inner_text("#jp-main-statusbar")  # noqa: E731
    deadline = time.monotonic() + 120
    while "Idle" not in status() and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    before = saved.stat().st_mtime_ns
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel").get_by_text("Run", exact=True).click()
    page.locator(".lm-Menu-content .lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
    page.wait_for_timeout(1000)
    prompts = lambda: page.eval_on_selector_all(  # noqa: E731
        f"{NOTEBOOK} .jp-CodeCell .jp-InputArea-prompt", "els => els.map(e => e.textContent.trim())")
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        current = prompts()
        if "Idle" in status() and current and not any(p.startswith("[*]") or p == "[ ]:" for p in current):
            break
        page.wait_for_timeout(500)
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 30
    while saved.stat().st_mtime_ns == before and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    page.wait_for_timeout(500)


def _check_outputs(path: Path) -> dict[str, str]:
    nb = json.loads(path.read_text())
    reports = {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("dlcourse", {})
        if meta.get("role") == "check":
            reports[meta["exercise"]] = "".join(
                "".join(o.get("data", {}).get("text/plain", o.get("text", ""))) for o in cell.get("outputs", []))
    return reports


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    try:
        os.killpg(process.pid, signal.SIGKILL)  # anything the hub started and left behind
    except ProcessLookupError:
        pass


def test_a_class_on_jupyterhub(tmp_path, chromium, proxy_command):
    from dlcourse.classroom.links import lesson_link  # noqa: PLC0415
    from dlcourse.classroom.student_repo import write_student_repo  # noqa: PLC0415

    solutions = tmp_path / "solutions"
    shutil.copytree(REPO / "course" / "solutions", solutions)
    repo = tmp_path / "student-repo"
    first = write_student_repo(repo, solutions)
    assert LESSON in first.changed and not (repo / "solutions").exists()
    assert "### BEGIN SOLUTION" not in (repo / LESSON).read_text()

    homes = tmp_path / "homes"
    for user in USERS:
        _prepare_home(homes / user)
    port, api_port, hub_port = free_port(), free_port(), free_port()
    token = secrets.token_hex(32)
    hub = f"http://127.0.0.1:{port}"
    config = _hub_config(tmp_path, hub_port, api_port, token, homes)
    log = tmp_path / "hub.log"
    proxy = _start_proxy(proxy_command, port, api_port, hub_port, token, tmp_path / "proxy.log")
    process = None
    try:
        _wait_http(f"http://127.0.0.1:{api_port}/api/routes", 120, proxy, tmp_path / "proxy.log")
        with log.open("wb") as out:
            process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=tmp_path,
                                       stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        _wait_http(f"http://127.0.0.1:{hub_port}/hub/api", 300, process, log)
        link = lesson_link(hub, str(repo), LESSON)
        answers = _answer_cells(solutions)
        written: dict[str, dict[str, str]] = {}
        for user, how in USERS.items():
            context = chromium.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            try:
                _login(page, hub, user)
                _follow_link(page, link, user)
                mine = homes / user / "dlcourse" / LESSON
                assert mine.is_file(), f"{user} has no workspace copy of {LESSON}"
                assert not list((homes / user).rglob("solutions")), f"{user} got the solutions"
                page.goto(f"{hub}/hub/home")  # close the lesson before writing the answers to disk
                written[user] = _write_answers(mine, answers, how)
                page.goto(f"{hub}/user/{user}/lab/tree/dlcourse/{LESSON}")
                page.wait_for_selector(f"{NOTEBOOK} .jp-Cell", timeout=120_000)
                _run_all_and_save(page, mine)
                reports = _check_outputs(mine)
                for name in answers:
                    expected = "passed" if name in written[user] and how != "wrong" else None
                    if expected:
                        assert "✓" in reports[name] or "passed" in reports[name], f"{user} {name}: {reports[name]}"
                    else:
                        assert "✓" not in reports[name], f"{user} {name} passed without a right answer: {reports[name]}"
                progress = list((homes / user).rglob("progress/*.json"))
                assert progress, f"no progress recorded in {user}'s own home"
            finally:
                page.screenshot(path=str(tmp_path / f"{user}.png"))
                context.close()

        # The instructor fixes lesson 01's text and pushes the update.
        nb = nbformat.read(str(solutions / LESSON), as_version=4)
        title = next(c for c in nb.cells if c.cell_type == "markdown")
        title.source = title.source.replace("# 01 · The neuron", "# 01 · The neuron (updated)", 1)
        assert "(updated)" in title.source
        nbformat.write(nb, str(solutions / LESSON))
        second = write_student_repo(repo, solutions)
        assert second.changed == [LESSON] and second.commit != first.commit

        for user in USERS:
            context = chromium.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            try:
                _login(page, hub, user)
                _follow_link(page, link, user)
            finally:
                context.close()
            mine = nbformat.read(str(homes / user / "dlcourse" / LESSON), as_version=4)
            assert "(updated)" in mine.cells[0].source, f"{user} did not get the instructor's change"
            sources = "\n".join(c.source for c in mine.cells)
            for source in written[user].values():
                assert source in sources, f"{user} lost an answer in the update"

        exchange = tmp_path / "exchange"
        _dlcourse("collect", str(exchange), "--init")
        for user in USERS:
            _dlcourse("submit", "01", "--exchange", str(exchange),
                      env={"HOME": str(homes / user), "JUPYTERHUB_USER": user,
                           "DLCOURSE_WORKSPACE": str(homes / user / "dlcourse")})
        collected = tmp_path / "collected"
        _dlcourse("collect", str(exchange), "--out", str(collected))
        grades = tmp_path / "grades.csv"
        book, results = tmp_path / "gradebook.csv", tmp_path / "results.json"
        graded = _dlcourse("grade", str(collected), "--out", str(grades), "--course", str(repo),
                           "--gradebook", str(book), "--results-json", str(results), check=False)
        assert graded.returncode == 0, graded.stdout + graded.stderr
        rows = {Path(r["file"]).parts[0]: r for r in csv.DictReader(grades.open())}
        assert set(rows) == set(USERS), rows
        maximum = float(rows["ada"]["max"])
        assert float(rows["ada"]["total"]) == maximum > 0
        assert 0 < float(rows["grace"]["total"]) < maximum
        assert float(rows["alan"]["01.weighted_sum"]) < float(rows["ada"]["01.weighted_sum"])
        assert all(r["status"] == "ok" for r in rows.values()), rows
        learners = {r["learner"]: r for r in csv.DictReader(book.open())}
        assert {u: float(r["total"]) for u, r in learners.items()} == {u: float(r["total"]) for u, r in rows.items()}
        records = json.loads(results.read_text())["submissions"]
        assert sorted(r["learner"] for r in records) == sorted(USERS)
    finally:
        if process is not None:
            _stop(process)
        _stop(proxy)
        shutil.copy(log, REPO / "build" / "hub.log") if (REPO / "build").is_dir() else None
