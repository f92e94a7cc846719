"""Exercises of lesson 11 (Playground challenges): four challenges, each checked by training headless.

The learner answers with a Playground configuration: a :class:`~dlcourse.playground.config.PlaygroundConfig`,
the :class:`~dlcourse.playground.widget.Playground` itself (its current settings are used), a
dict, or a JSON string. Each check fixes what the challenge fixes (the data, and for some the
network), trains with the config's seed for a fixed number of steps without drawing, and
names what went wrong: too many neurons, a loss above the target (with a suggestion), or a
cure for overfitting that was not used.

Every target is on the **validation loss**, the held-out points the Playground shows and the
learner tunes on. The test points (fresh draws, never shown) give one final score at the end
of the lesson, :func:`final_scores`, and are never reported by a check.

Each check is split in two: :func:`describe_config` (run where the learner's code runs) turns the
answer into the configuration's plain settings; the judge rebuilds and validates the
configuration from those settings and trains it, outside the learner's process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from dlcourse.exercises.core import Exercise, lesson, register
from dlcourse.exercises.feedback import CaseResult

lesson("11", "Playground challenges")

#: Training steps (batches) and targets of each challenge.
XOR_STEPS, XOR_TARGET, XOR_NEURONS = 1000, 0.1, 4
SPIRAL_STEPS, SPIRAL_TARGET = 2000, 0.15
OVERFIT_STEPS, OVERFIT_TARGET = 3000, 0.6  # 0.693 is a network that always says 50/50
OPTIMIZER_STEPS, OPTIMIZER_TARGET = 300, 0.1

#: The data and network the overfitting challenge fixes: few noisy points, a large network.
OVERFIT_SETUP: dict[str, Any] = {"dataset": "circle", "noise": 0.3, "train_ratio": 0.2, "n_points": 400,
                                 "features": ["x1", "x2"], "hidden": [8, 8, 8], "activation": "relu",
                                 "optimizer": "adam", "learning_rate": 0.003, "batch_size": 10,
                                 "problem": "classification", "seed": 0}
#: Every cure lesson 11 and its hints suggest for the overfitting challenge, each of which reaches
#: the target from OVERFIT_SETUP (tests/test_lesson11.py trains each one).
SUGGESTED_CURES: dict[str, dict[str, Any]] = {
    **{f"L2 at {rate:g}": {"regularization": "l2", "regularization_rate": rate} for rate in (0.001, 0.003, 0.01)},
    "L1 at 0.003": {"regularization": "l1", "regularization_rate": 0.003},
    **{f"dropout {rate:g}": {"dropout": rate} for rate in (0.2, 0.3, 0.4)},
    "early stopping": {"early_stopping": True},
}
#: The problem the optimizer challenge fixes (the Playground's opening screen).
OPTIMIZER_SETUP: dict[str, Any] = {"dataset": "circle", "noise": 0.0, "train_ratio": 0.5, "n_points": 400,
                                   "features": ["x1", "x2"], "hidden": [4, 2], "activation": "tanh",
                                   "batch_size": 10, "problem": "classification", "regularization": "none",
                                   "dropout": 0.0, "early_stopping": False}


class _NotAConfig(ValueError):
    pass


def as_config(answer: Any):
    """A PlaygroundConfig from a config, a Playground, a dict or a JSON string."""
    from dlcourse.playground.config import ConfigError, PlaygroundConfig  # noqa: PLC0415

    if hasattr(answer, "config") and isinstance(answer.config, PlaygroundConfig):
        answer = answer.config
    try:
        if isinstance(answer, PlaygroundConfig):
            return answer.replace()
        if isinstance(answer, dict):
            return PlaygroundConfig.from_dict(answer)
        if isinstance(answer, str):
            return PlaygroundConfig.from_json(answer)
    except (ConfigError, TypeError, OSError) as exc:
        raise _NotAConfig(f"your settings are not a valid Playground configuration: {exc}") from None
    raise _NotAConfig(f"expected a PlaygroundConfig (or your Playground), got {type(answer).__name__}.")


def _train(config, steps: int):
    from dlcourse.playground.model import PlaygroundModel  # noqa: PLC0415

    return PlaygroundModel(config).train(steps)


def _xor_data(config):
    return config.replace(dataset="xor", problem="classification", noise=0.0, train_ratio=0.5, n_points=400)


def _spiral_data(config):
    return config.replace(dataset="spiral", problem="classification", noise=0.0, train_ratio=0.5, n_points=400)


def _overfit_setup(config):
    return config.replace(**OVERFIT_SETUP)


def _optimizer_setup(config):
    return config.replace(**OPTIMIZER_SETUP)


@dataclass(frozen=True)
class Challenge:
    """What a challenge's check trains: the answer with ``fix`` applied, for ``steps`` steps."""

    title: str
    target: str
    fix: Callable[[Any], Any]
    steps: int


