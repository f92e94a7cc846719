"""The Playground (lesson 11): config round trips, features, reproducible runs, losses against Keras,
"show me the Keras code" run by Keras with the engine's weights, and the widget driven from Python."""

from __future__ import annotations

import io
import json
import time

import numpy as np
import pytest

from dlcourse.playground.config import ConfigError, PlaygroundConfig
from dlcourse.playground.features import FEATURES, grid, transform
from dlcourse.playground.model import PlaygroundModel, make_test_points

ALL = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]


# --- config ---------------------------------------------------------------------------------------
def test_config_json_round_trip_string_and_file(tmp_path):
    config = PlaygroundConfig(dataset="spiral", noise=0.15, features=["x1", "sin(x2)"], hidden=[8, 3, 1],
                              activation="relu", optimizer="rmsprop", regularization="l2",
                              regularization_rate=0.003, dropout=0.2, early_stopping=True, patience=4, seed=7,
                              show_validation=True, discretize=True, batch_size=17, train_ratio=0.3)
    assert PlaygroundConfig.from_json(config.to_json()) == config
    path = tmp_path / "run.json"
    config.to_json(path)
    assert PlaygroundConfig.from_json(path) == config
    assert PlaygroundConfig.from_json(str(path)) == config
    assert json.loads(path.read_text())["hidden"] == [8, 3, 1]


@pytest.mark.parametrize("changes, words", [
    ({"hidden": [4] * 7}, "at most 6"),
    ({"hidden": [9]}, "1 to 8"),
    ({"features": []}, "at least one"),
    ({"features": ["x3"]}, "feature"),
    ({"activation": "swish"}, "activation"),
    ({"noise": 0.9}, "noise"),
    ({"dataset": "plane"}, "not a classification dataset"),
    ({"problem": "regression"}, "not a regression dataset"),
])
def test_config_rejects_bad_settings_with_a_reason(changes, words):
    with pytest.raises(ConfigError, match=words):
        PlaygroundConfig(**changes)


def test_config_saved_with_the_old_show_test_name_still_loads():
    old = {**PlaygroundConfig().to_dict(), "show_test": True}
    del old["show_validation"]
    assert PlaygroundConfig.from_dict(old).show_validation is True


def test_config_from_json_rejects_unknown_keys_and_garbage():
    with pytest.raises(ConfigError, match="unknown Playground settings: colour"):
        PlaygroundConfig.from_dict({"colour": "red"})
    with pytest.raises(ConfigError, match="JSON"):
        PlaygroundConfig.from_json("{not json")


# --- features -------------------------------------------------------------------------------------
def test_features_match_their_formulas():
    x = np.array([[0.5, -1.0], [-0.3, 0.2], [1.1, 0.7]], np.float32)
    f = transform(x, ALL)
    expected = np.stack([x[:, 0], x[:, 1], x[:, 0] ** 2, x[:, 1] ** 2, x[:, 0] * x[:, 1], np.sin(x[:, 0]),
                         np.sin(x[:, 1])], axis=1)
    np.testing.assert_allclose(f, expected, rtol=1e-6)
    assert f.dtype == np.float32 and set(FEATURES) == set(ALL)
    g = grid(5, 1.0)
    assert g.shape == (25, 2) and g[0].tolist() == [-1.0, 1.0] and g[-1].tolist() == [1.0, -1.0]


