"""Custom exercises: a describe step turns the answer into plain data, a judge reads only that data.

What these tests pin down: every custom exercise has both steps; the course's answer survives the
trip from a sandbox (its description serialized to bytes and back) and gets full marks from the
judge; collect records no verdict a submission could forge; and an answer whose methods lie
(a Keras layer that claims other units or another activation, a Playground config whose
neuron count lies, batches that only look like integer arrays) cannot get ✓ through a
description it does not produce honestly.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from dlcourse.exercises.checking import collect, judge, run_exercise
from dlcourse.exercises.collected import Collected, Outcome
from dlcourse.exercises.core import all_exercises, get_exercise

CUSTOM = [e for e in all_exercises() if e.custom is not None]
KERAS_BUILDERS = ["08.build_model", "09.build_relu_model", "10.build_l2_model", "10.build_dropout_model"]


def _answer(exercise):
    """The course's answer as a learner gives it: the builder function, or the object it makes."""
    return exercise.reference if exercise.name in KERAS_BUILDERS or exercise.name == "06.minibatches" \
        else exercise.reference()


def test_the_custom_exercises_are_the_ones_this_file_knows():
    assert sorted(e.name for e in CUSTOM) == sorted(
        ["06.minibatches", *KERAS_BUILDERS, "10.early_stopping", "11.xor_few_neurons", "11.spiral",
         "11.cure_overfitting", "11.choose_optimizer"])


@pytest.mark.parametrize("exercise", CUSTOM, ids=lambda e: e.name)
def test_every_custom_exercise_has_a_describe_step_and_its_description_crosses_a_process(exercise):
    assert exercise.describe is not None and exercise.custom is not None
    collected = collect(exercise, _answer(exercise))
    assert [o.kind for o in collected.outcomes] == ["value"], collected.outcomes
    received = Collected.from_bytes(collected.to_bytes())  # what the grader gets from its sandbox
    report = judge(exercise, received)
    assert report.status == "passed" and report.points == exercise.max_points > 0, str(report)


@pytest.mark.parametrize("name", ["06.minibatches", "08.build_model", "11.xor_few_neurons"])
def test_a_collected_record_cannot_carry_its_own_verdict(name):
    """The outcome kind that once carried a custom check's results from collect is gone: a forged
    record claiming full marks is rejected as malformed, and a description of the wrong shape
    reads "could not be checked", never ✓."""
    exercise = get_exercise(name)
    forged = {"format": 1, "exercise": name, "answer": "object", "answer_type": "function", "time_limit": 2.0,
              "outcomes": [{"kind": "results", "value": [{"label": "all", "points": 99.0, "max_points": 99.0}]}]}
    with pytest.raises(ValueError):
        Collected.from_plain(forged)
    claim = Collected(name, "object", "function", 2.0, [Outcome("value", {"passed": True, "points": 99})])
    report = judge(exercise, claim)
    assert report.status != "passed" and report.points == 0


# --- Keras models: the judge recomputes what the described layers do --------------------------
@pytest.fixture(scope="module")
def keras():
    from dlcourse.seeding import import_keras

    return import_keras()


def _compiled(keras, layers, rate=0.0005):
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def _spec_layers(keras, first_units=128, first_activation="relu"):
    return [keras.Input((784,)), keras.layers.Dense(first_units, activation=first_activation),
            keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10, activation="softmax")]


def test_a_layer_whose_units_attribute_lies_is_caught_by_its_weights(keras):
    def build_model():
        model = _compiled(keras, _spec_layers(keras, first_units=32))
        model.layers[0].units = 128  # claims the spec's units; its weights are 784 x 32
        return model

    report = run_exercise(get_exercise("08.build_model"), build_model)
    assert report.status != "passed"
    assert "do not fit 128 units" in str(report)


def test_a_dense_class_whose_config_lies_is_not_keras_own(keras):
    class Dense(keras.layers.Dense):  # claims relu while computing sigmoid
        __module__ = "keras.src.layers.core.dense"

        def get_config(self):
            return {**super().get_config(), "activation": "relu"}

    def build_model():
        return _compiled(keras, [keras.Input((784,)), Dense(128, activation="sigmoid"),
                                 keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10, activation="softmax")])

    report = run_exercise(get_exercise("08.build_model"), build_model)
    assert report.status != "passed"
    assert "of your own making" in str(report)


def test_keras_own_get_config_patched_to_lie_is_caught_by_the_outputs(keras, monkeypatch):
    """Even when the learner's process patches Keras itself, the recorded outputs give it away."""
    original = keras.layers.Dense.get_config

    def lying(self):
        return {**original(self), "activation": "relu"}  # every Dense claims relu

    def build_model():
        return _compiled(keras, _spec_layers(keras, first_activation="sigmoid"))

    monkeypatch.setattr(keras.layers.Dense, "get_config", lying)
    collected = collect(get_exercise("08.build_model"), build_model)
    monkeypatch.undo()
    report = judge(get_exercise("08.build_model"), Collected.from_bytes(collected.to_bytes()))
    assert report.status != "passed"
    assert "outputs are not what its layers" in str(report)