#: The four challenges by exercise name, in the lesson's order.
CHALLENGES: dict[str, Challenge] = {
    "11.xor_few_neurons": Challenge("11.1 XOR, few neurons", "xor_config", _xor_data, XOR_STEPS),
    "11.spiral": Challenge("11.2 the spiral", "spiral_config", _spiral_data, SPIRAL_STEPS),
    "11.cure_overfitting": Challenge("11.3 cure overfitting", "cured_config", _overfit_setup, OVERFIT_STEPS),
    "11.choose_optimizer": Challenge("11.4 fast enough", "fast_config", _optimizer_setup, OPTIMIZER_STEPS),
}


def checked_config(name: str, answer: Any):
    """The configuration the check of challenge ``name`` trains for ``answer`` (the challenge's fixed
    data and network applied), or ``None`` while the answer is not a configuration (e.g. unanswered)."""
    try:
        return CHALLENGES[name].fix(as_config(answer))
    except _NotAConfig:
        return None


def final_scores(answers: dict[str, Any]) -> str:
    """The final score of each answered challenge, as a table: its validation loss and its test loss.

    ``answers`` maps each challenge's answer name (``xor_config``, ...) to the learner's answer;
    unanswered ones are listed as such. Each answer is trained exactly as its check trains it;
    the test points are fresh points from the same distribution, which no check and no
    Playground picture has shown (:func:`dlcourse.playground.model.make_test_points`).
    """
    lines = [f"{'challenge':<24}{'validation loss':>16}{'test loss':>11}"]
    for name, challenge in CHALLENGES.items():
        config = checked_config(name, answers.get(challenge.target))
        if config is None:
            lines.append(f"{challenge.title:<24}{'not answered yet':>27}")
            continue
        run = _train(config, challenge.steps)
        lines.append(f"{challenge.title:<24}{run.losses()[1]:>16.3f}{run.test_loss():>11.3f}")
    return "\n".join(lines)


def describe_config(answer: Any) -> dict[str, Any]:
    """The describe step of every challenge: the answer's settings as a plain dict
    (``{"config": ...}``), or ``{"problem": message}`` when it is not a Playground configuration."""
    try:
        return {"config": as_config(answer).to_dict()}
    except _NotAConfig as exc:
        return {"problem": str(exc)}


def _judged(function: Callable[[Any], list[CaseResult]]) -> Callable[[dict[str, Any]], list[CaseResult]]:
    """A challenge's judge: rebuilds (and so validates) the described configuration, then ``function``
    trains it with the package's own engine. Never touches the learner's object."""
    from dlcourse.playground.config import ConfigError, PlaygroundConfig  # noqa: PLC0415

    def judge(description: dict[str, Any]) -> list[CaseResult]:
        problem = description.get("problem")
        if problem is None:
            try:
                config = PlaygroundConfig.from_dict(dict(description["config"]))
            except (ConfigError, TypeError, ValueError) as exc:
                problem = f"your settings are not a valid Playground configuration: {exc}"
        if problem is not None:
            return [CaseResult.wrong("your configuration", str(problem), points=4.0)]
        return function(config)

    judge.__doc__ = function.__doc__
    judge.__name__ = function.__name__
    return judge


def _checked(function: Callable[[Any], list[CaseResult]]) -> Callable[[Any], list[CaseResult]]:
    """``check(answer)``: describe the answer and judge it, the whole check in one process; the judge
    itself is the ``judge`` attribute, which the exercise registers."""
    judge = _judged(function)

    def check(answer: Any) -> list[CaseResult]:
        return judge(describe_config(answer))

    check.__doc__ = function.__doc__
    check.judge = judge  # type: ignore[attr-defined]
    return check


# --- 11.1 XOR with few neurons -------------------------------------------------------------------
def xor_solution():
    """Four tanh neurons in one hidden layer, trained with Adam."""
    from dlcourse.playground.config import PlaygroundConfig  # noqa: PLC0415

    return PlaygroundConfig(dataset="xor", features=["x1", "x2"], hidden=[4], activation="tanh",
                            optimizer="adam", learning_rate=0.03)


