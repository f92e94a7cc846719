"""Finding, verifying, downloading and importing the course's image datasets.

Where a file comes from, in order:

1. ``$DLCOURSE_DATA/<dataset>/`` — a read-only folder of the original IDX ``.gz`` files
   (how CI, tests and offline classrooms provide the data);
2. the per-user cache, ``dlcourse.paths.dataset_cache()/<dataset>/``;
3. a download from the public mirrors, with a progress bar and a checksum check, written
   atomically into the cache.

Every file is checked against the SHA-256 of its decompressed content before it is used, and
decompression stops at the size the file must have, so a small gzip that expands to gigabytes is
refused after reading only that much. A bad copy in ``$DLCOURSE_DATA`` (often read-only) does not
hide a good copy in the cache: the good one is used, with a warning naming both.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import sys
import zlib
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, TextIO

import numpy as np

from dlcourse import paths
from dlcourse.data.idx import IDXError, parse_idx


class DatasetError(RuntimeError):
    """A dataset cannot be loaded; the message says where dlcourse looked and how to fix it."""


@dataclass(frozen=True)
class DataFile:
    """One IDX file of a dataset: its name, the SHA-256 of its decompressed bytes, its shape."""

    name: str
    sha256: str
    shape: tuple[int, ...]


@dataclass(frozen=True)
class Dataset:
    """A dataset made of four IDX files, with the mirrors that serve them."""

    name: str
    title: str
    files: dict[str, DataFile]
    mirrors: tuple[str, ...]
    class_names: tuple[str, ...] = field(default=())

    def file_names(self) -> list[str]:
        """The ``.gz`` file names, in the order train images, train labels, test images, test labels."""
        return [f.name for f in self.files.values()]


def _files(sha: tuple[str, str, str, str], n_train: int = 60000, n_test: int = 10000) -> dict[str, DataFile]:
    return {
        "x_train": DataFile("train-images-idx3-ubyte.gz", sha[0], (n_train, 28, 28)),
        "y_train": DataFile("train-labels-idx1-ubyte.gz", sha[1], (n_train,)),
        "x_test": DataFile("t10k-images-idx3-ubyte.gz", sha[2], (n_test, 28, 28)),
        "y_test": DataFile("t10k-labels-idx1-ubyte.gz", sha[3], (n_test,)),
    }


FASHION_MNIST_CLASSES: tuple[str, ...] = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
"""Fashion-MNIST's class names, indexed by label (0 = T-shirt/top ... 9 = Ankle boot)."""

