"""Every learner notebook, run as a learner would: in JupyterLab, in a real (headless) browser.

For each lesson this test opens the notebook, waits for the kernel, runs all cells from the
Run menu, saves, and then asserts that:

* no cell raised or wrote to stderr (read from the saved notebook's outputs);
* every check cell reads "not attempted yet" (the learner copy is run unfilled, and a learner
  who skips an exercise can still run the rest of the lesson);
* every widget rendered (no "Error displaying widget", nothing stuck on "Loading widget");
* the lesson has exactly one main widget — the one carrying the CSS class ``dlcourse-main`` —
  and moving its first control with the keyboard changes what it shows;
* values survive the browser: no control's value was changed by the page before anyone touched
  it (a slider built at a value it cannot take is snapped, and the snapped value sent back to
  the kernel; read in the kernel itself, see ``probe.py``);
* at 1400×1000 and again at a 1024×700 laptop, with JupyterLab's file browser open, the main
  widget fits: no text cut off, nothing overlapping, nothing sticking out, no label wrapped away
  from its control (``page_checks.py``); at 1400×1000 its controls and pictures fit on one screen;
* its pictures are sharp (two pixels per CSS pixel, for high-density screens), their text is at
  least about 10 CSS px, and each has a text alternative; every control has a visible label and
  can be reached with the keyboard;
* every slider, menu, checkbox and toggle button works from the keyboard: an arrow key (or Space)
  on it sends a new value to the kernel (``keyboard_problems``; menus are
  ``dlcourse.widgets.menu.Menu``, since JupyterLab takes ↑/↓ from a plain ipywidgets menu);
* axe-core finds no critical or serious accessibility violation in the lesson's own output
  (markdown and cell outputs; rules excluded for JupyterLab's or ipywidgets' own markup are
  listed in ``AXE_EXCLUDED`` with the reason).

The lesson runs once; the same page is then resized for the second viewport. Screenshots of
each lesson at both sizes are saved (see the ``screenshot_dir`` fixture).
"""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path
from urllib.parse import urlparse

import pytest
from page_checks import control_problems, keyboard_problems, layout_problems, picture_problems, screen_problems
from probe import KernelProbe

REPO = Path(__file__).resolve().parents[2]
LESSONS = sorted(p.name for p in (REPO / "course").glob("[0-9][0-9]_*.ipynb"))
RUN_TIMEOUT_S = 420
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"  # the notebook on screen
VIEWPORTS = ({"width": 1400, "height": 1000}, {"width": 1024, "height": 700})
# The course's own output: rendered markdown and cell outputs (JupyterLab's toolbars, menus and
# editors are not the course's to fix).
# Parts of that output whose markup JupyterLab writes, with no way for the course to change it:
AXE_EXCLUDED_PARTS = {
    # JupyterLab's image renderer writes a static figure's <img> without alt text, whatever the
    # output's metadata says. (The widgets' own pictures are checked: each has a title.)
    f"{NOTEBOOK} .jp-RenderedImage > img": "JupyterLab's image renderer gives static figures no alt text",
}
AXE_CONTEXT = {"include": [[f"{NOTEBOOK} .jp-OutputArea-output"], [f"{NOTEBOOK} .jp-MarkdownOutput"]],
               "exclude": [[selector] for selector in AXE_EXCLUDED_PARTS]}
# Rules switched off, each for markup of ipywidgets' own that the course cannot reach:
# Picture problems known and not fixed yet, by lesson: reported as warnings, and the test fails
# once they are gone (so the entry is removed, and the check holds from then on).
KNOWN_PICTURE_PROBLEMS: dict[str, str] = {}
AXE_EXCLUDED: dict[str, str] = {
    "aria-input-field-name": "ipywidgets' slider handle (role=slider) is not tied to the slider's visible <label>; "
                             "every course slider has that visible label and a tooltip",
    "button-name": "ipywidgets' Play widget (lesson 07's replay) draws icon-only buttons without a title; the "
                   "course's own buttons all have text (page_checks reports the Play buttons apart)",
}


def _only_localhost(route) -> None:
    host = urlparse(route.request.url).hostname
    if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:")):
        route.continue_()
    else:
        route.abort()


def _status_text(page) -> str:
    return page.inner_text("#jp-main-statusbar")


