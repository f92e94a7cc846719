"""Exercises of lesson 07 (Optimizers): one step of SGD with momentum, one step of Adam.

Both follow Keras 3's exact update rules (``keras/src/optimizers/sgd.py`` and ``adam.py``), so
an answer that passes makes the same numbers as ``keras.optimizers.SGD(momentum=...)`` and
``keras.optimizers.Adam``; the course's tests check the references below against Keras
itself. The lesson uses the references (through ``dlcourse.exercises.reference``) after each
exercise, so that a learner who skips one can still run the rest.

Some cases use a large ``epsilon`` (0.01): with Keras' default 1e-7, putting epsilon inside
or outside the square root changes the result by less than the comparison tolerance.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from dlcourse.exercises.answers.lesson07 import adam_step, momentum_step  # the notebook's answers
from dlcourse.exercises.core import Case, Exercise, Misconception, lesson, quiet, register

lesson("07", "Optimizers")


# --- known-wrong momentum steps ----------------------------------------------------------------
def _momentum_other_sign(w, g, velocity, learning_rate, momentum):
    velocity = momentum * velocity + learning_rate * g
    return w - velocity, velocity


def _momentum_no_rate(w, g, velocity, learning_rate, momentum):
    velocity = momentum * velocity - g
    return w + velocity, velocity


def _momentum_old_velocity(w, g, velocity, learning_rate, momentum):
    return w + velocity, momentum * velocity - learning_rate * g


def _momentum_torch(w, g, velocity, learning_rate, momentum):
    velocity = momentum * velocity + g
    return w - learning_rate * velocity, velocity


def _momentum_ascent(w, g, velocity, learning_rate, momentum):
    velocity = momentum * velocity + learning_rate * g
    return w + velocity, velocity


def _momentum_damped(w, g, velocity, learning_rate, momentum):
    velocity = momentum * velocity - (1 - momentum) * learning_rate * g
    return w + velocity, velocity


register(Exercise(
    name="07.momentum_step",
    title="A step of SGD with momentum",
    target="momentum_step",
    reference=momentum_step,
    returns=("w", "velocity"),
    cases=[
        Case((np.array([1.0, -2.0]), np.array([0.5, -1.0]), np.array([0.0, 0.0]), 0.1, 0.9),
             label="first step (velocity 0): w = [1, -2], g = [0.5, -1], learning_rate = 0.1, momentum = 0.9"),
        Case((np.array([1.0, -2.0, 0.5]), np.array([0.2, 0.4, -0.6]), np.array([0.1, -0.3, 0.05]), 0.05, 0.9),
             label="w = [1, -2, 0.5], g = [0.2, 0.4, -0.6], velocity = [0.1, -0.3, 0.05], learning_rate = 0.05, "
                   "momentum = 0.9"),
        Case((np.array([3.0]), np.array([-2.0]), np.array([0.5]), 0.1, 0.5),
             label="w = [3], g = [-2], velocity = [0.5], learning_rate = 0.1, momentum = 0.5"),
        Case((np.array([0.5, 1.5]), np.array([1.0, -1.0]), np.array([0.2, 0.2]), 0.1, 0.0),
             label="momentum = 0 (plain SGD): w = [0.5, 1.5], g = [1, -1], velocity = [0.2, 0.2], learning_rate = 0.1"),
    ],
    misconceptions=[
        Misconception("momentum sign convention", _momentum_other_sign,
                      "you used the other sign convention (v = momentum·v + η·g, then w − v). Keras keeps the "
                      "velocity as the step itself: v = momentum·v − η·g, then w + v. Both walk the same path, "
                      "but the velocity you are given (and return) has Keras' sign."),
        Misconception("PyTorch's form", _momentum_torch,
                      "that is PyTorch's form (v = momentum·v + g, w − η·v), where the velocity sums gradients. "
                      "Here, as in Keras, it sums steps: v = momentum·v − η·g, then w + v."),
        Misconception("no learning rate", _momentum_no_rate,
                      "you left out the learning rate: v = momentum·v − learning_rate·g."),
        Misconception("old velocity", _momentum_old_velocity,
                      "you moved w with the old velocity: update the velocity first, then w = w + (new) velocity."),
        Misconception("ascent", _momentum_ascent,
                      "your step goes uphill: subtract the gradient, v = momentum·v − learning_rate·g."),
        Misconception("damped gradient", _momentum_damped,
                      "you scaled the gradient by (1 − momentum), as in an exponential moving average; Keras' "
                      "momentum adds the full step: v = momentum·v − learning_rate·g."),
    ],
    hints=[
        "Two lines: first the new velocity from the old one and the gradient, then the new weights from the new velocity.",
        "velocity = momentum * velocity − learning_rate * g. A velocity of 0 and momentum 0 give plain SGD.",
        "Then w = w + velocity, and `return w, velocity` (new arrays; do not change the inputs in place).",
    ],
))


# --- known-wrong Adam steps --------------------------------------------------------------------
def _adam_variant(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, *,
                  correct=True, eps_inside=False, g_not_squared=False, t_shift=0, paper=False, swapped=False):
    if swapped:
        m = beta_1 * g + (1 - beta_1) * m
        v = beta_2 * g * g + (1 - beta_2) * v
    else:
        m = m + (g - m) * (1 - beta_1)
        v = v + ((g if g_not_squared else g * g) - v) * (1 - beta_2)
    step = t + t_shift
    if paper:
        m_hat = m / (1 - beta_1 ** step)
        v_hat = v / (1 - beta_2 ** step)
        return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), m, v
    alpha = learning_rate * np.sqrt(1 - beta_2 ** step) / (1 - beta_1 ** step) if correct else learning_rate
    root = np.sqrt(v + epsilon) if eps_inside else np.sqrt(v) + epsilon
    return w - alpha * m / root, m, v


def _adam_mis(**options: Any) -> Callable[..., Any]:
    return quiet(lambda *args, **kwargs: _adam_variant(*args, **kwargs, **options))


_ADAM_LABEL = "w = {w}, g = {g}, m = {m}, v = {v}, t = {t}, learning_rate = {lr}, beta_1 = {b1}, beta_2 = {b2}, epsilon = {eps}"

register(Exercise(
    name="07.adam_step",
    title="A step of Adam",
    target="adam_step",
    reference=adam_step,
    returns=("w", "m", "v"),
    cases=[
        Case((np.array([1.0, -0.5]), np.array([0.2, -0.4]), np.zeros(2), np.zeros(2), 1, 0.01, 0.9, 0.999, 1e-7),
             label="the first step (t = 1, m = v = 0): w = [1, -0.5], g = [0.2, -0.4], learning_rate = 0.01, "
                   "Keras' defaults otherwise"),
        Case((np.array([0.5, 2.0, -1.0]), np.array([0.3, -0.1, 0.02]), np.array([0.05, -0.02, 0.1]),
              np.array([0.001, 0.002, 0.0005]), 3, 0.1, 0.9, 0.999, 0.01),
             label=_ADAM_LABEL.format(w="[0.5, 2, -1]", g="[0.3, -0.1, 0.02]", m="[0.05, -0.02, 0.1]",
                                      v="[0.001, 0.002, 0.0005]", t=3, lr=0.1, b1=0.9, b2=0.999, eps=0.01)),
        Case((np.array([-1.0, 0.25]), np.array([-0.5, 0.8]), np.array([-0.2, 0.3]), np.array([0.04, 0.1]), 10, 0.05,
              0.8, 0.99, 0.01),
             label=_ADAM_LABEL.format(w="[-1, 0.25]", g="[-0.5, 0.8]", m="[-0.2, 0.3]", v="[0.04, 0.1]", t=10,
                                      lr=0.05, b1=0.8, b2=0.99, eps=0.01)),
        Case((np.array([2.0]), np.array([1.5]), np.array([0.4]), np.array([0.3]), 2, 0.2, 0.9, 0.999, 1e-7),
             label=_ADAM_LABEL.format(w="[2]", g="[1.5]", m="[0.4]", v="[0.3]", t=2, lr=0.2, b1=0.9, b2=0.999,
                                      eps="1e-7")),
    ],
    misconceptions=[
        Misconception("no bias correction", _adam_mis(correct=False),
                      "you left out the bias correction: early on m and v are too small (they start at 0), and "
                      "Keras corrects the step size for it: α = learning_rate·√(1 − β₂ᵗ)/(1 − β₁ᵗ)."),
        Misconception("epsilon inside the square root", _adam_mis(eps_inside=True),
                      "you put epsilon inside the square root, √(v + ε), as RMSprop and Adagrad do; Adam adds it "
                      "outside: m/(√v + ε)."),
        Misconception("g instead of g²", _adam_mis(g_not_squared=True),
                      "your v averages the gradient g instead of its square g²: v ← v + (g² − v)(1 − β₂). "
                      "(With g, v can go negative and √v is NaN.)"),
        Misconception("t starting at 0", _adam_mis(t_shift=-1),
                      "your bias correction uses t − 1: t counts updates from 1. With t = 0, 1 − β₁⁰ = 0 and the "
                      "step divides by zero."),
        Misconception("paper's form", _adam_mis(paper=True),
                      "that is the Adam paper's form (m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), w − η·m̂/(√v̂ + ε)). "
                      "Keras folds the correction into the step size instead, α = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ), "
                      "w − α·m/(√v + ε), which puts epsilon in a slightly different place."),
        Misconception("swapped betas", _adam_mis(swapped=True),
                      "your moving averages weigh the new gradient by β and the memory by 1 − β; it is the other "
                      "way round: m ← β₁·m + (1 − β₁)·g, which is m + (g − m)(1 − β₁)."),
    ],
    hints=[
        "Three parts: update the two moving averages m (of g) and v (of g²), then compute the step size α, then move w.",
        "m = m + (g − m) * (1 − beta_1) and v = v + (g**2 − v) * (1 − beta_2). "
        "α = learning_rate * np.sqrt(1 − beta_2**t) / (1 − beta_1**t).",
        "w = w − α * m / (np.sqrt(v) + epsilon), with epsilon outside the root. Return `w, m, v`.",
    ],
))
