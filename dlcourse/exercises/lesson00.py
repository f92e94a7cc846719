"""Exercises of lesson 00 (Welcome): a warm-up that shows how checks work.

``00.scale_pixels``: turn MNIST's whole-number pixels (0–255) into floats from 0 to 1.
"""

from __future__ import annotations

import numpy as np

from dlcourse.exercises.answers.lesson00 import scale_pixels  # the notebook's answers
from dlcourse.exercises.core import Case, Exercise, Misconception, lesson, register

lesson("00", "Welcome")


_rng = np.random.default_rng(0)
_digits = _rng.integers(0, 256, size=(2, 28, 28)).astype(np.uint8)
_digits[0, 0, 0], _digits[1, 5, 5] = 0, 255
_dim = np.array([[[0, 40], [80, 120]]], dtype=np.uint8)  # a dark image: its brightest pixel is 120
_tiny = np.array([[[0, 255, 128]], [[64, 1, 254]]], dtype=np.uint8)

register(Exercise(
    name="00.scale_pixels",
    title="Scale pixels to [0, 1]",
    target="scale_pixels",
    reference=scale_pixels,
    cases=[
        Case((_tiny,), label="two tiny 1×3 images with pixels 0, 1, 64, 128, 254, 255", check_dtype=True),
        Case((_dim,), label="a dark 2×2 image whose brightest pixel is 120", check_dtype=True),
        Case((_digits,), label="two random 28×28 images (seed 0)", check_dtype=True),
    ],
    misconceptions=[
        Misconception("floor division", lambda images: images // 255,
                      "you used `//`, which rounds down to whole numbers: every pixel below 255 becomes 0. "
                      "Use `/` for true division."),
        Misconception("divided by 256", lambda images: images / 256,
                      "you divided by 256; the largest pixel value is 255, so white should become exactly 1.0."),
        Misconception("divided by the maximum", lambda images: images / images.max(),
                      "you divided by the brightest pixel of these images; divide by 255, so a dark image stays dark."),
        Misconception("centred", lambda images: (images.astype(float) - 127.5) / 127.5,
                      "you centred the values on 0 (the range −1 to 1); this exercise asks for 0 to 1."),
        Misconception("inverted", lambda images: 1 - images / 255,
                      "your values are inverted: black (0) should stay 0 and white (255) become 1."),
        Misconception("flattened", lambda images: images.reshape(len(images), -1) / 255,
                      "you flattened each image into one long row; keep the shape the images came in."),
    ],
    hints=[
        "Pixels are whole numbers from 0 (black) to 255 (white). Which single number turns 255 into 1.0?",
        "NumPy applies arithmetic to every element at once: `images / 10` divides every pixel by 10 and "
        "gives floats. `//` would round down.",
        "One line is enough: return `images` divided by 255.0.",
    ],
))