def _wait_for(page, predicate, timeout: float, what: str) -> None:
    """Poll ``predicate`` until true. Waits through the page, so Playwright keeps serving the
    request router (a plain ``time.sleep`` would stall every request, saves included)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _prompts(page) -> list[str]:
    return page.eval_on_selector_all(
        f"{NOTEBOOK} .jp-CodeCell .jp-InputArea-prompt", "els => els.map(e => e.textContent.trim())"
    )


def _menu(page, menu: str, item: str) -> None:
    """Choose ``item`` from the main menu bar's ``menu``, by their exact labels."""
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel").get_by_text(menu, exact=True).click()
    page.locator(".lm-Menu-content .lm-Menu-itemLabel").get_by_text(item, exact=True).click()


def _saved_errors(path: Path) -> list[str]:
    notebook = json.loads(path.read_text())
    errors = []
    for index, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append(f"cell {index}: {output['ename']}: {output['evalue']}")
            elif output.get("output_type") == "stream" and output.get("name") == "stderr":
                errors.append(f"cell {index} wrote to stderr: {''.join(output['text'])[:300]}")
    return errors


def _check_reports(path: Path) -> list[str]:
    """The plain-text output of every check cell of the saved notebook."""
    notebook = json.loads(path.read_text())
    reports = []
    for cell in notebook["cells"]:
        if cell.get("metadata", {}).get("dlcourse", {}).get("role") == "check":
            reports.append("".join("".join(o.get("data", {}).get("text/plain", o.get("text", "")))
                                   for o in cell.get("outputs", [])))
    return reports


def _unexecuted(path: Path) -> list[int]:
    notebook = json.loads(path.read_text())
    return [i for i, c in enumerate(notebook["cells"]) if c["cell_type"] == "code"
            and "".join(c["source"]).strip() and c.get("execution_count") is None]


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_runs_in_jupyterlab(lesson, lab, chromium, screenshot_dir):
    context = chromium.new_context(viewport=VIEWPORTS[0])
    page = context.new_page()
    page.route("**/*", _only_localhost)
    saved = lab.root / lesson
    before = saved.stat().st_mtime_ns
    probe = None
    try:
        page.goto(lab.url(lesson, workspace=Path(lesson).stem), timeout=90_000)
        page.wait_for_selector(f"{NOTEBOOK} .jp-Cell", timeout=90_000)
        # The toolbar's kernel indicator says idle too early; the status bar is reliable.
        _wait_for(page, lambda: "Idle" in _status_text(page), 90, "the kernel to start (status bar: Idle)")
        probe = KernelProbe(lab, lesson)
        probe.watch_values()

        code_cells = len(_prompts(page))
        started = lambda: any(p.startswith("[*]") or p[1:2].isdigit() for p in _prompts(page))  # noqa: E731
        for _attempt in range(3):  # Run All occasionally does nothing right after start-up: try again
            _menu(page, "Run", "Run All Cells")
            try:
                _wait_for(page, started, 10, "Run All to start")
                break
            except AssertionError:
                continue
        _wait_for(page, started, 1, "Run All to start (after 3 attempts)")
        _wait_for(page, lambda: "Idle" in _status_text(page) and not any(p.startswith("[*]") for p in _prompts(page)),
                  RUN_TIMEOUT_S, f"all {code_cells} code cells to finish")

        _menu(page, "File", "Save Notebook")
        _wait_for(page, lambda: saved.stat().st_mtime_ns != before, 30, "the notebook to be saved")
        page.wait_for_timeout(500)  # let the write settle before reading it back
        errors = _saved_errors(saved)
        assert not errors, f"{lesson} raised in the browser:\n" + "\n".join(errors)
        missing = _unexecuted(saved)
        assert not missing, f"{lesson}: code cells {missing} did not run"
        reports = _check_reports(saved)
        assert reports and all("not attempted yet" in r for r in reports), f"{lesson}: {reports}"

        # Widgets: give them a moment to render, then look for failure messages.
        page.wait_for_timeout(2000)
        text = page.inner_text(NOTEBOOK)
        assert "Error displaying widget" not in text, f"{lesson}: a widget failed to render"
        _wait_for(page, lambda: "Loading widget" not in page.inner_text(NOTEBOOK), 20, "widgets to finish loading")

        main = page.locator(f"{NOTEBOOK} .dlcourse-main")
        assert main.count() == 1, f"{lesson} shows {main.count()} main widgets (.dlcourse-main), not one"
        main.scroll_into_view_if_needed()
        page.wait_for_timeout(1000)
        changed = probe.values_changed_by_page()
        assert not changed, f"{lesson}: the page changed controls nobody touched (built at values they cannot take):\n" + \
            "\n".join(f"{c['widget']} {c['description']!r}: built {c['built']}, page sent {c['page']}" for c in changed)
        problems = _view_problems(page, main, probe, lesson, VIEWPORTS[0], screenshot_dir)
        problems += _axe_problems(page)

        before_image = main.screenshot()
        _nudge_first_control(main, page)
        _wait_for(page, lambda: main.screenshot() != before_image, 20,
                  f"{lesson}'s main widget to change after moving a control")

        page.set_viewport_size(VIEWPORTS[1])  # the same page on a laptop: no second run of the lesson
        page.wait_for_timeout(1500)
        problems += _view_problems(page, main, probe, lesson, VIEWPORTS[1], screenshot_dir)
        problems += keyboard_problems(page, main, probe.values_changed_by_page)  # last: it changes every control
        assert not problems, f"{lesson}: what a learner sees is wrong:\n" + "\n".join(problems)
    except BaseException:
        page.screenshot(path=str(screenshot_dir / f"{Path(lesson).stem}-FAILED.png"))
        raise
    finally:
        if probe is not None:
            probe.close()
        context.close()
        lab.shut_down_kernels()