# --- model ----------------------------------------------------------------------------------------
def test_same_seed_same_run_and_another_seed_another_run():
    config = PlaygroundConfig(dataset="xor", hidden=[5, 3], dropout=0.2, optimizer="adam", noise=0.1)
    a, b = PlaygroundModel(config).train(150, record_every=10), PlaygroundModel(config).train(150, record_every=10)
    for wa, wb in zip(a.network.get_weights(), b.network.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    assert a.history == b.history
    c = PlaygroundModel(config.replace(seed=1)).train(150)
    assert not np.array_equal(a.network.get_weights()[0], c.network.get_weights()[0])
    assert not np.array_equal(a.x_train, c.x_train)


def test_network_structure_follows_the_config():
    from dlcourse.nn import Dense, Dropout

    run = PlaygroundModel(PlaygroundConfig(features=["x1", "x2", "x1*x2"], hidden=[3, 2], dropout=0.5,
                                           regularization="l1", regularization_rate=0.01))
    layers = run.network.layers
    assert [type(layer) for layer in layers] == [Dense, Dropout, Dense, Dropout, Dense]
    assert run.network.get_weights()[0].shape == (3, 3)
    assert layers[-1].activation.name == "sigmoid"
    assert layers[0].kernel_regularizer.l1 == 0.01
    regression = PlaygroundModel(PlaygroundConfig(dataset="plane", problem="regression", hidden=[]))
    assert regression.network.layers[-1].activation.name == "linear"
    assert type(regression.network.loss).__name__ == "MeanSquaredError"


def test_one_step_is_one_batch_and_an_epoch_covers_the_training_set():
    run = PlaygroundModel(PlaygroundConfig(batch_size=10, n_points=100, train_ratio=0.5))  # 50 training points
    before = run.network.get_weights()[0].copy()
    assert run.step() == 1 and run.steps == 1
    assert not np.array_equal(before, run.network.get_weights()[0])
    run.step(4)
    assert run.epochs == 1 and run.steps == 5


@pytest.mark.parametrize("problem", ["classification", "regression"])
def test_reported_losses_agree_with_keras(problem):
    import keras

    dataset = "circle" if problem == "classification" else "plane"
    run = PlaygroundModel(PlaygroundConfig(dataset=dataset, problem=problem, noise=0.1)).train(100)
    train, val = run.losses()
    fn = keras.losses.BinaryCrossentropy() if problem == "classification" else keras.losses.MeanSquaredError()
    assert val == pytest.approx(float(fn(run.y_val, run.network.predict(run.f_val))), rel=1e-5)
    assert train == pytest.approx(float(fn(run.y_train, run.network.predict(run.f_train))), rel=1e-5)
    x_test, y_test = make_test_points(run.config)
    assert run.test_loss() == pytest.approx(float(fn(y_test, run.network.predict(transform(x_test, run.config.features)))),
                                            rel=1e-5)


def test_three_data_roles_training_validation_and_fresh_test_points():
    """The held-out points are the validation set (shown, chosen on); the test points are fresh draws."""
    config = PlaygroundConfig(n_points=300, train_ratio=0.3, noise=0.2)
    run = PlaygroundModel(config)
    assert len(run.x_train) == 90 and len(run.x_val) == 210
    x_test, y_test = make_test_points(config)
    assert x_test.shape == (210, 2) and y_test.shape == (210, 1)
    shown = np.concatenate([run.x_train, run.x_val])
    assert not any(np.any(np.all(shown == point, axis=1)) for point in x_test)
    assert set(run.history) == {"step", "loss", "val_loss"}
    assert not hasattr(run, "x_test")


def test_early_stopping_watches_the_validation_loss_and_restores_the_best_weights():
    config = PlaygroundConfig(dataset="circle", noise=0.3, train_ratio=0.2, hidden=[8, 8, 8], activation="relu",
                              optimizer="adam", learning_rate=0.03, early_stopping=True, patience=3)
    run = PlaygroundModel(config)
    epoch_ends = []
    while not run.stopped:
        run.step(8)  # 80 training points, batches of 10: one epoch, and all of them are fitted
        epoch_ends.append(run.losses()[1])
    assert run.step(10) == 0 and len(epoch_ends) < 100
    early = run._early
    assert early.best_weights is not None
    for w, best in zip(run.network.get_weights(), early.best_weights):
        np.testing.assert_array_equal(w, best)
    best_epoch = len(epoch_ends) - 1 - config.patience
    assert run.losses()[1] == pytest.approx(min(epoch_ends[:-1]), rel=1e-6) == epoch_ends[best_epoch]


# --- "show me the Keras code" ---------------------------------------------------------------------
@pytest.mark.parametrize("config", [
    PlaygroundConfig(),
    PlaygroundConfig(dataset="spiral", features=ALL, hidden=[8, 6, 4], activation="relu", dropout=0.3,
                     regularization="l2", regularization_rate=0.01, optimizer="adam", noise=0.1, seed=3),
    PlaygroundConfig(dataset="plane", problem="regression", features=["x1", "x2^2", "sin(x2)"], hidden=[3],
                     activation="sigmoid", optimizer="nesterov", early_stopping=True),
    PlaygroundConfig(dataset="xor", features=["x1*x2"], hidden=[], optimizer="rmsprop"),
], ids=["default", "spiral-big", "regression", "no-hidden"])
def test_keras_code_runs_and_equals_the_engine_network(config):
    import contextlib

    from dlcourse.playground.keras_code import keras_code

    run = PlaygroundModel(config).train(120)
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(keras_code(config, epochs=1), "<keras code>", "exec"), namespace)  # noqa: S102
    model = namespace["model"]
    np.testing.assert_array_equal(namespace["x_train"], run.x_train)
    np.testing.assert_array_equal(namespace["features"](namespace["x_val"]), run.f_val)
    x_test, _ = make_test_points(config)
    np.testing.assert_array_equal(namespace["x_test"], x_test)
    model.set_weights(run.network.get_weights())
    ours = run.network.predict(run.f_val)
    theirs = model.predict(namespace["features"](namespace["x_val"]), verbose=0)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    assert type(model.optimizer).__name__.lower() == {"nesterov": "sgd", "momentum": "sgd"}.get(
        config.optimizer, config.optimizer)


