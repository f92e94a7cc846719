"""dlcourse.viz.live.LivePlot, driven by real training: a short Keras fit and an engine fit.

The point of the live plot is that one figure is updated in place: these tests check that the
same figure and the same image widget are reused every epoch (and that pyplot opens nothing),
that the drawn lines hold exactly the logged numbers, and that text mode prints one line per epoch.
"""

from __future__ import annotations

import io

import numpy as np
import pytest

from dlcourse.viz.live import LivePlot


def _data(n: int = 64):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype(int)
    return x, y


def _engine_model():
    from dlcourse import nn

    nn.set_seed(0)
    model = nn.Sequential([nn.Dense(8, activation="relu", input_shape=(4,)), nn.Dense(2, activation="softmax")])
    model.compile(optimizer=nn.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def _keras_model():
    keras = pytest.importorskip("keras")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def _assert_one_figure_updated(live: LivePlot, history: dict, epochs: int) -> None:
    assert live.redraws == epochs  # the callers draw every epoch (interval=0)
    assert live.figure is not None
    assert len(live.figure.axes) == 2  # loss and accuracy, in one figure
    for metric, ax in zip(("loss", "accuracy"), live.figure.axes):
        lines = {line.get_label(): line for line in ax.get_lines()}
        assert set(lines) == {"training", "validation"}
        assert list(lines["training"].get_xdata()) == list(range(1, epochs + 1))
        np.testing.assert_allclose(lines["training"].get_ydata(), history[metric], rtol=1e-6)
        np.testing.assert_allclose(lines["validation"].get_ydata(), history["val_" + metric], rtol=1e-6)
    assert live._image.value[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("framework", ["engine", "keras"])
def test_one_figure_and_one_image_reused_every_epoch(framework, monkeypatch):
    import matplotlib.pyplot as plt

    x, y = _data()
    model = _engine_model() if framework == "engine" else _keras_model()
    live = LivePlot(mode="widget", interval=0)
    figures, images = [], []
    redraw = live._redraw

    def spy() -> None:
        redraw()
        figures.append(id(live.figure))
        images.append(id(live._image))

    monkeypatch.setattr(live, "_redraw", spy)
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objs, **kw: shown.extend(objs))
    before = plt.get_fignums()
    history = model.fit(x, y, epochs=4, batch_size=16, validation_split=0.25, verbose=0, callbacks=[live])
    assert len(figures) == 4 and len(set(figures)) == 1 and len(set(images)) == 1
    assert shown == [live.widget]  # displayed once, at the start, then only updated
    assert plt.get_fignums() == before
    _assert_one_figure_updated(live, history.history, 4)
    assert "done" in live._status.value and "4 epochs" in live._status.value


def test_second_fit_reuses_the_widget_and_starts_a_new_picture(monkeypatch):
    x, y = _data()
    model = _engine_model()
    live = LivePlot(mode="widget", interval=0)
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objs, **kw: shown.extend(objs))
    model.fit(x, y, epochs=2, validation_split=0.25, verbose=0, callbacks=[live])
    history = model.fit(x, y, epochs=3, validation_split=0.25, verbose=0, callbacks=[live])
    assert len(shown) == 1
    _assert_one_figure_updated(live, history.history, 3)


def _feed(live: LivePlot, planned: int, run: int, seconds_per_epoch: float) -> None:
    """Call the hooks ``fit`` calls, on a clock where each epoch takes ``seconds_per_epoch``."""
    ticks = iter(range(1_000))
    live._clock = lambda: next(ticks) * seconds_per_epoch
    live.set_params({"epochs": planned})
    live.on_train_begin()
    for epoch in range(run):
        loss = 1 / (epoch + 1)
        live.on_epoch_end(epoch, {"loss": loss, "accuracy": 1 - loss, "val_loss": 2 * loss, "val_accuracy": 0.5})
    live.on_train_end()


@pytest.mark.parametrize(("planned", "run", "redraws"), [(20, 20, 6), (20, 7, 3)], ids=["all epochs", "stopped early"])
def test_fast_epochs_are_drawn_at_most_once_a_second_and_the_last_always(planned, run, redraws, monkeypatch):
    monkeypatch.setattr("IPython.display.display", lambda *objs, **kw: None)
    live = LivePlot(mode="widget", interval=1.0)
    _feed(live, planned, run, seconds_per_epoch=0.25)
    assert live.redraws == redraws  # epochs 1, 5, 9, ... and the last one run
    lines = {line.get_label(): line for line in live.figure.axes[0].get_lines()}
    assert list(lines["training"].get_xdata()) == list(range(1, run + 1))  # the picture holds every epoch
    every = LivePlot(mode="widget", interval=0)
    _feed(every, planned, run, seconds_per_epoch=0.25)
    assert every.redraws == run
    assert live._image.tooltip == every._image.tooltip  # drawn after the last epoch run, as when every epoch is
    assert f"after {run} epochs" in live._image.tooltip


def test_slow_epochs_are_each_drawn(monkeypatch):
    monkeypatch.setattr("IPython.display.display", lambda *objs, **kw: None)
    live = LivePlot(mode="widget", interval=1.0)
    _feed(live, 5, 5, seconds_per_epoch=1.5)
    assert live.redraws == 5


def test_bad_interval_is_refused():
    for bad in (-1, float("nan")):
        with pytest.raises(ValueError, match="interval"):
            LivePlot(interval=bad)


def test_text_mode_prints_one_line_per_epoch_with_progress():
    x, y = _data()
    stream = io.StringIO()
    live = LivePlot(mode="text", stream=stream)
    _engine_model().fit(x, y, epochs=3, validation_split=0.25, verbose=0, callbacks=[live])
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("epoch 1/3 ·") and lines[2].startswith("epoch 3/3 ·")
    assert "elapsed" in lines[0] and "val_accuracy" in lines[0]
    assert lines[0].index(" loss ") < lines[0].index(" accuracy ") < lines[0].index("val_loss")
    assert live.figure is None and live.redraws == 0


def test_auto_mode_is_text_outside_a_notebook(capsys):
    x, y = _data()
    _engine_model().fit(x, y, epochs=2, verbose=0, callbacks=[LivePlot()])
    assert capsys.readouterr().out.count("epoch ") == 2


def test_keras_fit_in_text_mode_and_no_validation():
    x, y = _data()
    stream = io.StringIO()
    _keras_model().fit(x, y, epochs=2, verbose=0, callbacks=[LivePlot(mode="text", stream=stream)])
    assert stream.getvalue().count("\n") == 2 and "val_" not in stream.getvalue()


def test_live_plot_module_does_not_import_keras():
    import subprocess
    import sys

    code = "import sys, dlcourse.viz.live; print('keras' in sys.modules, 'tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False False"


def test_bad_mode_is_refused():
    with pytest.raises(ValueError):
        LivePlot(mode="html")
