"""Every setting of the Playground in one dataclass, saved to and restored from JSON (lesson 11).

A :class:`PlaygroundConfig` is all it takes to rebuild a run: the data (dataset, noise, split,
seed), the input features, the network (hidden layers, activation, dropout), and how it trains
(optimizer, learning rate, batch size, regularization, early stopping). The same config with
the same seed always gives the same weights and the same losses.

Introduced in lesson 11.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

__all__ = [
    "ACTIVATIONS", "CLASSIFICATION_DATASETS", "DATASETS", "FEATURE_NAMES", "LEARNING_RATES", "MAX_LAYERS",
    "MAX_NEURONS", "OPTIMIZERS", "PROBLEMS", "REGULARIZATIONS", "REGRESSION_DATASETS", "REGULARIZATION_RATES",
    "ConfigError", "PlaygroundConfig",
]

#: Datasets by the name the Playground shows; the values are the ``dlcourse.data`` generators' names.
CLASSIFICATION_DATASETS: dict[str, str] = {"circle": "circles", "xor": "xor", "gauss": "blobs", "spiral": "spirals"}
REGRESSION_DATASETS: dict[str, str] = {"plane": "plane"}
DATASETS: dict[str, str] = {**CLASSIFICATION_DATASETS, **REGRESSION_DATASETS}
PROBLEMS: tuple[str, ...] = ("classification", "regression")
FEATURE_NAMES: tuple[str, ...] = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
ACTIVATIONS: tuple[str, ...] = ("relu", "tanh", "sigmoid", "linear")
#: Optimizer names: Keras' optimizers, with SGD's two momentum variants named on their own.
OPTIMIZERS: tuple[str, ...] = ("sgd", "momentum", "nesterov", "rmsprop", "adam", "adagrad")
REGULARIZATIONS: tuple[str, ...] = ("none", "l1", "l2")
#: The learning rates and regularization rates the web Playground offers.
LEARNING_RATES: tuple[float, ...] = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES: tuple[float, ...] = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
MAX_LAYERS = 6
MAX_NEURONS = 8


class ConfigError(ValueError):
    """A Playground setting that is out of range or unknown (the message says which and why)."""


@dataclass
class PlaygroundConfig:
    """All settings of one Playground run (defaults: the web Playground's opening screen).

    Data: ``dataset`` (circle, xor, gauss, spiral for classification; plane for regression),
    ``noise`` (0 to 0.5, added to the coordinates; for plane, to the targets),
    ``train_ratio`` (share of the points used for training; the rest is the validation set,
    which the Playground shows and you choose settings on),
    ``n_points`` and ``seed`` (which also seeds the weights, dropout and batch order).
    Network: ``features`` (names from :data:`FEATURE_NAMES`), ``hidden`` (units per hidden
    layer, at most 6 layers of 8), ``activation``, ``dropout`` (rate after each hidden layer).
    Training: ``optimizer``, ``learning_rate``, ``batch_size``, ``regularization``
    (none, l1, l2) and ``regularization_rate``, ``early_stopping`` with ``patience`` in
    epochs. Display: ``show_validation``, ``discretize``.
    """

    dataset: str = "circle"
    noise: float = 0.0
    train_ratio: float = 0.5
    n_points: int = 400
    batch_size: int = 10
    features: list[str] = field(default_factory=lambda: ["x1", "x2"])
    hidden: list[int] = field(default_factory=lambda: [4, 2])
    activation: str = "tanh"
    learning_rate: float = 0.03
    optimizer: str = "sgd"
    regularization: str = "none"
    regularization_rate: float = 0.0
    dropout: float = 0.0
    early_stopping: bool = False
    patience: int = 10
    problem: str = "classification"
    seed: int = 0
    show_validation: bool = False
    discretize: bool = False

    def __post_init__(self) -> None:
        self.features = list(self.features)
        self.hidden = [int(h) for h in self.hidden]
        self.validate()

    # --- checking ---------------------------------------------------------------------------
    def validate(self) -> None:
        """Raise :class:`ConfigError` naming the first setting that is not allowed."""
        def choose(name: str, value: Any, allowed) -> None:
            if value not in allowed:
                raise ConfigError(f"{name}={value!r} is not one of {', '.join(map(str, allowed))}.")

        choose("dataset", self.dataset, DATASETS)
        choose("problem", self.problem, PROBLEMS)
        wanted = CLASSIFICATION_DATASETS if self.problem == "classification" else REGRESSION_DATASETS
        if self.dataset not in wanted:
            raise ConfigError(f"dataset {self.dataset!r} is not a {self.problem} dataset; "
                              f"choose one of {', '.join(wanted)}.")
        choose("activation", self.activation, ACTIVATIONS)
        choose("optimizer", self.optimizer, OPTIMIZERS)
        choose("regularization", self.regularization, REGULARIZATIONS)
        for name in self.features:
            choose("feature", name, FEATURE_NAMES)
        if not self.features:
            raise ConfigError("choose at least one input feature, e.g. features=['x1', 'x2'].")
        if len(set(self.features)) != len(self.features):
            raise ConfigError(f"features lists a feature twice: {self.features}.")
        if len(self.hidden) > MAX_LAYERS:
            raise ConfigError(f"at most {MAX_LAYERS} hidden layers, got {len(self.hidden)}.")
        if any(not 1 <= h <= MAX_NEURONS for h in self.hidden):
            raise ConfigError(f"each hidden layer has 1 to {MAX_NEURONS} neurons, got {self.hidden}.")
        ranges = {"noise": (0.0, 0.5), "train_ratio": (0.1, 0.9), "dropout": (0.0, 0.9),
                  "learning_rate": (1e-6, 10.0), "regularization_rate": (0.0, 10.0)}
        for name, (low, high) in ranges.items():
            value = getattr(self, name)
            if not low <= value <= high:
                raise ConfigError(f"{name} must be between {low:g} and {high:g}, got {value!r}.")
        if not 20 <= self.n_points <= 2000:
            raise ConfigError(f"n_points must be between 20 and 2000, got {self.n_points!r}.")
        if not 1 <= self.batch_size <= 100:
            raise ConfigError(f"batch_size must be between 1 and 100, got {self.batch_size!r}.")
        if self.patience < 1:
            raise ConfigError(f"patience must be at least 1 epoch, got {self.patience!r}.")

    # --- derived ----------------------------------------------------------------------------
    @property
    def n_neurons(self) -> int:
        """Hidden neurons in all layers (the output neuron not counted)."""
        return int(sum(self.hidden))

    @property
    def data_name(self) -> str:
        """The ``dlcourse.data`` generator behind ``dataset``."""
        return DATASETS[self.dataset]

    def replace(self, **changes: Any) -> "PlaygroundConfig":
        """A copy with some settings changed (validated)."""
        changes.setdefault("features", list(self.features))
        changes.setdefault("hidden", list(self.hidden))
        return replace(self, **changes)

    # --- saving and restoring ---------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The settings as plain JSON-ready values."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "PlaygroundConfig":
        """A config from a dict such as :meth:`to_dict` gives; unknown keys are an error."""
        if "show_test" in data and "show_validation" not in data:  # saved before the held-out points were renamed
            data = {("show_validation" if key == "show_test" else key): value for key, value in data.items()}
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"unknown Playground settings: {', '.join(unknown)}.")
        return cls(**data)

    def to_json(self, path: str | Path | None = None) -> str:
        """The config as a JSON string; also written to ``path`` when given."""
        text = json.dumps(self.to_dict(), indent=1)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text

    @classmethod
    def from_json(cls, text_or_path: str | Path) -> "PlaygroundConfig":
        """A config from a JSON string or from a ``.json`` file's path."""
        text = str(text_or_path)
        if not text.lstrip().startswith("{"):
            text = Path(text_or_path).read_text(encoding="utf-8")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"not a valid Playground configuration (JSON error: {exc}).") from None
        if not isinstance(data, dict):
            raise ConfigError("a Playground configuration is a JSON object {...}.")
        return cls.from_dict(data)
