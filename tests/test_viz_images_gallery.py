"""dlcourse.viz.gallery: one prediction with its probability bars, and the mistakes gallery."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse.viz.gallery import PredictionPlot, mistake_indices, plot_prediction, show_mistakes


def _probabilities(rng, n, classes=10):
    return rng.dirichlet(np.ones(classes) * 0.3, n)


def test_mistake_indices_match_a_plain_loop():
    rng = np.random.default_rng(0)
    probabilities = _probabilities(rng, 200)
    labels = rng.integers(0, 10, 200)
    wrong = [i for i in range(200) if int(np.argmax(probabilities[i])) != labels[i]]
    assert mistake_indices(labels, probabilities, order="index").tolist() == wrong
    by_confidence = mistake_indices(labels, probabilities)
    assert sorted(by_confidence.tolist()) == wrong
    confidence = probabilities[by_confidence].max(axis=1)
    assert np.all(np.diff(confidence) <= 0)
    with pytest.raises(ValueError):
        mistake_indices(labels, probabilities, order="random")


def test_prediction_plot_bars_are_the_probabilities_and_mark_the_prediction():
    rng = np.random.default_rng(1)
    probabilities = _probabilities(rng, 2)
    plot = PredictionPlot(rng.random(784), probabilities[0], label=3)
    for row in probabilities:
        predicted = plot.update(rng.random((28, 28)), row, label=3)
        assert predicted == int(np.argmax(row))
        assert np.allclose([bar.get_height() for bar in plot.bars], row)
        hatched = [i for i, bar in enumerate(plot.bars) if bar.get_hatch()]
        assert hatched == [predicted]  # marked by hatching, not by colour alone
    ticks = [t.get_text() for t in plot.ax_bars.get_xticklabels()]
    assert ticks[3] == "3\n(true)" and ticks[0] == "0"
    assert plot.ax_bars.get_ylabel() and plot.ax_bars.get_xlabel() and plot.ax_bars.get_title()


@pytest.mark.parametrize("predicted", range(10))
def test_the_legend_never_covers_a_bar(predicted):
    """Lesson 08's widget once hid the top of a certain answer's bar (class 0) under the legend."""
    probabilities = np.full(10, 0.001)
    probabilities[predicted] = 1 - probabilities.sum() + 0.001
    plot = PredictionPlot(np.zeros((28, 28)), probabilities, label=(predicted + 1) % 10)
    plot.fig.canvas.draw()
    legend = plot.ax_bars.get_legend().get_window_extent()
    for index, bar in enumerate(plot.bars):
        assert not legend.overlaps(bar.get_window_extent()), f"the legend covers bar {index}"


def test_plot_prediction_says_right_or_wrong():
    fig = plot_prediction(np.zeros((28, 28)), np.eye(10)[7], label=7)
    assert "predicted 7" in fig.axes[0].get_title() and "right" in fig.axes[0].get_title()
    fig = plot_prediction(np.zeros((28, 28)), np.eye(10)[7], label=1)
    assert "wrong (true: 1)" in fig.axes[0].get_title()


def test_show_mistakes_titles_true_predicted_and_confidence():
    probabilities = np.full((4, 3), 0.1)
    probabilities[:, 0] = [0.8, 0.2, 0.8, 0.8]
    probabilities[1, 2] = 0.7
    labels = np.array([0, 1, 2, 0])  # image 1 (0.7 -> 2) and image 2 (0.8 -> 0) are wrong
    fig = show_mistakes(np.zeros((4, 28, 28)), labels, probabilities, names=["a", "b", "c"])
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["c → a (80%)", "b → c (70%)"]


def test_show_mistakes_without_mistakes_says_so():
    fig = show_mistakes(np.zeros((2, 28, 28)), np.array([0, 1]), np.eye(2))
    assert "no mistakes" in fig.axes[0].texts[0].get_text()