@_checked
def check_xor(config) -> list[CaseResult]:
    """XOR from x1 and x2 alone, with at most 4 hidden neurons: validation loss < 0.1 after 1000 steps."""
    results = []
    extra = [f for f in config.features if f not in ("x1", "x2")]
    if extra:
        results.append(CaseResult.wrong("inputs: x1 and x2 only",
                                        f"you used {', '.join(extra)} as input; this challenge allows only x1 and x2 "
                                        "(with x1*x2 XOR needs no hidden neuron at all: try it in the Playground, "
                                        "then take it out for this challenge)."))
    else:
        results.append(CaseResult.ok("inputs: x1 and x2 only"))
    if config.n_neurons > XOR_NEURONS:
        results.append(CaseResult.wrong(f"at most {XOR_NEURONS} hidden neurons",
                                        f"you used {config.n_neurons} neurons, the challenge allows {XOR_NEURONS}."))
    else:
        results.append(CaseResult.ok(f"at most {XOR_NEURONS} hidden neurons"))
    config = _xor_data(config)
    run = _train(config, XOR_STEPS)
    _, val = run.losses()
    label = f"validation loss < {XOR_TARGET} after {XOR_STEPS} steps (XOR, noise 0, seed {config.seed})"
    if val < XOR_TARGET:
        results.append(CaseResult.ok(label, 2.0))
    else:
        advice = ("XOR needs a hidden layer: add one" if not config.hidden else
                  "try 3 or 4 neurons, tanh, and a faster optimizer such as adam at 0.03 (plain sgd at 0.03 is slow)")
        results.append(CaseResult.wrong(label, f"validation loss {val:.3f} after {XOR_STEPS} steps, target < "
                                        f"{XOR_TARGET}: "
                                        f"{advice}.", 2.0))
    return results


register(Exercise(
    name="11.xor_few_neurons", title="XOR with few neurons", target="xor_config",
    describe=describe_config, custom=check_xor.judge,
    reference=xor_solution, custom_points=4.0, time_limit=60.0,
    hints=[
        "One line cannot separate XOR, so you need a hidden layer; each hidden neuron can draw one line.",
        "Two lines are enough in theory, but training finds them more reliably with 3 or 4 neurons.",
        "PlaygroundConfig(dataset='xor', hidden=[4], activation='tanh', optimizer='adam', learning_rate=0.03)",
    ],
))


# --- 11.2 Make the spiral work -------------------------------------------------------------------
def spiral_solution():
    """Two hidden layers of 8 tanh neurons on x1, x2, trained with Adam."""
    from dlcourse.playground.config import PlaygroundConfig  # noqa: PLC0415

    return PlaygroundConfig(dataset="spiral", features=["x1", "x2"], hidden=[8, 8], activation="tanh",
                            optimizer="adam", learning_rate=0.03)


@_checked
def check_spiral(config) -> list[CaseResult]:
    """The spiral: validation loss < 0.15 after 2000 steps, any features and network the Playground allows."""
    config = _spiral_data(config)
    run = _train(config, SPIRAL_STEPS)
    train, val = run.losses()
    label = f"validation loss < {SPIRAL_TARGET} after {SPIRAL_STEPS} steps (spiral, noise 0, seed {config.seed})"
    if val < SPIRAL_TARGET:
        return [CaseResult.ok(label, 4.0)]
    if train > 0.3:
        advice = ("the network does not even fit the training points: give it more neurons and layers "
                  "(e.g. two layers of 8), a faster optimizer (adam), or sin features")
    else:
        advice = "it fits the training points but not the validation points: fewer neurons or some L2 may help"
    return [CaseResult.wrong(label, f"validation loss {val:.3f} (training {train:.3f}) after {SPIRAL_STEPS} steps, "
                             f"target < {SPIRAL_TARGET}: {advice}.", 4.0)]


register(Exercise(
    name="11.spiral", title="Make the spiral work", target="spiral_config",
    describe=describe_config, custom=check_spiral.judge,
    reference=spiral_solution, custom_points=4.0, time_limit=60.0,
    hints=[
        "The default network [4, 2] is too small for two interleaved spirals: watch its neuron maps stay simple.",
        "More neurons per layer and a second layer let the network bend its boundary; adam learns much faster "
        "than plain sgd here.",
        "PlaygroundConfig(dataset='spiral', hidden=[8, 8], optimizer='adam', learning_rate=0.03)",
    ],
))


# --- 11.3 Cure overfitting -----------------------------------------------------------------------
def overfitting_solution():
    """The fixed setup with a little L2 regularization."""
    from dlcourse.playground.config import PlaygroundConfig  # noqa: PLC0415

    return PlaygroundConfig(**OVERFIT_SETUP, regularization="l2", regularization_rate=0.003)


