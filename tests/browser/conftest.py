"""Fixtures for the browser suite: one JupyterLab server and one headless Chromium per run.

The suite needs Debian's ``chromium`` and the ``playwright`` package. Without them it is
skipped with a message, unless ``DLCOURSE_REQUIRE_BROWSER=1`` (set by ``.ci/run``), in which
case a missing browser is an error.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from lab import start_lab  # tests/browser is on sys.path (rootdir-relative conftest import)

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    """Path of a Chromium binary (``$CHROMIUM`` or Debian's), or None."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def _unavailable(reason: str) -> None:
    if os.environ.get("DLCOURSE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser suite required but {reason}", pytrace=False)
    pytest.skip(f"browser suite skipped: {reason} (apt-get install chromium; pip install playwright)")


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium driven by Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    path = chromium_path()
    if path is None:
        _unavailable("no Chromium at /usr/bin/chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def lab(tmp_path_factory, chromium):
    """A JupyterLab serving a copy of the learner notebooks; stopped at the end of the run."""
    server = start_lab(REPO / "course", tmp_path_factory.mktemp("lab"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where a screenshot of each lesson is saved (``$DLCOURSE_SCREENSHOTS`` or build/screenshots)."""
    folder = Path(os.environ.get("DLCOURSE_SCREENSHOTS", REPO / "build" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
