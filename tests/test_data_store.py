"""Where datasets come from: override folder, cache, download; and what happens when none works.

Most tests use a tiny stand-in dataset (same file names and format, small shapes, its own
checksums) registered in place of the real ones, served over loopback HTTP when a download is
needed. ``test_real_*`` tests read the real files from ``$DLCOURSE_DATA``.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.server
import io
import stat
import threading
from dataclasses import replace

import numpy as np
import pytest

from dlcourse import paths
from dlcourse.data import store
from dlcourse.data.idx import encode_idx

N_TRAIN, N_TEST = 12, 5


def _tiny_arrays(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "x_train": rng.integers(0, 256, (N_TRAIN, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, N_TRAIN, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (N_TEST, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, N_TEST, dtype=np.uint8),
    }


@pytest.fixture
def tiny(monkeypatch, tmp_path):
    """Register a tiny 'mnist' stand-in; return its arrays and a folder holding its .gz files."""
    arrays = _tiny_arrays(0)
    real = store.DATASETS["mnist"]
    files = {
        role: replace(spec, sha256=hashlib.sha256(encode_idx(arrays[role])).hexdigest(), shape=arrays[role].shape)
        for role, spec in real.files.items()
    }
    dataset = replace(real, files=files, mirrors=("http://127.0.0.1:9/unused/",))
    monkeypatch.setitem(store.DATASETS, "mnist", dataset)
    source = tmp_path / "source" / "mnist"
    source.mkdir(parents=True)
    for role, spec in files.items():
        (source / spec.name).write_bytes(gzip.compress(encode_idx(arrays[role])))
    return arrays, source


def _assert_same(loaded, arrays):
    (x_train, y_train), (x_test, y_test) = loaded
    for got, role in ((x_train, "x_train"), (y_train, "y_train"), (x_test, "x_test"), (y_test, "y_test")):
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, arrays[role])


@pytest.fixture
def server(tiny):
    """Serve the tiny dataset's .gz files over HTTP on 127.0.0.1; yields the base URL."""
    _, source = tiny
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(source))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def _use_mirrors(monkeypatch, *mirrors: str) -> None:
    monkeypatch.setitem(store.DATASETS, "mnist", replace(store.DATASETS["mnist"], mirrors=mirrors))


def test_override_folder_is_used_first(tiny, fresh_home, monkeypatch):
    arrays, source = tiny
    monkeypatch.setenv(paths.DATA_ENV, str(source.parent))
    _assert_same(store.load("mnist", download=False), arrays)
    assert not fresh_home.exists(), "loading from DLCOURSE_DATA must not write anything"


def test_read_only_override_folder_works(tiny, fresh_home, monkeypatch):
    arrays, source = tiny
    for path in [*source.iterdir(), source]:
        path.chmod(stat.S_IREAD | stat.S_IEXEC if path.is_dir() else stat.S_IREAD)
    before = sorted(p.name for p in source.iterdir())
    monkeypatch.setenv(paths.DATA_ENV, str(source.parent))
    _assert_same(store.load("mnist"), arrays)
    assert sorted(p.name for p in source.iterdir()) == before


def test_cache_is_used_when_override_lacks_files(tiny, fresh_home, monkeypatch, tmp_path):
    arrays, source = tiny
    cache = paths.dataset_cache() / "mnist"
    cache.mkdir(parents=True)
    for f in source.iterdir():
        (cache / f.name).write_bytes(f.read_bytes())
    empty = tmp_path / "empty-override"
    empty.mkdir()
    monkeypatch.setenv(paths.DATA_ENV, str(empty))
    _assert_same(store.load("mnist", download=False), arrays)


def test_override_wins_over_cache(tiny, fresh_home, monkeypatch):
    arrays, source = tiny
    cache = paths.dataset_cache() / "mnist"
    cache.mkdir(parents=True)
    name = store.DATASETS["mnist"].files["y_test"].name
    (cache / name).write_bytes(b"not even gzip")  # would fail if it were read
    monkeypatch.setenv(paths.DATA_ENV, str(source.parent))
    _assert_same(store.load("mnist", download=False), arrays)


