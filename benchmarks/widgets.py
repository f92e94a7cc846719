"""Server-side time of one control change for each course widget, measured inside a real kernel.

A widget's observers run synchronously in the kernel when a control's value changes, so the
time to set a value from Python is the time a learner waits for the kernel's part of a redraw
(computing, drawing and encoding the figure with the inline backend). Target: under 100 ms.

    python benchmarks/widgets.py

For each widget, every slider, dropdown, checkbox and toggle inside it is moved a few times;
the table shows the median and worst time per widget and which control was slowest.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import textwrap

from jupyter_client.manager import start_new_kernel

TARGET_MS = 100.0

#: (label, "module:factory", keyword arguments) for every widget a lesson shows.
WIDGETS: list[tuple[str, str, dict]] = [
    ("01 neuron explorer", "dlcourse.widgets.neuron:neuron_explorer", {}),
]

KERNEL_CODE = textwrap.dedent('''
    import contextlib, importlib, io, json, statistics, time
    import ipywidgets as W
    from IPython.display import display

    def _controls(widget):
        found, stack = [], [widget]
        while stack:
            w = stack.pop(0)
            if isinstance(w, (W.FloatSlider, W.IntSlider, W.FloatLogSlider, W.SelectionSlider,
                              W.Dropdown, W.ToggleButtons, W.RadioButtons, W.Checkbox, W.ToggleButton)):
                found.append(w)
            stack.extend(getattr(w, "children", ()))
        return found

    def _new_values(c, n=4):
        if isinstance(c, (W.Checkbox, W.ToggleButton)):
            return [not c.value, c.value] * (n // 2)
        if isinstance(c, (W.Dropdown, W.ToggleButtons, W.RadioButtons, W.SelectionSlider)):
            values = list(c._options_values)
            others = [v for v in values if v != c.value][:n - 1]
            return others + [c.value]
        if isinstance(c, W.FloatLogSlider):
            return [c.base ** (c.min + (c.max - c.min) * f) for f in (0.3, 0.6, 0.8, 0.5)][:n]
        span = c.max - c.min
        return [type(c.value)(c.min + span * f) for f in (0.3, 0.6, 0.8, 0.5)][:n]

    def _bench(label, target, kwargs):
        module, name = target.split(":")
        widget = getattr(importlib.import_module(module), name)(**kwargs)
        with contextlib.redirect_stdout(io.StringIO()):
            display(widget)
        times, slowest = [], ("", 0.0)
        for c in _controls(widget):
            for value in _new_values(c):
                start = time.perf_counter()
                c.value = value
                ms = (time.perf_counter() - start) * 1000
                times.append(ms)
                if ms > slowest[1]:
                    slowest = (c.description or type(c).__name__, ms)
        return {"label": label, "moves": len(times), "median": statistics.median(times) if times else float("nan"),
                "worst": max(times) if times else float("nan"), "slowest": slowest[0]}
''')


def main() -> int:
    os.environ.setdefault("DLCOURSE_HOME", tempfile.mkdtemp(prefix="dlcourse-bench-"))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    km, kc = start_new_kernel(kernel_name="python3")
    results = []
    try:
        kc.execute_interactive("%matplotlib inline\n" + KERNEL_CODE, timeout=120)
        for label, target, kwargs in WIDGETS:
            lines: list[str] = []

            def keep(msg, lines=lines):
                if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
                    lines.append(msg["content"]["text"])
                elif msg["msg_type"] == "error":
                    lines.append(json.dumps({"label": label, "error": msg["content"]["evalue"]}) + "\n")

            code = f"print(json.dumps(_bench({label!r}, {target!r}, {kwargs!r})))"
            kc.execute_interactive(code, output_hook=keep, timeout=600)
            results.append(json.loads("".join(lines).strip().splitlines()[-1]))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print(f"{'widget':<34}{'moves':>6}{'median ms':>11}{'worst ms':>10}  slowest control")
    ok = True
    for r in results:
        if "error" in r:
            print(f"{r['label']:<34}  ERROR {r['error']}")
            ok = False
            continue
        flag = "" if r["worst"] < TARGET_MS else f"  OVER {TARGET_MS:.0f} ms"
        ok &= not flag
        print(f"{r['label']:<34}{r['moves']:6d}{r['median']:11.1f}{r['worst']:10.1f}  {r['slowest']}{flag}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
