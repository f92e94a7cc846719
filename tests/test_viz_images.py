"""dlcourse.viz.images: image grids (lesson 00, unchanged) and 2-D map grids (lesson 08)."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse.viz.figure import png_bytes
from dlcourse.viz.images import as_square, draw_image, show_images, show_maps
from dlcourse.viz.style import new_figure


def test_as_square_unflattens_and_drops_the_channel_axis():
    image = np.arange(784).reshape(28, 28)
    assert np.array_equal(as_square(image.ravel()), image)
    assert np.array_equal(as_square(image[..., None]), image)
    assert as_square(image) is not None and as_square(image).shape == (28, 28)
    odd = np.arange(10)  # not a square number of values: left alone
    assert as_square(odd).shape == (10,)


def test_draw_image_scales_uint8_and_float_images():
    fig, ax = new_figure("", "", "")
    shown = draw_image(ax, np.full((28, 28), 200, dtype=np.uint8), "x")
    assert shown.get_clim() == (0, 255)
    shown = draw_image(ax, np.full(784, 0.5))
    assert shown.get_clim() == (0, 1.0) and shown.get_array().shape == (28, 28)


def test_show_images_titles_each_image_with_its_label():
    images = np.zeros((5, 28, 28), dtype=np.uint8)
    fig = show_images(images, [3, 1, 4, 1, 5], title="t", columns=3)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["label 3", "label 1", "label 4", "label 1", "label 5"]
    assert len(fig.axes) == 6  # 2 rows of 3, the last one empty
    assert png_bytes(fig)[:4] == b"\x89PNG"


def test_show_maps_signed_uses_a_scale_centred_on_zero():
    maps = [np.array([[-2.0, 1.0], [0.0, 0.5]]), np.array([[0.1, 0.2], [0.3, -0.05]])]
    fig = show_maps(maps, titles=["a", "b"], signed=True)
    climits = [ax.images[0].get_clim() for ax in fig.axes if ax.images]
    assert climits == [(-2.0, 2.0), (-0.3, 0.3)]
    assert [ax.get_title() for ax in fig.axes if ax.images] == ["a", "b"]


def test_show_maps_unsigned_scales_each_map_to_its_range():
    maps = np.stack([np.linspace(0, 3, 784), np.linspace(1, 2, 784)])  # flattened: drawn 28 x 28
    fig = show_maps(maps, columns=1)
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert [im.get_clim() for im in images] == [(0.0, 3.0), (1.0, 2.0)]
    assert images[0].get_array().shape == (28, 28)


@pytest.mark.parametrize("count,columns,axes", [(1, 8, 1), (9, 4, 12), (16, 8, 16)])
def test_show_maps_grid_size(count, columns, axes):
    fig = show_maps(np.ones((count, 3, 3)), columns=columns)
    assert len(fig.axes) == axes
    assert sum(1 for ax in fig.axes if ax.images) == count
