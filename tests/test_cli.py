"""The ``dlcourse`` command: start, data status/fetch/import, doctor."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import dlcourse
from dlcourse import paths
from dlcourse.cli import main
from lab_helpers import check_serves_lesson_00_and_stops_cleanly, start_course



def test_help_lists_commands(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("start", "data", "doctor"):
        assert command in out


def test_bare_dlcourse_lists_the_commands_and_version_prints(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    for command in ("start", "update", "data", "doctor", "progress"):
        assert f"    {command} " in out
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"dlcourse {dlcourse.__version__}"


def test_start_dry_run_serves_the_workspace_at_lesson_00(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv(paths.WORKSPACE_ENV, str(tmp_path / "hub-home" / "course"))
    assert main(["start", "--dry-run", "--", "--no-browser"]) == 0
    out = capsys.readouterr().out
    assert f"--ServerApp.root_dir={tmp_path / 'hub-home' / 'course'}" in out and "-m jupyterlab" in out
    assert "--LabApp.default_url=/lab/tree/00_welcome.ipynb" in out and out.rstrip().endswith("--no-browser")
    assert ("--allow-root" in out) == (os.geteuid() == 0)
    assert not (tmp_path / "hub-home").exists(), "a dry run writes nothing"
    monkeypatch.delenv(paths.WORKSPACE_ENV)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert main(["start", "--dry-run"]) == 0
    assert f"--ServerApp.root_dir={tmp_path / 'dlcourse'} " in capsys.readouterr().out


def test_start_refuses_the_course_folder_itself(capsys):
    assert main(["start", str(paths.shipped_course_dir())]) == 2
    assert "course's own folder" in capsys.readouterr().err


def test_update_makes_then_updates_the_workspace(capsys, tmp_path):
    folder = tmp_path / "mine"
    assert main(["update", str(folder)]) == 0
    assert "Made your workspace" in capsys.readouterr().out
    assert main(["update", str(folder)]) == 0
    assert "is up to date" in capsys.readouterr().out
    (folder / "03_forward_propagation.ipynb").unlink()
    assert main(["update", str(folder)]) == 0
    assert "03_forward_propagation.ipynb: was missing, copied in fresh" in capsys.readouterr().out


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads kernel processes from /proc")
@pytest.mark.parametrize("tty", [False, True], ids=["no-terminal", "terminal"])
def test_start_opens_lesson_00_and_ctrl_c_shuts_jupyterlab_down(tmp_path, tty):
    """One SIGINT to ``dlcourse start`` (what Ctrl-C sends; JupyterLab runs in its own process group,
    so only dlcourse gets it) stops JupyterLab its own way: kernel shut down, runtime files removed."""
    proc, info, runtime, log = start_course([sys.executable, "-m", "dlcourse", "start", "--", "--no-browser"],
                                            tmp_path, tty=tty)
    out = check_serves_lesson_00_and_stops_cleanly(proc, info, runtime, log, tmp_path / "home" / "dlcourse")
    assert proc.returncode == 0, out[-2000:]
    assert "Made your workspace" in out
    if os.geteuid() == 0:
        assert "Running as root: dlcourse added --allow-root" in out


def test_data_status_on_an_empty_machine(fresh_home, capsys):
    assert main(["data", "status"]) == 1
    out = capsys.readouterr().out
    assert "(not set)" in out and out.count("missing") == 8
    assert "dlcourse data fetch" in out


def test_data_fetch_offline_exits_1_with_a_message_not_a_traceback(fresh_home, capsys, monkeypatch):
    from dataclasses import replace

    from dlcourse.data import store

    monkeypatch.setitem(store.DATASETS, "mnist", replace(store.DATASETS["mnist"], mirrors=("http://127.0.0.1:9/",)))
    assert main(["data", "fetch", "mnist"]) == 1
    err = capsys.readouterr().err
    assert "dlcourse looked in" in err and "Traceback" not in err


def test_data_import_of_an_empty_folder(fresh_home, tmp_path, capsys):
    assert main(["data", "import", str(tmp_path)]) == 1
    assert "No dataset files with valid checksums" in capsys.readouterr().err
    assert main(["data", "import", str(tmp_path / "missing")]) == 1
    assert "is not a folder" in capsys.readouterr().err


def test_data_import_then_status_with_real_files(real_data, fresh_home, capsys):
    assert main(["data", "import", str(real_data)]) == 0
    assert "Imported 8 files" in capsys.readouterr().out
    assert main(["data", "status"]) == 0
    out = capsys.readouterr().out
    assert out.count("  ok ") == 8 and str(paths.dataset_cache()) in out


def test_doctor_reports_each_check(real_data, fresh_home, capsys, monkeypatch):
    monkeypatch.setenv(paths.DATA_ENV, str(real_data))
    status = main(["doctor"])
    out = capsys.readouterr().out
    for name in ("Python", "TensorFlow/Keras", "Widgets", "Dataset mnist", "Dataset fashion-mnist", "Lessons",
                 "Course folder"):
        assert f"] {name}:" in out
    assert "Keras 3." in out
    assert status == 0, out


def test_doctor_on_a_machine_without_data(fresh_home, capsys):
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] Dataset mnist: 4 of 4 files missing. Fix: dlcourse data fetch mnist" in out


def test_doctor_flags_an_unwritable_course_folder(monkeypatch, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(paths.HOME_ENV, str(blocker / "home"))  # a path under a file cannot be created
    from dlcourse.doctor import check_home

    result = check_home()
    assert not result.ok and "DLCOURSE_HOME" in result.detail


def test_console_script_and_module_entry_points():
    done = subprocess.run([sys.executable, "-m", "dlcourse", "data", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "fetch" in done.stdout


def test_doctor_prints_each_line_as_soon_as_its_check_is_done(capsys, monkeypatch):
    from dlcourse import doctor

    seen = []

    def second():
        seen.append(capsys.readouterr().out)  # what the learner saw while this check ran
        return doctor.Check("Second", True, "done")

    monkeypatch.setattr(doctor, "CHECKS", [lambda: doctor.Check("First", True, "done"), second])
    assert main(["doctor"]) == 0
    assert seen == ["[ ok ] First: done\n"]
    assert capsys.readouterr().out == "[ ok ] Second: done\nAll 2 checks ok.\n"


@pytest.fixture
def stalled_servers():
    """Two servers on 127.0.0.1 that accept connections and never answer."""
    servers, accepted = [], []
    for _ in range(2):
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        servers.append(server)

        def accept(server=server):
            while True:
                try:
                    accepted.append(server.accept()[0])
                except OSError:
                    return

        threading.Thread(target=accept, daemon=True).start()
    yield [f"http://127.0.0.1:{s.getsockname()[1]}/" for s in servers]
    for sock in servers + accepted:
        sock.close()


def test_data_fetch_gives_up_on_a_stalled_network_and_tries_every_dataset(fresh_home, capsys, monkeypatch,
                                                                          stalled_servers):
    from dataclasses import replace

    from dlcourse.data import store

    first, second = stalled_servers
    monkeypatch.setitem(store.DATASETS, "mnist", replace(store.DATASETS["mnist"], mirrors=(first,)))
    monkeypatch.setitem(store.DATASETS, "fashion-mnist",
                        replace(store.DATASETS["fashion-mnist"], mirrors=(first, second)))
    started = time.monotonic()
    assert main(["data", "fetch"]) == 1
    elapsed = time.monotonic() - started
    captured = capsys.readouterr()
    assert "mnist: FAILED" in captured.err and "fashion-mnist: FAILED" in captured.err
    assert captured.out.count(": fetching...") == 2
    host = first.split("/")[2]
    assert f"train-images-idx3-ubyte.gz: {host}: no answer within 10 s" in captured.err
    assert f"skipped ({host} did not answer earlier)" in captured.err, "a dead host is not waited for twice"
    # One 10 s wait per stalled host: the first for MNIST, the second for Fashion-MNIST's other mirror.
    assert 2 * store.DOWNLOAD_TIMEOUT - 1 < elapsed < 2 * store.DOWNLOAD_TIMEOUT + 8, elapsed
    assert store.DOWNLOAD_TIMEOUT <= 10
