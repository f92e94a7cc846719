"""Lazy package attributes (PEP 562): ``from dlcourse.explain import forward`` imports the
module that defines ``forward`` only then, so importing a package stays cheap.

A package's ``__init__`` lists where each public name lives and lets :func:`attach` write
its ``__getattr__`` and ``__dir__``::

    __all__ = ["ForwardPass", "forward"]
    __getattr__, __dir__ = attach(__name__, {"ForwardPass": "walkthrough", "forward": "walkthrough"})
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

__all__ = ["attach"]


def attach(package: str, where: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: each name in ``where`` comes from
    ``package.<where[name]>``, imported on first use."""

    def __getattr__(name: str) -> Any:
        if name in where:
            return getattr(importlib.import_module(f"{package}.{where[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        module = importlib.import_module(package)
        return sorted(set(vars(module)) | set(where))

    return __getattr__, __dir__
