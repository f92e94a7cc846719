"""Lesson 12's exercise: the reference against Keras' own Conv2D, and the named mistakes."""

from __future__ import annotations

import pytest

from dlcourse.exercises import check
from dlcourse.exercises.core import reference

keras = pytest.importorskip("keras")


@pytest.mark.parametrize("size,kernel,channels,filters", [(28, 3, 1, 16), (13, 3, 16, 32), (32, 5, 3, 6), (9, 1, 4, 2)])
def test_reference_matches_keras_conv2d(size, kernel, channels, filters):
    layer = keras.layers.Conv2D(filters, kernel)
    out = layer.compute_output_shape((None, size, size, channels))
    layer.build((None, size, size, channels))
    assert reference("12.conv_output")(size, kernel, channels, filters) == (out[1], layer.count_params())
    assert out[1] == out[2] and out[3] == filters


def test_reference_gets_full_marks():
    report = check("12.conv_output", reference("12.conv_output"), save=False)
    assert report.passed and report.points == report.max_points == 4


@pytest.mark.parametrize("answer,named", [
    (lambda s, k, c, f: (s, (k * k * c + 1) * f), "padding"),
    (lambda s, k, c, f: (s - k, (k * k * c + 1) * f), "size − k + 1"),
    (lambda s, k, c, f: (s - k + 1, k * k * c * f), "one bias"),
    (lambda s, k, c, f: (s - k + 1, (k * k + 1) * f), "every input channel"),
    (lambda s, k, c, f: (s - k + 1, (k * k * c + 1) * f * (s - k + 1) ** 2), "every position"),
])
def test_each_mistake_is_named(answer, named):
    def conv_output(size, kernel_size, in_channels, filters):
        return answer(size, kernel_size, in_channels, filters)

    report = check("12.conv_output", conv_output, save=False)
    assert not report.passed
    assert any(named in case.message for case in report.cases), [c.message for c in report.cases]
