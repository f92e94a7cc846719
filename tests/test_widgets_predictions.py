"""The lesson 08 prediction browser and the lesson 12 feature-map explorer, driven from Python."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from dlcourse.widgets.predictions import PredictionFrames, prediction_browser  # noqa: E402
from widget_helpers import named  # noqa: E402


def _data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28)).astype(np.uint8)
    labels = rng.integers(0, 10, n)
    probabilities = rng.dirichlet(np.ones(10) * 0.3, n)
    probabilities[:10] = np.eye(10)[labels[:10]]  # the first ten are right
    return images, labels, probabilities


def _controls(box):
    controls, picture, readout = named(box)
    assert list(controls) == ["image", "show"] and box.children[:2] == (controls["image"], controls["show"])
    return controls["image"], controls["show"], readout, picture


def test_main_widget_first_control_is_the_image_slider_and_moving_it_changes_the_picture():
    images, labels, probabilities = _data()
    box = prediction_browser(images, labels, probabilities)
    assert "dlcourse-main" in box._dom_classes
    slider, menu, readout, picture = _controls(box)
    assert type(slider).__name__ == "IntSlider" and slider.description == "image"
    before = picture.value
    assert before[:4] == b"\x89PNG"
    slider.value = 1
    assert picture.value != before


def test_starts_on_the_mistakes_most_confident_first():
    images, labels, probabilities = _data()
    box = prediction_browser(images, labels, probabilities)
    slider, menu, readout, _ = _controls(box)
    wrong = np.flatnonzero(probabilities.argmax(axis=1) != labels)
    assert menu.value == "mistakes" and slider.max == len(wrong) - 1
    most_confident = wrong[np.argmax(probabilities[wrong].max(axis=1))]
    assert f"(test image {most_confident})" in readout.value


def test_menu_switches_to_all_images_and_back():
    images, labels, probabilities = _data()
    box = prediction_browser(images, labels, probabilities)
    slider, menu, readout, _ = _controls(box)
    slider.value = 3
    draws = box.draws
    menu.value = "all"
    assert slider.value == 0 and slider.max == len(images) - 1 and box.draws == draws + 1
    assert "(test image 0)" in readout.value and "label is <b>" in readout.value
    slider.value = 5
    assert "(test image 5)" in readout.value


def test_no_mistakes_falls_back_to_all_images():
    images, labels, _ = _data(12)
    box = prediction_browser(images, labels, np.eye(10)[labels])
    slider, _, _, _ = _controls(box)
    assert slider.max == 11


def test_mismatched_lengths_are_refused():
    images, labels, probabilities = _data()
    with pytest.raises(ValueError, match="same length"):
        prediction_browser(images[:5], labels, probabilities)


def test_feature_map_explorer_changes_picture_per_filter_and_layer():
    keras = pytest.importorskip("keras")
    from dlcourse.seeding import seed_everything
    from dlcourse.widgets.filters import FeatureMapFrames, conv_feature_maps, feature_map_explorer

    seed_everything(0)
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(4, 3, activation="relu"),
                              keras.layers.MaxPooling2D(2), keras.layers.Conv2D(6, 3, activation="relu"),
                              keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
    image = np.random.default_rng(1).random((28, 28, 1)).astype("float32")
    layers = conv_feature_maps(model, image)
    first, second = list(layers.values())
    assert first["kernels"].shape == (3, 3, 1, 4) and first["maps"].shape == (26, 26, 4)
    assert second["kernels"].shape == (3, 3, 4, 6) and second["maps"].shape == (11, 11, 6)
    # The first map is the convolution of the image with the first filter, plus bias, then ReLU.
    kernel = first["kernels"][:, :, 0, 0]
    direct = np.array([[np.sum(image[i:i + 3, j:j + 3, 0] * kernel) for j in range(26)] for i in range(26)])
    bias = model.layers[0].get_weights()[1][0]
    assert np.allclose(first["maps"][..., 0], np.maximum(direct + bias, 0), atol=1e-5)

    box = feature_map_explorer(image, layers)
    assert "dlcourse-main" in box._dom_classes
    controls, picture, readout = named(box)
    slider, menu = controls["filter"], controls["layer"]
    assert list(controls) == ["filter", "layer"] and box.children[:2] == (slider, menu)
    assert slider.description == "filter" and slider.max == 3
    before = picture.value
    slider.value = 2
    assert picture.value != before and "filter <b>2</b>" in readout.value
    draws = box.draws
    menu.value = list(layers)[1]
    assert slider.max == 5 and slider.value == 0 and box.draws == draws + 1
    box.set(filter=4)
    frames = FeatureMapFrames(image, layers)
    assert frames({"filter": 4, "layer": list(layers)[1]}) == box.frame


@pytest.mark.parametrize("start", [0, 3])
def test_a_menu_change_redraws_once_and_restarts_the_slider(start: int) -> None:
    import ipywidgets as widgets

    from dlcourse.widgets.browsing import restart
    from dlcourse.widgets.frame import Frame
    from dlcourse.widgets.live import LiveWidget

    sizes = {"few": 4, "many": 9}
    draws = []

    def frames(values):
        draws.append((values["menu"], values["slider"]))
        return Frame(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02", "", "")

    controls = {"slider": widgets.IntSlider(value=start, min=0, max=sizes["few"] - 1),
                "menu": widgets.Dropdown(options=list(sizes), value="few")}
    box = LiveWidget(controls, frames, react={"menu": restart("slider", "menu", lambda choice: sizes[choice])})
    assert draws == [("few", start)]  # drawn once when made
    controls["menu"].value = "many"
    assert draws[1:] == [("many", 0)]  # one redraw, on the new choice, from its first item
    assert controls["slider"].max == 8
    box.controls["slider"].value = 5
    assert draws[-1] == ("many", 5)


def test_the_prediction_frames_without_widgets_are_what_the_widget_shows():
    images, labels, probabilities = _data()
    box = prediction_browser(images, labels, probabilities, show="all")
    box.set(image=7)
    assert PredictionFrames(images, labels, probabilities, show="all")({"image": 7, "show": "all"}) == box.frame


def test_each_frame_is_pixel_for_pixel_a_full_draw_of_the_figure():
    """The browser redraws only what a new image changes (image, bars, x axis, titles, frames);
    the picture must still be exactly the whole figure drawn afresh."""
    from io import BytesIO  # noqa: PLC0415

    from PIL import Image  # noqa: PLC0415

    from dlcourse.viz.figure import canvas_png  # noqa: PLC0415

    def decode_png(png: bytes) -> np.ndarray:
        return np.asarray(Image.open(BytesIO(png)).convert("RGB"))

    images, labels, probabilities = _data()
    frames = PredictionFrames(images, labels, probabilities)
    for show, at in (("mistakes", 0), ("mistakes", 3), ("all", 7), ("all", 0)):
        fast = frames({"image": at, "show": show}).png
        frames.fast.canvas.draw()
        assert np.array_equal(decode_png(fast), decode_png(canvas_png(frames.fast.canvas))), (show, at)