DATASETS: dict[str, Dataset] = {
    "mnist": Dataset(
        name="mnist",
        title="MNIST handwritten digits",
        files=_files((
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        )),
        mirrors=(
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
        ),
        class_names=tuple(str(d) for d in range(10)),
    ),
    "fashion-mnist": Dataset(
        name="fashion-mnist",
        title="Fashion-MNIST clothing images",
        files=_files((
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        )),
        mirrors=(
            "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        ),
        class_names=FASHION_MNIST_CLASSES,
    ),
}


def get_dataset(name: str) -> Dataset:
    """Look up a dataset by name (``"mnist"`` or ``"fashion-mnist"``)."""
    key = name.lower().replace("_", "-")
    if key not in DATASETS:
        raise DatasetError(f"Unknown dataset {name!r}. Valid names: {', '.join(DATASETS)}.")
    return DATASETS[key]


def search_dirs(dataset: Dataset) -> list[Path]:
    """The folders searched for ``dataset``'s files, in order (override first, then cache)."""
    dirs = []
    override = paths.data_override()
    if override is not None:
        dirs.append(override / dataset.name)
    dirs.append(paths.dataset_cache() / dataset.name)
    return dirs


def _expected_bytes(spec: DataFile) -> int:
    """The decompressed size of an IDX file of ``spec``'s shape (uint8 values)."""
    return 4 + 4 * len(spec.shape) + int(np.prod(spec.shape, dtype=np.int64))


def _read_at_most(path: Path, limit: int) -> bytes:
    """``path``'s decompressed bytes, reading no more than ``limit + 1`` of them."""
    try:
        with open(path, "rb") as raw:
            gzipped = raw.read(2) == b"\x1f\x8b"
            raw.seek(0)
            stream = gzip.GzipFile(fileobj=raw) if gzipped else raw
            data = stream.read(limit + 1)
    except PermissionError:
        raise IDXError(f"{path} cannot be read: permission denied (its owner can fix it with "
                       f"`chmod a+r {path}`).") from None
    except IsADirectoryError:
        raise IDXError(f"{path} is a folder, not a data file.") from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise IDXError(f"{path} is truncated or corrupted ({exc}).") from None
    except OSError as exc:
        raise IDXError(f"{path} cannot be read ({exc.strerror or exc}).") from None
    if len(data) > limit:
        raise IDXError(f"{path} expands to more than the {limit} bytes {path.name} has: it is not that file.")
    return data


def verified_array(path: Path, spec: DataFile) -> np.ndarray:
    """Read ``path``, check its size, checksum, header and shape against ``spec``, return the array."""
    raw = _read_at_most(path, _expected_bytes(spec))
    digest = hashlib.sha256(raw).hexdigest()
    if digest != spec.sha256:
        raise IDXError(
            f"{path} does not match the published checksum (sha256 {digest[:12]}…, expected "
            f"{spec.sha256[:12]}…): the file is corrupted or is not {spec.name}."
        )
    array = parse_idx(raw, name=str(path))
    if array.shape != spec.shape:  # pragma: no cover - implied by the checksum, kept as a guard
        raise IDXError(f"{path} has shape {array.shape}, expected {spec.shape}.")
    return array


def _override_problem() -> str | None:
    """What is wrong with ``$DLCOURSE_DATA``, when it is set but is not a readable folder."""
    override = paths.data_override()
    if override is None or override.is_dir():
        return None
    if override.exists():
        return (f"{paths.DATA_ENV}={override} is a file, not a folder: point it at the folder that holds "
                "mnist/ and fashion-mnist/, or unset it.")
    return f"{paths.DATA_ENV}={override} does not exist."


def _fix_for(path: Path, dataset: Dataset) -> str:
    override = paths.data_override()
    if override is not None and override in path.parents:
        return (f"replace it in {override} (or unset {paths.DATA_ENV}); `dlcourse data fetch {dataset.name}` "
                "puts a good copy in the cache, which is then used instead.")
    return f"delete it and run `dlcourse data fetch {dataset.name}`."


def load_file(dataset: Dataset, spec: DataFile) -> np.ndarray | None:
    """The first copy of ``spec`` in :func:`search_dirs` that verifies; None when there is no copy.

    A copy that fails is skipped with a warning naming it and the copy used instead; when every
    copy fails, :class:`DatasetError` says what is wrong with each and how to fix it.
    """
    problems: list[tuple[Path, str]] = []
    for folder in search_dirs(dataset):
        candidate = folder / spec.name
        if not candidate.exists():
            continue
        try:
            array = verified_array(candidate, spec)
        except IDXError as exc:
            problems.append((candidate, str(exc)))
            continue
        for bad, reason in problems:
            warnings.warn(f"{reason} Using {candidate} instead; to stop this warning, {_fix_for(bad, dataset)}",
                          RuntimeWarning, stacklevel=3)
        return array
    if problems:
        raise DatasetError("\n".join(f"{reason} To fix it, {_fix_for(bad, dataset)}" for bad, reason in problems))
    return None


def _how_to_fix(dataset: Dataset) -> str:
    return (
        "To fix it, do one of these:\n"
        f"  * connect to the internet and run:  dlcourse data fetch {dataset.name}\n"
        "  * copy the files in from a folder (USB stick, shared drive):  dlcourse data import FOLDER\n"
        f"  * point {paths.DATA_ENV} at a folder that holds {dataset.name}/ with the four .gz files:\n"
        f"      export {paths.DATA_ENV}=/path/to/data"
    )


def find_file(dataset: Dataset, spec: DataFile) -> Path | None:
    """The first existing copy of ``spec`` in :func:`search_dirs`, or None."""
    for folder in search_dirs(dataset):
        candidate = folder / spec.name
        if candidate.exists():
            return candidate
    return None


def load(name: str, download: bool = True, progress: TextIO | None = None) -> tuple[
    tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]
]:
    """Load a dataset as ``((x_train, y_train), (x_test, y_test))`` uint8 arrays.

    Missing files are downloaded into the cache when ``download`` is true. Progress goes to
    ``progress`` (default: standard error).
    """
    dataset = get_dataset(name)
    problem = _override_problem()
    if problem:
        warnings.warn(problem + " Using the cache instead.", RuntimeWarning, stacklevel=2)
    missing = [spec for spec in dataset.files.values() if find_file(dataset, spec) is None]
    if missing:
        if not download:
            raise DatasetError(_not_found_message(dataset, missing, reason="downloading is switched off"))
        fetch(dataset.name, progress=progress, only=missing)
    arrays = {}
    for role, spec in dataset.files.items():
        array = load_file(dataset, spec)
        if array is None:  # pragma: no cover - fetch() installed it or raised
            raise DatasetError(_not_found_message(dataset, [spec], reason="it vanished"))
        arrays[role] = array
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _not_found_message(dataset: Dataset, missing: Iterable[DataFile], reason: str) -> str:
    looked = "\n".join(f"  * {d}" for d in search_dirs(dataset))
    names = ", ".join(spec.name for spec in missing)
    problem = _override_problem()
    return (
        f"{dataset.title} ({dataset.name}) is not available: {names} not found and {reason}.\n"
        f"dlcourse looked in:\n{looked}\n" + (f"Note: {problem}\n" if problem else "") + _how_to_fix(dataset)
    )


