"""The Playground widget: controls wired to a :class:`PlaygroundModel` and a :class:`PlaygroundFigure` (lesson 11).

This module only wires the user interface (ipywidgets 8). Training and drawing live in
:mod:`dlcourse.playground.model` and :mod:`dlcourse.playground.render`; settings in
:mod:`dlcourse.playground.config`.

Play runs training in a background thread, so the notebook's other cells keep running while
the network learns; pause stops the thread. Every control is usable from the keyboard, and
every button can be pressed from Python (``pg.play_button.click()``), which is how the tests
drive it without a browser.

Introduced in lesson 11.
"""

from __future__ import annotations

import html
import threading
import time
from pathlib import Path
from typing import Any

from dlcourse.playground.config import (
    ACTIVATIONS, CLASSIFICATION_DATASETS, DATASETS, FEATURE_NAMES, LEARNING_RATES, MAX_LAYERS, MAX_NEURONS,
    OPTIMIZERS, REGULARIZATION_RATES, REGULARIZATIONS, REGRESSION_DATASETS, PlaygroundConfig,
)
from dlcourse.playground.features import LABELS
from dlcourse.playground.keras_code import keras_code
from dlcourse.playground.model import PlaygroundModel
from dlcourse.playground.render import CSS_WIDTH, PlaygroundFigure

__all__ = ["Playground", "playground", "playground_widget"]

#: The settings column's width in CSS px: its widest control (a slider, 310 px) and a margin;
#: beside it, the run bar and the picture (:data:`~dlcourse.playground.render.CSS_WIDTH`).
SETTINGS_WIDTH = 330
#: Settings that only change the picture, not the run.
_DISPLAY = ("show_validation", "discretize")


def playground(config: PlaygroundConfig | str | None = None, **changes: Any) -> "Playground":
    """A new :class:`Playground`, from a config (or its JSON, or a JSON file's path) and/or changes."""
    return Playground(config, **changes)


def playground_widget(**changes: Any) -> Any:
    """Just the widget of a new :class:`Playground` (for tools that walk a widget's children)."""
    return Playground(**changes).widget


