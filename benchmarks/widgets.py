"""Server-side time of one control change for each course widget, measured inside a real kernel.

A widget's observers run synchronously in the kernel when a control's value changes, so the
time to set a value from Python is the time a learner waits for the kernel's part of a redraw
(computing, drawing and encoding the figure with the inline backend). Target: under 100 ms.

    python benchmarks/widgets.py

For each widget, every slider, dropdown, checkbox and toggle inside it is moved a few times;
the table shows the median and worst time per widget and which control was slowest.

    python benchmarks/widgets.py --key-hold

sends instead, for each widget built on :mod:`dlcourse.widgets.live`, what a held arrow key sends:
``--repeats`` steps of its first control as comm messages from the client, one every
``--interval`` ms (a browser's key repeat is about 30 ms), and counts the frames the kernel drew and
how long after the last change the last frame was shown: once as the widget does (changes that
arrive while a frame is drawn are coalesced) and once drawing every change, for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import textwrap
import time

from jupyter_client.manager import start_new_kernel

TARGET_MS = 100.0

#: Curves shaped like a training history, for the explorers of lessons 09 and 10: the widgets'
#: redraw time does not depend on the values, only on how many epochs and runs they draw.
_CURVES = textwrap.dedent('''
    import numpy as np
    def _history(epochs, seed):
        r = np.random.default_rng(seed); e = np.arange(1, epochs + 1)
        loss = 0.3 + np.exp(-e / 5) + 0.01 * r.random(epochs); val = loss + 0.02 * e * r.random()
        return {"loss": list(loss), "val_loss": list(val), "accuracy": list(1 - loss / 2), "val_accuracy": list(1 - val / 2)}
''')

#: (label, setup code run first in the kernel, expression that builds the widget): every
#: lesson's widgets, built as the lesson builds them.
WIDGETS: list[tuple[str, str, str]] = [
    ("00 digit browser", "from dlcourse.data import load_mnist\n(x, y), _ = load_mnist()",
     "importlib.import_module('dlcourse.widgets.digits').digit_browser(x[:500], y[:500])"),
    ("01 neuron explorer", "", "importlib.import_module('dlcourse.widgets.neuron').neuron_explorer(start='AND')"),
    ("02 activation explorer", "", "importlib.import_module('dlcourse.widgets.activations').activation_explorer()"),
    ("03 forward explorer", "", "importlib.import_module('dlcourse.widgets.forward').forward_explorer()"),
    ("04 loss explorer", "", "importlib.import_module('dlcourse.widgets.losses').loss_explorer()"),
    ("05 slope explorer", "", "importlib.import_module('dlcourse.widgets.backprop').slope_explorer()"),
    ("06 learning-rate explorer", "",
     "importlib.import_module('dlcourse.widgets.descent').learning_rate_explorer(curve='quadratic', learning_rate=0.1)"),
    ("07 optimizer race", "", "importlib.import_module('dlcourse.widgets.optimizer_race').optimizer_race(surface='ravine')"),
    ("08 prediction browser",
     "import dlcourse.nn as nn\nfrom dlcourse.data import load_mnist\n(x, y), (xt, yt) = load_mnist()\n"
     "m = nn.Sequential([nn.Dense(64, activation='relu', input_shape=(784,)), nn.Dense(64, activation='relu'), "
     "nn.Dense(10, activation='softmax')])\nm.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
     "m.fit(x.reshape(-1, 784) / 255, y, epochs=1, batch_size=128, verbose=0)\n"
     "p = m.predict(xt.reshape(-1, 784) / 255)",
     "importlib.import_module('dlcourse.widgets.predictions').prediction_browser(xt, yt, p)"),
    ("09 capacity explorer", _CURVES + "sweep = {w: _history(12, w) for w in (1, 2, 4, 8, 16, 32, 64, 128)}",
     "importlib.import_module('dlcourse.widgets.capacity').capacity_explorer(sweep, {w: 0.8 for w in sweep})"),
    ("10 regularization explorer",
     _CURVES + "runs = {n: _history(40, i) for i, n in enumerate(['none', 'L2', 'L1', 'dropout', 'augmentation', 'early stopping'])}",
     "importlib.import_module('dlcourse.widgets.regularization').regularization_explorer(runs, baseline='none')"),
    ("11 playground", "", "importlib.import_module('dlcourse.playground.widget').playground_widget()"),
    ("12 feature-map explorer",
     "from dlcourse.seeding import import_keras\nfrom dlcourse.data import load_mnist\nkeras = import_keras()\n"
     "_, (xt, yt) = load_mnist()\ncnn = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(16, 3, activation='relu'), "
     "keras.layers.MaxPooling2D(2), keras.layers.Conv2D(32, 3, activation='relu')])\n"
     "from dlcourse.widgets.filters import conv_feature_maps\ndigit = xt[0][..., None] / 255\nmaps = conv_feature_maps(cnn, digit)",
     "importlib.import_module('dlcourse.widgets.filters').feature_map_explorer(digit, maps)"),
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

    def _bench(label, setup, expression):
        namespace = {"importlib": importlib}
        with contextlib.redirect_stdout(io.StringIO()):
            exec(setup, namespace)
        widget = eval(expression, namespace)
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


KEY_HOLD_CODE = textwrap.dedent("""
    import dlcourse.widgets.live as _live
    _drawn = []

    def _key_steps(c, n):
        # What n presses of a key do: one slider step each (up to the end), or the next menu option.
        if isinstance(c, (W.FloatSlider, W.IntSlider)):
            values, v = [], c.value
            for _ in range(n):
                v = v + c.step if v + c.step <= c.max else c.min
                values.append(round(v, 10))
            return values
        if hasattr(c, "index"):  # menus and selection sliders: the page sends the option's index
            return [(c.index + 1 + i) % len(c.options) for i in range(n)]
        return (_new_values(c) * n)[:n]

    def _hold_setup(label, setup, expression, coalesce, n):
        namespace = {"importlib": importlib}
        with contextlib.redirect_stdout(io.StringIO()):
            exec(setup, namespace)
        widget = eval(expression, namespace)
        if not isinstance(widget, _live.LiveWidget):
            return None
        with contextlib.redirect_stdout(io.StringIO()):
            display(widget)
        if not coalesce:  # every change drawn when it arrives, as before widgets.live
            for c in widget.controls.values():
                c.unobserve(widget._changed, names="value")
                c.observe(lambda change, w=widget: w.redraw(), names="value")
        frames = widget.frame_function
        def timed(values):
            frame = frames(values)
            _drawn.append((time.time(), dict(values)))
            return frame
        widget.frame_function = timed
        _drawn.clear()
        globals()["_held"] = widget
        name, first = next(iter(widget.controls.items()))
        return {"comm_id": first.comm.comm_id, "name": name, "trait": "index" if hasattr(first, "index") else "value",
                "values": _key_steps(first, n)}
