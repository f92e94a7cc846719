"""Package hygiene: a light import with no side effects, and the synthetic datasets."""

from __future__ import annotations

import subprocess
import sys

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
