"""Exercises of lesson 12 (Beyond the MLP): the size and the parameter count of a convolution.

``12.conv_output``: for a ``Conv2D`` with Keras' defaults (``padding="valid"``, stride 1) on
square inputs of ``size × size × in_channels``, return ``(output size, number of parameters)``.
The lesson then prints what Keras counts for the two convolutions of the CNN it trained.
"""

from __future__ import annotations

from dlcourse.exercises.answers.lesson12 import conv_output  # the notebook's answers
from dlcourse.exercises.core import Case, Exercise, Misconception, lesson, register

lesson("12", "Beyond the MLP")


register(Exercise(
    name="12.conv_output",
    title="Output size and parameters of a convolution",
    target="conv_output",
    reference=conv_output,
    returns=("output size", "parameters"),
    cases=[
        Case((28, 3, 1, 16), label="the lesson's first layer: 28×28×1 input, 3×3 kernel, 16 filters"),
        Case((13, 3, 16, 32), label="the lesson's second layer: 13×13×16 input, 3×3 kernel, 32 filters"),
        Case((32, 5, 3, 6), label="a colour image: 32×32×3 input, 5×5 kernel, 6 filters"),
        Case((10, 1, 4, 2), label="a 1×1 kernel: 10×10×4 input, 2 filters"),
    ],
    misconceptions=[
        Misconception("same size", lambda s, k, c, f: (s, (k * k * c + 1) * f),
                      "with Keras' default `padding=\"valid\"` the filter must fit inside the image, so the "
                      "map shrinks: a 3×3 filter fits 26 times along 28 pixels."),
        Misconception("minus kernel", lambda s, k, c, f: (s - k, (k * k * c + 1) * f),
                      "count the positions: a filter of width k fits size − k + 1 times (28 − 3 + 1 = 26)."),
        Misconception("no bias", lambda s, k, c, f: (s - k + 1, k * k * c * f),
                      "each filter also has one bias: add `filters` to the weight count."),
        Misconception("no input channels", lambda s, k, c, f: (s - k + 1, (k * k + 1) * f),
                      "a filter has weights for every input channel: k × k × in_channels of them."),
        Misconception("per position", lambda s, k, c, f: (s - k + 1, (k * k * c + 1) * f * (s - k + 1) ** 2),
                      "the same filter is used at every position: its weights are counted once, "
                      "not once per position."),
    ],
    hints=[
        "Along one side, a filter of width k starts at positions 0, 1, ..., size − k.",
        "Parameters per filter: one weight per input value it covers (k × k × in_channels) plus one bias.",
        "`return size - kernel_size + 1, (kernel_size * kernel_size * in_channels + 1) * filters`",
    ],
))