""")


def _key_hold(kc, repeats: int, interval_ms: float) -> list[dict]:
    """Send ``repeats`` steps of each live widget's first control as a browser would; count frames."""
    results = []
    for label, setup, expression in WIDGETS:
        for coalesce in (True, False):
            lines: list[str] = []

            def keep(msg, lines=lines):
                if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
                    lines.append(msg["content"]["text"])
                elif msg["msg_type"] == "error":
                    raise RuntimeError(f"{label}: {msg['content']['ename']}: {msg['content']['evalue']}")

            code = f"print(json.dumps(_hold_setup({label!r}, {setup!r}, {expression!r}, {coalesce}, {repeats})))"
            kc.execute_interactive(code, output_hook=keep, timeout=600)
            info = json.loads("".join(lines).strip().splitlines()[-1])
            if info is None:
                break
            sent = 0.0
            for value in info["values"]:
                kc.shell_channel.send(kc.session.msg("comm_msg", {
                    "comm_id": info["comm_id"],
                    "data": {"method": "update", "state": {info["trait"]: value}, "buffer_paths": []}}))
                sent = time.time()
                time.sleep(interval_ms / 1000)
            lines.clear()
            name = info["name"]
            kc.execute_interactive(
                "import asyncio\nawait asyncio.sleep(0.3)\n"
                "print(json.dumps({'draws': len(_drawn), 'at': _drawn[-1][0], "
                f"'last': _held.controls[{name!r}].{info['trait']} if _drawn[-1][1] == _held.values else None}}))",
                output_hook=keep, timeout=600)
            got = json.loads("".join(lines).strip().splitlines()[-1])
            results.append({"label": label, "coalesce": coalesce, "changes": len(info["values"]),
                            "draws": got["draws"], "latest": got["last"] == info["values"][-1],
                            "lag": (got["at"] - sent) * 1000})
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--key-hold", action="store_true", help="send held-key changes to the live widgets")
    parser.add_argument("--repeats", type=int, default=30, help="changes per widget (default 30)")
    parser.add_argument("--interval", type=float, default=30.0, help="ms between two changes (default 30)")
    args = parser.parse_args()
    os.environ.setdefault("DLCOURSE_HOME", tempfile.mkdtemp(prefix="dlcourse-bench-"))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    km, kc = start_new_kernel(kernel_name="python3")
    results = []
    try:
        kc.execute_interactive("%matplotlib inline\n" + KERNEL_CODE + KEY_HOLD_CODE, timeout=120)
        held = _key_hold(kc, args.repeats, args.interval) if args.key_hold else []
        for label, setup, expression in [] if args.key_hold else WIDGETS:
            lines: list[str] = []

            def keep(msg, lines=lines):
                if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
                    lines.append(msg["content"]["text"])
                elif msg["msg_type"] == "error":
                    lines.append(json.dumps({"label": label, "error": msg["content"]["evalue"]}) + "\n")

            code = f"print(json.dumps(_bench({label!r}, {setup!r}, {expression!r})))"
            kc.execute_interactive(code, output_hook=keep, timeout=600)
            results.append(json.loads("".join(lines).strip().splitlines()[-1]))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.key_hold:
        print(f"held key: {args.repeats} changes, one every {args.interval:g} ms")
        print(f"{'widget':<34}{'mode':<14}{'changes':>8}{'frames':>8}{'lag ms':>8}  last frame shows the last change")
        for r in held:
            mode = "coalesced" if r["coalesce"] else "every change"
            print(f"{r['label']:<34}{mode:<14}{r['changes']:8d}{r['draws']:8d}{r['lag']:8.0f}  {r['latest']}")
        return 0 if all(r["latest"] for r in held) else 1
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