def _progress_bar(stream: TextIO, label: str) -> Callable[[int, int], None]:
    state = {"last": 0.0}

    def update(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - state["last"] < 0.2:
            return
        state["last"] = now
        if total > 0:
            frac = min(done / total, 1.0)
            bar = "#" * int(frac * 30)
            stream.write(f"\r{label} [{bar:<30}] {frac:6.1%} of {total / 1e6:.1f} MB")
        else:
            stream.write(f"\r{label} {done / 1e6:.1f} MB")
        if done >= total > 0:
            stream.write("\n")
        stream.flush()

    return update


def _download(url: str, dest: Path, report: Callable[[int, int], None], timeout: float) -> None:
    with urllib.request.urlopen(url, timeout=timeout) as response, open(dest, "wb") as out:
        total = int(response.headers.get("Content-Length") or 0)
        done = 0
        while chunk := response.read(1 << 16):
            out.write(chunk)
            done += len(chunk)
            report(done, total)
        report(done, done if total == 0 else total)


def _atomic_install(source: Path, dest: Path, spec: DataFile) -> None:
    """Verify ``source`` against ``spec`` and move it to ``dest`` in one atomic rename."""
    verified_array(source, spec)
    os.replace(source, dest)


DOWNLOAD_TIMEOUT = 10.0
"""Seconds a download waits for a mirror to connect or to send its next bytes before giving up on it."""


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc


def _timed_out(exc: BaseException) -> bool:
    return isinstance(exc, TimeoutError) or isinstance(getattr(exc, "reason", None), TimeoutError)


def fetch(
    name: str,
    force: bool = False,
    progress: TextIO | None = None,
    only: Iterable[DataFile] | None = None,
    timeout: float = DOWNLOAD_TIMEOUT,
    dead_hosts: set[str] | None = None,
) -> Path:
    """Download ``name`` into the per-user cache and return the folder.

    Each file is downloaded to a temporary name beside its destination, checked against the
    published checksum, then renamed into place, so an interrupted or corrupted download never
    leaves a bad file behind. Files already in the cache are kept unless ``force`` is true.

    A mirror that sends nothing for ``timeout`` seconds is given up on (and said so on
    ``progress``); its host is added to ``dead_hosts`` and not tried again for later files (pass
    the same set to later calls to skip it for them too).
    """
    dataset = get_dataset(name)
    stream = progress if progress is not None else sys.stderr
    target = paths.dataset_cache() / dataset.name
    wanted = list(only) if only is not None else list(dataset.files.values())
    dead = dead_hosts if dead_hosts is not None else set()
    failures: list[str] = []
    for spec in wanted:
        dest = target / spec.name
        if dest.is_file() and not force:
            continue
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatasetError(
                f"Cannot create the dataset cache {target}: {exc.strerror}. "
                f"Set {paths.HOME_ENV} to a folder you can write to."
            ) from None
        for mirror in dataset.mirrors:
            url = mirror + spec.name
            if _host(url) in dead:
                failures.append(f"  * {url}: skipped ({_host(url)} did not answer earlier)")
                continue
            fd, tmp_name = tempfile.mkstemp(prefix=f".{spec.name}.", suffix=".part", dir=target)
            os.close(fd)
            tmp = Path(tmp_name)
            try:
                _download(url, tmp, _progress_bar(stream, spec.name), timeout)
                _atomic_install(tmp, dest, spec)
                break
            except (urllib.error.URLError, OSError, ValueError) as exc:
                if _timed_out(exc):
                    dead.add(_host(url))
                    reason = f"no answer within {timeout:g} s"
                else:
                    reason = str(getattr(exc, "reason", None) or exc)
                failures.append(f"  * {url}: {reason}")
                stream.write(f"{spec.name}: {_host(url)}: {reason}\n")
                stream.flush()
            finally:
                tmp.unlink(missing_ok=True)
        else:
            raise DatasetError(
                _not_found_message(dataset, [spec], reason="the download failed")
                + "\nDownload attempts:\n" + "\n".join(failures)
            )
    return target


def import_from(folder: str | Path, progress: TextIO | None = None) -> dict[str, int]:
    """Copy dataset files from ``folder`` into the cache, checking each checksum.

    ``folder`` may hold ``mnist/`` and ``fashion-mnist/`` sub-folders (the layout of
    ``$DLCOURSE_DATA``) or the ``.gz`` files of one dataset directly. Returns how many files
    were imported per dataset. Each file that fails its checks is refused, named, with the reason.
    """
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise DatasetError(f"{folder} is not a folder.")
    stream = progress if progress is not None else sys.stdout
    imported: dict[str, int] = {}
    refused: dict[Path, list[str]] = {}
    accepted: set[Path] = set()
    for dataset in DATASETS.values():
        target = paths.dataset_cache() / dataset.name
        for spec in dataset.files.values():
            for candidate in (folder / dataset.name / spec.name, folder / spec.name):
                if not candidate.exists():
                    continue
                try:
                    verified_array(candidate, spec)
                except IDXError as exc:  # maybe the other dataset's file: MNIST and Fashion-MNIST share names
                    refused.setdefault(candidate, []).append(f"not {dataset.name}'s {spec.name}: {exc}")
                    continue
                try:
                    target.mkdir(parents=True, exist_ok=True)
                    fd, tmp_name = tempfile.mkstemp(prefix=f".{spec.name}.", suffix=".part", dir=target)
                except OSError as exc:
                    raise DatasetError(f"Cannot write to the dataset cache {target}: {exc.strerror or exc}. "
                                       f"Set {paths.HOME_ENV} to a folder you can write to.") from None
                os.close(fd)
                try:
                    shutil.copyfile(candidate, tmp_name)
                    _atomic_install(Path(tmp_name), target / spec.name, spec)
                finally:
                    Path(tmp_name).unlink(missing_ok=True)
                stream.write(f"imported {dataset.name}/{spec.name} from {candidate}\n")
                imported[dataset.name] = imported.get(dataset.name, 0) + 1
                accepted.add(candidate)
                break
    for candidate, reasons in refused.items():
        if candidate not in accepted:
            stream.write(f"refused {candidate}: {reasons[0] if len(reasons) == 1 else '; '.join(reasons)}\n")
    return imported


@dataclass
class FileStatus:
    """Where one file was found and whether it passed its checksum."""

    dataset: str
    name: str
    path: Path | None
    ok: bool
    problem: str = ""


def status() -> list[FileStatus]:
    """Check every file of every dataset: where the copy in use is, and whether it verifies."""
    rows = []
    for dataset in DATASETS.values():
        for spec in dataset.files.values():
            copies = [folder / spec.name for folder in search_dirs(dataset) if (folder / spec.name).exists()]
            if not copies:
                rows.append(FileStatus(dataset.name, spec.name, None, False, "missing"))
                continue
            problems = []
            for path in copies:
                try:
                    verified_array(path, spec)
                except IDXError as exc:
                    problems.append(str(exc))
                    continue
                rows.append(FileStatus(dataset.name, spec.name, path, True, " ".join(problems)))
                break
            else:
                rows.append(FileStatus(dataset.name, spec.name, copies[0], False, " ".join(problems)))
    return rows
