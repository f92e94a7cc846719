"""dlcourse.widgets.menu.Menu: an ipywidgets Dropdown (same Python behaviour) with a view that keeps its keys.

Whether the keys really reach the menu inside JupyterLab is checked in a real browser, for every
menu of every lesson, by ``tests/browser/page_checks.py``'s ``keyboard_problems``.
"""

from __future__ import annotations

import re
from pathlib import Path

import ipywidgets as W
import pytest
import traitlets

from dlcourse.widgets.menu import MENU_KEYS, Menu

PACKAGE = Path(__file__).resolve().parents[1] / "dlcourse"


def test_a_menu_is_a_dropdown_with_labels_values_and_index():
    menu = Menu(options=[("a tenth", 0.1), ("one", 1.0)], value=1.0, description="rate")
    assert isinstance(menu, W.Dropdown)
    assert (menu.value, menu.index, menu.label) == (1.0, 1, "one")
    menu.index = 0
    assert (menu.value, menu.label) == (0.1, "a tenth")
    seen = []
    menu.observe(lambda change: seen.append(change["new"]), names="value")
    menu.value = 1.0
    assert seen == [1.0]


def test_a_menu_refuses_what_a_dropdown_refuses():
    menu = Menu(options=["x", "y"], value="x")
    with pytest.raises(traitlets.TraitError):
        menu.value = "z"


def test_a_menu_sends_what_its_view_draws():
    state = Menu(options=["relu", "tanh"], value="tanh", description="activation",
                 style={"description_width": "70px"}, layout={"width": "200px"}).get_state()
    assert state["_view_module"] == "anywidget" and state["_esm"]
    assert (list(state["_options_labels"]), state["index"], state["description"]) == (["relu", "tanh"], 1, "activation")
    for name in ("_options_labels", "index", "disabled", "description", "tooltip", "style"):
        assert name in state["_esm"], f"the menu's view does not read {name}"


def test_the_view_keeps_a_menus_keys_and_lets_the_others_through():
    esm = Menu(options=["x"]).get_state()["_esm"]
    keys = re.search(r"new Set\((\[.*?\])\)", esm).group(1)
    for key in ("ArrowUp", "ArrowDown", "Home", "End", " "):
        assert key in MENU_KEYS and f'"{key}"' in keys
    for key in ("Tab", "Escape", "Enter"):  # leaving the menu, JupyterLab's own keys
        assert key not in MENU_KEYS and f'"{key}"' not in keys
    assert "stopPropagation" in esm and "ctrlKey" in esm


def test_every_menu_in_the_package_is_a_menu():
    """A plain ``Dropdown(`` anywhere in dlcourse/ would lose its keys in JupyterLab again."""
    plain = [f"{path.relative_to(PACKAGE.parent)}:{number}"
             for path in PACKAGE.rglob("*.py") if path.name != "menu.py"
             for number, line in enumerate(path.read_text().splitlines(), 1) if re.search(r"\bDropdown\(", line)]
    assert not plain, f"use dlcourse.widgets.menu.Menu, not ipywidgets.Dropdown: {plain}"