class Playground:
    """TensorFlow Playground's controls and pictures, driven by the course's own engine.

    ``pg = Playground(dataset="xor", hidden=[4])`` then show ``pg`` in a cell. Useful from code:
    :attr:`config` (current settings), :attr:`run` (the :class:`PlaygroundModel`: network,
    data, history), :meth:`step`, :meth:`play`, :meth:`pause`, :meth:`reset`,
    :meth:`keras_code`, :meth:`save` and :meth:`load`.
    """

    def __init__(self, config: PlaygroundConfig | str | None = None, steps_per_frame: int = 20,
                 **changes: Any) -> None:
        import ipywidgets as widgets  # noqa: PLC0415

        if isinstance(config, (str, Path)):
            config = PlaygroundConfig.from_json(config)
        config = (config or PlaygroundConfig()).replace(**changes)
        self._lock = threading.RLock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._updating = False
        self.frames = 0
        self.config = config
        self.figure = PlaygroundFigure()
        self.run = PlaygroundModel(config)
        self._build(widgets, steps_per_frame)
        self._sync_controls()
        self.redraw()

    # --- the user interface ------------------------------------------------------------------
    def _build(self, w: Any, steps_per_frame: int) -> None:
        from dlcourse.widgets.menu import Menu  # noqa: PLC0415 - ipywidgets only when shown

        c = self.config
        narrow = {"description_width": "90px"}
        # Data (the first slider, noise, changes the picture at once: new points)
        self.dataset = Menu(options=list(DATASETS), value=c.dataset, description="dataset", style=narrow,
                            layout={"width": "210px"})
        self.noise = w.FloatSlider(value=c.noise, min=0.0, max=0.5, step=0.05, description="noise",
                                   readout_format=".2f", style=narrow, continuous_update=False,
                                   layout={"width": "310px"})
        self.train_ratio = w.FloatSlider(value=c.train_ratio, min=0.1, max=0.9, step=0.1,
                                         description="train share", readout_format=".0%", style=narrow,
                                         continuous_update=False, layout={"width": "310px"})
        self.batch_size = w.IntSlider(value=c.batch_size, min=1, max=30, description="batch size", style=narrow,
                                      continuous_update=False, layout={"width": "310px"})
        self.seed = w.BoundedIntText(value=c.seed, min=0, max=10**6, description="seed", style=narrow,
                                     layout={"width": "190px"})
        # Training
        self.problem = Menu(options=["classification", "regression"], value=c.problem,
                            description="problem", style=narrow, layout={"width": "290px"})
        self.learning_rate = Menu(options=[(f"{v:g}", v) for v in LEARNING_RATES], value=c.learning_rate,
                                  description="learning rate", style=narrow, layout={"width": "240px"})
        self.activation = Menu(options=list(ACTIVATIONS), value=c.activation, description="activation",
                               style=narrow, layout={"width": "240px"})
        self.optimizer = Menu(options=list(OPTIMIZERS), value=c.optimizer, description="optimizer",
                              style=narrow, layout={"width": "240px"})
        self.regularization = Menu(options=list(REGULARIZATIONS), value=c.regularization,
                                   description="regularization", style=narrow, layout={"width": "240px"})
        self.regularization_rate = Menu(options=[(f"{v:g}", v) for v in REGULARIZATION_RATES],
                                        value=c.regularization_rate, description="reg. rate", style=narrow,
                                        layout={"width": "240px"})
        self.dropout = w.FloatSlider(value=c.dropout, min=0.0, max=0.5, step=0.1, description="dropout",
                                     readout_format=".1f", style=narrow, continuous_update=False,
                                     layout={"width": "300px"})
        self.early_stopping = w.Checkbox(value=c.early_stopping, description="early stopping", indent=False,
                                         tooltip="stop when the loss of 20% held-out training points stops "
                                                 "improving")
        # Features, network, display
        self.feature_boxes = {name: w.Checkbox(value=name in c.features, description=LABELS[name], indent=False,
                                               layout={"width": "76px"}) for name in FEATURE_NAMES}
        self.add_layer_button = w.Button(description="+ layer", tooltip="add a hidden layer", layout={"width": "80px"})
        self.remove_layer_button = w.Button(description="− layer", tooltip="remove the last hidden layer",
                                            layout={"width": "80px"})
        self.layer_row = w.HBox()
        self.show_validation = w.Checkbox(value=c.show_validation, description="show validation data",
                                          indent=False)
        self.discretize = w.Checkbox(value=c.discretize, description="discretize output", indent=False)
        # Run controls
        self.play_button = w.Button(description="▶ play", tooltip="train continuously (pause to stop)",
                                    layout={"width": "90px"})
        self.step_button = w.Button(description="step", tooltip="train one frame's steps, then stop",
                                    layout={"width": "70px"})
        self.reset_button = w.Button(description="reset", tooltip="new weights and data from the seed",
                                     layout={"width": "70px"})
        self.speed = Menu(options=[("1 step", 1), ("5 steps", 5), ("20 steps", 20), ("100 steps", 100)],  # 20: about an epoch
                          value=steps_per_frame, description="per frame", style={"description_width": "70px"},
                          layout={"width": "190px"})
        self.status = w.HTML()
        from dlcourse.widgets.picture import Picture  # noqa: PLC0415 - ipywidgets only when shown

        self.image = Picture(self.figure, readout=self.status)  # drawn at twice the pixels, shown at half
        # Extras: Keras code, saving and loading
        self.code_button = w.Button(description="show me the Keras code", layout={"width": "200px"})
        self.export_button = w.Button(description="copy config ↓", tooltip="write the settings as JSON below",
                                      layout={"width": "130px"})
        self.import_button = w.Button(description="load config ↑", tooltip="read the settings from the JSON below",
                                      layout={"width": "130px"})
        self.config_text = w.Textarea(placeholder="settings as JSON", description="config JSON",
                                      layout={"width": "auto", "height": "90px"})
        self.extra_output = w.HTML()

        for control in (self.dataset, self.noise, self.train_ratio, self.batch_size, self.seed, self.problem,
                        self.learning_rate, self.activation, self.optimizer, self.regularization,
                        self.regularization_rate, self.dropout, self.early_stopping, self.show_validation,
                        self.discretize, *self.feature_boxes.values()):
            control.observe(self._on_control, names="value")
        self.play_button.on_click(lambda _: self.pause() if self.playing else self.play())
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        self.add_layer_button.on_click(lambda _: self.add_layer())
        self.remove_layer_button.on_click(lambda _: self.remove_layer())
        self.code_button.on_click(lambda _: self._show_code())
        self.export_button.on_click(lambda _: setattr(self.config_text, "value", self.config.to_json()))
        self.import_button.on_click(lambda _: self._load_text())

        heading = w.HTML
        data = w.VBox([heading("<b>Data</b> — which points, and how many to train on"), self.dataset,
                       self.noise, self.train_ratio, self.batch_size, self.seed])
        training = w.VBox([heading("<b>Training</b> — how the weights are updated"), self.problem,
                           self.learning_rate, self.optimizer, self.activation, self.regularization,
                           self.regularization_rate, self.dropout, self.early_stopping])
        self.layer_row.layout.flex_flow = "row wrap"
        network = w.VBox([heading("<b>Network</b> — inputs and hidden layers"),
                          w.HBox(list(self.feature_boxes.values()), layout={"flex_flow": "row wrap"}),
                          w.HBox([self.add_layer_button, self.remove_layer_button]), self.layer_row,
                          self.show_validation, self.discretize])
        runbar = w.HBox([self.play_button, self.step_button, self.reset_button, self.speed, self.status],
                        layout={"align_items": "center", "flex_flow": "row wrap"})
        help_text = w.HTML("<small>Changing a setting starts a new run from the seed (same seed and settings: the "
                           "same run); <i>show validation data</i> and <i>discretize output</i> only change the picture. "
                           "<i>per frame</i>: training steps (batches) between two pictures. <i>Early stopping</i> watches the "
                           "validation loss. <i>+</i> and <i>−</i> under a layer add or remove one of its neurons. Keyboard: "
                           "Tab to a control, then arrow keys or Space.</small>")
        extras = w.VBox([w.HBox([self.code_button, self.export_button, self.import_button],
                                layout={"flex_flow": "row wrap"}), self.config_text,
                         self.extra_output])
        # One column of settings beside the run bar and the picture: with JupyterLab's file browser
        # open at 1400×1000 (a notebook about 960 px wide) both fit on one screen; in a narrower
        # notebook (a 1024×700 laptop, about 590 px) the picture wraps below the settings.
        for section in (data, training, network):
            section.layout.margin = "0 0 8px 0"
        settings = w.VBox([data, training, network], layout={"width": f"{SETTINGS_WIDTH}px", "margin": "0 16px 0 0"})
        shown = w.VBox([runbar, self.image], layout={"width": f"{CSS_WIDTH}px", "max_width": "100%"})
        self.widget = w.VBox([w.HBox([settings, shown], layout={"flex_flow": "row wrap"}), help_text, extras])
        self.widget.add_class("dlcourse-main")
        self._widgets = w

    def _rebuild_layer_row(self) -> None:
        if getattr(self, "_row_key", None) == tuple(self.config.hidden):
            return  # same layers: keep the buttons (making widgets is slow)
        self._row_key = tuple(self.config.hidden)
        w = self._widgets
        boxes = []
        for index, units in enumerate(self.config.hidden):
            plus = w.Button(description="+", tooltip=f"add a neuron to layer {index + 1}", layout={"width": "32px"})
            minus = w.Button(description="−", tooltip=f"remove a neuron from layer {index + 1}",
                             layout={"width": "32px"})
            plus.on_click(lambda _, i=index: self.add_neuron(i))
            minus.on_click(lambda _, i=index: self.remove_neuron(i))
            boxes.append(w.VBox([w.HTML(f"layer {index + 1}: {units}"), w.HBox([plus, minus])]))
        self.neuron_buttons = [(box.children[1].children[0], box.children[1].children[1]) for box in boxes]
        self.layer_row.children = boxes

    def _sync_controls(self) -> None:
        """Make the controls show :attr:`config` (after a load, a dataset/problem switch, ...)."""
        c = self.config
        self._updating = True
        try:
            for name in ("dataset", "noise", "train_ratio", "batch_size", "seed", "problem", "learning_rate",
                         "activation", "optimizer", "regularization", "regularization_rate", "dropout",
                         "early_stopping", "show_validation", "discretize"):
                control = getattr(self, name)
                value = getattr(c, name)
                if name in ("learning_rate", "regularization_rate"):
                    options = [v for _, v in control.options]
                    if value not in options:
                        control.options = sorted({*[(f"{v:g}", v) for v in options], (f"{value:g}", value)},
                                                 key=lambda o: o[1])
                if name == "batch_size":
                    control.max = max(control.max, value)
                control.value = value
            for name, box in self.feature_boxes.items():
                box.value = name in c.features
        finally:
            self._updating = False
        self.add_layer_button.disabled = len(c.hidden) >= MAX_LAYERS
        self.remove_layer_button.disabled = not c.hidden
        self._rebuild_layer_row()
        for (plus, minus), units in zip(self.neuron_buttons, c.hidden):
            plus.disabled = units >= MAX_NEURONS
            minus.disabled = units <= 1

    # --- reacting to controls ----------------------------------------------------------------
    def _on_control(self, change: dict) -> None:
        if self._updating:
            return
        owner = change["owner"]
        if owner in self.feature_boxes.values():
            features = [n for n, box in self.feature_boxes.items() if box.value]
            if not features:  # keep at least one input
                self._updating = True
                owner.value = True
                self._updating = False
                return
            self.set(features=features)
            return
        name = next(n for n in ("dataset", "noise", "train_ratio", "batch_size", "seed", "problem",
                                "learning_rate", "activation", "optimizer", "regularization",
                                "regularization_rate", "dropout", "early_stopping", "show_validation", "discretize")
                    if getattr(self, n) is owner)
        changes: dict[str, Any] = {name: change["new"]}
        if name == "dataset":
            changes["problem"] = "regression" if change["new"] in REGRESSION_DATASETS else "classification"
        elif name == "problem":
            wanted = CLASSIFICATION_DATASETS if change["new"] == "classification" else REGRESSION_DATASETS
            if self.config.dataset not in wanted:
                changes["dataset"] = next(iter(wanted))
        elif name == "regularization" and change["new"] != "none" and self.config.regularization_rate == 0:
            changes["regularization_rate"] = 0.001
        self.set(**changes)

    def set(self, **changes: Any) -> None:
        """Change settings (as keyword arguments of :class:`PlaygroundConfig`) and redraw.

        Anything but the display settings starts a new run (new weights from the seed).
        """
        with self._lock:
            config = self.config.replace(**changes)
            self.config = config
            if any(k not in _DISPLAY for k in changes):
                self.run = PlaygroundModel(config)
            else:
                self.run.config = self.run.config.replace(**{k: changes[k] for k in changes})
        self._sync_controls()
        self.redraw()

    def add_layer(self) -> None:
        """Add a hidden layer (a copy of the last one's size, or 2 neurons) at the end."""
        if len(self.config.hidden) < MAX_LAYERS:
            self.set(hidden=[*self.config.hidden, self.config.hidden[-1] if self.config.hidden else 2])

    def remove_layer(self) -> None:
        """Remove the last hidden layer."""
        if self.config.hidden:
            self.set(hidden=self.config.hidden[:-1])

    def add_neuron(self, layer: int) -> None:
        """One more neuron in hidden layer ``layer`` (from 0)."""
        hidden = list(self.config.hidden)
        if hidden[layer] < MAX_NEURONS:
            hidden[layer] += 1
            self.set(hidden=hidden)

    def remove_neuron(self, layer: int) -> None:
        """One neuron fewer in hidden layer ``layer`` (from 0); a layer keeps at least one."""
        hidden = list(self.config.hidden)
        if hidden[layer] > 1:
            hidden[layer] -= 1
            self.set(hidden=hidden)

    # --- running -----------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        """True while the background training thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def step(self, steps: int | None = None) -> None:
        """Train ``steps`` batches (default: the 'per frame' setting) and redraw."""
        with self._lock:
            self.run.step(int(steps or self.speed.value))
            self.run.record()
        self.redraw()

    def play(self) -> None:
        """Start training in a background thread; returns at once."""
        if self.playing:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="playground", daemon=True)
        self.play_button.description = "❚❚ pause"
        self._thread.start()

    def pause(self) -> None:
        """Stop the background training (waits for the current frame to finish)."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        self._thread = None
        self.play_button.description = "▶ play"

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                start = time.perf_counter()
                with self._lock:
                    self.run.step(self.speed.value)
                    self.run.record()
                self.redraw()
                if self.run.stopped:
                    break
                time.sleep(max(0.002, 1 / 30 - (time.perf_counter() - start)))  # at most ~30 frames/s
        finally:
            if self._thread is threading.current_thread():  # not a newer thread started meanwhile
                self._thread = None
                self.play_button.description = "▶ play"

    def reset(self) -> None:
        """A fresh run of the current settings (same seed: the same start as before)."""
        with self._lock:
            self.run = PlaygroundModel(self.config)
        self.redraw()

    def redraw(self) -> None:
        """Draw the current state into the image and the status line."""
        with self._lock:
            run = self.run
            self.figure.update(run)
            picture = self.figure.jpeg()
            train, val = run.history["loss"][-1], run.history["val_loss"][-1]
            text = (f"step <b>{run.steps}</b> · epoch <b>{run.epochs}</b> · training loss <b>{train:.3f}</b> · "
                    f"validation loss <b>{val:.3f}</b> · {self.config.n_neurons} hidden neurons")
            if run.stopped:
                text += " · <b>stopped early</b> (best weights restored)"
            c = self.config
            layers = ", ".join(map(str, c.hidden)) or "none"
            alt = (f"The Playground after {run.steps} training steps: a network with inputs "
                   f"{', '.join(LABELS[f] for f in c.features)} and hidden layers of {layers} neurons; its output over "
                   f"the {c.data_name} data, and its training loss ({train:.3f}) and validation loss ({val:.3f}) "
                   "over the training steps.")
        from dlcourse.widgets.picture import Frame  # noqa: PLC0415 - loaded with the widget already

        self.image.show(Frame(picture, text, alt))  # picture, description and status line together
        self.frames += 1

    # --- extras ------------------------------------------------------------------------------
    def keras_code(self, epochs: int = 100) -> str:
        """The current network as a runnable Keras 3 script (see :func:`~dlcourse.playground.keras_code.keras_code`)."""
        return keras_code(self.config, epochs=epochs)

    def _show_code(self) -> None:
        self.extra_output.value = f"<pre style='font-size: 12px'>{html.escape(self.keras_code())}</pre>"

    def _load_text(self) -> None:
        try:
            config = PlaygroundConfig.from_json(self.config_text.value)
        except (ValueError, TypeError) as exc:
            self.extra_output.value = f"<b>Could not load:</b> {html.escape(str(exc))}"
            return
        self.load(config)
        self.extra_output.value = "Settings loaded."

    def save(self, path: str | Path | None = None) -> str:
        """The current settings as JSON (also written to ``path`` when given)."""
        return self.config.to_json(path)

    def load(self, source: PlaygroundConfig | str | Path) -> None:
        """Restore settings from a config, a JSON string or a JSON file, and start a new run."""
        config = source if isinstance(source, PlaygroundConfig) else PlaygroundConfig.from_json(source)
        with self._lock:
            self.config = config.replace()
            self.run = PlaygroundModel(self.config)
        self._sync_controls()
        self.redraw()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"<Playground {self.config.dataset}, hidden={self.config.hidden}, step {self.run.steps}>"