def _view_problems(page, main, probe, lesson: str, viewport: dict, screenshot_dir: Path) -> list[str]:
    """Layout, pictures and controls of the main widget at ``viewport``; saves a screenshot."""
    size = f"{viewport['width']}x{viewport['height']}"
    main.scroll_into_view_if_needed()
    main.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    page.screenshot(path=str(screenshot_dir / f"{Path(lesson).stem}-{size}.png"), full_page=False)
    reported = probe.pictures()
    pictures = picture_problems(main, reported[-1] if reported else [])
    if lesson in KNOWN_PICTURE_PROBLEMS:
        if not pictures:
            pictures = [f"no picture problem left: remove {lesson} from KNOWN_PICTURE_PROBLEMS"]
        else:
            warnings.warn(f"{lesson} at {size}: known: {KNOWN_PICTURE_PROBLEMS[lesson]}: " + "; ".join(pictures))
            pictures = []
    problems = layout_problems(main) + pictures + control_problems(main)
    if viewport == VIEWPORTS[0]:  # a laptop's 700 px cannot hold most widgets; a 1000 px screen should
        problems += screen_problems(main)
    return [f"at {size}: {p}" for p in problems]


def _axe_problems(page) -> list[str]:
    """Critical and serious axe-core violations in the lesson's own output."""
    from axe_playwright_python.sync_playwright import Axe  # noqa: PLC0415

    options = {"resultTypes": ["violations"], "rules": {rule: {"enabled": False} for rule in AXE_EXCLUDED}}
    results = Axe().run(page, context=AXE_CONTEXT, options=options).response
    problems = []
    for violation in results["violations"]:
        if violation["impact"] in ("critical", "serious"):
            where = "; ".join(node["html"][:160] for node in violation["nodes"][:3])
            problems.append(f"axe {violation['impact']}: {violation['id']} ({violation['help']}), "
                            f"{len(violation['nodes'])} elements, e.g. {where}")
    return problems


def _nudge_first_control(main, page) -> None:
    """Move the first slider (arrow keys), select box or checkbox inside the main widget."""
    handle = main.locator(".noUi-handle")
    if handle.count():
        handle.first.focus()
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        return
    select = main.locator("select")
    if select.count():
        options = select.first.locator("option").all_inner_texts()
        current = select.first.input_value()
        choice = next(o for o in options if o != current)
        select.first.select_option(label=choice)
        return
    checkbox = main.locator("input[type=checkbox]")
    if checkbox.count():
        checkbox.first.focus()
        page.keyboard.press("Space")
        return
    raise AssertionError("the main widget has no slider, select box or checkbox to move")
