"""Package hygiene: a light import with no side effects, the synthetic datasets, and a wheel that
ships the lessons."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from dlcourse.data import SPAM_EXAMPLE, SYNTHETIC, make_dataset, make_spam_keywords


def test_import_dlcourse_does_not_pull_in_heavy_libraries(tmp_path):
    code = (
        "import sys, dlcourse, dlcourse.data, dlcourse.paths, dlcourse.cli\n"
        "heavy = sorted(m for m in ('tensorflow', 'keras', 'matplotlib', 'ipywidgets') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DLCOURSE_HOME": str(tmp_path / "h")})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"import dlcourse pulled in: {done.stdout.strip()}"
    assert not (tmp_path / "h").exists(), "importing must not create files"


@pytest.mark.parametrize("name", sorted(SYNTHETIC))
def test_synthetic_sets_are_seeded_shaped_and_noisy(name):
    x1, y1 = make_dataset(name, n=101, noise=0.1, seed=3)
    x2, y2 = make_dataset(name, n=101, noise=0.1, seed=3)
    x3, _ = make_dataset(name, n=101, noise=0.1, seed=4)
    assert x1.shape == (101, 2) and x1.dtype == np.float32 and y1.shape == (101,)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(x1, x3)
    assert np.all(np.abs(x1) < 2)
    if name != "plane":
        assert set(np.unique(y1)) == {0, 1}
        assert 0.3 < y1.mean() < 0.7
    clean, _ = make_dataset(name, n=101, noise=0.0, seed=3)
    noisy, _ = make_dataset(name, n=101, noise=0.5, seed=3)
    assert not np.array_equal(clean, noisy) or name == "plane"


def test_synthetic_sets_have_their_shape():
    x, y = make_dataset("circles", n=400, seed=0)
    r = np.hypot(x[:, 0], x[:, 1])
    assert r[y == 1].max() < r[y == 0].min(), "the disc lies strictly inside the ring"
    x, y = make_dataset("xor", n=400, seed=0)
    np.testing.assert_array_equal(y, (x[:, 0] * x[:, 1] > 0).astype(int))
    x, y = make_dataset("plane", n=50, seed=0)
    np.testing.assert_allclose(y, x.sum(axis=1) / 2, rtol=1e-6)


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="Valid names: xor, circles"):
        make_dataset("donut")
    with pytest.raises(ValueError, match="noise must be a finite number"):
        make_dataset("xor", noise=float("nan"))
    with pytest.raises(ValueError, match="n must be an integer"):
        make_dataset("moons", n=1)


def test_spam_example_reproduces_the_worked_numbers():
    w1, b1, w2, b2 = SPAM_EXAMPLE.weights()
    x = np.asarray(SPAM_EXAMPLE.x, dtype=np.float32)
    z1 = x @ w1 + b1
    np.testing.assert_allclose(z1, [0.8, -0.1], atol=1e-6)
    a1 = np.maximum(z1, 0)
    z2 = a1 @ w2 + b2
    np.testing.assert_allclose(z2, [0.56], atol=1e-6)
    assert round(float(1 / (1 + np.exp(-z2[0]))), 3) == 0.636
    assert SPAM_EXAMPLE.features == ("free", "win", "offer")
    xs, ys = make_spam_keywords(n=300, noise=0.0, seed=1)
    assert xs.shape == (300, 3) and set(np.unique(ys)) == {0, 1}


def _tracked_copy(target):
    """Copy exactly the repository's tracked files to ``target`` (what a clean clone holds)."""
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip("needs a git checkout to know which files a clone holds")
    for name in filter(None, done.stdout.split("\0")):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target / name)
    return target


def _clean_env(path_first):
    """The environment a fresh shell would give: nothing of this test run's dlcourse, pip's cache kept."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "DLCOURSE_HOME", "DLCOURSE_WORKSPACE"}}
    env["PATH"] = f"{path_first}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def test_the_wheel_ships_the_lessons_and_dlcourse_start_serves_them(tmp_path):
    """Build the wheel, install it (not editable) into a fresh virtual environment, and run
    ``dlcourse start`` from there until JupyterLab serves lesson 00 of a new workspace; then stop it.
    Takes minutes (installing the dependencies; pip's cache makes it faster)."""
    from lab_helpers import check_serves_lesson_00_and_stops_cleanly, start_course

    repo = _tracked_copy(tmp_path / "repo")
    venv = tmp_path / "venv"
    python, dlcourse_command = venv / "bin" / "python", venv / "bin" / "dlcourse"
    env = _clean_env(venv / "bin")

    def run(*command, **kwargs):
        done = subprocess.run([str(c) for c in command], capture_output=True, text=True, env=env, **kwargs)
        assert done.returncode == 0, f"{command} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return done

    run(sys.executable, "-m", "venv", venv)
    run(python, "-m", "pip", "wheel", "--no-deps", "-w", tmp_path / "dist", repo, timeout=900)
    wheel = next((tmp_path / "dist").glob("dlcourse-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    lessons = sorted(p.name for p in (repo / "course").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(n.split("/")[-1] for n in names if n.startswith("dlcourse/_course/")) == lessons
    assert not [n for n in names if "solutions" in n or n.startswith("course/")], "the solutions must not ship"

    run(python, "-m", "pip", "install", wheel, timeout=2400)
    where = run(python, "-c", "import dlcourse.paths as p; print(p.shipped_course_dir())", cwd=tmp_path).stdout
    assert "site-packages" in where and where.strip().endswith("_course"), where

    proc, info, runtime, log = start_course([str(dlcourse_command), "start", "--", "--no-browser"], tmp_path,
                                            env=env, cwd=tmp_path)
    check_serves_lesson_00_and_stops_cleanly(proc, info, runtime, log, tmp_path / "home" / "dlcourse")
    assert sorted(p.name for p in (tmp_path / "home" / "dlcourse").glob("*.ipynb")) == lessons
    shutil.rmtree(venv)  # about 2 GB; pytest keeps the temporary folders of its last runs