def test_download_fills_cache_atomically_and_shows_progress(tiny, server, fresh_home, monkeypatch):
    arrays, _ = tiny
    _use_mirrors(monkeypatch, "http://127.0.0.1:9/dead/", server)  # first mirror is down
    progress = io.StringIO()
    _assert_same(store.load("mnist", progress=progress), arrays)
    cache = paths.dataset_cache() / "mnist"
    assert sorted(p.name for p in cache.iterdir()) == sorted(store.DATASETS["mnist"].file_names())
    assert "100.0%" in progress.getvalue() and "train-images-idx3-ubyte.gz" in progress.getvalue()
    # Second load: no network needed.
    _use_mirrors(monkeypatch, "http://127.0.0.1:9/dead/")
    _assert_same(store.load("mnist"), arrays)


def test_corrupted_download_is_refused_and_leaves_nothing(tiny, server, fresh_home, monkeypatch):
    _, source = tiny
    target = source / store.DATASETS["mnist"].files["x_test"].name
    target.write_bytes(gzip.compress(encode_idx(np.zeros((N_TEST, 28, 28), np.uint8))))  # wrong content
    _use_mirrors(monkeypatch, server)
    with pytest.raises(store.DatasetError) as info:
        store.load("mnist", progress=io.StringIO())
    message = str(info.value)
    assert "t10k-images-idx3-ubyte.gz" in message and "does not match the published checksum" in message
    cache = paths.dataset_cache() / "mnist"
    assert not (cache / target.name).exists()
    assert not [p for p in cache.iterdir() if p.name.endswith(".part")], "temporary files must be removed"


def test_offline_with_no_data_gives_clear_instructions(tiny, fresh_home):
    with pytest.raises(store.DatasetError) as info:
        store.load("mnist", progress=io.StringIO())
    message = str(info.value)
    assert "dlcourse looked in" in message
    assert str(paths.dataset_cache() / "mnist") in message
    assert "dlcourse data fetch mnist" in message and "dlcourse data import FOLDER" in message
    assert "DLCOURSE_DATA" in message
    # No urllib traceback chained underneath.
    exc = info.value
    assert exc.__cause__ is None and (exc.__context__ is None or exc.__suppress_context__)


def test_no_download_when_switched_off(tiny, fresh_home):
    with pytest.raises(store.DatasetError, match="downloading is switched off"):
        store.load("mnist", download=False)


def test_corrupted_file_in_data_folder_is_refused_with_its_name(tiny, fresh_home, monkeypatch):
    _, source = tiny
    bad = source / store.DATASETS["mnist"].files["y_train"].name
    bad.write_bytes(bad.read_bytes()[:-6])
    monkeypatch.setenv(paths.DATA_ENV, str(source.parent))
    with pytest.raises(store.DatasetError, match=str(bad)):
        store.load("mnist")


def test_import_copies_and_verifies(tiny, fresh_home, tmp_path):
    arrays, source = tiny
    (source / "README.txt").write_text("not a dataset file")
    counts = store.import_from(source.parent, progress=io.StringIO())
    assert counts == {"mnist": 4}
    _assert_same(store.load("mnist", download=False), arrays)
    # A flat folder of .gz files works too.
    flat = store.import_from(source, progress=io.StringIO())
    assert flat == {"mnist": 4}


def test_import_refuses_corrupted_files(tiny, fresh_home):
    _, source = tiny
    bad = source / store.DATASETS["mnist"].files["x_train"].name
    bad.write_bytes(bad.read_bytes()[:100])
    assert store.import_from(source.parent, progress=io.StringIO()) == {"mnist": 3}
    assert not (paths.dataset_cache() / "mnist" / bad.name).exists()


def test_status_reports_missing_ok_and_bad(tiny, fresh_home, monkeypatch):
    _, source = tiny
    bad = source / store.DATASETS["mnist"].files["y_test"].name
    bad.write_bytes(b"\x00\x00\x08\x01garbage")
    monkeypatch.setenv(paths.DATA_ENV, str(source.parent))
    rows = {(r.dataset, r.name): r for r in store.status()}
    assert rows[("mnist", "train-images-idx3-ubyte.gz")].ok
    assert "truncated" in rows[("mnist", bad.name)].problem or "checksum" in rows[("mnist", bad.name)].problem
    assert rows[("fashion-mnist", "train-images-idx3-ubyte.gz")].problem == "missing"


