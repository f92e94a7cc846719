"""What the browser suite checks in a lesson's main widget as the page lays it out.

Each function returns a list of problems (empty when all is well), one readable line each, so
a failing test says what a learner would see: which label is cut, what overlaps what, which
picture is blurred.

* :func:`layout_problems` — text cut off in its box (labels, readouts, menus, buttons), controls
  or pictures overlapping one another, anything sticking out of the widget, a widget wider than
  the notebook's output area, a control's label wrapped onto a line of its own.
* :func:`picture_problems` — pictures shown wider than their pixels allow on a screen with two
  device pixels per CSS pixel, text in them smaller than :data:`MIN_TEXT_PX` CSS px (the
  smallest text size the kernel reports, times the scale the page shows the picture at), texts
  in them that collide (reported by the kernel: ``overlapping_text``), and pictures without a
  text alternative.
* :func:`control_problems` — controls without a visible label, or that the keyboard cannot reach.
* :func:`screen_problems` — a main widget whose controls and picture do not fit in the notebook's
  visible height (checked at 1400×1000): the learner would scroll between a slider and what it changes.
* :func:`keyboard_problems` — controls that the keyboard reaches but cannot change: each slider,
  menu, checkbox and toggle button gets a key press (an arrow, or Space) and then the key that
  undoes it, and the kernel must receive both new values. (In JupyterLab a plain ipywidgets
  menu loses ↑/↓ to the notebook.)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

MIN_TEXT_PX = 9.9  # "about 10 CSS px": 10 px, less rounding
HIGH_DENSITY = 2  # device pixels per CSS pixel a picture must be sharp at

LAYOUT_JS = r"""
(main) => {
  const problems = [];
  const label = (el) => {
    const text = (el.querySelector('.widget-label, .widget-label-basic')?.textContent || el.textContent || '').trim();
    return (text || el.className).slice(0, 50);
  };
  const box = main.getBoundingClientRect();
  const area = main.closest('.jp-OutputArea-output') || main.parentElement;
  const areaBox = area.getBoundingClientRect();
  if (box.right > areaBox.right + 1)
    problems.push(`the widget is ${Math.round(box.right - areaBox.right)} px wider than the notebook's output area`);
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  // Leaves: the widgets that are not boxes (controls, pictures, texts), outermost only.
  const leaves = [...main.querySelectorAll('.jupyter-widgets:not(.widget-box)')]
    .filter((el) => shown(el) && !el.parentElement.closest('.jupyter-widgets:not(.widget-box)'));
  for (const el of leaves) {
    const r = el.getBoundingClientRect();
    if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
      problems.push(`"${label(el)}" sticks out of the widget`);
  }
  for (let i = 0; i < leaves.length; i++) {
    const a = leaves[i].getBoundingClientRect();
    for (let j = i + 1; j < leaves.length; j++) {
      const b = leaves[j].getBoundingClientRect();
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 2 && h > 2) problems.push(`"${label(leaves[i])}" and "${label(leaves[j])}" overlap (${Math.round(w)}×${Math.round(h)} px)`);
    }
  }
  // A label wrapped away from its control: above (or below) it instead of beside it.
  for (const labelEl of main.querySelectorAll('.widget-label')) {
    if (!shown(labelEl) || !labelEl.textContent.replace(/\u200b/g, '').trim()) continue;
    const siblings = [...labelEl.parentElement.children].filter((el) => el !== labelEl && shown(el));
    if (!siblings.length) continue;
    const l = labelEl.getBoundingClientRect();
    const top = Math.min(...siblings.map((el) => el.getBoundingClientRect().top));
    const bottom = Math.max(...siblings.map((el) => el.getBoundingClientRect().bottom));
    if (l.bottom <= top + 2 || l.top >= bottom - 2)
      problems.push(`the label "${labelEl.textContent.trim().slice(0, 50)}" has wrapped onto a line of its own, away from its control`);
  }
  // Text cut off: any element with text whose overflow is hidden and whose content is wider than its box.
  for (const el of main.querySelectorAll('*')) {
    if (!shown(el) || !el.textContent.trim() || el.tagName === 'SELECT' || el.tagName === 'OPTION') continue;
    const style = getComputedStyle(el);
    if (!['hidden', 'clip'].includes(style.overflowX) && style.textOverflow !== 'ellipsis') continue;
    if (el.scrollWidth > el.clientWidth + 1)
      problems.push(`"${el.textContent.trim().slice(0, 50)}" is cut off (${el.scrollWidth} px of text in ${el.clientWidth} px)`);
  }
  // Menus: the chosen option must fit in the closed menu (less the arrow).
  const canvas = document.createElement('canvas').getContext('2d');
  for (const select of main.querySelectorAll('select')) {
    if (!shown(select) || select.multiple) continue;
    const style = getComputedStyle(select);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = select.options[select.selectedIndex]?.text || '';
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (canvas.measureText(text).width > room + 1)
      problems.push(`the menu shows "${text}" cut off (${Math.round(canvas.measureText(text).width)} px of text in ${Math.round(room)} px)`);
  }
  return problems;
}
"""

PICTURES_JS = r"""
(main) => [...main.querySelectorAll('img')].map((img) => {
  const r = img.getBoundingClientRect();
  return {natural: img.naturalWidth, shown: r.width, alt: (img.getAttribute('alt') || img.getAttribute('title') || '').trim()};
})
"""

CONTROLS_JS = r"""
(main) => {
  const problems = [];
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
  for (const el of main.querySelectorAll('.widget-slider, .widget-dropdown, .widget-checkbox, .widget-text, .widget-toggle-button, .widget-button, .widget-play')) {
    if (!visible(el)) continue;
    const labels = [...el.querySelectorAll('.widget-label, .widget-label-basic span, label')].filter(visible)
      .map((l) => l.textContent.trim()).filter(Boolean);
    const buttons = [...el.querySelectorAll('button')].concat(el.tagName === 'BUTTON' ? [el] : []);
    if (el.classList.contains('widget-play')) {
      continue;  // ipywidgets' Play draws icon-only buttons (see AXE_EXCLUDED["button-name"]); a labelled slider sits beside it
    } else if (buttons.length) {
      if (!buttons.every((b) => b.textContent.trim() || b.getAttribute('aria-label')))
        problems.push('a button has no visible label');
    } else if (!labels.length) {
      problems.push(`a control (${el.className.split(' ').filter((c) => c.startsWith('widget-')).join(' ')}) has no visible label`);
    }
  }
  for (const el of main.querySelectorAll('input, select, button, .noUi-handle')) {
    if (!visible(el) || el.disabled) continue;
    if (el.tabIndex < 0) problems.push(`"${(el.closest('.jupyter-widgets')?.textContent || el.outerHTML).trim().slice(0, 50)}" cannot be reached with the keyboard`);
  }
  return problems;
}
"""


KEY_TARGETS_JS = r"""
(main) => {
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
  const targets = [];
  const controls = main.querySelectorAll('.widget-slider, .widget-dropdown, .widget-checkbox, .widget-toggle-buttons');
  for (const el of controls) {
    if (!visible(el)) continue;
    // target: what gets the key; back: what gets the key that undoes it (the same element, but
    // for toggle buttons: the button that was on).
    let target = null, back = null, key = 'Space', backKey = 'Space';
    if (el.classList.contains('widget-slider')) {
      if (el.querySelector('[disabled]')) continue;
      target = back = el.querySelector('.noUi-handle');
      if (!target) continue;
      const up = Number(target.getAttribute('aria-valuenow')) < Number(target.getAttribute('aria-valuemax'));
      [key, backKey] = up ? ['ArrowRight', 'ArrowLeft'] : ['ArrowLeft', 'ArrowRight'];
    } else if (el.classList.contains('widget-dropdown')) {
      target = back = el.querySelector('select');
      if (!target || target.options.length < 2) continue;
      const down = target.selectedIndex < target.options.length - 1;
      [key, backKey] = down ? ['ArrowDown', 'ArrowUp'] : ['ArrowUp', 'ArrowDown'];
    } else if (el.classList.contains('widget-checkbox')) {
      target = back = el.querySelector('input[type=checkbox]');
    } else {
      target = el.querySelector('button:not(.mod-active)');
      back = el.querySelector('button.mod-active');
    }
    if (!target || !back || target.disabled) continue;
    const label = el.classList.contains('widget-checkbox') ? el.textContent : (el.querySelector('.widget-label')?.textContent || '');
    target.setAttribute('data-dlcourse-key', String(targets.length));
    back.setAttribute('data-dlcourse-back', String(targets.length));
    targets.push({index: targets.length, key, backKey, label: label.replace(/[\u200b\s]+/g, ' ').trim()});
  }
  return targets;
}
"""
SCREEN_JS = r"""
(main) => {
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const scroller = main.closest('.jp-WindowedPanel-outer') || main.closest('.jp-Notebook');
  const parts = [...main.querySelectorAll('img, .widget-slider, .widget-dropdown, .widget-checkbox, .widget-toggle-buttons, .widget-play')]
    .filter(shown).map((el) => el.getBoundingClientRect());
  if (!parts.length) return null;
  const top = Math.min(...parts.map((r) => r.top)), bottom = Math.max(...parts.map((r) => r.bottom));
  return {needed: Math.round(bottom - top), visible: Math.round(scroller.getBoundingClientRect().height)};
}
"""
KEY_WAIT_S = 10  # a key press's value reaches a busy kernel (the Playground redrawing) within this


def layout_problems(main: Any) -> list[str]:
    """Cut text, overlaps and overflow in the main widget ``main`` (a Playwright locator)."""
    return main.evaluate(LAYOUT_JS)


def picture_problems(main: Any, reported: list[dict[str, Any]]) -> list[str]:
    """Blurred pictures, tiny text and missing text alternatives; ``reported`` comes from the kernel."""
    shown = main.evaluate(PICTURES_JS)
    problems = []
    if len(shown) != len(reported):
        problems.append(f"the page shows {len(shown)} pictures, the kernel's widget has {len(reported)} "
                        "(every picture of a main widget is a dlcourse.widgets.picture.Picture)")
    for index, (page, kernel) in enumerate(zip(shown, reported)):
        if page["shown"] * HIGH_DENSITY > page["natural"] + 1:
            problems.append(f"picture {index + 1} is blurred: {page['natural']} px shown {page['shown']:.0f} CSS px wide "
                            f"(needs {HIGH_DENSITY} pixels per CSS pixel)")
        smallest = kernel["min_text_css_px"]
        if smallest is not None and page["natural"]:
            on_page = smallest * page["shown"] / kernel["css_width"]
            if on_page < MIN_TEXT_PX:
                problems.append(f"picture {index + 1}: its smallest text is {on_page:.1f} CSS px on the page "
                                f"({smallest:.1f} px at its own size), under {MIN_TEXT_PX:g}")
        for collision in kernel.get("overlapping_text", []):
            problems.append(f"picture {index + 1}: {collision}")
        if not page["alt"]:
            problems.append(f"picture {index + 1} has no text alternative (alt or title)")
    return problems


def control_problems(main: Any) -> list[str]:
    """Controls without a visible label, or out of the keyboard's reach."""
    return main.evaluate(CONTROLS_JS)


