"""``DLCOURSE_CHECKS_MUST_PASS=1``: how the test suite proves that every check in the solution
notebooks passes (nbval alone only sees exceptions, and ``check`` never raises for learners)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dlcourse.exercises import check
from dlcourse.exercises.api import CHECKS_MUST_PASS_ENV, CheckNotPassed

REPO = Path(__file__).resolve().parents[1]


def forgot_bias(X, w, b):
    return X @ w


def right(X, w, b):
    return X @ w + b


def test_without_the_variable_a_failing_check_only_reports(monkeypatch):
    monkeypatch.delenv(CHECKS_MUST_PASS_ENV, raising=False)
    report = check("01.weighted_sum", forgot_bias, save=False)
    assert report.status != "passed" and "bias" in str(report)


def test_with_the_variable_a_failing_or_unattempted_check_raises_with_its_report(monkeypatch):
    monkeypatch.setenv(CHECKS_MUST_PASS_ENV, "1")
    with pytest.raises(CheckNotPassed, match="bias"):
        check("01.weighted_sum", forgot_bias, save=False)
    with pytest.raises(CheckNotPassed, match="not attempted"):
        check("01.weighted_sum", None, save=False)
    assert check("01.weighted_sum", right, save=False).status == "passed"
    np.testing.assert_allclose(right(np.ones((2, 3)), np.ones(3), 1.0), [4.0, 4.0])


def _notebook(path: Path, answer: str) -> Path:
    source = f"from dlcourse.exercises import check\n{answer}\ncheck('01.weighted_sum', weighted_sum)"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "id": "c1", "metadata": {}, "outputs": [],
                   "source": source}],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5}))
    return path


@pytest.mark.parametrize("folder,answer,passes", [
    ("solutions", "def weighted_sum(X, w, b):\n    return X @ w", False),   # a wrong solution fails nbval
    ("solutions", "def weighted_sum(X, w, b):\n    return X @ w + b", True),
    ("course", "def weighted_sum(X, w, b):\n    return X @ w", True),       # elsewhere: a report, no error
])
def test_nbval_fails_a_solution_notebook_whose_check_does_not_pass(tmp_path, folder, answer, passes):
    notebook = _notebook(tmp_path / folder / "01_demo.ipynb", answer)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    env.pop(CHECKS_MUST_PASS_ENV, None)
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "conftest", "-p", "no:cacheprovider",
                             "--nbval-lax", "--nbval-current-env", "-q", "--rootdir", str(tmp_path),
                             "-c", os.devnull, str(notebook)],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert (result.returncode == 0) == passes, result.stdout[-3000:] + result.stderr[-2000:]
    if not passes:
        assert "CheckNotPassed" in result.stdout and "bias" in result.stdout
