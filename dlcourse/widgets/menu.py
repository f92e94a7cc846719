"""A drop-down menu that keeps its keys in JupyterLab: :class:`Menu`.

ipywidgets' ``Dropdown`` is a ``<select>``, and a focused ``<select>`` in JupyterLab loses its
keys: the notebook binds ↑/↓ (select the cell above or below) and letters (``a``: insert a cell
above, ``m``: make it markdown...) to every focused element in command mode except text fields,
so a learner who tabs to a menu and presses ↓ moves to another cell instead of choosing the next
option (ipywidgets issue #3912, open since 2024). Sliders are spared because their own code
handles the key first.

:class:`Menu` is that ``Dropdown`` (same Python API, options, values and validation: it *is* a
``Dropdown`` subclass) with a small view of its own, run by anywidget: the same label and
``<select>`` with ipywidgets' look, whose keydown handler keeps the keys a menu uses (arrows,
Home, End, Page Up/Down, Space, and typed letters that jump to an option) from reaching
JupyterLab's shortcuts. Every other key (Tab, Escape, Shift+Enter, Ctrl+S) still reaches
JupyterLab. Every menu in the course's widgets is a :class:`Menu`.
"""

from __future__ import annotations

import anywidget
import ipywidgets

__all__ = ["MENU_KEYS", "Menu"]

#: The keys a focused menu keeps for itself (besides single characters typed without Ctrl, Alt
#: or Cmd, which jump to the option they start).
MENU_KEYS = ("ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown", " ")

_ESM = """
const KEYS = new Set(%(keys)s);
let made = 0;

function render({ model, el }) {
  el.classList.add("jupyter-widgets", "widget-inline-hbox", "widget-dropdown");
  const label = document.createElement("label");
  label.className = "widget-label";
  const select = document.createElement("select");
  select.id = label.htmlFor = `dlcourse-menu-${Date.now().toString(36)}-${made++}`;
  el.append(label, select);

  const drawOptions = () => {
    select.replaceChildren(...model.get("_options_labels").map((text) => {
      const option = document.createElement("option");
      option.textContent = text.replace(/ /g, "\\u00a0");  // as ipywidgets: spaces kept
      option.value = text;
      return option;
    }));
  };
  const drawState = () => {
    const index = model.get("index");
    select.selectedIndex = index === null ? -1 : index;
    select.disabled = model.get("disabled");
    const text = model.get("description") || "";
    label.textContent = text;
    label.style.display = text ? "" : "none";
    const tooltip = model.get("tooltip");
    if (tooltip) el.title = tooltip; else el.removeAttribute("title");
    const style = model.get("style");
    const width = style && typeof style.get === "function" ? style.get("description_width") : "";
    label.style.width = width || "";
  };
  drawOptions();
  drawState();

  select.addEventListener("change", () => {
    model.set("index", select.selectedIndex === -1 ? null : select.selectedIndex);
    model.save_changes();
  });
  // JupyterLab handles keys as they bubble up to the document: stop the menu's own keys here.
  select.addEventListener("keydown", (event) => {
    const typed = event.key.length === 1 && !event.ctrlKey && !event.altKey && !event.metaKey;
    if (typed || (KEYS.has(event.key) && !event.ctrlKey && !event.metaKey)) event.stopPropagation();
  });
  const redrawAll = () => { drawOptions(); drawState(); };
  model.on("change:_options_labels", redrawAll);
  model.on("change:index change:disabled change:description change:tooltip change:style", drawState);
  return () => {
    model.off("change:_options_labels", redrawAll);
    model.off("change:index change:disabled change:description change:tooltip change:style", drawState);
  };
}

export default { render };
""" % {"keys": repr(list(MENU_KEYS)).replace("'", '"')}


class Menu(anywidget.AnyWidget, ipywidgets.Dropdown):
    """``ipywidgets.Dropdown`` whose arrow and letter keys work inside JupyterLab (see the module).

    Made like a ``Dropdown``: ``Menu(options=[("0.1", 0.1), ("1", 1.0)], value=0.1,
    description="rate")``; ``value``, ``index``, ``label`` and ``observe`` behave the same.
    """

    _esm = _ESM
