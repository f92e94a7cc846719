"""A slider over the items a menu picks: the rule the lesson 08 and 12 browsers share.

:func:`restart` makes a :class:`~dlcourse.widgets.live.LiveWidget` ``react`` rule: when the menu
picks another set of items, the slider starts again at its first item with as many positions as
the new set has, and the widget draws once, for the new choice (not once for the menu and once
more for the slider). Introduced in lesson 08.
"""

from __future__ import annotations

from typing import Any, Callable

__all__ = ["restart"]


def restart(slider: str, menu: str, count: Callable[[Any], int]) -> Callable[[Any], None]:
    """The rule "a new ``menu`` choice puts ``slider`` back on 0, with ``count(choice)`` positions".

    ``slider`` and ``menu`` are control names of the widget; use it as ``react={menu: restart(...)}``.
    Introduced in lesson 08.
    """

    def rule(widget: Any) -> None:
        items = widget.controls[slider]
        items.value = 0
        items.max = count(widget.controls[menu].value) - 1

    return rule
