"""Optimizers: how a gradient turns into a weight update (Keras 3's exact rules).

Every optimizer updates NumPy arrays **in place**, so it works on a model's weights and
just as well on your own parameters, e.g. a point on a 2-D loss surface::

    opt = Adam(learning_rate=0.1)
    p = np.array([-1.5, 2.0])                 # float arrays, updated in place
    for _ in range(100):
        opt.apply([grad_of_surface(p)], [p])  # one list entry per parameter array

``apply(grads, params)`` performs one step and increments ``opt.iterations``. The first
call creates the optimizer's memory (momentum, moving averages, ...) in ``opt.state``,
one dict per parameter array; ``opt.reset()`` forgets it.

Defaults and update rules are those of Keras 3 (``keras/src/optimizers/*.py``); ``w`` is a
weight, ``g`` its gradient, ``lr`` the learning rate, ``t`` the step number (1 for the
first update):

* ``SGD(0.01, momentum=0, nesterov=False)``: ``w -= lr g``; with momentum
  ``m = momentum m - lr g`` then ``w += m`` (Nesterov: ``w += momentum m - lr g``).
* ``Adagrad(0.001, initial_accumulator_value=0.1, epsilon=1e-7)``:
  ``a += g^2``, ``w -= lr g / sqrt(a + eps)``.
* ``Adadelta(0.001, rho=0.95, epsilon=1e-7)``: ``a = rho a + (1 - rho) g^2``,
  ``d = -sqrt(s + eps) / sqrt(a + eps) g``, ``s = rho s + (1 - rho) d^2``, ``w += lr d``.
* ``RMSprop(0.001, rho=0.9, momentum=0, epsilon=1e-7, centered=False)``:
  ``v = rho v + (1 - rho) g^2``, ``w -= lr g / sqrt(v + eps)`` (eps inside the root;
  centered: ``sqrt(v - mean_g^2 + eps)``; with momentum the step goes through ``m``).
* ``Adam(0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False)``:
  ``m += (g - m)(1 - beta_1)``, ``v += (g^2 - v)(1 - beta_2)``,
  ``w -= lr sqrt(1 - beta_2^t) / (1 - beta_1^t) * m / (sqrt(v) + eps)`` (eps outside the
  root, bias correction folded into the step size; AMSGrad uses the running max of v).

``learning_rate`` is a float or a schedule from :mod:`dlcourse.nn.schedules`
(``InverseTimeDecay`` reproduces Keras 2's ``decay=`` argument).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from dlcourse.nn.errors import NNError, ShapeError, lookup
from dlcourse.nn.schedules import LearningRateSchedule

LearningRate = float | LearningRateSchedule | Callable[[], float]


class Optimizer:
    """Base class. Subclasses define ``init_state`` and ``update_step``."""

    name = "optimizer"

    def __init__(self, learning_rate: LearningRate = 0.001, name: str | None = None) -> None:
        if not (isinstance(learning_rate, (int, float, LearningRateSchedule)) or callable(learning_rate)):
            raise NNError(
                f"learning_rate must be a number or a schedule such as InverseTimeDecay, "
                f"got {learning_rate!r}."
            )
        self.learning_rate = learning_rate
        if name is not None:
            self.name = name
        self.iterations = 0
        self.state: list[dict] | None = None

    @property
    def current_learning_rate(self) -> np.float32:
        """The learning rate used by the next update (schedules see ``iterations``)."""
        lr = self.learning_rate
        if isinstance(lr, LearningRateSchedule):
            return np.float32(lr(self.iterations))
        if callable(lr):
            return np.float32(lr())
        return np.float32(lr)  # Keras keeps the learning rate in a float32 variable

    def reset(self) -> None:
        """Forget the step counter and all accumulated state."""
        self.iterations = 0
        self.state = None

    def build(self, params: Sequence[np.ndarray]) -> None:
        """Create the per-parameter state (called by the first ``apply``)."""
        self.state = [self.init_state(p) for p in params]

    def apply(self, grads: Sequence[np.ndarray], params: Sequence[np.ndarray]) -> None:
        """One update: change every array in ``params`` in place using ``grads``."""
        if len(grads) != len(params):
            raise NNError(f"{self.name}: got {len(grads)} gradients for {len(params)} parameter arrays.")
        for i, (g, p) in enumerate(zip(grads, params)):
            if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
                raise NNError(
                    f"{self.name} updates float NumPy arrays in place; parameter {i} is "
                    f"{type(p).__name__} {getattr(p, 'dtype', '')}. Use e.g. np.array([1.0, 2.0])."
                )
            if np.shape(g) != p.shape:
                raise ShapeError(
                    f"{self.name}: gradient {i} has shape {np.shape(g)} but its parameter has shape {p.shape}."
                )
        if self.state is None or len(self.state) != len(params) or any(
            s["_shape"] != p.shape for s, p in zip(self.state, params)
        ):
            self.build(params)
        lr = self.current_learning_rate
        for g, p, s in zip(grads, params, self.state):
            if not isinstance(g, np.ndarray) or g.dtype != p.dtype:
                g = np.asarray(g, dtype=p.dtype)
            self.update_step(g, p, s, p.dtype.type(lr))
        self.iterations += 1

    def apply_gradients(self, grads_and_vars: Iterable[tuple[np.ndarray, np.ndarray]]) -> None:
        """Keras-style ``apply_gradients(zip(grads, params))``."""
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [p for _, p in pairs])

    def init_state(self, param: np.ndarray) -> dict:
        """The optimizer's memory for one parameter array (plus scratch space)."""
        return {"_shape": param.shape, "_tmp": np.empty_like(param)}

    def update_step(self, grad: np.ndarray, param: np.ndarray, state: dict, lr: np.floating) -> None:
        """Update ``param`` in place from ``grad``."""
        raise NotImplementedError

    def get_config(self) -> dict:
        return {"learning_rate": self.learning_rate}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum."""

    name = "SGD"

    def __init__(
        self, learning_rate: LearningRate = 0.01, momentum: float = 0.0, nesterov: bool = False,
        name: str | None = None,
    ) -> None:
        super().__init__(learning_rate, name)
        if not 0 <= momentum <= 1:
            raise NNError(f"momentum must be between 0 and 1, got {momentum}.")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def init_state(self, param):
        state = super().init_state(param)
        if self.momentum:
            state["momentum"] = np.zeros_like(param)
            state["_tmp2"] = np.empty_like(param)
        return state

    def update_step(self, grad, param, state, lr):
        step = state["_tmp"]
        np.multiply(grad, lr, out=step)  # lr * g
        if not self.momentum:
            param -= step  # w <- w - lr g
            return
        m = state["momentum"]
        m *= self.momentum  # m <- momentum m - lr g
        m -= step
        if self.nesterov:
            ahead = state["_tmp2"]
            np.multiply(m, self.momentum, out=ahead)  # w <- w + momentum m - lr g
            ahead -= step
            param += ahead
        else:
            param += m  # w <- w + m

    def get_config(self):
        return {"learning_rate": self.learning_rate, "momentum": self.momentum, "nesterov": self.nesterov}


class Adagrad(Optimizer):
    """Per-weight learning rates that shrink with the sum of all past squared gradients."""

    name = "adagrad"

    def __init__(
        self, learning_rate: LearningRate = 0.001, initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7, name: str | None = None,
    ) -> None:
        super().__init__(learning_rate, name)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.epsilon = float(epsilon)

    def init_state(self, param):
        state = super().init_state(param)
        state["accumulator"] = np.full_like(param, self.initial_accumulator_value)
        state["_tmp2"] = np.empty_like(param)
        return state

    def update_step(self, grad, param, state, lr):
        acc, t, u = state["accumulator"], state["_tmp"], state["_tmp2"]
        np.square(grad, out=t)
        acc += t  # a <- a + g^2
        np.add(acc, self.epsilon, out=t)
        np.sqrt(t, out=t)
        np.multiply(grad, lr, out=u)
        u /= t
        param -= u  # w <- w - lr g / sqrt(a + eps)

    def get_config(self):
        return {"learning_rate": self.learning_rate,
                "initial_accumulator_value": self.initial_accumulator_value, "epsilon": self.epsilon}


class Adadelta(Optimizer):
    """Adagrad's successor: moving averages of squared gradients and of squared updates."""

    name = "adadelta"

    def __init__(
        self, learning_rate: LearningRate = 0.001, rho: float = 0.95, epsilon: float = 1e-7,
        name: str | None = None,
    ) -> None:
        super().__init__(learning_rate, name)
        self.rho = float(rho)
        self.epsilon = float(epsilon)

    def init_state(self, param):
        state = super().init_state(param)
        state["accumulated_grad"] = np.zeros_like(param)
        state["accumulated_delta_var"] = np.zeros_like(param)
        state["_tmp2"] = np.empty_like(param)
        return state

    def update_step(self, grad, param, state, lr):
        rho, eps = self.rho, self.epsilon
        acc_g, acc_d = state["accumulated_grad"], state["accumulated_delta_var"]
        t, d = state["_tmp"], state["_tmp2"]
        np.square(grad, out=t)  # a <- rho a + (1 - rho) g^2
        t *= 1 - rho
        acc_g *= rho
        acc_g += t
        np.add(acc_d, eps, out=d)  # d <- -sqrt(s + eps) g / sqrt(a + eps)
        np.sqrt(d, out=d)
        d *= grad
        np.add(acc_g, eps, out=t)
        np.sqrt(t, out=t)
        d /= t
        np.negative(d, out=d)
        np.square(d, out=t)  # s <- rho s + (1 - rho) d^2
        t *= 1 - rho
        acc_d *= rho
        acc_d += t
        d *= lr  # w <- w + lr d
        param += d

    def get_config(self):
        return {"learning_rate": self.learning_rate, "rho": self.rho, "epsilon": self.epsilon}


