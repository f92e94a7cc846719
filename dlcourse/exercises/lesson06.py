"""Exercises of lesson 06 (Gradient descent and the learning rate): the descent loop, mini-batches.

The reference functions are the course's own versions; the lesson uses them (through
``dlcourse.exercises.reference``) in the cells after each exercise, so that a learner who
skips an exercise can still run the rest of the lesson.

``06.gradient_descent`` is case-based: gradients are simple named functions, learning rates
are chosen so that every path stays finite. ``06.minibatches`` asks for a generator, which
cannot be compared with ``==``, so it has a custom check: its describe step collects the batches
on fixed cases as plain index arrays, and its judge tests
the properties that matter (every index exactly once, the right batch sizes, shuffled, drawn
from the ``rng`` it is given) and names the usual mistakes.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import numpy as np

from dlcourse.exercises.answers.lesson06 import gradient_descent, minibatches  # the notebook's answers
from dlcourse.exercises.core import Case, Exercise, Misconception, lesson, register
from dlcourse.exercises.feedback import CaseResult

lesson("06", "Gradient descent and the learning rate")


# --- gradients used by the cases (named, so that feedback can say what they are) -------------
def parabola_grad(w):
    """Gradient of L(w) = (w − 3)² + 1."""
    return 2.0 * (w - 3.0)


def bowl_grad(w):
    """Gradient of L(w) = w₁² + 2·w₂² (two weights)."""
    return np.array([2.0, 4.0]) * w


def lopsided_grad(w):
    """Gradient of L(w) = e^(w − 3) − (w − 3)."""
    return np.exp(w - 3.0) - 1.0


def _descent_variant(grad, w0, learning_rate, steps, *, sign=-1.0, rate=True, updates=None, start=True,
                     last_only=False, alias=False):
    lr = learning_rate if rate else 1.0
    w = np.array(w0, dtype=float)
    points = [w.copy() if alias else w]
    count = steps if updates is None else updates
    with np.errstate(all="ignore"):  # a wrong variant may overflow; it must not print warnings
        for _ in range(count):
            if alias:  # a 0-d array changes in place too
                w += sign * lr * np.asarray(grad(w))  # in place: every stored point is the same array
            else:
                w = w + sign * lr * grad(w)
            points.append(w)
    if last_only:
        return w
    if alias:
        return np.array([w] * len(points))
    return np.array(points if start else points[1:])


register(Exercise(
    name="06.gradient_descent",
    title="The gradient-descent loop",
    target="gradient_descent",
    reference=gradient_descent,
    cases=[
        Case((parabola_grad, 0.0, 0.1, 5), label="grad of (w − 3)² + 1, w0 = 0.0, learning_rate = 0.1, steps = 5"),
        Case((parabola_grad, 0.0, 0.9, 4), label="grad of (w − 3)² + 1, w0 = 0.0, learning_rate = 0.9, steps = 4 "
                                                 "(overshoots)"),
        Case((bowl_grad, np.array([2.0, -1.0]), 0.1, 3),
             label="grad of w₁² + 2·w₂², w0 = [2, -1], learning_rate = 0.1, steps = 3 (two weights)"),
        Case((lopsided_grad, 5.0, 0.5, 6), label="grad of e^(w − 3) − (w − 3), w0 = 5.0, learning_rate = 0.5, steps = 6"),
        Case((parabola_grad, 1.5, 0.2, 0), label="grad of (w − 3)² + 1, w0 = 1.5, learning_rate = 0.2, steps = 0"),
    ],
    misconceptions=[
        Misconception("ascent", lambda g, w0, lr, steps: _descent_variant(g, w0, lr, steps, sign=1.0),
                      "you added the gradient, which climbs uphill (gradient ascent): subtract it, "
                      "w = w − learning_rate * grad(w)."),
        Misconception("no learning rate", lambda g, w0, lr, steps: _descent_variant(g, w0, lr, steps, rate=False),
                      "you took whole gradients as steps: multiply the gradient by learning_rate."),
        Misconception("only the last point", lambda g, w0, lr, steps: _descent_variant(g, w0, lr, steps, last_only=True),
                      "you returned only where descent ended; return every point visited, the start included "
                      "(steps + 1 points)."),
        Misconception("left out the start", lambda g, w0, lr, steps: _descent_variant(g, w0, lr, steps, start=False),
                      "your points are missing the start w0: it is the first of the steps + 1 points."),
        Misconception("one step too few", lambda g, w0, lr, steps: _descent_variant(g, w0, lr, steps, updates=steps - 1),
                      "you made one update too few (off by one): make exactly `steps` updates, e.g. "
                      "`for _ in range(steps):`, and keep the start as well."),
        Misconception("one step too many", lambda g, w0, lr, steps: _descent_variant(g, w0, lr, steps, updates=steps + 1),
                      "you made one update too many (off by one): `range(steps)` runs exactly `steps` times."),
        Misconception("same array every time", lambda g, w0, lr, steps: _descent_variant(g, w0, lr, steps, alias=True),
                      "every stored point shows the last position: you changed w in place (`w -= ...`) and "
                      "stored the same array each time. Write `w = w - learning_rate * grad(w)`, which makes a "
                      "new array."),
    ],
    hints=[
        "Keep a list of points that starts as `[w0]`. Then repeat `steps` times: compute the gradient at the "
        "current w, step against it, and append the new w.",
        "One update is `w = w - learning_rate * grad(w)`. Use `w = w - ...` (a new array) rather than `w -= ...`, "
        "so that the points you stored do not change.",
        "After the loop, `return np.array(points)`: steps + 1 points, the start first.",
    ],
))


# --- 06.minibatches: a custom check ----------------------------------------------------------
_BATCH_CASES = [(10, 3, 0), (12, 4, 1), (7, 7, 2), (5, 8, 3), (100, 32, 4)]


def _collect(func: Any, n: int, batch_size: int, seed: int) -> list[np.ndarray]:
    batches = func(n, batch_size, np.random.default_rng(seed))
    if batches is None:
        raise TypeError("your function returned None: `yield` each batch (or return a list of them)")
    return [np.asarray(b).ravel() for b in batches]


def _judge_batches(batches: list[np.ndarray], n: int, batch_size: int) -> tuple[str | None, str | None]:
    """(misconception name or None, message) for one epoch's batches; (None, None) when right."""
    if any(b.dtype.kind not in "iu" for b in batches if b.size):
        return None, "each batch should be an array of integer indices (e.g. a slice of `rng.permutation(n)`)."
    sizes = [len(b) for b in batches]
    expected_sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    everything = np.concatenate(batches) if batches else np.zeros(0, dtype=int)
    if n % batch_size and sizes == [batch_size] * (n // batch_size):
        return "dropped the last batch", (
            f"with n = {n} and batch_size = {batch_size} you made {len(sizes)} full batches and dropped the "
            f"last {n % batch_size} examples: yield the smaller last batch too, so every example is used once "
            "per epoch (Keras does the same).")
    if len(everything) != len(np.unique(everything)) or len(everything) > n:
        return "overlapping batches", (
            "some indices appear in more than one batch (or twice in one): in one epoch every example is used "
            "exactly once. Shuffle once (`rng.permutation(n)`) and cut that order into consecutive slices, "
            "rather than drawing each batch at random.")
    if sorted(everything.tolist()) != list(range(n)):
        return None, (f"your batches should hold every index 0 … {n - 1} exactly once; they hold "
                      f"{len(everything)} indices, {len(set(everything.tolist()) - set(range(n)))} of them "
                      "out of range.")
    if sizes != expected_sizes:
        return None, (f"with n = {n} and batch_size = {batch_size} the batch sizes should be {expected_sizes}, "
                      f"got {sizes}.")
    if n >= 50 and all(b.size and set(b.tolist()) == set(range(int(b.min()), int(b.min()) + b.size))
                       for b in batches):
        return "shuffled within batches", (
            "each of your batches holds consecutive examples (0 … 31, 32 … 63, …), only their order inside "
            "the batch is shuffled: shuffle all n indices first (`rng.permutation(n)`), then cut that order "
            "into batches, so that every batch is a random sample.")
    if n > 4 and np.array_equal(everything, np.arange(n)):
        return "no shuffle", (
            "your batches take the examples in their stored order: shuffle first (`rng.permutation(n)`), so "
            "that each batch is a random sample and each epoch visits the examples in a new order.")
    return None, None


#: The calls that test the seed: the same seed twice, then another one.
_SEED_CALLS = [(20, 6, 7), (20, 6, 7), (20, 6, 8)]


def describe_minibatches(func: Any) -> dict[str, Any]:
    """The describe step: what ``func`` yields on every case and on the seed calls, as index arrays.

    The only step that runs the learner's code. The small first call lets the placeholder's
    NotImplementedError read "not attempted yet" before any case runs.
    """
    _collect(func, 4, 2, 0)
    return {"cases": [_collect(func, n, batch_size, seed) for n, batch_size, seed in _BATCH_CASES],
            "seeded": [_collect(func, n, batch_size, seed) for n, batch_size, seed in _SEED_CALLS]}


def _batch_lists(value: Any) -> list[list[np.ndarray]]:
    """The recorded epochs, each a list of 1-D arrays (a batch that was not an array becomes one
    of text, which fails the integer test with a clear message)."""
    return [[b if isinstance(b, np.ndarray) else np.asarray([repr(b)]) for b in batches] for batches in value]


def judge_minibatches(description: dict[str, Any]) -> list[CaseResult]:
    """The verdict on the recorded batches (never calls the learner's function)."""
    cases, seeded = _batch_lists(description["cases"]), _batch_lists(description["seeded"])
    if len(cases) != len(_BATCH_CASES) or len(seeded) != len(_SEED_CALLS):
        raise ValueError("the description does not hold every case")
    results = []
    for (n, batch_size, seed), batches in zip(_BATCH_CASES, cases):
        label = f"n = {n}, batch_size = {batch_size}, rng = np.random.default_rng({seed})"
        mistake, message = _judge_batches(batches, n, batch_size)
        if message is None:
            results.append(CaseResult.ok(label))
        elif mistake is None:
            results.append(CaseResult.wrong(label, message))
        else:
            results.append(CaseResult(label, 0.0, 1.0, message, "misconception", mistake))
    label = "the same rng seed gives the same batches; another seed gives others"
    same, other = seeded[:2], seeded[2]
    reproducible = len(same[0]) == len(same[1]) and all(np.array_equal(a, b) for a, b in zip(*same))
    differs = len(other) != len(same[0]) or any(not np.array_equal(a, b) for a, b in zip(same[0], other))
    if reproducible and differs:
        results.append(CaseResult.ok(label))
    elif not reproducible:
        results.append(CaseResult(label, 0.0, 1.0,
                                  "two calls with `np.random.default_rng(7)` gave different batches: shuffle "
                                  "with the `rng` you are given (`rng.permutation(n)`), not with np.random, so "
                                  "that a seed makes training repeatable.", "misconception", "ignored rng"))
    else:
        results.append(CaseResult.wrong(label, "different seeds gave the same batches: shuffle with `rng`."))
    return results


def check_minibatches(func: Any) -> list[CaseResult]:
    """Describe ``func``'s batches and judge them: the check of ``06.minibatches`` in one process."""
    return judge_minibatches(describe_minibatches(func))


register(Exercise(
    name="06.minibatches",
    title="Mini-batches",
    target="minibatches",
    reference=minibatches,
    describe=describe_minibatches,
    custom=judge_minibatches,
    custom_points=len(_BATCH_CASES) + 1.0,
    hints=[
        "Shuffle once per call: `order = rng.permutation(n)` is the numbers 0 … n−1 in random order.",
        "Cut `order` into consecutive pieces: `for start in range(0, n, batch_size):` and "
        "`yield order[start:start + batch_size]`.",
        "Slicing past the end is fine in NumPy: the last piece is simply shorter, which is what you want.",
    ],
))
