"""dlcourse.widgets.picture: what the browser suite learns from the kernel about a widget's pictures.

``overlapping_text`` finds texts that collide in a figure; the browser suite reports it for every
lesson's main widget, drawn with the lesson's real data (``tests/browser/page_checks.py``).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from dlcourse.viz.figure import CourseFigure  # noqa: E402
from dlcourse.widgets.picture import min_text_px, overlapping_text  # noqa: E402


def _figure(title: str = "a short title", wide_legend: bool = False):
    fig = CourseFigure(figsize=(6.0, 3.0))  # no layout engine: nothing moves out of the way
    left, right = fig.subplots(1, 2, gridspec_kw={"wspace": 0.4})  # room for the right panel's label
    left.plot([1, 2, 3], [3, 1, 2], label="training")
    left.set_title(title)
    left.set_xlabel("epoch")
    right.set_ylabel("loss")
    right.set_title("loss per epoch")
    if wide_legend:  # a legend anchored over the next panel
        left.legend(loc="upper left", bbox_to_anchor=(0.9, 1.0))
    return fig


def test_a_tidy_figure_has_no_colliding_text():
    assert overlapping_text(_figure()) == []


def test_a_title_longer_than_its_panel_runs_into_the_next_one():
    fig = _figure(title="a title far too long for the narrow panel it sits above, so it spills over into the next panel and past it")
    problems = overlapping_text(fig)
    assert problems and all("runs into" in p for p in problems)
    assert any("a title far too long" in p and "'loss per epoch'" in p for p in problems)


def test_a_legend_over_another_panel_is_reported():
    problems = overlapping_text(_figure(wide_legend=True))
    assert any("'training'" in p and "the panel" in p for p in problems)


def test_texts_over_one_another_are_reported():
    fig = _figure()
    ax = fig.axes[0]
    ax.text(2, 2, "first note")
    ax.text(2, 2, "second note")
    assert "'first note' runs into 'second note'" in overlapping_text(fig)


def test_a_picture_not_drawn_by_matplotlib_reports_no_text():
    class OwnPicture:
        min_text_px = 22.0

    assert overlapping_text(OwnPicture()) == [] and min_text_px(OwnPicture()) == 22.0


def test_the_feature_map_explorer_titles_fit_for_every_layer_and_filter():
    """Lesson 12's second layer once titled its panel 'filter 31: weights, input channel 8', which ran
    into the colorbar (the browser suite only sees the frame on the page: the first layer's)."""
    import numpy as np  # noqa: PLC0415

    from dlcourse.widgets.filters import FeatureMapFrames  # noqa: PLC0415

    rng = np.random.default_rng(0)
    layers = {"conv2d": {"kernels": rng.normal(size=(3, 3, 1, 16)), "maps": rng.random((26, 26, 16))},
              "conv2d_1": {"kernels": rng.normal(size=(3, 3, 16, 32)), "maps": rng.random((11, 11, 32))}}
    frames = FeatureMapFrames(rng.random((28, 28)), layers)
    for layer, count in (("conv2d", 16), ("conv2d_1", 32)):
        for index in (0, 9, count - 1):
            frames({"layer": layer, "filter": index})
            assert overlapping_text(frames.figure) == [], (layer, index)