def screen_problems(main: Any) -> list[str]:
    """The main widget's controls and pictures, from the first to the last, must fit on one screen."""
    sizes = main.evaluate(SCREEN_JS)
    if sizes and sizes["needed"] > sizes["visible"]:
        return [f"its controls and pictures take {sizes['needed']} px from top to bottom, but the notebook shows "
                f"{sizes['visible']} px: a learner scrolls between a control and what it changes"]
    return []


def keyboard_problems(page: Any, main: Any, changes: Callable[[], list[dict[str, str]]]) -> list[str]:
    """Press a key on every slider, menu, checkbox and toggle button of ``main``, then the key that
    undoes it; report each control whose new value did not reach the kernel. ``changes()`` lists
    the values the page has sent (``probe.py``). Undoing tests each control from the widget's
    first state (the Playground keeps its last input feature on) and leaves the widget as it was."""
    problems = []
    for target in main.evaluate(KEY_TARGETS_JS):
        name = target["label"] or f"control {target['index'] + 1}"
        for attribute, key in (("data-dlcourse-key", target["key"]), ("data-dlcourse-back", target["backKey"])):
            seen = len(changes())
            main.locator(f'[{attribute}="{target["index"]}"]').focus()
            page.keyboard.press(key)
            new = _new_changes(page, changes, seen)
            if not new:
                problems.append(f'"{name}": pressing {key} on it did not change its value in the kernel')
                break
            if not any(_same_label(name, change["description"]) for change in new):
                problems.append(f'"{name}": pressing {key} changed another control: '
                                + ", ".join(repr(change["description"]) for change in new))
                break
    return problems


def _new_changes(page: Any, changes: Callable[[], list[dict[str, str]]], seen: int) -> list[dict[str, str]]:
    deadline = time.monotonic() + KEY_WAIT_S
    new: list[dict[str, str]] = []
    while not new and time.monotonic() < deadline:
        page.wait_for_timeout(100)
        new = changes()[seen:]
    return new


def _same_label(shown: str, description: str) -> bool:
    described = " ".join(description.split())
    return bool(described) and (shown == described or described in shown)