@_checked
def check_overfitting(config) -> list[CaseResult]:
    """Same data and network as the overfitting demo; L2/L1, dropout or early stopping bring the validation
    loss below 0.6."""
    cures = []
    if config.regularization != "none" and config.regularization_rate > 0:
        cures.append(f"{config.regularization.upper()} at {config.regularization_rate:g}")
    if config.dropout > 0:
        cures.append(f"dropout {config.dropout:g}")
    if config.early_stopping:
        cures.append(f"early stopping (patience {config.patience})")
    results = []
    if not cures:
        results.append(CaseResult.wrong("a cure is used",
                                        "you used no cure: set regularization='l2' with a regularization_rate, "
                                        "dropout > 0, or early_stopping=True."))
        return results + [CaseResult.wrong(f"validation loss < {OVERFIT_TARGET}", "not trained (no cure to test).",
                                           3.0)]
    results.append(CaseResult.ok("a cure is used"))
    fixed = _overfit_setup(config)
    run = _train(fixed, OVERFIT_STEPS)
    train, val = run.losses()
    label = (f"validation loss < {OVERFIT_TARGET} after {OVERFIT_STEPS} steps with {', '.join(cures)} "
             f"(OVERFIT_SETUP: circle, noise 0.3, 20% training points, [8, 8, 8] relu, seed {fixed.seed})")
    if val < OVERFIT_TARGET:
        results.append(CaseResult.ok(label, 3.0))
        return results
    if train > 0.6:
        advice = "the cure is so strong that the network cannot fit anything any more: make the rate smaller"
    else:
        advice = ("the network still memorises the training points: make the cure stronger (L2 at 0.001 to 0.01, "
                  "dropout 0.2 to 0.4), or try early stopping")
    results.append(CaseResult.wrong(label, f"validation loss {val:.3f} (training {train:.3f}), target < "
                                    f"{OVERFIT_TARGET}: {advice}.", 3.0))
    return results


register(Exercise(
    name="11.cure_overfitting", title="Cure overfitting", target="cured_config",
    describe=describe_config, custom=check_overfitting.judge,
    reference=overfitting_solution, custom_points=4.0, time_limit=60.0,
    hints=[
        "Start from OVERFIT_SETUP and add one cure; the check keeps the data and the network fixed.",
        "L2 with a small rate (0.001 to 0.01) keeps the weights small; too large a rate and nothing is learned. "
        "Dropout from 0.2 to 0.4 works too, and so does early stopping.",
        "PlaygroundConfig(**OVERFIT_SETUP, regularization='l2', regularization_rate=0.003)",
    ],
))


# --- 11.4 Choose an optimizer --------------------------------------------------------------------
def optimizer_solution():
    """Adam at 0.03 on the fixed problem."""
    from dlcourse.playground.config import PlaygroundConfig  # noqa: PLC0415

    return PlaygroundConfig(**OPTIMIZER_SETUP, optimizer="adam", learning_rate=0.03)


@_checked
def check_optimizer(config) -> list[CaseResult]:
    """Circle, [4, 2] tanh: pick optimizer and learning rate so validation loss < 0.1 after only 300 steps."""
    fixed = _optimizer_setup(config)
    run = _train(fixed, OPTIMIZER_STEPS)
    _, val = run.losses()
    label = (f"validation loss < {OPTIMIZER_TARGET} after {OPTIMIZER_STEPS} steps with {fixed.optimizer} at "
             f"learning rate {fixed.learning_rate:g} (circle, [4, 2] tanh, seed {fixed.seed})")
    if val < OPTIMIZER_TARGET:
        return [CaseResult.ok(label, 4.0)]
    if val != val or val > 5:
        advice = "the loss blew up: the learning rate is too large for this optimizer"
    elif fixed.optimizer in ("sgd", "adagrad"):
        advice = f"{fixed.optimizer} takes small steps here; compare it with adam or rmsprop in the plot above"
    else:
        advice = "try another learning rate: the plot above shows how each optimizer does at 0.03"
    return [CaseResult.wrong(label, f"validation loss {val:.3f}, target < {OPTIMIZER_TARGET}: {advice}.", 4.0)]


register(Exercise(
    name="11.choose_optimizer", title="Choose an optimizer", target="fast_config",
    describe=describe_config, custom=check_optimizer.judge,
    reference=optimizer_solution, custom_points=4.0, time_limit=60.0,
    hints=[
        "The check keeps the data and the network fixed; only optimizer and learning_rate matter.",
        "Adaptive optimizers (rmsprop, adam) scale each weight's step by its recent gradients.",
        "PlaygroundConfig(optimizer='adam', learning_rate=0.03)",
    ],
))
