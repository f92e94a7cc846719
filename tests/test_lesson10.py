"""Lesson 10's exercises: each named mistake is detected on a deliberately wrong model or callback."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse.exercises import check
from dlcourse.exercises.core import get_exercise, reference
from dlcourse.exercises.lesson10 import HIDDEN, L2_FACTOR, check_dropout_model, check_early_stopping, check_l2_model

keras = pytest.importorskip("keras")


def network(kernel=(None, None), out_kernel=None, bias=None, activity=None, dropout=(None, None),
            dropout_after_output=None, hidden=HIDDEN):
    def build():
        layers = [keras.Input((28, 28)), keras.layers.Flatten()]
        for index in range(2):
            layers.append(keras.layers.Dense(hidden, activation="relu", kernel_regularizer=kernel[index],
                                             bias_regularizer=bias, activity_regularizer=activity))
            if dropout[index] is not None:
                layers.append(keras.layers.Dropout(dropout[index]))
        layers.append(keras.layers.Dense(10, activation="softmax", kernel_regularizer=out_kernel))
        if dropout_after_output is not None:
            layers.append(keras.layers.Dropout(dropout_after_output))
        return keras.Sequential(layers)
    return build


def failed(results):
    return {r.label: r.message for r in results if not r.passed}


L2 = keras.regularizers.L2


def test_references_get_full_marks():
    for name, answer in [("10.build_l2_model", reference("10.build_l2_model")),
                         ("10.build_dropout_model", reference("10.build_dropout_model")),
                         ("10.early_stopping", reference("10.early_stopping")())]:
        report = check(name, answer, save=False)
        assert report.passed and report.points == report.max_points == get_exercise(name).max_points, str(report)


def test_learner_models_compiled_without_steps_per_execution_get_full_marks():
    """The references compile with steps_per_execution=32 (speed only); the learner's own compile call is
    theirs, so a right model compiled the plain way, or not compiled, still passes."""
    def compiled_plainly(build):
        def wrapped():
            model = build()
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            return model
        return wrapped
    for name, build in [("10.build_l2_model", network(kernel=(L2(L2_FACTOR), L2(L2_FACTOR)))),
                        ("10.build_dropout_model", network(dropout=(0.5, 0.5)))]:
        for answer in (build, compiled_plainly(build)):
            report = check(name, answer, save=False)
            assert report.passed and report.points == report.max_points, str(report)


@pytest.mark.parametrize("builder", ["10.build_l2_model", "10.build_dropout_model"])
def test_references_train_the_same_with_and_without_steps_per_execution(builder):
    """steps_per_execution=32 in the references (and the lesson's `compiled`) changes speed, not training:
    the same seed gives the same weights after 3 epochs of 8 batches, dropout included."""
    from dlcourse.seeding import seed_everything

    rng = np.random.default_rng(0)
    x, y = rng.uniform(0, 1, (1000, 28, 28)).astype("float32"), rng.integers(0, 10, 1000)
    weights = []
    for recompile in (False, True):
        seed_everything(0)
        model = reference(builder)()
        assert model.steps_per_execution == 32
        if recompile:   # the same compile, one batch per call into TensorFlow
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
                          loss="sparse_categorical_crossentropy", metrics=["accuracy"], steps_per_execution=1)
        model.fit(x, y, epochs=3, batch_size=128, verbose=0)
        weights.append(model.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


# --- L2 ---------------------------------------------------------------------------------------------------------

def test_l2_on_the_wrong_layer_is_named():
    problems = failed(check_l2_model(network(out_kernel=L2(L2_FACTOR))))
    assert "output layer only" in problems["penalty on the hidden layers' weights"]
    assert "output layer has a penalty" in problems["output layer left alone"]


def test_l2_on_bias_or_activity_or_one_layer_is_named():
    assert "bias_regularizer" in failed(check_l2_model(network(bias=L2(L2_FACTOR))))["penalty on the hidden layers' weights"]
    assert "activity_regularizer" in failed(check_l2_model(network(activity=L2(L2_FACTOR))))[
        "penalty on the hidden layers' weights"]
    assert "only one" in failed(check_l2_model(network(kernel=(L2(L2_FACTOR), None))))[
        "penalty on the hidden layers' weights"]
    assert "no hidden layer" in failed(check_l2_model(network()))["penalty on the hidden layers' weights"]


def test_l1_instead_of_l2_and_wrong_factor():
    problems = failed(check_l2_model(network(kernel=(keras.regularizers.L1(L2_FACTOR),) * 2)))
    assert list(problems) == [f"L2, factor {L2_FACTOR:g}"] and "L1" in problems[f"L2, factor {L2_FACTOR:g}"]
    problems = failed(check_l2_model(network(kernel=(L2(0.001),) * 2)))
    assert "0.001" in problems[f"L2, factor {L2_FACTOR:g}"]


def test_l2_changed_layers_are_named():
    problems = failed(check_l2_model(network(kernel=(L2(L2_FACTOR),) * 2, hidden=64)))
    assert "Dense(64" in problems["same layers as the lesson's network"]


# --- dropout -----------------------------------------------------------------------------------------------------

def test_dropout_rate_as_percentage_is_named():
    results = check_dropout_model(network(dropout=(50, 50)))
    assert "not `Dropout(50)`" in failed(results)["returns a Keras model"]
    report = check("10.build_dropout_model", network(dropout=(50, 50)), save=False)
    assert not report.passed and report.points == 0


def test_dropout_after_output_and_missing_dropout_are_named():
    problems = failed(check_dropout_model(network(dropout_after_output=0.5)))
    assert "after the output layer" in problems["a Dropout after each hidden layer"]
    assert "remove the Dropout" in problems["nothing after the output layer"]
    assert "no Dropout layer" in failed(check_dropout_model(network()))["a Dropout after each hidden layer"]
    problems = failed(check_dropout_model(network(dropout=(0.5, None))))
    assert list(problems) == ["a Dropout after each hidden layer"]


def test_dropout_other_rate_is_named():
    problems = failed(check_dropout_model(network(dropout=(0.2, 0.2))))
    assert list(problems) == ["rate 0.5"] and "0.2" in problems["rate 0.5"]


# --- early stopping ----------------------------------------------------------------------------------------------

ES = keras.callbacks.EarlyStopping


def test_val_err_is_named():
    problems = failed(check_early_stopping(ES(monitor="val_err", patience=5, restore_best_weights=True)))
    assert list(problems) == ["monitors val_loss"] and "not something Keras logs" in problems["monitors val_loss"]


def test_patience_zero_and_missing_restore_are_named():
    problems = failed(check_early_stopping(ES(monitor="val_loss", restore_best_weights=True)))
    assert list(problems) == ["patience of 3 to 10 epochs"] and "patience=0" in problems["patience of 3 to 10 epochs"]
    problems = failed(check_early_stopping(ES(monitor="val_loss", patience=5)))
    assert list(problems) == ["restores the best weights"] and "last" in problems["restores the best weights"]
    assert "training loss" in failed(check_early_stopping(ES(monitor="loss", patience=5,
                                                             restore_best_weights=True)))["monitors val_loss"]
    assert "3 to 10" in failed(check_early_stopping(ES(patience=50, restore_best_weights=True)))[
        "patience of 3 to 10 epochs"]


def test_not_a_callback_object():
    assert "callback object itself" in failed(check_early_stopping(ES))["a keras.callbacks.EarlyStopping"]
    assert "ModelCheckpoint" not in str(failed(check_early_stopping({"monitor": "val_loss"})))
    assert check("10.early_stopping", ..., save=False).status == "not attempted"


def test_early_stopping_really_stops_and_restores_when_configured_right():
    """The configuration the exercise accepts does what the lesson says: stops, and keeps the best epoch."""
    import numpy as np

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(60, 20)).astype("float32")
    y = np.random.default_rng(1).integers(0, 2, 60)   # random labels: validation loss only gets worse
    model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy")
    stopper = reference("10.early_stopping")()
    history = model.fit(x, y, epochs=100, validation_split=0.3, verbose=0, callbacks=[stopper])
    epochs = len(history.history["loss"])
    assert epochs < 100
    best = int(np.argmin(history.history["val_loss"]))
    assert epochs == best + 1 + stopper.patience
    restored = model.evaluate(x[42:], y[42:], verbose=0)
    assert restored == pytest.approx(history.history["val_loss"][best], rel=1e-4)


def test_regularization_explorer_menu_redraws_in_place():
    from dlcourse.widgets.regularization import regularization_explorer

    def run(n, level):
        return {"loss": [1 / (i + 1) for i in range(n)], "val_loss": [level + 0.01 * i for i in range(n)],
                "accuracy": [0.5 + 0.5 * i / n for i in range(n)], "val_accuracy": [0.7] * n}

    box = regularization_explorer({"overfit": run(20, 0.5), "L2": run(20, 0.3), "early stopping": run(8, 0.3)})
    assert "dlcourse-main" in box._dom_classes
    menu, curves, image = box.controls["run"], box.controls["curves"], box.picture
    assert box.children[0].children == (menu, curves) and box.children[-1] is image
    assert menu.options == ("L2", "early stopping") and menu.value == "L2"
    first = image.value
    menu.value = "early stopping"
    assert image.value != first
    assert "early stopping</b>" in box.readout.value and "8 epochs" in box.readout.value
    second = image.value
    curves.value = "loss"
    assert image.value != second
    with pytest.raises(ValueError):
        regularization_explorer({"overfit": run(3, 0.5)})


def test_lesson_10_every_regularizer_closes_part_of_the_gap(real_data):
    """Runs the solution notebook: every regularizer closes part of the accuracy gap and of the loss
    gap (lesson 10: "every regularized run keeps its two curves closer together"; by how much is
    printed, measured on the mean of the last 5 epochs, and the lesson claims no fraction: early
    stopping closed 47% of the loss gap, L1 cost 0.010 of validation accuracy), early stopping stops
    early, the conclusions are printed from the numbers, and only the run chosen on validation is
    scored on the test set, once."""
    import re
    from pathlib import Path

    import nbformat
    from nbclient import NotebookClient

    path = Path(__file__).resolve().parents[1] / "course" / "solutions" / "10_overfitting_regularization.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    runs = {name: (float(t), float(v), int(e)) for name, t, v, e in re.findall(
        r"^([\w ]+): train accuracy ([\d.]+), validation ([\d.]+), gap \S+ after (\d+) epochs", text, re.M)}
    assert list(runs) == ["no regularization", "L2", "L1", "dropout", "augmentation", "early stopping"], text
    closed = {name: (int(a), int(b)) for name, a, b in re.findall(
        r"^\s*([\w ]+?) closes\s+(-?\d+)% of the accuracy gap and\s+(-?\d+)% of the loss gap", text, re.M)}
    assert set(closed) == set(runs) - {"no regularization"}
    for name, (accuracy_gap, loss_gap) in closed.items():
        assert loss_gap > 0 and accuracy_gap > 0, (name, closed)
    assert runs["early stopping"][2] < runs["no regularization"][2]
    hows = re.findall(r"of the loss gap, mostly by (fitting the training images less closely|doing better on new images)$",
                      text, re.M)
    assert len(hows) == len(closed)                     # the conclusion is printed from the numbers, for every run
    best = re.search(r"^chosen on validation: ([\w ]+) \(validation accuracy ([\d.]+)\)", text, re.M)
    assert best and runs[best.group(1)][1] == max(r[1] for r in runs.values()), text
    test_score = float(re.search(r"its test accuracy, measured once: ([\d.]+)", text).group(1))
    assert abs(test_score - runs[best.group(1)][1]) < 0.05
    assert text.count("test accuracy") == 1, "the test set gives one score, at the end"