def test_a_model_class_of_ones_own_is_named(keras):
    class Mine(keras.Sequential):
        def get_compile_config(self):
            return {"metrics": ["accuracy"]}

    def build_model():
        model = Mine(_spec_layers(keras))
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.0005), loss="sparse_categorical_crossentropy")
        return model

    report = run_exercise(get_exercise("08.build_model"), build_model)
    assert report.status != "passed" and "a class of your own" in str(report)


@pytest.mark.parametrize("edit", ["units", "activation", "probe", "loss class"])
def test_an_edited_description_of_a_wrong_model_gets_no_tick(keras, edit):
    """A description edited to claim the spec (what a submission could send) does not pass."""
    exercise = get_exercise("08.build_model")
    wrong = {"units": lambda: _compiled(keras, _spec_layers(keras, first_units=32)),
             "activation": lambda: _compiled(keras, _spec_layers(keras, first_activation="sigmoid")),
             "probe": lambda: _compiled(keras, _spec_layers(keras, first_activation="sigmoid")),
             "loss class": lambda: _compiled(keras, _spec_layers(keras))}[edit]
    description = exercise.describe(wrong)
    model = description["model"]
    dense = [layer for layer in model["layers"] if layer["class"] == "Dense"]
    if edit == "units":
        dense[0]["units"] = 128
    elif edit == "activation":
        dense[0]["activation"] = "relu"
    elif edit == "probe":  # claim relu and hand in outputs of another model
        dense[0]["activation"] = "relu"
        model["probe"] = np.full_like(model["probe"], 0.1)
    else:
        model["loss"]["keras"] = False  # a loss function of the learner's own
    results = exercise.custom(copy.deepcopy(description))
    assert not all(r.passed for r in results), [r.message for r in results]


def test_an_activation_layer_after_a_relu_layer_is_read(keras):
    def build_model():
        return _compiled(keras, [keras.Input((784,)), keras.layers.Dense(128, activation="relu"),
                                 keras.layers.Activation("sigmoid"), keras.layers.Dense(64, activation="relu"),
                                 keras.layers.Dense(10, activation="softmax")])

    report = run_exercise(get_exercise("08.build_model"), build_model)
    assert report.status != "passed" and "'relu then sigmoid'" in str(report)


def test_an_early_stopping_subclass_is_not_keras_own(keras):
    class Stopper(keras.callbacks.EarlyStopping):
        @property
        def restore_best_weights(self):
            return True

        @restore_best_weights.setter
        def restore_best_weights(self, value):
            pass

    report = run_exercise(get_exercise("10.early_stopping"), Stopper(monitor="val_loss", patience=5))
    assert report.status != "passed" and "a class of your own" in str(report)
    assert "whole number" in str(run_exercise(get_exercise("10.early_stopping"), keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=4.5, restore_best_weights=True)))


# --- lesson 06 and lesson 11 ------------------------------------------------------------------
def test_batches_that_only_look_like_integer_arrays_fail():
    class Looks:
        dtype = np.dtype(int)

        def __len__(self):
            return 3

    def minibatches(n, batch_size, rng):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            yield [Looks()] if start == 0 else order[start:start + batch_size]

    report = run_exercise(get_exercise("06.minibatches"), minibatches)
    assert report.status != "passed" and "integer indices" in str(report)


def test_batches_shuffled_only_within_themselves_are_named():
    def minibatches(n, batch_size, rng):
        for start in range(0, n, batch_size):
            yield rng.permutation(np.arange(start, min(start + batch_size, n)))

    report = run_exercise(get_exercise("06.minibatches"), minibatches)
    assert report.status != "passed" and "consecutive examples" in str(report)


def test_a_playground_config_whose_neuron_count_lies_is_judged_by_its_settings():
    from dlcourse.playground.config import PlaygroundConfig

    class Liar(PlaygroundConfig):
        @property
        def n_neurons(self) -> int:
            return 2

    answer = Liar(dataset="xor", features=["x1", "x2"], hidden=[8, 8], activation="tanh", optimizer="adam",
                  learning_rate=0.03)
    exercise = get_exercise("11.xor_few_neurons")
    description = exercise.describe(answer)
    results = exercise.custom(description)
    assert not results[1].passed and "you used 16 neurons" in results[1].message
    forged = {"config": {**description["config"], "n_neurons": 2}}
    assert "unknown Playground settings: n_neurons" in exercise.custom(forged)[0].message
