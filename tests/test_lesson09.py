"""Lesson 09's exercises: the parameter count against Keras, and the ReLU-model checker's named mistakes."""

from __future__ import annotations

import pytest

from dlcourse.exercises import check
from dlcourse.exercises.core import reference
from dlcourse.exercises.lesson09 import check_relu_model, count_params

keras = pytest.importorskip("keras")


@pytest.mark.parametrize("n_in,hidden,n_out", [(784, 1, 10), (784, 10, 10), (784, 128, 10), (3, 4, 2), (5, 7, 1)])
def test_count_params_matches_keras(n_in, hidden, n_out):
    model = keras.Sequential([keras.Input((n_in,)), keras.layers.Dense(hidden), keras.layers.Dense(n_out)])
    assert count_params(n_in, hidden, n_out) == model.count_params()


def test_count_params_check_passes_reference_and_names_mistakes():
    assert check("09.count_params", count_params, save=False).passed
    report = check("09.count_params", lambda n, h, k: n * h + h * k, save=False)
    assert not report.passed and "bias" in report.cases[0].message
    report = check("09.count_params", lambda n, h, k: (n + 1) * h + h * k, save=False)
    assert report.cases[0].misconception == "hidden biases only"
    report = check("09.count_params", lambda n, h, k: (n + 1) * h, save=False)
    assert report.cases[0].misconception == "hidden layer only"


def builder(hidden_units=10, hidden_act="relu", out_units=10, out_act="softmax", loss="sparse_categorical_crossentropy",
            flatten=True, compile_model=True, extra_dense=False):
    def build_relu_model():
        layers = [keras.Input((28, 28))]
        if flatten:
            layers.append(keras.layers.Flatten())
        layers.append(keras.layers.Dense(hidden_units, activation=hidden_act))
        if extra_dense:
            layers.append(keras.layers.Dense(10, activation="relu"))
        layers.append(keras.layers.Dense(out_units, activation=out_act))
        model = keras.Sequential(layers)
        if compile_model:
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005), loss=loss, metrics=["accuracy"])
        return model
    return build_relu_model


def failed(build):
    return {r.label: r.message for r in check_relu_model(build) if not r.passed}


def test_reference_and_logits_variant_pass():
    assert failed(reference("09.build_relu_model")) == {}
    logits = builder(out_act="linear", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    assert failed(logits) == {}
    report = check("09.build_relu_model", reference("09.build_relu_model"), save=False)
    assert report.passed and report.points == report.max_points == 7


def test_linear_output_with_probability_loss_is_named():
    problems = failed(builder(out_act="linear"))
    assert list(problems) == ["output and loss agree"]
    assert "raw scores" in problems["output and loss agree"] and "from_logits=True" in problems["output and loss agree"]


def test_softmax_twice_is_named():
    problems = failed(builder(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)))
    assert "twice" in problems["output and loss agree"]


def test_linear_hidden_layer_is_named():
    problems = failed(builder(hidden_act="linear"))
    assert list(problems) == ["hidden activation"] and "collapse" in problems["hidden activation"]


def test_wrong_units_missing_flatten_and_not_compiled():
    assert "bottleneck" in failed(builder(hidden_units=1))["hidden layer: 10 units"]
    assert "Flatten" in failed(builder(flatten=False))["input of 28 × 28 images"]
    assert "compile" in failed(builder(compile_model=False))["compiled"]
    assert "two" in failed(builder(extra_dense=True))["hidden layer: 10 units"]
    assert "sparse_categorical" in failed(builder(loss="mse"))["output and loss agree"]


def test_not_a_function_or_not_a_model_or_placeholder():
    assert "without calling it" in failed(reference("09.build_relu_model")())["returns a Keras model"]
    assert "not a Keras model" in failed(lambda: None)["returns a Keras model"]

    def build_relu_model():
        raise NotImplementedError

    assert check("09.build_relu_model", build_relu_model, save=False).status == "not attempted"
    assert check("09.build_relu_model", ..., save=False).status == "not attempted"


def test_capacity_explorer_slider_redraws_in_place():
    from dlcourse.widgets.capacity import capacity_explorer

    widths = [1, 4, 16, 64]
    histories = {w: {"accuracy": [0.3 + 0.1 * i + w / 200 for i in range(3)],
                     "val_accuracy": [0.25 + 0.1 * i + w / 200 for i in range(3)]} for w in widths}
    val_acc = {w: 0.4 + w / 200 for w in widths}
    box = capacity_explorer(histories, val_acc)
    assert "dlcourse-main" in box._dom_classes
    slider, image = box.controls["units"], box.picture
    assert box.children[0] is slider and box.children[-1] is image
    assert slider.value == 1 and list(slider.options) == [("1", 1), ("4", 4), ("16", 16), ("64", 64)]
    first = image.value
    slider.value = 16
    assert image.value != first and image is box.children[-1]
    assert "16</b> hidden units" in box.readout.value and "validation accuracy <b>0.480" in box.readout.value
    assert "test" not in box.help.value.lower()   # widths are compared on validation, not test
    with pytest.raises(ValueError):
        capacity_explorer({1: histories[1]}, {})


def test_lesson_09_results_hold_when_the_notebook_runs(real_data):
    """Runs the solution notebook and checks the lesson's claims on what it printed."""
    import re
    from pathlib import Path

    import nbformat
    from nbclient import NotebookClient

    path = Path(__file__).resolve().parents[1] / "course" / "solutions" / "09_capacity_fashion_mnist.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    acc = {name: float(value) for name, value in
           re.findall(r"^\s*(\d+ \w+ units?): validation accuracy ([\d.]+)", text, re.M)}
    assert list(acc) == ["1 linear unit", "10 linear units", "10 ReLU units"], text
    assert acc["1 linear unit"] < acc["10 linear units"] < acc["10 ReLU units"]
    assert acc["10 ReLU units"] >= 0.84
    line = next(line for line in text.splitlines() if line.startswith("validation accuracy by width:"))
    sweep = {int(w): float(a) for w, a in re.findall(r"(\d+): ([\d.]+)", line)}
    assert list(sweep) == [1, 2, 4, 8, 16, 32, 64, 128]
    assert sweep[128] > sweep[8] > sweep[2], sweep
    best = int(re.search(r"chosen on validation: (\d+) units \(validation accuracy ([\d.]+)\)", text).group(1))
    assert sweep[best] == max(sweep.values())
    test_score = float(re.search(r"test accuracy of that model, measured once: ([\d.]+)", text).group(1))
    assert abs(test_score - sweep[best]) < 0.03, (test_score, sweep[best])
    assert text.count("test accuracy") == 1, "the test set gives one score, at the end"


def test_fit_reuses_a_tensor_and_copies_a_numpy_array():
    """Lesson 09 converts its training images to a tensor once ("one TensorFlow copy that every fit
    reuses"): Keras' array adapter slices a tf tensor as it is, while a NumPy array is turned into a
    new tensor by every fit (about 0.3 GB more peak memory for 50,000 images, benchmarks/lessons.py)."""
    from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter

    import numpy as np

    x = np.zeros((8, 28, 28), dtype="float32")
    tensor = keras.ops.convert_to_tensor(x)
    adapter = ArrayDataAdapter(tensor, np.zeros(8), batch_size=4, shuffle=False)
    assert adapter._inputs[0] is tensor
    assert isinstance(ArrayDataAdapter(x, np.zeros(8), batch_size=4, shuffle=False)._inputs[0], np.ndarray)
