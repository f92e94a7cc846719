"""Descent, computed: the paths the engine's optimizers take on the course's curves and surfaces.

Lessons 06 and 07 draw these paths (:mod:`dlcourse.viz.descent`,
:mod:`dlcourse.viz.optimizer_paths`); this module computes them, with the optimizers of
:mod:`dlcourse.nn` that lessons 07–11 train networks with, applied to a plain NumPy point
exactly as they update a network's weights::

    path = descent_path(curve.grad, 0.0, learning_rate=0.1, steps=20)   # nn.SGD, one weight
    path = optimizer_path(SURFACES["ravine"], make_optimizer("Adam", 0.3))  # shape (101, 2)

Like Keras, the engine keeps a learning rate in float32: η = 0.1 steps with 0.100000001.

* :func:`run_optimizer` — the points any optimizer visits from a start, following a gradient.
* :func:`descent_path` — plain gradient descent (``nn.SGD``), one weight or several.
* :func:`steps_to_converge`, :func:`verdict`, :func:`loss_gaps` — what happened on a path.
* :data:`OPTIMIZER_NAMES`, :func:`make_optimizer`, :func:`optimizer_path`, :func:`race` — the
  racers of lesson 07 and their paths on a 2-D surface; :func:`race_outcome` says how a
  racer ended.

Only NumPy and :mod:`dlcourse.nn` are imported.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import numpy as np

__all__ = [
    "OPTIMIZER_NAMES", "descent_path", "loss_gaps", "make_optimizer", "optimizer_path", "race", "race_outcome",
    "run_optimizer", "steps_to_converge", "verdict",
]

#: The optimizers of the race, in the order the widget lists them.
OPTIMIZER_NAMES: tuple[str, ...] = ("SGD", "Momentum", "Nesterov", "Adagrad", "Adadelta", "RMSprop", "Adam",
                                    "AMSGrad")

#: Loss differences below this are reported at this height (they are drawn on log axes).
GAP_FLOOR = 1e-12


def run_optimizer(grad: Callable[[np.ndarray], Any], start: Any, optimizer: Any, steps: int,
                  limit: float = 1e6, dtype: Any = np.float64) -> np.ndarray:
    """The points ``optimizer`` visits from ``start``, following ``grad``, start included.

    Runs ``steps`` updates ``optimizer.apply([grad(w)], [w])`` on a point ``w`` of ``dtype``
    (a 0-d array for one weight: the path then has shape ``(k,)``; otherwise ``(k, n)``). A
    path that diverges stops at the first point beyond ``limit`` (or not finite), so no
    overflow happens and the path can be shorter than ``steps + 1``.
    """
    w = np.array(start, dtype=dtype)
    points = np.empty((int(steps) + 1, *w.shape), dtype=dtype)
    points[0] = w
    count = 1
    with np.errstate(all="ignore"):
        for _ in range(int(steps)):
            optimizer.apply([grad(w)], [w])
            points[count] = w
            count += 1
            if not np.all(np.isfinite(w)) or np.max(np.abs(w)) > limit:
                break
    return points[:count].copy()


def descent_path(grad: Callable[[Any], Any], w0: Any, learning_rate: float, steps: int,
                 limit: float = 1e6) -> np.ndarray:
    """The points gradient descent visits, ``w ← w − learning_rate · grad(w)``, start included.

    The steps are the engine's own ``nn.SGD(learning_rate)``. Works for one weight (a float;
    returns shape ``(k,)``) or several (returns ``(k, n)``); see :func:`run_optimizer`.
    """
    from dlcourse.nn.optimizers import SGD  # noqa: PLC0415

    return run_optimizer(grad, w0, SGD(learning_rate), steps, limit)


def steps_to_converge(path: np.ndarray, w_star: Any, tol: float = 1e-3) -> int | None:
    """The first step from which every later point is within ``tol`` of ``w_star``; None if never.

    The distance is ``|w − w*|`` for one weight and the Euclidean distance for several.
    """
    path = np.asarray(path, dtype=float)
    with np.errstate(invalid="ignore"):
        distance = np.abs(path - w_star) if path.ndim == 1 else np.linalg.norm(path - np.asarray(w_star), axis=1)
    close = distance < tol
    if not close[-1]:
        return None
    outside = np.flatnonzero(~close)
    return 0 if outside.size == 0 else int(outside[-1] + 1)


def verdict(curve: Any, path: np.ndarray, steps: int, tol: float = 1e-3) -> str:
    """What happened on a 1-D path, in a few words ("converged in 12 steps", "diverged", ...).

    A path has converged at step k when from k on the gradient stays below ``tol`` times the
    curve's curvature, i.e. every later point is within about ``tol`` of a minimum (the
    lowest one or another). Introduced in lesson 06.
    """
    path = np.asarray(path, dtype=float)
    with np.errstate(all="ignore"):
        if len(path) < steps + 1 or not np.all(np.isfinite(path)) or np.max(np.abs(path - curve.w_star)) > 1e3:
            return f"diverged (out of sight after {len(path) - 1} steps)" if len(path) < steps + 1 else "diverged"
        flat = np.abs(curve.grad(path)) < tol * curve.curvature
    if flat[-1]:
        k = int(np.flatnonzero(~flat)[-1] + 1) if (~flat).any() else 0
        where = float(path[-1])
        done = f"converged in {k} step{'' if k == 1 else 's'}"
        if abs(where - curve.w_star) > 0.1:
            return f"{done}, to a local minimum at w ≈ {where:.2f} (the lowest is at w ≈ {curve.w_star:.2f})"
        return done
    if len(path) >= 3:
        first, last = abs(path[0] - curve.w_star), abs(path[-1] - curve.w_star)
        if abs(path[-1] - path[-3]) < 1e-9 * max(1.0, abs(path[-1])) and abs(path[-1] - path[-2]) > tol:
            return "bounces between two points forever"
        if last > first and np.sign(path[-1] - curve.w_star) != np.sign(path[-2] - curve.w_star):
            return "diverging: each step lands farther from the minimum"
    return f"not converged yet after {steps} steps"


def loss_gaps(curve: Any, path: np.ndarray) -> np.ndarray:
    """``L(w) − L(w*)`` at every point of a 1-D path, kept within [1e-12, 1e8] (inf → 1e8)."""
    with np.errstate(all="ignore"):
        gap = np.clip(curve.loss(np.asarray(path, dtype=float)) - curve.loss(curve.w_star), GAP_FLOOR, 1e8)
    gap[~np.isfinite(gap)] = 1e8
    return gap


def make_optimizer(name: str, learning_rate: float) -> Any:
    """The engine optimizer called ``name`` in the race (see :data:`OPTIMIZER_NAMES`).

    "Momentum" is ``SGD(momentum=0.9)``, "Nesterov" adds ``nesterov=True``, "AMSGrad" is
    ``Adam(amsgrad=True)``; all other settings are Keras' defaults.
    """
    from dlcourse.nn import optimizers  # noqa: PLC0415

    factories = {
        "SGD": lambda: optimizers.SGD(learning_rate),
        "Momentum": lambda: optimizers.SGD(learning_rate, momentum=0.9),
        "Nesterov": lambda: optimizers.SGD(learning_rate, momentum=0.9, nesterov=True),
        "Adagrad": lambda: optimizers.Adagrad(learning_rate),
        "Adadelta": lambda: optimizers.Adadelta(learning_rate),
        "RMSprop": lambda: optimizers.RMSprop(learning_rate),
        "Adam": lambda: optimizers.Adam(learning_rate),
        "AMSGrad": lambda: optimizers.Adam(learning_rate, amsgrad=True),
    }
    if name not in factories:
        raise ValueError(f"Unknown optimizer {name!r}. Valid names: {', '.join(OPTIMIZER_NAMES)}.")
    return factories[name]()


def optimizer_path(surface: Any, optimizer: Any, steps: int | None = None, start: Sequence[float] | None = None,
                   limit: float = 1e6, dtype: Any = np.float64) -> np.ndarray:
    """The points an optimizer visits on ``surface``: shape ``(k, 2)``, the start first.

    Runs ``steps`` updates (default ``surface.steps``) of ``optimizer.apply([grad], [p])`` on a
    point ``p`` of ``dtype`` (float64; float32 computes as a Keras model does), from ``start``
    (default ``surface.start``). A path that diverges stops at the first point farther than
    ``limit`` from the origin (no overflow warnings).
    """
    steps = surface.steps if steps is None else int(steps)
    return run_optimizer(surface.grad, surface.start if start is None else start, optimizer, steps, limit, dtype)


def race(surface: Any, learning_rates: Mapping[str, float] | Sequence[str], steps: int | None = None) -> dict[str, np.ndarray]:
    """Paths of several optimizers on ``surface``: ``{name: path}``.

    ``learning_rates`` maps optimizer names to learning rates, or is a list of names that use
    the surface's suggested learning rates (``surface.learning_rates``).
    """
    if not isinstance(learning_rates, Mapping):
        learning_rates = {name: surface.learning_rates[name] for name in learning_rates}
    return {name: optimizer_path(surface, make_optimizer(name, rate), steps)
            for name, rate in learning_rates.items()}


def race_outcome(surface: Any, path: np.ndarray, steps: int | None = None) -> str:
    """How a racer ended: "diverged after k steps", or its loss above the minimum and distance to it."""
    steps = surface.steps if steps is None else int(steps)
    if len(path) < steps + 1:
        return f"diverged after {len(path) - 1} steps"
    end = path[-1]
    low = surface.value(surface.minimum)
    distance = float(np.hypot(*(end - np.asarray(surface.minimum))))
    return f"loss {surface.value(end) - low:.2g} above the minimum, {distance:.2g} away from it"
