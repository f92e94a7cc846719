"""dlcourse.viz.history: histories of every kind, the best epoch, the gap, the figures and the table."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlcourse.viz.history import as_dict, best_epoch, compare_histories, gap_table, plot_history

OVERFIT = {"loss": [1.0, 0.5, 0.2, 0.05, 0.01], "accuracy": [0.6, 0.8, 0.9, 0.98, 1.0],
           "val_loss": [1.1, 0.7, 0.6, 0.65, 0.8], "val_accuracy": [0.55, 0.75, 0.8, 0.81, 0.8]}


def test_as_dict_accepts_dict_and_history_like_objects():
    class FakeHistory:
        history = {"loss": np.array([1.0, 0.5], dtype=np.float32)}

    assert as_dict(OVERFIT)["loss"] == OVERFIT["loss"]
    assert as_dict(FakeHistory()) == {"loss": [1.0, 0.5]}
    assert all(isinstance(v, float) for v in as_dict(FakeHistory())["loss"])
    with pytest.raises(TypeError):
        as_dict([1, 2, 3])
    with pytest.raises(ValueError):
        as_dict({})


def test_best_epoch_min_for_loss_max_for_accuracy_counted_from_one():
    assert best_epoch(OVERFIT) == 3                      # val_loss lowest at epoch 3
    assert best_epoch(OVERFIT, "val_accuracy") == 4       # val_accuracy highest at epoch 4
    assert best_epoch({"loss": [3.0, 2.0, 2.5]}) == 2    # no validation: falls back to loss
    assert best_epoch({"val_loss": [1.0, 0.5, 0.5, 0.7], "loss": [1, 1, 1, 1]}) == 2  # ties: earliest
    assert best_epoch({"val_loss": [float("nan"), 0.4, 0.3]}) == 3
    with pytest.raises(KeyError):
        best_epoch(OVERFIT, "val_auc")


def test_best_epoch_agrees_with_engine_early_stopping():
    from dlcourse.nn.callbacks import EarlyStopping

    class Model:
        metrics: list = []
        stop_training = False

        def get_weights(self):
            return []

        def set_weights(self, weights):
            pass

    stopper = EarlyStopping(monitor="val_loss", patience=10, restore_best_weights=True)
    stopper.set_model(Model())
    stopper.on_train_begin()
    for epoch, value in enumerate(OVERFIT["val_loss"]):
        stopper.on_epoch_end(epoch, {"val_loss": value})
    assert stopper.best_epoch + 1 == best_epoch(OVERFIT)


def test_plot_history_has_labelled_panels_gap_and_best_marker():
    fig = plot_history(OVERFIT, title="run")
    axes = fig.axes
    assert [ax.get_title() for ax in axes] == ["Loss per epoch", "Accuracy per epoch"]
    for ax in axes:
        assert ax.get_xlabel() == "epoch" and ax.get_ylabel()
        labels = ax.get_legend_handles_labels()[1]
        assert "training" in labels and "validation" in labels
        assert any(label.startswith("best epoch (3)") for label in labels)
        assert len(ax.collections) == 1  # the shaded gap
    acc = axes[1]
    star = [line for line in acc.get_lines() if line.get_marker() == "*"][0]
    assert list(star.get_xdata()) == [3] and list(star.get_ydata()) == [0.8]
    train_line = acc.get_lines()[0]
    assert list(train_line.get_xdata()) == [1, 2, 3, 4, 5]


def test_plot_history_without_validation_draws_training_only():
    fig = plot_history({"loss": [1.0, 0.5], "accuracy": [0.5, 0.7]})
    for ax in fig.axes:
        assert len(ax.get_lines()) == 1 and not ax.collections


def test_compare_histories_grid_one_panel_per_run_shared_axes():
    runs = {"no regularization": OVERFIT,
            "L2": {k: [v * 0.98 for v in vals] for k, vals in OVERFIT.items()},
            "dropout": {k: vals[:3] for k, vals in OVERFIT.items()}}
    fig = compare_histories(runs, metric="accuracy")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 3
    assert [ax.get_title().split(" (")[0] for ax in visible] == list(runs)
    assert "gap +0.20" in visible[0].get_title()
    assert visible[0].get_shared_y_axes().joined(visible[0], visible[1])
    assert fig.legends  # one shared legend
    assert fig.get_suptitle()


def test_compare_histories_overlay_one_line_style_per_run():
    runs = {"a": OVERFIT, "b": OVERFIT, "c": OVERFIT, "d": OVERFIT, "e": OVERFIT}
    fig = compare_histories(runs, layout="overlay")
    ax = fig.axes[0]
    labelled = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert [line.get_label() for line in labelled] == list(runs)
    styles = {(line.get_color(), line.get_marker(), line.get_linestyle()) for line in labelled}
    assert len(styles) == len(runs)
    with pytest.raises(ValueError):
        compare_histories(runs, layout="stacked")
    with pytest.raises(ValueError):
        compare_histories({})


def test_gap_table_numbers_text_and_html():
    table = gap_table({"overfit": {"train": 1.0, "validation": 0.8, "epochs": 40},
                       "L2": {"train": 0.9, "validation": 0.85, "epochs": 40}})
    assert table["overfit"].gap == pytest.approx(0.2)
    assert table.closed("overfit", "L2") == pytest.approx(0.75)
    text = str(table)
    assert "train acc" in text and "+0.200" in text and "+0.050" in text
    html = table._repr_html_()
    assert html.count("<tr>") == 3 and "gap (train − val)" in html
    assert math.isnan(gap_table({"a": {"train": 0.5, "validation": 0.5, "epochs": 1}}).closed("a", "a"))


def test_keras_and_engine_histories_plot(tmp_path):
    from dlcourse import nn

    x = np.random.default_rng(0).normal(size=(40, 3)).astype("float32")
    y = (x[:, 0] > 0).astype(int)
    nn.set_seed(0)
    model = nn.Sequential([nn.Dense(4, activation="relu", input_shape=(3,)), nn.Dense(2, activation="softmax")])
    model.compile(optimizer=nn.Adam(learning_rate=0.05), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, validation_split=0.25, verbose=0)
    fig = plot_history(history)
    assert len(fig.axes) == 2
    assert best_epoch(history) == int(np.argmin(history.history["val_loss"])) + 1

    keras = pytest.importorskip("keras")
    k_model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    k_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    k_history = k_model.fit(x, y, epochs=2, validation_split=0.25, verbose=0)
    fig = compare_histories({"engine": history, "keras": k_history})
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 2


def test_gap_table_with_losses():
    table = gap_table({"overfit": {"train": 1.0, "validation": 0.8, "epochs": 40, "train_loss": 0.02,
                                   "validation_loss": 0.82},
                       "L2": {"train": 0.9, "validation": 0.82, "epochs": 40, "train_loss": 0.3,
                              "validation_loss": 0.5}})
    assert table["overfit"].loss_gap == pytest.approx(0.8)
    assert table.closed("overfit", "L2", loss=True) == pytest.approx(0.75)
    assert "loss gap" in str(table) and "+0.800" in str(table)
    assert "loss gap (val − train)" in table._repr_html_()


def _epoch_ticks(ax) -> list[float]:
    ax.figure.canvas.draw()
    low, high = ax.get_xlim()
    return [t for t in ax.get_xticks() if low <= t <= high]


@pytest.mark.parametrize("epochs", [1, 3, 5, 40])
def test_every_epoch_axis_has_whole_epochs_only(epochs):
    """A 3-epoch run once showed ticks at 0.5, 1.0, 1.5, ... (lesson 09's widget): an epoch is a whole number."""
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    from dlcourse.viz.live import LivePlot  # noqa: PLC0415
    from dlcourse.widgets.capacity import CapacityFrames  # noqa: PLC0415
    from dlcourse.widgets.regularization import RegularizationFrames  # noqa: PLC0415

    run = {"loss": list(np.linspace(1.0, 0.2, epochs)), "accuracy": list(np.linspace(0.5, 0.9, epochs)),
           "val_loss": list(np.linspace(1.1, 0.4, epochs)), "val_accuracy": list(np.linspace(0.4, 0.8, epochs))}
    live = LivePlot(metrics=("loss",), mode="widget", interval=0)
    live.set_params({"epochs": epochs})
    live.on_train_begin()
    for epoch in range(epochs):
        live.on_epoch_end(epoch, {k: v[epoch] for k, v in run.items()})
    axes = [*plot_history(run).axes, *compare_histories({"a": run, "b": run}).axes[:1],
            CapacityFrames({4: run, 8: run}, {4: 0.7, 8: 0.8}).left, RegularizationFrames({"none": run, "L2": run}).ax,
            *live.figure.axes]
    for ax in axes:
        ticks = _epoch_ticks(ax)
        assert ticks and all(float(t).is_integer() for t in ticks), (ax.get_title(), ticks)
