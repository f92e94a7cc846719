"""A reader for the IDX format that MNIST and Fashion-MNIST are published in.

An IDX file starts with a 4-byte magic number ``0x00 0x00 <type> <ndim>``, then ``ndim``
big-endian 32-bit sizes, then the values in row-major order. The files are usually gzipped.
Every check here names the file, so a learner knows which download to replace.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

# IDX type codes -> big-endian NumPy dtypes.
_IDX_TYPES: dict[int, str] = {
    0x08: ">u1",
    0x09: ">i1",
    0x0B: ">i2",
    0x0C: ">i4",
    0x0D: ">f4",
    0x0E: ">f8",
}


_GZIP_MAGIC = b"\x1f\x8b"


class IDXError(ValueError):
    """An IDX file is malformed, truncated or corrupted. The message names the file."""


def read_bytes(path: str | Path) -> bytes:
    """Return the decompressed content of ``path`` (gunzipped when it starts with gzip's magic bytes).

    Raises :class:`IDXError` naming the file when the gzip stream is truncated or corrupted.
    """
    path = Path(path)
    raw = path.read_bytes()
    if raw[:2] != _GZIP_MAGIC:
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise IDXError(f"{path} is truncated or corrupted ({exc}); delete it and fetch it again.") from None


def parse_idx(raw: bytes, name: str = "<bytes>") -> np.ndarray:
    """Parse IDX ``raw`` bytes into a native-endian array; ``name`` is used in error messages."""
    if len(raw) < 4:
        raise IDXError(f"{name} is too short to be an IDX file ({len(raw)} bytes).")
    zero1, zero2, type_code, ndim = raw[0], raw[1], raw[2], raw[3]
    if zero1 != 0 or zero2 != 0 or type_code not in _IDX_TYPES or ndim == 0:
        raise IDXError(
            f"{name} is not an IDX file: bad magic number {raw[:4].hex()} "
            "(expected 0000 followed by a type code and a dimension count)."
        )
    header_len = 4 + 4 * ndim
    if len(raw) < header_len:
        raise IDXError(f"{name} is truncated inside its header.")
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_TYPES[type_code])
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    actual = len(raw) - header_len
    if actual != expected:
        problem = "truncated" if actual < expected else "longer than its header says"
        raise IDXError(
            f"{name} is {problem}: its header promises shape {shape} ({expected} bytes of data) "
            f"but it holds {actual} bytes."
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header_len).reshape(shape)
    return data.astype(dtype.newbyteorder("="), copy=True)


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (optionally gzipped) into a NumPy array, validating it fully."""
    return parse_idx(read_bytes(path), name=str(path))


def encode_idx(array: np.ndarray) -> bytes:
    """Encode ``array`` as IDX bytes (the inverse of :func:`parse_idx`; used to make test files)."""
    array = np.asarray(array)
    for code, type_str in _IDX_TYPES.items():
        if np.dtype(type_str).newbyteorder("=") == array.dtype.newbyteorder("="):
            break
    else:
        raise TypeError(f"IDX cannot store dtype {array.dtype}.")
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    return header + array.astype(type_str).tobytes()
