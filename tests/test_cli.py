"""The ``dlcourse`` command: start, data status/fetch/import, doctor."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dlcourse import paths
from dlcourse.cli import main



def test_help_lists_commands(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("start", "data", "doctor"):
        assert command in out


def test_start_dry_run_points_jupyterlab_at_the_course(capsys):
    assert main(["start", "--dry-run"]) == 0
    out = capsys.readouterr().out
    course = Path(__file__).resolve().parent.parent / "course"
    assert f"--ServerApp.root_dir={course}" in out and "-m jupyterlab" in out


def test_start_passes_extra_arguments_and_rejects_missing_folder(capsys, tmp_path):
    assert main(["start", str(tmp_path), "--dry-run", "--", "--no-browser"]) == 0
    assert out_has(capsys, "--no-browser")
    assert main(["start", str(tmp_path / "nope")]) == 2
    assert "cannot find" in capsys.readouterr().err


def out_has(capsys, text: str) -> bool:
    return text in capsys.readouterr().out


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
    for name in ("Python", "TensorFlow/Keras", "Widgets", "Dataset mnist", "Dataset fashion-mnist", "Course folder"):
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
