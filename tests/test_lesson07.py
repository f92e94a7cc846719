"""Lesson 07's exercises: the momentum and Adam steps against Keras itself, and every named mistake.

The references are run for several steps on a fixed sequence of gradients and compared, after
every step, with ``keras.optimizers.SGD(momentum=...)`` and ``keras.optimizers.Adam`` applying
the same gradients to a ``keras.Variable`` (float32, as in a Keras model), and with the
course's engine. Then every misconception must be named when a learner makes that mistake.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlcourse import nn  # noqa: E402
from dlcourse.exercises import lesson07  # noqa: E402
from dlcourse.exercises.checking import run_exercise  # noqa: E402
from dlcourse.exercises.core import get_exercise, lesson_exercises  # noqa: E402
from dlcourse.exercises.feedback import NOT_ATTEMPTED, PASSED  # noqa: E402

RNG = np.random.default_rng(0)
W0 = np.array([0.5, -1.2, 2.0, 0.03], dtype=np.float32)
GRADS = [(RNG.normal(0, 1, 4) * s).astype(np.float32) for s in np.geomspace(1, 0.05, 12)]


def rel(a, b):
    return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64)) / (np.abs(b) + 1e-3)))


def keras_steps(optimizer, grads=GRADS, w0=W0):
    w = keras.Variable(w0.copy(), dtype="float32")
    out = []
    for g in grads:
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(g), w)])
        out.append(w.numpy().copy())
    return out


def engine_steps(optimizer, grads=GRADS, w0=W0):
    w = w0.copy()
    out = []
    for g in grads:
        optimizer.apply([g], [w])
        out.append(w.copy())
    return out


def test_lesson_07_has_its_two_exercises():
    assert [e.name for e in lesson_exercises("07")] == ["07.momentum_step", "07.adam_step"]


@pytest.mark.parametrize("learning_rate, momentum", [(0.1, 0.9), (0.05, 0.5), (0.3, 0.0)])
def test_momentum_step_matches_keras_sgd_and_the_engine(learning_rate, momentum):
    keras_opt = keras.optimizers.SGD(learning_rate=learning_rate, momentum=momentum)
    theirs = keras_steps(keras_opt)
    engine = engine_steps(nn.SGD(learning_rate=learning_rate, momentum=momentum))
    w, velocity = W0.copy(), np.zeros(4, dtype=np.float32)  # float32, as Keras computes
    for step, g in enumerate(GRADS):
        w, velocity = lesson07.momentum_step(w, g, velocity, learning_rate, momentum)
        assert w.dtype == np.float32
        assert rel(w, theirs[step]) < 1e-5, f"step {step + 1}: {w} vs keras {theirs[step]}"
        assert rel(w, engine[step]) < 1e-5
    if momentum:
        np.testing.assert_allclose(velocity, keras_opt.momentums[0].numpy(), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("settings", [
    {"learning_rate": 0.01},
    {"learning_rate": 0.1, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3},
    {"learning_rate": 0.05, "beta_1": 0.5, "beta_2": 0.9, "epsilon": 0.01},
])
def test_adam_step_matches_keras_adam_and_the_engine(settings):
    keras_opt = keras.optimizers.Adam(**settings)
    theirs = keras_steps(keras_opt)
    engine = engine_steps(nn.Adam(**settings))
    # float32, as Keras computes. Keras rounds beta_2 to float32 in the bias correction only
    # (sqrt(1 - 0.999) comes out 6.4e-6 too small) and the engine copies that; the reference
    # computes it exactly, so each step (about learning_rate long) may differ by ~1e-5 of its size.
    bound = 2e-5 * settings["learning_rate"]
    w, m, v = W0.copy(), np.zeros(4, dtype=np.float32), np.zeros(4, dtype=np.float32)
    for t, g in enumerate(GRADS, start=1):
        w, m, v = lesson07.adam_step(w, g, m, v, t, **settings)
        # The notebook's answer computes the step size in Python floats, so w comes out float64;
        # m and v stay float32, as in Keras.
        assert m.dtype == v.dtype == np.float32
        assert np.abs(w - theirs[t - 1]).max() < bound * t, f"step {t}: {w} vs keras {theirs[t - 1]}"
        assert np.abs(w - engine[t - 1]).max() < bound * t
    np.testing.assert_allclose(m, keras_opt._momentums[0].numpy(), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(v, keras_opt._velocities[0].numpy(), rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("name", ["07.momentum_step", "07.adam_step"])
def test_every_case_matches_keras(name):
    """Each check case, run through Keras from the same state, gives the expected answer."""
    exercise = get_exercise(name)
    for case, (expected, _) in zip(exercise.cases, exercise.prepare()):
        var = keras.Variable(case.args[0].astype(np.float32))
        if name == "07.momentum_step":
            w, g, velocity, learning_rate, momentum = case.args
            opt = keras.optimizers.SGD(learning_rate=learning_rate, momentum=momentum)
            opt.build([var])
            if momentum:
                opt.momentums[0].assign(velocity.astype(np.float32))
        else:
            w, g, m, v, t, learning_rate, beta_1, beta_2, epsilon = case.args
            opt = keras.optimizers.Adam(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
            opt.build([var])
            opt._momentums[0].assign(m.astype(np.float32))
            opt._velocities[0].assign(v.astype(np.float32))
            opt.iterations.assign(t - 1)
        opt.apply_gradients([(keras.ops.convert_to_tensor(g.astype(np.float32)), var)])
        assert rel(var.numpy(), expected[0]) < 1e-5, f"{case.label}: expected {expected[0]}, keras {var.numpy()}"


def test_references_pass_and_placeholders_are_not_attempted():
    for name, ref in (("07.momentum_step", lesson07.momentum_step), ("07.adam_step", lesson07.adam_step)):
        exercise = get_exercise(name)
        assert run_exercise(exercise, ref).status == PASSED

        def placeholder(*args, **kwargs):
            raise NotImplementedError("Replace this line with your code.")

        assert run_exercise(exercise, placeholder).status == NOT_ATTEMPTED


# What a learner would write for each named mistake (independent of the misconception functions).
def _m_other_sign(w, g, velocity, learning_rate, momentum):
    velocity = momentum * velocity + learning_rate * g
    return w - velocity, velocity


def _m_torch(w, g, velocity, learning_rate, momentum):
    velocity = momentum * velocity + g
    return w - learning_rate * velocity, velocity


def _m_no_rate(w, g, velocity, learning_rate, momentum):
    velocity = momentum * velocity - g
    return w + velocity, velocity


def _m_old_velocity(w, g, velocity, learning_rate, momentum):
    w = w + velocity
    velocity = momentum * velocity - learning_rate * g
    return w, velocity


def _m_ascent(w, g, velocity, learning_rate, momentum):
    velocity = momentum * velocity + learning_rate * g
    return w + velocity, velocity


def _m_damped(w, g, velocity, learning_rate, momentum):
    velocity = momentum * velocity - (1 - momentum) * learning_rate * g
    return w + velocity, velocity


@pytest.mark.parametrize("wrong, name", [
    (_m_other_sign, "momentum sign convention"), (_m_torch, "PyTorch's form"), (_m_no_rate, "no learning rate"),
    (_m_old_velocity, "old velocity"), (_m_ascent, "ascent"), (_m_damped, "damped gradient"),
])
def test_each_momentum_mistake_is_named(wrong, name):
    report = run_exercise(get_exercise("07.momentum_step"), wrong)
    assert report.status != PASSED
    named = {c.misconception for c in report.cases if c.kind == "misconception"}
    assert named == {name}, f"{wrong.__name__}: named {named}; messages {[c.message for c in report.cases]}"


def _adam(correction=True, eps_inside=False, square=True, t_from_zero=False, paper=False, swapped=False):
    def step(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        if t_from_zero:
            t = t - 1
        if swapped:
            m = beta_1 * g + (1 - beta_1) * m
            v = beta_2 * g ** 2 + (1 - beta_2) * v
        else:
            m = beta_1 * m + (1 - beta_1) * g
            v = beta_2 * v + (1 - beta_2) * (g ** 2 if square else g)
        if paper:
            m_hat, v_hat = m / (1 - beta_1 ** t), v / (1 - beta_2 ** t)
            return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), m, v
        lr = learning_rate * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t) if correction else learning_rate
        denominator = np.sqrt(v + epsilon) if eps_inside else np.sqrt(v) + epsilon
        return w - lr * m / denominator, m, v
    return step


@pytest.mark.parametrize("wrong, name", [
    (_adam(correction=False), "no bias correction"), (_adam(eps_inside=True), "epsilon inside the square root"),
    (_adam(square=False), "g instead of g²"), (_adam(t_from_zero=True), "t starting at 0"),
    (_adam(paper=True), "paper's form"), (_adam(swapped=True), "swapped betas"),
])
def test_each_adam_mistake_is_named(wrong, name):
    report = run_exercise(get_exercise("07.adam_step"), wrong)
    assert report.status != PASSED
    named = {c.misconception for c in report.cases if c.kind == "misconception"}
    assert named == {name}, f"{name}: named {named}; messages {[c.message for c in report.cases]}"


def test_wrong_variants_print_no_warnings(recwarn):
    """Preparing the expected answers runs every wrong variant; none may warn into the notebook."""
    for name in ("07.momentum_step", "07.adam_step"):
        exercise = get_exercise(name)
        exercise._prepared = None
        with np.errstate(all="warn"):
            exercise.prepare()
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_ravine_race_numbers_the_lesson_states():
    """Lesson 07, "Momentum" and "Nesterov momentum": momentum ends about 16 times closer than SGD;
    Nesterov swings less than half as wide across the valley but ends farther from the minimum."""
    from dlcourse.surfaces import SURFACES
    from dlcourse.descent import optimizer_path

    ravine = SURFACES["ravine"]
    sgd = np.linalg.norm(optimizer_path(ravine, nn.SGD(learning_rate=0.9))[-1])
    runs = {nesterov: optimizer_path(ravine, nn.SGD(learning_rate=0.15, momentum=0.9, nesterov=nesterov))
            for nesterov in (False, True)}
    distance = {k: np.linalg.norm(path[-1]) for k, path in runs.items()}
    swing = {k: np.abs(path[5:, 1]).max() for k, path in runs.items()}
    assert round(sgd / distance[False]) == 16
    assert swing[True] < 0.5 * swing[False]
    assert distance[False] < distance[True] < 1.5 * distance[False]   # "a little farther"
