"""Gradient checking: is backpropagation right? Compare it with finite differences.

For a weight ``w`` the slope of the loss can be estimated without any calculus by
nudging ``w`` both ways (central differences)::

    dL/dw ≈ (L(w + h) - L(w - h)) / (2 h)

``gradient_check(model, x, y)`` does this for every weight (or a random sample of them)
on one batch, in float64 so that rounding does not hide anything, and compares with the
gradients from backpropagation. For each weight array it reports the relative error
``|numerical - analytic| / (|numerical| + |analytic|)`` (vector norms): about 1e-7 or
smaller means the two agree; 1e-2 or larger means a bug.

Dropout is switched off during the check (random masks would make the loss jump), and
the model itself is not changed: the check works on a float64 copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dlcourse.nn.errors import NNError


@dataclass
class GradientCheckResult:
    """Per weight array: the relative error, and both gradients for inspection."""

    errors: dict[str, float] = field(default_factory=dict)
    numerical: dict[str, np.ndarray] = field(default_factory=dict)
    analytic: dict[str, np.ndarray] = field(default_factory=dict)
    checked: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def max_error(self) -> float:
        """The largest relative error over all weight arrays."""
        return max(self.errors.values(), default=0.0)

    def passed(self, tolerance: float = 1e-6) -> bool:
        """Whether every relative error is below ``tolerance``."""
        return self.max_error < tolerance

    def __str__(self) -> str:
        width = max((len(k) for k in self.errors), default=10)
        lines = [f"{'weights':<{width}}  relative error"]
        for name, err in self.errors.items():
            verdict = "ok" if err < 1e-6 else ("suspicious" if err < 1e-3 else "WRONG")
            lines.append(f"{name:<{width}}  {err:.2e}  {verdict}")
        return "\n".join(lines)


def relative_error(numerical: np.ndarray, analytic: np.ndarray) -> float:
    """``||a - b|| / (||a|| + ||b||)``, 0 when both are zero."""
    denom = np.linalg.norm(numerical) + np.linalg.norm(analytic)
    return 0.0 if denom == 0 else float(np.linalg.norm(numerical - analytic) / denom)


def gradient_check(
    model,
    x: np.ndarray,
    y: np.ndarray,
    epsilon: float = 1e-6,
    max_per_array: int | None = None,
    seed: int = 0,
) -> GradientCheckResult:
    """Compare backprop gradients with central differences for a compiled model on one batch.

    Args:
        model: a compiled ``Sequential`` (left unchanged).
        x, y: one batch of inputs and targets.
        epsilon: the nudge ``h``.
        max_per_array: check at most this many randomly chosen weights per array
            (None: all of them; central differences cost two forward passes per weight).
        seed: which weights are chosen when sampling.
    """
    if not getattr(model, "compiled", False):
        raise NNError("gradient_check needs a compiled model (it uses the model's loss).")
    m64 = model.astype(np.float64)
    x = np.asarray(x, dtype=np.float64)
    m64._ensure_built(x)
    y = m64._prepare_y(np.asarray(y), len(x))

    def loss_at() -> float:
        out = m64.forward(x, training=False)
        value, _ = m64._loss(y, out, need_gradient=False)
        return float(value) + float(m64.regularization_loss())

    m64._forward_backward(x, y, training=False)
    rng = np.random.default_rng(seed)
    result = GradientCheckResult()
    for layer in m64.layers:
        for key, w in layer.params.items():
            name = f"{layer.name}/{key}"
            analytic = layer.grads[key].copy()
            flat_w = w.reshape(-1)
            idx = np.arange(flat_w.size)
            if max_per_array is not None and flat_w.size > max_per_array:
                idx = np.sort(rng.choice(flat_w.size, size=max_per_array, replace=False))
            numerical = np.empty(idx.size)
            for j, i in enumerate(idx):
                saved = flat_w[i]
                flat_w[i] = saved + epsilon
                plus = loss_at()
                flat_w[i] = saved - epsilon
                minus = loss_at()
                flat_w[i] = saved
                numerical[j] = (plus - minus) / (2 * epsilon)
            chosen = analytic.reshape(-1)[idx]
            result.errors[name] = relative_error(numerical, chosen)
            result.numerical[name] = numerical
            result.analytic[name] = chosen
            result.checked[name] = idx
    return result
