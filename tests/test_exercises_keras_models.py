"""The shared steps of the model exercises (lessons 08-10): calling a learner's builder safely."""

from __future__ import annotations

import pytest

from dlcourse.exercises.keras_models import activation_name, call_builder, first_problem


def test_a_builder_error_becomes_its_first_line() -> None:
    def build():
        raise RuntimeError("shapes do not match\nlong Keras traceback text")

    model, problem = call_builder(build, "build_relu_model")
    assert model is None
    assert problem == "`build_relu_model()` raised RuntimeError: shapes do not match"


def test_keras_2_lr_is_explained_in_every_lesson() -> None:
    def build():
        raise ValueError("Argument(s) not recognized: {'lr': 0.1}")

    _, problem = call_builder(build, "build_l2_model")
    assert "use `learning_rate=`" in problem


def test_the_placeholder_propagates_so_the_check_reads_not_attempted() -> None:
    def build():
        raise NotImplementedError

    with pytest.raises(NotImplementedError):
        call_builder(build, "build_model")


def test_not_a_function_and_not_a_model() -> None:
    class Model:
        layers = []

    assert "without calling it" in call_builder(Model(), "build_model")[1]
    assert "returned NoneType, not a Keras model" in call_builder(lambda: None, "build_model")[1]


def test_activation_name_reads_names_functions_and_serialized_objects() -> None:
    class Layer:
        def __init__(self, activation):
            self.activation = activation

        def get_config(self):
            return {"activation": self.activation}

    def relu(x):
        return x

    assert activation_name(Layer("ReLU")) == "relu"
    assert activation_name(Layer(relu)) == "relu"
    assert activation_name(Layer({"class_name": "function", "config": {"name": "softmax"}})) == "softmax"


def test_first_problem_skips_every_later_part() -> None:
    results = first_problem(["a model", "layers", "loss"], "it is not a model")
    assert [(r.kind, r.points, r.max_points) for r in results] == [("wrong", 0.0, 1.0), ("skipped", 0.0, 1.0),
                                                                 ("skipped", 0.0, 1.0)]
    assert results[1].message == "not checked (fix the first problem)"
