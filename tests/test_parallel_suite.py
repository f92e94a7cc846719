"""The suite's own parallel layout (conftest.py): notebooks stay whole, long files are spread."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from dlcourse import cpus

ROOT = Path(__file__).resolve().parents[1]
# The root conftest.py, by path: ``import conftest`` may find tests/browser/conftest.py instead.
_spec = importlib.util.spec_from_file_location("dlcourse_root_conftest", ROOT / "conftest.py")
conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(conftest)


def test_every_spread_file_exists():
    assert all((ROOT / name).is_file() for name in conftest.SPREAD)


def test_scheduler_keeps_files_whole_and_spreads_the_listed_ones():
    assert conftest.scope_of("course/solutions/01_neuron.ipynb::Cell 3") == "course/solutions/01_neuron.ipynb"
    assert conftest.scope_of("tests/test_idx.py::test_a[uint8]") == "tests/test_idx.py"
    lesson = "tests/browser/test_lessons_in_browser.py::test_lesson_runs_in_jupyterlab[01_neuron.ipynb]"
    assert conftest.scope_of(lesson) == lesson


def test_auto_workers_follow_usable_cpus():
    workers = conftest.pytest_xdist_auto_num_workers(config=None)
    assert 1 <= workers <= cpus.usable_cpus()

