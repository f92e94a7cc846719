"""Test-wide setup: never touch the learner's real per-user folder.

``pytest_configure`` points ``DLCOURSE_HOME`` at a fresh temporary folder for the whole run, so
progress and downloads made by tests (and by the notebook kernels nbval starts, which inherit
the environment) land there. Data stays reachable: if ``DLCOURSE_DATA`` is unset but the real
cache already holds datasets, ``DLCOURSE_DATA`` is pointed at that cache (read only).
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

from dlcourse import paths


def pytest_configure(config: pytest.Config) -> None:
    real_cache = paths.dataset_cache()
    if not os.environ.get(paths.DATA_ENV) and real_cache.is_dir():
        os.environ[paths.DATA_ENV] = str(real_cache)
    home = tempfile.mkdtemp(prefix="dlcourse-test-home-")
    config._dlcourse_home = home  # type: ignore[attr-defined]
    os.environ[paths.HOME_ENV] = home
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def pytest_unconfigure(config: pytest.Config) -> None:
    home = getattr(config, "_dlcourse_home", None)
    if home:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def fresh_home(tmp_path, monkeypatch):
    """An empty per-user folder and no ``DLCOURSE_DATA``: a machine that has nothing yet."""
    home = tmp_path / "home"
    monkeypatch.setenv(paths.HOME_ENV, str(home))
    monkeypatch.delenv(paths.DATA_ENV, raising=False)
    return home