# --- rendering ------------------------------------------------------------------------------------
def test_picture_uses_the_palette_and_changes_with_training():
    from PIL import Image

    from dlcourse.playground.render import WIDTH, PlaygroundFigure, to_rgb
    from dlcourse.viz.style import PALETTE

    assert "#%02X%02X%02X" % tuple(to_rgb(-1.0)) == PALETTE["class0"]
    assert "#%02X%02X%02X" % tuple(to_rgb(1.0)) == PALETTE["class1"]
    assert min(to_rgb(0.0)) >= 250  # white in the middle
    figure = PlaygroundFigure()
    run = PlaygroundModel(PlaygroundConfig(dataset="xor", hidden=[4], optimizer="adam"))
    figure.update(run)
    first = np.asarray(Image.open(io.BytesIO(figure.png())))
    assert first.shape == (figure.height, WIDTH, 3)
    run.train(200)
    figure.update(run)
    assert not np.array_equal(first, np.asarray(Image.open(io.BytesIO(figure.png()))))


def test_picture_is_sharp_and_fits_a_laptops_notebook_with_readable_text():
    """Drawn at twice the pixels, shown at half: at most 590 CSS px wide (JupyterLab's notebook at
    1024x700 with the file browser open is about 592 px), text at least 10 CSS px, even for the
    largest network (7 inputs, 6 layers of 8), whose picture only grows taller."""
    from dlcourse.playground.render import CSS_WIDTH, SCALE, WIDTH, PlaygroundFigure
    from dlcourse.viz.figure import SCALE as FIGURE_SCALE

    assert SCALE == FIGURE_SCALE == 2 and WIDTH == CSS_WIDTH * SCALE <= 590 * SCALE
    everything = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]
    heights = []
    for config in (PlaygroundConfig(), PlaygroundConfig(dataset="spiral", features=everything, hidden=[8] * 6,
                                                           show_validation=True, discretize=True),
                   PlaygroundConfig(dataset="plane", problem="regression", hidden=[])):
        figure = PlaygroundFigure()
        figure.update(PlaygroundModel(config).train(20))
        assert figure.image.size == (WIDTH, figure.height)
        assert figure.min_text_px / SCALE >= 10
        pixels = np.asarray(figure.image)
        assert (pixels[:, -4 * SCALE:] == 255).all(), "something is drawn in the picture's right margin (cut off?)"
        assert (pixels[-4 * SCALE:] == 255).all(), "something is drawn in the picture's bottom margin (cut off?)"
        heights.append(figure.height)
    assert heights[1] > heights[0]  # 8 neurons in a column: a taller picture, not a wider one


