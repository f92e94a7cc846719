"""Learning-rate schedules: the learning rate as a function of the step number.

Pass one as an optimizer's ``learning_rate``; the optimizer calls it with its
``iterations`` counter (0 for the first update), exactly like Keras 3.

* ``InverseTimeDecay(lr0, decay_steps, decay_rate)``: ``lr0 / (1 + decay_rate * step / decay_steps)``.
  With ``decay_steps=1`` this is what Keras 2's ``SGD(lr, decay=d)`` did: ``lr / (1 + d * step)``.
* ``ExponentialDecay(lr0, decay_steps, decay_rate)``: ``lr0 * decay_rate ** (step / decay_steps)``.

Both take ``staircase=True`` to round ``step / decay_steps`` down (the rate then drops in
steps). They compute in float32, like Keras.
"""

from __future__ import annotations

import numpy as np

from dlcourse.nn.errors import NNError


class LearningRateSchedule:
    """Base class: ``schedule(step) -> learning rate``."""

    def __call__(self, step: int) -> np.float32:
        raise NotImplementedError

    def get_config(self) -> dict:
        return dict(self.__dict__)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class _Decay(LearningRateSchedule):
    def __init__(
        self, initial_learning_rate: float, decay_steps: float, decay_rate: float, staircase: bool = False
    ) -> None:
        if decay_steps <= 0:
            raise NNError(f"decay_steps must be > 0, got {decay_steps}.")
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase

    def _progress(self, step: int) -> np.float32:
        p = np.float32(step) / np.float32(self.decay_steps)
        return np.floor(p) if self.staircase else p


class InverseTimeDecay(_Decay):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``."""

    def __call__(self, step: int) -> np.float32:
        denom = np.float32(1) + np.float32(self.decay_rate) * self._progress(step)
        return np.float32(self.initial_learning_rate) / denom


class ExponentialDecay(_Decay):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``."""

    def __call__(self, step: int) -> np.float32:
        return np.float32(self.initial_learning_rate) * np.power(
            np.float32(self.decay_rate), self._progress(step)
        )