def test_unknown_dataset_lists_valid_names():
    with pytest.raises(store.DatasetError, match="Valid names: mnist, fashion-mnist"):
        store.get_dataset("cifar")


# --- the real files ------------------------------------------------------------------------------

def test_real_mnist_matches_keras_layout(real_data):
    from dlcourse.data import load_mnist

    (x_train, y_train), (x_test, y_test) = load_mnist(download=False)
    assert (x_train.shape, x_test.shape, y_train.shape, y_test.shape) == ((60000, 28, 28), (10000, 28, 28), (60000,), (10000,))
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]  # the well-known first MNIST labels
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_real_fashion_mnist_and_class_names(real_data):
    from dlcourse.data import FASHION_MNIST_CLASSES, load_fashion_mnist

    (x_train, y_train), (x_test, y_test) = load_fashion_mnist(download=False)
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert len(FASHION_MNIST_CLASSES) == 10 and FASHION_MNIST_CLASSES[9] == "Ankle boot"


def test_bad_file_in_data_folder_falls_back_to_a_good_cached_copy(tiny, fresh_home, monkeypatch):
    arrays, source = tiny
    name = store.DATASETS["mnist"].files["y_train"].name
    cache = paths.dataset_cache() / "mnist"
    cache.mkdir(parents=True)
    (cache / name).write_bytes((source / name).read_bytes())
    (source / name).write_bytes((source / name).read_bytes()[:-6])
    monkeypatch.setenv(paths.DATA_ENV, str(source.parent))
    with pytest.warns(RuntimeWarning) as caught:
        _assert_same(store.load("mnist", download=False), arrays)
    text = " ".join(str(w.message) for w in caught)
    assert str(source / name) in text and str(cache / name) in text
    assert "Delete it" not in text and "unset DLCOURSE_DATA" in text  # the folder may be read-only


def test_import_names_each_refused_file_and_why(tiny, fresh_home):
    _, source = tiny
    bad = source / store.DATASETS["mnist"].files["x_train"].name
    bad.write_bytes(bad.read_bytes()[:100])
    out = io.StringIO()
    assert store.import_from(source.parent, progress=out) == {"mnist": 3}
    refused = [line for line in out.getvalue().splitlines() if line.startswith("refused")]
    assert len(refused) == 1 and str(bad) in refused[0] and "truncated" in refused[0], out.getvalue()


def test_decompression_stops_at_the_expected_size(tiny, fresh_home, monkeypatch):
    _, source = tiny
    bomb = source / store.DATASETS["mnist"].files["y_test"].name
    bomb.write_bytes(gzip.compress(b"\0" * (64 * 1024 * 1024)))  # 64 KiB on disk, 64 MiB inside
    reads = []
    real_gzip = gzip.GzipFile.read

    def spy(self, size=-1):
        reads.append(size)
        return real_gzip(self, size)

    monkeypatch.setattr(gzip.GzipFile, "read", spy)
    monkeypatch.setenv(paths.DATA_ENV, str(source.parent))
    with pytest.raises(store.DatasetError, match="expands to more than"):
        store.load("mnist", download=False)
    assert reads and all(0 < size <= 1 << 20 for size in reads), reads


def test_unreadable_file_gets_a_clear_message(tiny, fresh_home, monkeypatch):
    _, source = tiny
    name = store.DATASETS["mnist"].files["y_test"].name
    real_open = open

    def deny(path, *args, **kwargs):
        if str(path).endswith(name):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)  # mode 0000 does not stop root, who runs CI
    monkeypatch.setenv(paths.DATA_ENV, str(source.parent))
    with pytest.raises(store.DatasetError, match="permission denied.*chmod a\\+r"):
        store.load("mnist", download=False)


def test_data_variable_naming_a_file_is_called_out(tiny, fresh_home, monkeypatch, tmp_path):
    not_a_folder = tmp_path / "data.zip"
    not_a_folder.write_bytes(b"PK")
    monkeypatch.setenv(paths.DATA_ENV, str(not_a_folder))
    with pytest.warns(RuntimeWarning, match="is a file, not a folder"):
        with pytest.raises(store.DatasetError, match="is a file, not a folder"):
            store.load("mnist", download=False)
