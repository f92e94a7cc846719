"""Exceptions raised by the engine, worded for learners.

Every error the engine raises on purpose is an :class:`NNError` (a ``ValueError``), so a
lesson can catch them all with one ``except NNError``. Two kinds are common enough to have
their own class: a :class:`ShapeError` names the layer and both shapes, and an
:class:`UnknownNameError` lists the names that would have worked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")


class NNError(ValueError):
    """Base class of the errors raised by ``dlcourse.nn``."""


class ShapeError(NNError):
    """An array has a shape the layer, loss or model cannot work with."""


class UnknownNameError(NNError, KeyError):
    """A string names no known activation, loss, optimizer, metric, ... ."""

    def __str__(self) -> str:  # KeyError would otherwise print the message in quotes
        return str(self.args[0]) if self.args else ""


def lookup(kind: str, name: str, table: Mapping[str, T]) -> T:
    """Return ``table[name]`` (case-insensitive), or raise an error listing the valid names.

    >>> lookup("activation", "relu", {"relu": 1})
    1
    """
    key = str(name).lower()
    if key in table:
        return table[key]
    valid = ", ".join(repr(k) for k in sorted(table))
    raise UnknownNameError(f"Unknown {kind} {name!r}. Valid names: {valid}.")
