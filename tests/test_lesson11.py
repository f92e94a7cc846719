"""Lesson 11's challenge checks: the course's configs pass, typical wrong ones fail with a named reason,
every cure the lesson suggests works, the checks tune on validation data and the test set gives one
final score, and Run All never loads the course's answer into the learner's Playground."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dlcourse.exercises import check, get_exercise, reference
from dlcourse.exercises.lesson11 import (OVERFIT_SETUP, OVERFIT_STEPS, OVERFIT_TARGET, SUGGESTED_CURES, CHALLENGES,
                                         checked_config, final_scores)
from dlcourse.exercises.notebooks import read
from dlcourse.playground.config import REGULARIZATION_RATES, PlaygroundConfig
from dlcourse.playground.model import PlaygroundModel

NAMES = ["11.xor_few_neurons", "11.spiral", "11.cure_overfitting", "11.choose_optimizer"]
LESSON = "11_playground_challenges.ipynb"
COURSE = Path(__file__).resolve().parents[1] / "course"


@pytest.mark.parametrize("name", NAMES)
def test_reference_config_passes_and_placeholder_is_not_attempted(name):
    report = check(name, reference(name)(), save=False)
    assert report.passed, report.cases
    assert check(name, None, save=False).status == "not attempted"


def _messages(report):
    return " ".join(c.message for c in report.cases)


def _labels(report):
    return " ".join(c.label for c in report.cases)


def test_xor_names_too_many_neurons_extra_features_and_a_high_loss():
    report = check("11.xor_few_neurons", PlaygroundConfig(dataset="xor", hidden=[8, 4],
                                                          features=["x1", "x2", "x1*x2"]), save=False)
    assert not report.passed
    text = _messages(report)
    assert "you used 12 neurons, the challenge allows 4" in text
    assert "x1*x2" in text
    slow = check("11.xor_few_neurons", PlaygroundConfig(dataset="xor", hidden=[2]), save=False)
    assert "validation loss 0." in _messages(slow) and "target < 0.1" in _messages(slow)
    assert slow.points == 2.0  # the two rules kept, the loss missed


def test_spiral_default_network_is_too_small():
    report = check("11.spiral", PlaygroundConfig(), save=False)
    assert not report.passed and "does not even fit the training points" in _messages(report)


def test_overfitting_needs_a_cure_and_a_reasonable_rate():
    none = check("11.cure_overfitting", PlaygroundConfig(**OVERFIT_SETUP), save=False)
    assert none.points == 0 and "you used no cure" in _messages(none)
    too_strong = check("11.cure_overfitting", PlaygroundConfig(**OVERFIT_SETUP, regularization="l2",
                                                               regularization_rate=0.3), save=False)
    assert not too_strong.passed and "cannot fit anything" in _messages(too_strong)
    weak = check("11.cure_overfitting", PlaygroundConfig(**OVERFIT_SETUP, dropout=0.05), save=False)
    assert not weak.passed and "make the cure stronger" in _messages(weak)


def test_the_overfitting_demo_overfits():
    """Cells 21-22: the validation loss is lowest early on, then rises far above the training loss."""
    run = PlaygroundModel(PlaygroundConfig(**OVERFIT_SETUP)).train(OVERFIT_STEPS, record_every=100)
    val, train = run.history["val_loss"], run.history["loss"]
    lowest = val.index(min(val))
    assert run.history["step"][lowest] <= 1000 and min(val) < OVERFIT_TARGET
    assert val[-1] > OVERFIT_TARGET + 0.2 and val[-1] > 3 * train[-1]


@pytest.mark.parametrize("cure", list(SUGGESTED_CURES))
def test_every_suggested_cure_reaches_the_target_from_the_exercise_setup(cure):
    """Cell 22, exercise 11.3 and its hints: each cure they suggest passes the check, and its final
    score on the test points is below the target too (the cure generalises, not only to validation)."""
    config = PlaygroundConfig(**OVERFIT_SETUP, **SUGGESTED_CURES[cure])
    report = check("11.cure_overfitting", config, save=False)
    assert report.passed, _messages(report)
    run = PlaygroundModel(checked_config("11.cure_overfitting", config)).train(OVERFIT_STEPS)
    assert run.test_loss() < OVERFIT_TARGET


def test_the_lesson_suggests_only_cures_that_were_measured():
    """Every cure the lesson names has a working setting, and every strength a hint or the check's advice
    gives as a range (at the Playground's slider positions) is one of the measured cures."""
    text = "\n".join(c.source for c in read(COURSE / "solutions" / LESSON).cells if c.cell_type == "markdown")
    for named, key in (("**L2**", "L2 at"), ("L1:", "L1 at"), ("**dropout**", "dropout"),
                       ("**early stopping**", "early stopping")):
        assert named in text and any(cure.startswith(key) for cure in SUGGESTED_CURES), named
    weak = check("11.cure_overfitting", PlaygroundConfig(**OVERFIT_SETUP, dropout=0.05), save=False)
    advice = " ".join(get_exercise("11.cure_overfitting").hints) + " " + _messages(weak)
    ranges = re.findall(r"(L2|[Dd]ropout)[^0-9]*?(\d\.\d+) to (\d\.\d+)", advice)
    assert {kind.lower() for kind, _, _ in ranges} == {"l2", "dropout"}
    for kind, low, high in ranges:
        positions = REGULARIZATION_RATES if kind == "L2" else [0.1, 0.2, 0.3, 0.4, 0.5]  # the sliders' steps
        for value in (v for v in positions if float(low) <= v <= float(high)):
            assert (f"L2 at {value:g}" if kind == "L2" else f"dropout {value:g}") in SUGGESTED_CURES


@pytest.mark.parametrize("name, answer, stated", [
    ("11.xor_few_neurons", PlaygroundConfig(dataset="xor", hidden=[2]), 0.67),
    ("11.spiral", PlaygroundConfig(dataset="spiral"), 0.55),
    ("11.choose_optimizer", PlaygroundConfig(optimizer="sgd", learning_rate=0.03), 0.69),
])
def test_the_examples_end_where_the_lesson_says(name, answer, stated):
    """Exercises 11.1, 11.2 and 11.4: "the check reports a validation loss of about ..." holds."""
    report = check(name, answer, save=False)
    measured = float(re.search(r"validation loss (\d\.\d+)", _messages(report)).group(1))
    assert not report.passed and measured == pytest.approx(stated, abs=0.015)


def test_checks_report_the_validation_loss_and_never_the_test_loss():
    for name in NAMES:
        report = check(name, reference(name)(), save=False)
        assert "validation loss <" in _labels(report) and "test" not in _labels(report) + _messages(report)


def test_final_scores_train_each_answer_as_its_check_and_list_the_unanswered():
    answers = {"xor_config": reference("11.xor_few_neurons")(), "spiral_config": None, "cured_config": 42,
               "fast_config": reference("11.choose_optimizer")()}
    table = final_scores(answers).splitlines()
    assert table[0].split() == ["challenge", "validation", "loss", "test", "loss"]
    rows = {line[:24].strip(): line[24:].split() for line in table[1:]}
    assert rows["11.2 the spiral"] == rows["11.3 cure overfitting"] == ["not", "answered", "yet"]
    run = PlaygroundModel(checked_config("11.choose_optimizer", answers["fast_config"])).train(
        CHALLENGES["11.choose_optimizer"].steps)
    assert rows["11.4 fast enough"] == [f"{run.losses()[1]:.3f}", f"{run.test_loss():.3f}"]
    assert float(rows["11.1 XOR, few neurons"][0]) < 0.1


def _cell(notebook, cell_id: str) -> str:
    return next(c.source for c in notebook.cells if c.id == cell_id)


def test_run_all_never_loads_the_course_answer_into_the_learners_playground():
    """Issue 13: the learner copy, run unfilled, keeps its Playground; the learner's own answer is loaded."""
    from dlcourse.playground.widget import Playground

    learner = read(COURSE / LESSON)
    assert not any("reference(" in c.source for c in learner.cells if c.cell_type == "code")
    source = _cell(learner, "a4f1cf7e")
    assert "pg.load" in source
    pg = Playground()
    before = pg.config.to_dict()
    namespace = {"pg": pg, "fast_config": None, "checked_config": checked_config}
    exec(source, namespace)  # noqa: S102
    assert pg.config.to_dict() == before
    mine = PlaygroundConfig(optimizer="rmsprop", learning_rate=0.01)
    exec(source, {**namespace, "fast_config": mine})  # noqa: S102
    assert pg.config.optimizer == "rmsprop" and pg.config.learning_rate == 0.01


def test_answers_may_be_a_playground_a_dict_or_json_and_nothing_else():
    from dlcourse.playground.widget import Playground

    solution = reference("11.choose_optimizer")()
    pg = Playground(solution)
    assert check("11.choose_optimizer", pg, save=False).passed
    assert check("11.choose_optimizer", solution.to_dict(), save=False).passed
    assert check("11.choose_optimizer", solution.to_json(), save=False).passed
    wrong = check("11.choose_optimizer", 42, save=False)
    assert not wrong.passed and "expected a PlaygroundConfig" in _messages(wrong)
    invalid = check("11.choose_optimizer", {"hidden": [20]}, save=False)
    assert "not a valid Playground configuration" in _messages(invalid)
