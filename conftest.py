"""Test-wide setup: never touch the learner's real per-user folder.

``pytest_configure`` points ``DLCOURSE_HOME`` (and matplotlib's ``MPLCONFIGDIR``, inside it) at a
fresh temporary folder for the whole run, so
progress and downloads made by tests (and by the notebook kernels nbval starts, which inherit
the environment) land there. Data stays reachable: if ``DLCOURSE_DATA`` is unset but the real
cache already holds datasets, ``DLCOURSE_DATA`` is pointed at that cache (read only).

While nbval runs a solution notebook (``course/solutions``), ``DLCOURSE_CHECKS_MUST_PASS=1``
makes every ``check(...)`` that does not pass raise, so a solution whose check fails fails its
cell. It lives here, at the root, so that it also applies when one notebook is tested alone
(``python -m pytest course/solutions/03_forward_propagation.ipynb``).

The README's test command runs the suite on several workers (pytest-xdist, ``-n auto``). ``auto`` means the CPUs this process may use
(``dlcourse.cpus``), at most one per 4 GiB of memory; each test file stays on one worker (the
cells of a notebook share one kernel, module fixtures are built once), except the files in
``SPREAD``, whose tests are long and independent.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from dlcourse import cpus, paths
from dlcourse.exercises.api import CHECKS_MUST_PASS_ENV


def pytest_configure(config: pytest.Config) -> None:
    real_cache = paths.dataset_cache()
    if not os.environ.get(paths.DATA_ENV) and real_cache.is_dir():
        os.environ[paths.DATA_ENV] = str(real_cache)
    home = tempfile.mkdtemp(prefix="dlcourse-test-home-")
    config._dlcourse_home = home  # type: ignore[attr-defined]
    os.environ[paths.HOME_ENV] = home
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # A fresh matplotlib font cache for the run: a stale one in the machine's ~/.cache (left by an
    # environment since deleted) makes every figure with mathtext write "findfont: ... not found"
    # to stderr, which the browser suite counts as a lesson error.
    os.environ["MPLCONFIGDIR"] = os.path.join(home, "matplotlib")


#: Test files whose tests are independent and long: spread over the workers one test at a time.
SPREAD = frozenset({"tests/browser/test_lessons_in_browser.py", "tests/test_mutation.py"})
_GIB = 1024 ** 3


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker per usable CPU, at most one per 4 GiB of memory (a worker may hold a
    JupyterLab, a Chromium and a TensorFlow kernel at once)."""
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        memory = 8 * _GIB
    return max(1, min(cpus.usable_cpus(), memory // (4 * _GIB)))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """Hand out whole test files, except the files in SPREAD, one test at a time.

    Written here because xdist's own ``--dist loadgroup`` marks groups by editing ``item._nodeid``,
    which pytest 9.2 no longer reads."""
    from xdist.scheduler import LoadScopeScheduling

    class FileScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return scope_of(nodeid)

    # Collection order, not xdist's largest-file-first: the long single tests (the hub, the browser
    # lessons, tests/browser is collected first) then start first instead of making a long tail.
    config.option.loadscopereorder = False
    return FileScheduling(config, log)


def scope_of(nodeid: str) -> str:
    """The unit of work a test belongs to: its file, or the test itself in a SPREAD file."""
    file = nodeid.split("::", 1)[0]
    return nodeid if file in SPREAD else file


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Solution notebooks run by nbval must pass every check: while their cells run (set before
    their kernel starts) ``check()`` raises when a check does not pass. Unit tests keep plain
    reports."""
    if type(item).__name__ == "IPyNbCell" and "solutions" in item.path.parts:
        os.environ[CHECKS_MUST_PASS_ENV] = "1"
    else:
        os.environ.pop(CHECKS_MUST_PASS_ENV, None)


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


def real_data_dir() -> Path | None:
    """The folder ``$DLCOURSE_DATA`` names, if it holds both real datasets; else None."""
    value = os.environ.get(paths.DATA_ENV)
    if not value:
        return None
    folder = Path(value)
    ok = all((folder / name / "t10k-labels-idx1-ubyte.gz").is_file() for name in ("mnist", "fashion-mnist"))
    return folder if ok else None


@pytest.fixture
def real_data() -> Path:
    """The real dataset folder; skips the test (saying how to enable it) when there is none."""
    folder = real_data_dir()
    if folder is None:
        pytest.skip("set DLCOURSE_DATA to a folder with mnist/ and fashion-mnist/ (for example ../shared/data)")
    return folder