class RMSprop(Optimizer):
    """Divide each gradient by a moving root-mean-square of recent gradients."""

    name = "rmsprop"

    def __init__(
        self, learning_rate: LearningRate = 0.001, rho: float = 0.9, momentum: float = 0.0,
        epsilon: float = 1e-7, centered: bool = False, name: str | None = None,
    ) -> None:
        super().__init__(learning_rate, name)
        self.rho = float(rho)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.centered = bool(centered)

    def init_state(self, param):
        state = super().init_state(param)
        state["velocity"] = np.zeros_like(param)
        if self.momentum > 0:
            state["momentum"] = np.zeros_like(param)
        if self.centered:
            state["average_gradient"] = np.zeros_like(param)
        state["_tmp2"] = np.empty_like(param)
        return state

    def update_step(self, grad, param, state, lr):
        rho = self.rho
        v, t, u = state["velocity"], state["_tmp"], state["_tmp2"]
        np.square(grad, out=t)  # v <- rho v + (1 - rho) g^2
        t *= 1 - rho
        v *= rho
        v += t
        if self.centered:
            avg = state["average_gradient"]  # mean_g <- rho mean_g + (1 - rho) g
            np.multiply(grad, 1 - rho, out=u)
            avg *= rho
            avg += u
            np.square(avg, out=u)  # denominator v - mean_g^2 + eps
            np.subtract(v, u, out=t)
            t += self.epsilon
        else:
            np.add(v, self.epsilon, out=t)  # denominator v + eps
        np.sqrt(t, out=t)
        np.multiply(grad, lr, out=u)  # increment lr g / sqrt(denominator)
        u /= t
        if self.momentum > 0:
            m = state["momentum"]  # m <- momentum m + increment; w <- w - m
            m *= self.momentum
            m += u
            param -= m
        else:
            param -= u

    def get_config(self):
        return {"learning_rate": self.learning_rate, "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}


class Adam(Optimizer):
    """Momentum plus RMSprop-style scaling, with bias correction (AMSGrad optional)."""

    name = "adam"

    def __init__(
        self, learning_rate: LearningRate = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
        epsilon: float = 1e-7, amsgrad: bool = False, name: str | None = None,
    ) -> None:
        super().__init__(learning_rate, name)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self.amsgrad = bool(amsgrad)

    def init_state(self, param):
        state = super().init_state(param)
        state["m"] = np.zeros_like(param)
        state["v"] = np.zeros_like(param)
        if self.amsgrad:
            state["v_hat"] = np.zeros_like(param)
        state["_tmp2"] = np.empty_like(param)
        return state

    def update_step(self, grad, param, state, lr):
        f = param.dtype.type
        step = f(self.iterations + 1)
        beta_1_power = f(self.beta_1) ** step
        beta_2_power = f(self.beta_2) ** step
        alpha = lr * np.sqrt(1 - beta_2_power) / (1 - beta_1_power)  # bias-corrected step size
        m, v, t, u = state["m"], state["v"], state["_tmp"], state["_tmp2"]
        np.subtract(grad, m, out=t)  # m <- m + (g - m)(1 - beta_1)
        t *= 1 - self.beta_1
        m += t
        np.square(grad, out=t)  # v <- v + (g^2 - v)(1 - beta_2)
        t -= v
        t *= 1 - self.beta_2
        v += t
        if self.amsgrad:
            v_hat = state["v_hat"]  # v_hat <- max(v_hat, v), used instead of v
            np.maximum(v_hat, v, out=v_hat)
            v = v_hat
        np.sqrt(v, out=t)  # w <- w - alpha m / (sqrt(v) + eps)
        t += self.epsilon
        np.multiply(m, alpha, out=u)
        u /= t
        param -= u

    def get_config(self):
        return {"learning_rate": self.learning_rate, "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}


OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "adagrad": Adagrad,
    "adadelta": Adadelta,
    "rmsprop": RMSprop,
    "adam": Adam,
}


def get(identifier: str | Optimizer) -> Optimizer:
    """An optimizer from its Keras name (with Keras' defaults) or an Optimizer object."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    if isinstance(identifier, str):
        return lookup("optimizer", identifier, OPTIMIZERS)()
    raise NNError(
        f"An optimizer must be a name such as 'adam' or an Optimizer object, got {identifier!r}. "
        f"Valid names: {', '.join(sorted(OPTIMIZERS))}."
    )
