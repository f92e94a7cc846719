"""Plain data: what a learner's result is turned into before it is judged, and its safe serialization.

Plain data is ``None``, ``bool``, ``int``, ``float``, ``complex``, ``str``, NumPy arrays and
NumPy scalars (of numbers, booleans or text), and tuples, lists and dicts of these. Anything
else becomes an :class:`Opaque`: its type's name and a short ``repr``, so that feedback can
still say what the learner returned ("got generator: <generator object …>") without the judge
ever holding the learner's object. Subclasses are turned into their base type, so a learner's
``float`` subclass with a lying ``__eq__`` is judged as the number it holds.

:func:`dumps` and :func:`loads` serialize plain data without pickle: an ``.npz`` archive holds
every array, and a JSON manifest (itself stored as bytes in the archive) holds the rest, with
arrays referred to by name. :func:`loads` reads archives with ``allow_pickle=False``.
"""

from __future__ import annotations

import io
import json
import math
import re
import reprlib
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Opaque", "PlainDataError", "dumps", "from_json", "loads", "to_json", "to_plain"]

_MAX_DEPTH = 20
_ARRAY_KINDS = "biufcUS"  # booleans, integers, floats, complex numbers, text, bytes
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_repr = reprlib.Repr()
_repr.maxstring = 60
_repr.maxother = 60


class PlainDataError(ValueError):
    """Data that is not plain data, or an archive that does not hold plain data."""


@dataclass(frozen=True)
class Opaque:
    """Something that is not plain data, described by its type's name and a short ``repr``."""

    type_name: str
    text: str

    def __repr__(self) -> str:
        return self.text


def _safe_repr(value: Any) -> str:
    try:
        text = _repr.repr(value)
    except Exception:  # noqa: BLE001 - a learner's __repr__ may raise anything
        text = f"<{type(value).__name__} object>"
    text = _ADDRESS.sub("", text)  # memory addresses differ from run to run and tell the learner nothing
    return text if len(text) <= 80 else text[:79] + "…"


def to_plain(value: Any, _depth: int = 0) -> Any:
    """``value`` as plain data (see the module docstring); never calls a method of ``value``'s
    own class except, for an :class:`Opaque`, its ``__repr__`` (guarded)."""
    if _depth > _MAX_DEPTH:
        return Opaque(type(value).__name__, "<nested too deeply>")
    if value is None:
        return None
    kind = type(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind in _ARRAY_KINDS:
            return np.array(value, copy=True, subok=False)
        if value.dtype.kind == "O":
            return Opaque("ndarray", f"an array of Python objects: {_safe_repr(value)}")
        return Opaque("ndarray", f"an array of {value.dtype}")
    if isinstance(value, np.generic):
        if np.dtype(kind).kind in _ARRAY_KINDS:
            return np.array(value)[()]
        return Opaque(kind.__name__, _safe_repr(value))
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, complex):
        return complex(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, tuple):
        return tuple(to_plain(v, _depth + 1) for v in tuple.__iter__(value))
    if isinstance(value, list):
        return [to_plain(v, _depth + 1) for v in list.__iter__(value)]
    if isinstance(value, dict):
        return {to_plain(k, _depth + 1): to_plain(v, _depth + 1) for k, v in dict.items(value)}
    return Opaque(kind.__name__, _safe_repr(value))


# --- serialization -----------------------------------------------------------------------------
def _encode(value: Any, arrays: dict[str, np.ndarray]) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"float": repr(value)}
    if isinstance(value, complex):
        return {"complex": [_encode(value.real, arrays), _encode(value.imag, arrays)]}
    if isinstance(value, np.ndarray):
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {"array": key}
    if isinstance(value, np.generic):
        key = f"a{len(arrays)}"
        arrays[key] = np.array(value)
        return {"scalar": key}
    if isinstance(value, tuple):
        return {"tuple": [_encode(v, arrays) for v in value]}
    if isinstance(value, list):
        return [_encode(v, arrays) for v in value]
    if isinstance(value, dict):
        return {"dict": [[_encode(k, arrays), _encode(v, arrays)] for k, v in value.items()]}
    if isinstance(value, Opaque):
        return {"opaque": [value.type_name, value.text]}
    raise PlainDataError(f"not plain data: {type(value).__name__}")


def _decode(value: Any, arrays: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [_decode(v, arrays) for v in value]
    if not isinstance(value, dict) or len(value) != 1:
        raise PlainDataError("malformed plain-data manifest")
    (tag, body), = value.items()
    if tag == "float":
        return float(body)
    if tag == "complex":
        return complex(_decode(body[0], arrays), _decode(body[1], arrays))
    if tag in ("array", "scalar"):
        if body not in arrays:
            raise PlainDataError(f"the archive has no array {body!r}")
        array = arrays[body]
        return array[()] if tag == "scalar" else array
    if tag == "tuple":
        return tuple(_decode(v, arrays) for v in body)
    if tag == "dict":
        return {_decode(k, arrays): _decode(v, arrays) for k, v in body}
    if tag == "opaque":
        return Opaque(str(body[0]), str(body[1]))
    raise PlainDataError(f"unknown tag {tag!r} in a plain-data manifest")


def to_json(value: Any) -> tuple[str, dict[str, np.ndarray]]:
    """``value`` as a JSON text plus the arrays it refers to by name."""
    arrays: dict[str, np.ndarray] = {}
    text = json.dumps(_encode(value, arrays), allow_nan=False)
    return text, arrays


def from_json(text: str, arrays: Any) -> Any:
    """The inverse of :func:`to_json`."""
    return _decode(json.loads(text), arrays)


_MANIFEST = "manifest.json"


def dumps(value: Any) -> bytes:
    """Plain data as bytes: an ``.npz`` archive of its arrays and a JSON manifest (no pickle)."""
    text, arrays = to_json(value)
    if _MANIFEST in arrays:  # cannot happen with the a<N> names, but never overwrite the manifest
        raise PlainDataError("array name clash")
    buffer = io.BytesIO()
    np.savez(buffer, **{_MANIFEST: np.frombuffer(text.encode("utf-8"), dtype=np.uint8)}, **arrays)
    return buffer.getvalue()


def loads(data: bytes) -> Any:
    """The plain data :func:`dumps` wrote; raises :class:`PlainDataError` for anything else."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (OSError, ValueError, EOFError) as exc:
        raise PlainDataError(f"not a plain-data archive ({type(exc).__name__}: {exc})") from None
    manifest = arrays.pop(_MANIFEST, None)
    if manifest is None or manifest.dtype != np.uint8 or manifest.ndim != 1:
        raise PlainDataError("the archive has no manifest")
    try:
        return from_json(manifest.tobytes().decode("utf-8"), arrays)
    except (UnicodeDecodeError, json.JSONDecodeError, TypeError, KeyError, IndexError) as exc:
        raise PlainDataError(f"malformed plain-data manifest ({type(exc).__name__}: {exc})") from None
