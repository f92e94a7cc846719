"""Lesson 08's exercise: the model-spec checker names each mistake on deliberately wrong models."""

from __future__ import annotations

import pytest

keras = pytest.importorskip("keras")

from dlcourse.exercises import check  # noqa: E402
from dlcourse.exercises.core import get_exercise, reference  # noqa: E402
from dlcourse.exercises.lesson08 import SPEC, check_model  # noqa: E402


def builder(units=(128, 64, 10), activations=("relu", "relu", "softmax"), input_shape=(784,), flatten=False,
            optimizer="adam_object", learning_rate=0.0005, loss="sparse_categorical_crossentropy",
            metrics=("accuracy",), compile_model=True, extra=None):
    """A build_model function that makes a model differing from the spec in the given ways."""

    def build_model():
        layers = [keras.Input(input_shape)]
        if flatten:
            layers.append(keras.layers.Flatten())
        for n, act in zip(units, activations):
            layers.append(keras.layers.Dense(n, activation=act))
        if extra is not None:
            layers.append(extra)
        model = keras.Sequential(layers)
        if compile_model:
            opt = {"adam_object": lambda: keras.optimizers.Adam(learning_rate=learning_rate),
                   "adam_string": lambda: "adam",
                   "sgd": lambda: keras.optimizers.SGD(learning_rate=learning_rate)}[optimizer]()
            model.compile(optimizer=opt, loss=loss, metrics=list(metrics))
        return model

    return build_model


def messages(build):
    return {r.label: r for r in check_model(build)}


def failed(results):
    return {label: r.message for label, r in results.items() if not r.passed}


def test_reference_passes_every_part():
    results = check_model(reference("08.build_model"))
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]
    assert sum(r.max_points for r in results) == get_exercise("08.build_model").max_points == 8


def test_check_report_full_marks_for_reference():
    report = check("08.build_model", reference("08.build_model"), save=False)
    assert report.passed and report.points == report.max_points == 8


def test_input_of_28_by_28_with_flatten_is_accepted():
    results = check_model(builder(input_shape=(28, 28), flatten=True))
    assert all(r.passed for r in results)


def test_second_dense_with_32_units_is_named():
    bad = failed(messages(builder(units=(128, 32, 10))))
    assert list(bad) == ["Dense layers and units"]
    assert bad["Dense layers and units"] == "your second Dense layer has 32 units, expected 64"


def test_missing_layer_is_named():
    results = messages(builder(units=(128, 10), activations=("relu", "softmax")))
    assert "has 2 Dense layers" in results["Dense layers and units"].message
    assert results["activations"].kind == "skipped"  # not blamed twice for one mistake


def test_linear_output_is_named():
    bad = failed(messages(builder(activations=("relu", "relu", None))))
    assert list(bad) == ["activations"]
    assert "the output activation should be softmax for sparse_categorical_crossentropy" in bad["activations"]


def test_sigmoid_hidden_layer_is_named():
    bad = failed(messages(builder(activations=("relu", "sigmoid", "softmax"))))
    assert bad == {"activations": "your second Dense layer uses activation 'sigmoid', expected 'relu'"}


def test_separate_softmax_layer_counts_as_output_activation():
    results = check_model(builder(activations=("relu", "relu", None), extra=keras.layers.Activation("softmax")))
    assert all(r.passed for r in results)


def test_lr_keyword_is_named():
    def build_model():
        model = builder(compile_model=False)()
        model.compile(optimizer=keras.optimizers.Adam(lr=0.0005), loss="sparse_categorical_crossentropy")
        return model

    results = check_model(build_model)
    assert not results[0].passed
    assert "you passed `lr=`, which Keras 3 does not accept: use `learning_rate=`" in results[0].message
    assert all(r.kind == "skipped" for r in results[1:])


def test_lr_in_compile_is_named():
    def build_model():
        model = builder(compile_model=False)()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", lr=0.0005)
        return model

    assert "you passed `lr=`" in check_model(build_model)[0].message


def test_default_learning_rate_is_named():
    bad = failed(messages(builder(optimizer="adam_string")))
    assert list(bad) == ["learning rate"]
    assert "0.001, Adam's default" in bad["learning rate"]


def test_other_learning_rate_is_named():
    bad = failed(messages(builder(learning_rate=0.01)))
    assert bad == {"learning rate": "your learning rate is 0.01, expected 0.0005"}


def test_wrong_optimizer_is_named():
    bad = failed(messages(builder(optimizer="sgd")))
    assert list(bad) == ["optimizer"] and "SGD" in bad["optimizer"]


def test_categorical_crossentropy_is_named():
    bad = failed(messages(builder(loss="categorical_crossentropy")))
    assert list(bad) == ["loss"] and "one-hot" in bad["loss"]


def test_loss_object_is_accepted():
    results = check_model(builder(loss=keras.losses.SparseCategoricalCrossentropy()))
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]


def test_mse_loss_is_named():
    bad = failed(messages(builder(loss="mse")))
    assert list(bad) == ["loss"] and "mean_squared_error" in bad["loss"]


def test_missing_metric_is_named():
    bad = failed(messages(builder(metrics=())))
    assert list(bad) == ["metrics"] and 'metrics=["accuracy"]' in bad["metrics"]


def test_uncompiled_model_is_named():
    results = check_model(builder(compile_model=False))
    assert "not compiled" in results[0].message


def test_unflattened_input_is_named():
    bad = failed(messages(builder(input_shape=(28, 28))))
    assert "no `Flatten` layer" in bad["input"]


def test_returning_nothing_is_named():
    def build_model():
        builder()()

    results = check_model(build_model)
    assert "returned NoneType, not a Keras model" in results[0].message


def test_passing_a_model_instead_of_the_function_is_named():
    report = check("08.build_model", reference("08.build_model")(), save=False)
    assert not report.passed and "pass the function itself" in report.cases[0].message


def test_placeholder_reports_not_written():
    def build_model():
        raise NotImplementedError("Replace this line with your code.")

    report = check("08.build_model", build_model, save=False)
    assert report.status == "not attempted" and "still raises NotImplementedError" in str(report)

    def calls_something_unwritten():
        return build_model()  # the error comes from another function: a real problem, reported

    report = check("08.build_model", calls_something_unwritten, save=False)
    assert report.status == "failed" and "NotImplementedError" in str(report)


def test_spec_matches_reference_model():
    model = reference("08.build_model")()
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert [(layer.units, layer.get_config()["activation"]) for layer in dense] == SPEC["dense"]
    assert float(model.optimizer.learning_rate) == pytest.approx(SPEC["learning_rate"])
