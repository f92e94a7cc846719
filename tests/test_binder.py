"""The Binder recipe works: build it like repo2docker would, then run a lesson in it.

A fresh virtual environment (no system packages) gets exactly the repository's tracked files;
``binder/requirements.txt`` is installed if there is one, then ``binder/postBuild`` runs from
the repository root with ``DLCOURSE_DATA_SOURCE`` pointing at the local data folder (the
machines that run CI reach no dataset host). Finally lesson 00 is executed in that
environment with ``DLCOURSE_DATA`` unset, so it must find the datasets postBuild baked in.

This takes a few minutes the first time (installing TensorFlow into the new environment);
pip's wheel cache is shared with the machine so later runs are faster.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LESSON = "course/00_welcome.ipynb"


def _tracked_files() -> list[str]:
    done = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip("needs a git checkout to know which files repo2docker would see")
    return [name for name in done.stdout.split("\0") if name]


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def test_binder_recipe_builds_and_runs_a_lesson(tmp_path, real_data):
    runtime = (REPO / "binder" / "runtime.txt").read_text().strip()
    assert runtime == f"python-{sys.version_info.major}.{sys.version_info.minor}", (
        f"binder/runtime.txt asks for {runtime}; this test builds with Python {sys.version.split()[0]}")

    repo = tmp_path / "repo"
    for name in _tracked_files():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    home = tmp_path / "home"
    home.mkdir()
    env = {key: value for key, value in os.environ.items()
           if key not in {"DLCOURSE_DATA", "DLCOURSE_HOME", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"}}
    env.update({
        "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        "HOME": str(home),  # the image's home: the datasets are baked into its cache
        "PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip")),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "DLCOURSE_DATA_SOURCE": str(real_data),
        "TF_CPP_MIN_LOG_LEVEL": "3",
    })
    requirements = repo / "binder" / "requirements.txt"
    if requirements.exists():
        _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-r", str(requirements)], cwd=repo, env=env)
    build = _run(["bash", str(repo / "binder" / "postBuild")], cwd=repo, env=env, timeout=1800)
    assert build.stdout.count("  ok ") == 8, f"postBuild did not bake both datasets in:\n{build.stdout[-2000:]}"
    cache = home / ".local" / "share" / "dlcourse" / "datasets"
    assert len(list(cache.glob("*/*.gz"))) == 8

    del env["DLCOURSE_DATA_SOURCE"]
    out = tmp_path / "out"
    _run([str(venv / "bin" / "python"), "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
          LESSON, "--output-dir", str(out), "--ExecutePreprocessor.kernel_name=python3",
          "--ExecutePreprocessor.timeout=600"], cwd=repo, env=env, timeout=900)
    executed = json.loads((out / Path(LESSON).name).read_text())
    errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    ran = [c for c in executed["cells"] if c["cell_type"] == "code" and c.get("execution_count")]
    assert ran, "no cell ran"
