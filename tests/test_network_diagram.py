"""dlcourse.viz.network: lines show each weight's sign and size, numbers are written where asked,
and a plot updates in place."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_rgb

from dlcourse.data import SPAM_EXAMPLE
from dlcourse.viz.network import NEGATIVE, POSITIVE, edge_style, format_number, plot_network


@pytest.fixture
def spam_plot():
    w1, b1, w2, b2 = SPAM_EXAMPLE.weights()
    return plot_network([w1, w2], [b1, b2], input_names=SPAM_EXAMPLE.features, activations=["relu", "sigmoid"],
                        values=[[1, 0, 1], [0.8, 0.0], [0.636]], precision=3, title="spam")


def test_one_line_per_weight_with_sign_and_size(spam_plot):
    w1 = SPAM_EXAMPLE.weights()[0]
    assert [len(layer) for layer in spam_plot.edges] == [3, 2]
    assert [len(row) for row in spam_plot.edges[0]] == [2, 2, 2]
    free_h1, offer_h2 = spam_plot.edges[0][0][0], spam_plot.edges[0][2][1]  # 0.5 and -0.5
    win_h1 = spam_plot.edges[0][1][0]  # -0.2
    # sign: blue-ish and solid for positive, vermillion-ish and dashed for negative
    assert free_h1.get_linestyle() == "-" and offer_h2.get_linestyle() != "-"
    blue, red = np.array(to_rgb(POSITIVE)), np.array(to_rgb(NEGATIVE))
    assert np.linalg.norm(np.array(to_rgb(free_h1.get_color())) - blue) < np.linalg.norm(
        np.array(to_rgb(free_h1.get_color())) - red)
    assert np.linalg.norm(np.array(to_rgb(offer_h2.get_color())) - red) < np.linalg.norm(
        np.array(to_rgb(offer_h2.get_color())) - blue)
    # size: a larger |weight| gets a wider line
    assert offer_h2.get_linewidth() > win_h1.get_linewidth()
    assert float(np.abs(w1).max()) == 0.5


def test_numbers_on_lines_and_in_neurons(spam_plot):
    edge_numbers = [t.get_text() for layer in spam_plot.edge_texts for row in layer for t in row]
    assert edge_numbers == ["0.5", "0.4", "-0.2", "0.1", "0.3", "-0.5", "0.7", "0.2"]
    values = [[t.get_text() for t in layer] for layer in spam_plot.value_texts]
    assert values == [["1", "0", "1"], ["0.8", "0"], ["0.636"]]
    assert [t.get_text() for t in spam_plot.bias_texts[0]] == ["b = 0", "b = 0"]
    names = {t.get_text() for t in spam_plot.ax.texts}
    assert {"free", "win", "offer", "H1", "H2", "out"} <= names
    assert spam_plot.ax.get_title() == "spam" and spam_plot.ax.get_legend() is not None


def test_update_redraws_in_place(spam_plot):
    before = spam_plot.png()
    assert before[:8] == b"\x89PNG\r\n\x1a\n"
    figure = spam_plot.fig
    w1, _, w2, _ = SPAM_EXAMPLE.weights()
    spam_plot.update(kernels=[-w1, w2], values=[[0, 0, 0], [0, 0], [0.5]])
    assert spam_plot.edges[0][0][0].get_linestyle() != "-"  # 0.5 became -0.5
    assert spam_plot.edge_texts[0][0][0].get_text() == "-0.5"
    assert spam_plot.value_texts[2][0].get_text() == "0.5"
    after = spam_plot.png()
    assert after != before and spam_plot.fig is figure
    assert spam_plot._repr_png_()[:4] == b"\x89PNG"


def test_fixed_scale_and_edge_style():
    strong, weak = edge_style(1.0, scale=1.0), edge_style(0.1, scale=1.0)
    assert strong["linewidth"] > weak["linewidth"] and strong["linestyle"] == "solid"
    assert np.allclose(strong["color"], to_rgb(POSITIVE))
    assert np.allclose(edge_style(-2.0, scale=1.0)["color"], to_rgb(NEGATIVE))  # beyond the scale: saturated
    assert edge_style(-0.3, 1.0)["linestyle"] != "solid"


def test_big_networks_hide_the_numbers_but_keep_the_lines():
    rng = np.random.default_rng(0)
    plot = plot_network([rng.normal(size=(8, 6)), rng.normal(size=(6, 3))])
    assert plot.edge_texts == [] and len(plot.edges[0]) == 8
    assert [t.get_text() for t in plot.bias_texts[0]] == [""] * 6


def test_shapes_must_chain():
    with pytest.raises(ValueError, match="kernel 2 has 3 inputs"):
        plot_network([np.ones((3, 2)), np.ones((3, 1))])
    with pytest.raises(ValueError, match="2-D kernel"):
        plot_network([np.ones(3)])


def test_number_format():
    shown = [format_number(v, 3) for v in (0.8, -0.1, 0.0, 0.63645, 2.0, -0.0)]
    assert shown == ["0.8", "-0.1", "0", "0.636", "2", "0"]
    assert format_number(3e-7, 3) == "3.00e-07" and format_number("text") == "text"
