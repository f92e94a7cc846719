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


def main() -> int:
    os.environ.setdefault("DLCOURSE_HOME", tempfile.mkdtemp(prefix="dlcourse-bench-"))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    km, kc = start_new_kernel(kernel_name="python3")
    results = []
    try:
        kc.execute_interactive("%matplotlib inline\n" + KERNEL_CODE, timeout=120)
        for label, setup, expression in WIDGETS:
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