def test_widget_picture_is_a_described_picture_updated_with_each_frame(pg):
    from dlcourse.viz.figure import image_size
    from dlcourse.widgets.picture import Picture, picture_report

    assert isinstance(pg.image, Picture) and pg.image.format == "jpeg"
    [report] = picture_report(pg.widget)
    assert report["css_width"] == image_size(pg.image.value)[0] / 2 <= 590
    assert report["min_text_css_px"] >= 10
    first = pg.image.tooltip
    assert "0 training steps" in first and "x₁, x₂" in first and "4, 2 neurons" in first
    pg.step(5)
    assert "5 training steps" in pg.image.tooltip and pg.image.frame.alt == pg.image.tooltip
    assert "step <b>5</b>" in pg.status.value  # the status line is the picture's readout, updated with it


# --- the widget, driven from Python ----------------------------------------------------------------
@pytest.fixture
def pg():
    from dlcourse.playground.widget import Playground

    widget = Playground(steps_per_frame=5)
    yield widget
    widget.pause()


def _controls(widget):
    import ipywidgets as W

    found, stack = [], [widget]
    while stack:
        w = stack.pop(0)
        if isinstance(w, (W.FloatSlider, W.IntSlider, W.Dropdown, W.Checkbox)):
            found.append(w)
        stack = list(getattr(w, "children", ())) + stack  # depth first: DOM order
    return found


def test_main_widget_and_its_first_slider_changes_the_picture(pg):
    import ipywidgets as W

    assert "dlcourse-main" in pg.widget._dom_classes
    sliders = [c for c in _controls(pg.widget) if isinstance(c, (W.FloatSlider, W.IntSlider))]
    assert sliders[0] is pg.noise
    assert _controls(pg.widget)[0] is pg.dataset
    before = pg.image.value
    pg.noise.value = 0.25  # what the browser test does with the arrow keys
    assert pg.config.noise == 0.25 and pg.run.config.noise == 0.25
    assert pg.image.value != before
    before = pg.image.value
    pg.dataset.value = "spiral"
    assert pg.image.value != before


def test_controls_change_the_run(pg):
    pg.dataset.value = "xor"
    assert pg.run.config.dataset == "xor"
    pg.add_layer_button.click()
    assert pg.config.hidden == [4, 2, 2] and len(pg.neuron_buttons) == 3
    pg.neuron_buttons[2][0].click()
    pg.neuron_buttons[0][1].click()
    assert pg.config.hidden == [3, 2, 3]
    assert pg.run.network.get_weights()[-2].shape == (3, 1)
    pg.remove_layer_button.click()
    assert pg.config.hidden == [3, 2]
    pg.activation.value = "relu"
    pg.optimizer.value = "adam"
    pg.feature_boxes["x1*x2"].value = True
    assert pg.run.config.activation == "relu" and pg.run.config.optimizer == "adam"
    assert pg.run.f_train.shape[1] == 3
    pg.dataset.value = "plane"
    assert pg.config.problem == "regression" and pg.problem.value == "regression"
    pg.problem.value = "classification"
    assert pg.config.dataset == "circle"
    for _ in range(6):
        pg.add_layer_button.click()
    assert len(pg.config.hidden) == 6 and pg.add_layer_button.disabled


