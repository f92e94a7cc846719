"""Lesson 11's challenge checks: the course's configs pass, typical wrong ones fail with a named reason."""

from __future__ import annotations

import pytest

from dlcourse.exercises import check, reference
from dlcourse.playground.config import PlaygroundConfig

NAMES = ["11.xor_few_neurons", "11.spiral", "11.cure_overfitting", "11.choose_optimizer"]


@pytest.mark.parametrize("name", NAMES)
def test_reference_config_passes_and_placeholder_is_not_attempted(name):
    report = check(name, reference(name)(), save=False)
    assert report.passed, report.cases
    assert check(name, None, save=False).status == "not attempted"


def _messages(report):
    return " ".join(c.message for c in report.cases)


def test_xor_names_too_many_neurons_extra_features_and_a_high_loss():
    report = check("11.xor_few_neurons", PlaygroundConfig(dataset="xor", hidden=[8, 4],
                                                          features=["x1", "x2", "x1*x2"]), save=False)
    assert not report.passed
    text = _messages(report)
    assert "you used 12 neurons, the challenge allows 4" in text
    assert "x1*x2" in text
    slow = check("11.xor_few_neurons", PlaygroundConfig(dataset="xor", hidden=[2]), save=False)
    assert "test loss 0." in _messages(slow) and "target < 0.1" in _messages(slow)
    assert slow.points == 2.0  # the two rules kept, the loss missed


def test_spiral_default_network_is_too_small():
    report = check("11.spiral", PlaygroundConfig(), save=False)
    assert not report.passed and "does not even fit the training points" in _messages(report)


def test_overfitting_needs_a_cure_and_a_reasonable_rate():
    from dlcourse.exercises.lesson11 import OVERFIT_SETUP

    none = check("11.cure_overfitting", PlaygroundConfig(**OVERFIT_SETUP), save=False)
    assert none.points == 0 and "you used no cure" in _messages(none)
    too_strong = check("11.cure_overfitting", PlaygroundConfig(**OVERFIT_SETUP, regularization="l2",
                                                               regularization_rate=0.3), save=False)
    assert not too_strong.passed and "cannot fit anything" in _messages(too_strong)
    weak = check("11.cure_overfitting", PlaygroundConfig(**OVERFIT_SETUP, dropout=0.1), save=False)
    assert not weak.passed and "make the cure stronger" in _messages(weak)
    early = check("11.cure_overfitting", PlaygroundConfig(**OVERFIT_SETUP, early_stopping=True), save=False)
    l1 = check("11.cure_overfitting", PlaygroundConfig(**OVERFIT_SETUP, regularization="l1",
                                                       regularization_rate=0.003), save=False)
    assert early.passed and l1.passed


def test_optimizer_plain_sgd_is_too_slow_and_adaptive_ones_pass():
    slow = check("11.choose_optimizer", PlaygroundConfig(optimizer="sgd", learning_rate=0.03), save=False)
    assert not slow.passed and "sgd takes small steps" in _messages(slow)
    assert check("11.choose_optimizer", PlaygroundConfig(optimizer="rmsprop", learning_rate=0.03), save=False).passed
    blown = check("11.choose_optimizer", PlaygroundConfig(optimizer="adam", learning_rate=10.0), save=False)
    assert not blown.passed


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
