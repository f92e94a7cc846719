"""How fast each lesson's main widget answers in a real browser, as a learner feels it.

For every lesson: JupyterLab in headless Chromium runs the learner notebook (Run All), then
this script focuses the main widget's first slider and presses → (or Space on a toggle button,
or ↑/↓ on a menu) ``--presses`` times, one press after the previous picture arrived (a press
that brings no new picture within 10 s is counted as missed). Each press is timed in the page from the
key going down to the main widget's picture having changed and been decoded (ready to paint):
kernel work, messages both ways and the browser's decoding included. For lesson 11 it also
presses ▶ play and counts the Playground pictures that reach the page per second.

    python benchmarks/browser_latency.py            # every lesson
    python benchmarks/browser_latency.py 02 07 11   # some lessons

Targets on a quiet 2-core machine: median <= 100 ms, worst <= 250 ms, Playground >= 20 frames/s.
The load average is printed with the table: on a busy machine the figures are not the targets'.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

from conftest import CHROMIUM_FLAGS, chromium_path  # noqa: E402
from lab import start_lab  # noqa: E402

NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"

WATCH_JS = r"""
(main) => {
  window.__dlc = {t0: null, times: [], frames: 0};
  document.addEventListener('keydown', () => { window.__dlc.t0 = performance.now(); }, true);
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.target.tagName !== 'IMG') continue;
      window.__dlc.frames += 1;
      const t0 = window.__dlc.t0;
      if (t0 === null) continue;
      window.__dlc.t0 = null;
      const done = () => window.__dlc.times.push(performance.now() - t0);
      r.target.decode().then(done, done);
    }
  });
  observer.observe(main, {attributes: true, attributeFilter: ['src'], subtree: true});
}
"""


def _wait(page, predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        page.wait_for_timeout(100)
    return False


def _run_all(page, lab, lesson: str) -> bool:
    """Run every cell of ``lesson``; False if the kernel was still busy after 10 minutes."""
    page.goto(lab.url(lesson, workspace=Path(lesson).stem + "-bench"), timeout=120_000)
    page.wait_for_selector(f"{NOTEBOOK} .jp-Cell", timeout=120_000)
    _wait(page, lambda: "Idle" in page.inner_text("#jp-main-statusbar"), 120)
    prompts = lambda: page.eval_on_selector_all(  # noqa: E731
        f"{NOTEBOOK} .jp-CodeCell .jp-InputArea-prompt", "els => els.map(e => e.textContent.trim())")
    for _ in range(3):
        page.locator("#jp-MainMenu .lm-MenuBar-itemLabel").get_by_text("Run", exact=True).click()
        page.locator(".lm-Menu-content .lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
        if _wait(page, lambda: any(p.startswith("[*]") or p[1:2].isdigit() for p in prompts()), 10):
            break
    done = _wait(page, lambda: "Idle" in page.inner_text("#jp-main-statusbar")
                 and not any(p.startswith("[*]") for p in prompts()), 600)
    page.wait_for_timeout(2000)
    return done


def measure_lesson(page, lab, lesson: str, presses: int) -> dict:
    """Median and worst key-to-picture time (ms) of ``lesson``'s main widget."""
    if not _run_all(page, lab, lesson):
        print(f"  {lesson}: Run All had not finished after 10 minutes; presses would wait for it",
              file=sys.stderr)
    main = page.locator(f"{NOTEBOOK} .dlcourse-main").first
    main.scroll_into_view_if_needed()
    main.evaluate(WATCH_JS)
    handle = main.locator(".noUi-handle")
    toggles = main.locator(".widget-toggle-button")
    if handle.count():
        handle.first.focus()
        keys = ["ArrowRight"] * (presses // 2) + ["ArrowLeft"] * (presses - presses // 2)
    elif toggles.count() > 1:
        # Lesson 10: its menu cannot be moved with ↑/↓ in JupyterLab (the notebook takes the keys),
        # its toggle buttons can: focus the one not pressed, then Space.
        keys = ["Space"] * presses
    else:
        main.locator("select").first.focus()
        keys = ["ArrowDown", "ArrowUp"] * ((presses + 1) // 2)
    missed = 0
    for key in keys[:presses]:
        count = page.evaluate("window.__dlc.times.length")
        if not handle.count() and toggles.count() > 1:
            main.locator(".widget-toggle-button:not(.mod-active)").first.focus()
        page.keyboard.press(key)
        if not _wait(page, lambda: page.evaluate("window.__dlc.times.length") > count, 10):
            missed += 1  # no new picture within 10 s: the press did not change it
        page.wait_for_timeout(150)  # a learner's pace between presses: no queue builds up
    times = page.evaluate("window.__dlc.times")
    result = {"lesson": lesson, "presses": len(times), "missed": missed}
    if times:
        result.update(median=statistics.median(times), worst=max(times))
    if lesson.startswith("11_"):
        result["fps"] = _playground_fps(page, main)
    return result


def _playground_fps(page, main, seconds: float = 6.0) -> float:
    """Pictures per second reaching the page while the Playground trains (after a 1 s warm-up)."""
    main.get_by_role("button", name="▶ play").click()
    page.wait_for_timeout(1000)
    start = page.evaluate("window.__dlc.frames")
    page.wait_for_timeout(int(seconds * 1000))
    frames = page.evaluate("window.__dlc.frames") - start
    main.get_by_role("button", name="❚❚ pause").click()
    return frames / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", help="lesson numbers (default: all)")
    parser.add_argument("--presses", type=int, default=12)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    lessons = sorted(p.name for p in (REPO / "course").glob("[0-9][0-9]_*.ipynb"))
    if args.lessons:
        lessons = [name for name in lessons if name[:2] in args.lessons]
    results = []
    with tempfile.TemporaryDirectory() as work:
        lab = start_lab(REPO / "course", Path(work))
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
                for lesson in lessons:
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    page = context.new_page()
                    try:
                        results.append(measure_lesson(page, lab, lesson, args.presses))
                    finally:
                        context.close()
                        lab.shut_down_kernels()
                    print(f"  measured {lesson}", file=sys.stderr)
                browser.close()
        finally:
            lab.stop()
    load = os.getloadavg()
    print(f"key press on the main widget -> changed picture, in the browser; load average "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")
    print(f"{'lesson':34} {'presses':>7} {'missed':>6} {'median ms':>10} {'worst ms':>9} {'frames/s':>9}")
    for r in results:
        fps = f"{r['fps']:.1f}" if "fps" in r else ""
        median = f"{r['median']:.0f}" if "median" in r else "-"
        worst = f"{r['worst']:.0f}" if "worst" in r else "-"
        print(f"{r['lesson']:34} {r['presses']:>7} {r['missed']:>6} {median:>10} {worst:>9} {fps:>9}")
    print("targets (quiet machine): median <= 100 ms, worst <= 250 ms, Playground >= 20 frames/s")


if __name__ == "__main__":
    main()
