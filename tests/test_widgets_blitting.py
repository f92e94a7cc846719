"""Widgets that redraw only what a control changes (blitting) show the same picture as a fresh drawing.

A moving title is drawn without its axes, so matplotlib cannot re-place it: unless its height is
fixed, it stays where the last full drawing left it and a frame depends on the frames before it.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from dlcourse.widgets.capacity import CapacityFrames
from dlcourse.widgets.regularization import RegularizationFrames


def _history(rng: np.random.Generator, epochs: int) -> dict[str, list[float]]:
    return {"accuracy": list(rng.random(epochs)), "val_accuracy": list(rng.random(epochs)),
            "loss": list(2 * rng.random(epochs)), "val_loss": list(2 * rng.random(epochs))}


def _pixels(frame) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(frame.png)).convert("RGB"))


def _capacity():
    rng = np.random.default_rng(0)
    runs = {w: _history(rng, 6) for w in (1, 4, 16, 64, 256)}
    make = lambda: CapacityFrames(runs, {w: r["val_accuracy"][-1] for w, r in runs.items()})  # noqa: E731
    return make, [{"units": 1}, {"units": 256}, {"units": 4}], {"units": 64}


def _regularization():
    rng = np.random.default_rng(1)
    runs = {"overfit": _history(rng, 20), "L2": _history(rng, 20), "dropout": _history(rng, 15)}
    before = [{"run": "L2", "curves": "loss"}, {"run": "dropout", "curves": "accuracy"},
              {"run": "L2", "curves": "accuracy"}]
    return lambda: RegularizationFrames(runs), before, {"run": "dropout", "curves": "loss"}


@pytest.mark.parametrize("case", [_capacity, _regularization], ids=["capacity", "regularization"])
def test_a_frame_does_not_depend_on_the_frames_before_it(case) -> None:
    make, before, last = case()
    frames = make()
    for values in before:
        frames(values)
    after, fresh = frames(last), make()(last)
    assert after.readout == fresh.readout and after.alt == fresh.alt
    differ = int((_pixels(after) != _pixels(fresh)).any(axis=-1).sum())
    assert differ == 0, f"{differ} pixels differ from a fresh drawing"