def test_step_reset_and_seed_reproduce_a_run(pg):
    start = pg.run.network.get_weights()
    pg.step_button.click()
    assert pg.run.steps == 5
    pg.step_button.click()
    after_ten = pg.run.network.get_weights()
    pg.reset_button.click()
    assert pg.run.steps == 0
    for a, b in zip(start, pg.run.network.get_weights()):
        np.testing.assert_array_equal(a, b)
    pg.step_button.click()
    pg.step_button.click()
    for a, b in zip(after_ten, pg.run.network.get_weights()):
        np.testing.assert_array_equal(a, b)
    pg.seed.value = 4
    assert not np.array_equal(start[0], pg.run.network.get_weights()[0])


def test_play_trains_in_the_background_and_pause_stops_it(pg):
    pg.play_button.click()
    try:
        assert pg.playing and "pause" in pg.play_button.description
        start = time.perf_counter()
        total = sum(i * i for i in range(200_000))  # other code in the "kernel" meanwhile
        assert total > 0 and time.perf_counter() - start < 2.0
        deadline = time.perf_counter() + 10
        while pg.run.steps < 10 and time.perf_counter() < deadline:
            time.sleep(0.05)
        assert pg.run.steps >= 10 and pg.frames > 1
    finally:
        pg.play_button.click()
    assert not pg.playing and "play" in pg.play_button.description
    steps = pg.run.steps
    time.sleep(0.3)
    assert pg.run.steps == steps


def test_save_and_load_config_through_the_widget(pg, tmp_path):
    pg.dataset.value = "spiral"
    pg.add_layer_button.click()
    pg.dropout.value = 0.2
    pg.export_button.click()
    saved = pg.config_text.value
    assert PlaygroundConfig.from_json(saved) == pg.config
    pg.save(tmp_path / "pg.json")
    pg.dataset.value = "xor"
    pg.remove_layer_button.click()
    pg.import_button.click()
    assert pg.config == PlaygroundConfig.from_json(saved)
    assert pg.dataset.value == "spiral" and pg.dropout.value == 0.2 and len(pg.neuron_buttons) == 3
    pg.load(PlaygroundConfig())
    pg.load(tmp_path / "pg.json")
    assert pg.config.hidden == [4, 2, 2]
    pg.config_text.value = "{broken"
    pg.import_button.click()
    assert "Could not load" in pg.extra_output.value and pg.config.hidden == [4, 2, 2]


def test_keras_code_button_shows_the_code(pg):
    pg.code_button.click()
    assert "keras.Sequential" in pg.extra_output.value
    assert pg.keras_code() in __import__("html").unescape(pg.extra_output.value)


def test_play_in_a_real_kernel_keeps_other_cells_running():
    """In a Jupyter kernel: play, run another cell (it returns at once), steps advance, pause stops."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")

    def run(code: str) -> tuple[str, float]:
        msg_id = kc.execute(code)
        start, out = time.perf_counter(), []
        while True:
            msg = kc.get_iopub_msg(timeout=120)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                raise AssertionError(msg["content"]["evalue"])
            elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return "".join(out), time.perf_counter() - start

    try:
        run("from dlcourse.playground import Playground\npg = Playground(steps_per_frame=5)\ndisplay(pg)\npg.play()")
        text, seconds = run("print(sum(i * i for i in range(10_000)), pg.playing)")
        assert text.split() == ["333283335000", "True"] and seconds < 3.0
        text, _ = run("import time\nt = time.perf_counter()\n"
                      "while pg.run.steps < 20 and time.perf_counter() - t < 30: time.sleep(0.05)\n"
                      "print(pg.run.steps >= 20, pg.frames > 2)")
        assert text.split() == ["True", "True"]
        text, _ = run("pg.pause()\ns = pg.run.steps\ntime.sleep(0.5)\nprint(pg.run.steps == s, pg.playing)")
        assert text.split() == ["True", "False"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
