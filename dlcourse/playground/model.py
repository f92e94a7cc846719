"""Build and train the Playground's network with the course's engine, one batch at a time (lesson 11).

:class:`PlaygroundModel` turns a :class:`~dlcourse.playground.config.PlaygroundConfig` into data
(training and validation points and their features) and a ``dlcourse.nn.Sequential`` model,
then trains it step by step: one :meth:`~PlaygroundModel.step` is one batch, one weight update,
like one step of Keras' ``fit``. Everything random (points, weights, dropout, batch order)
comes from the config's ``seed``, so the same config always gives the same run.

Three roles for the data, as in any real project: the network fits the **training** points;
the **validation** points (the rest of the dataset) are what the Playground shows beside them
and what choices are made on (settings, early stopping); the **test** points are fresh points
from the same distribution that nothing was chosen on, for one final score
(:meth:`PlaygroundModel.test_loss`).

Headless use (what lesson 11's checks do)::

    run = PlaygroundModel(PlaygroundConfig(dataset="xor", features=["x1", "x2"], hidden=[4]))
    run.train(500)
    print(run.losses())          # (training loss, validation loss)

Introduced in lesson 11.
"""

from __future__ import annotations

import numpy as np

from dlcourse.playground.config import PlaygroundConfig
from dlcourse.playground.features import transform

__all__ = ["TEST_SEED_OFFSET", "PlaygroundModel", "build_network", "make_optimizer", "make_points",
           "make_test_points", "n_training_points"]

#: The test points of seed ``s`` are drawn with seed ``s + TEST_SEED_OFFSET``: fresh points, never shown.
TEST_SEED_OFFSET = 1_000_003


def make_points(config: PlaygroundConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(x_train, y_train, x_val, y_val)`` for the config's dataset, noise, split and seed.

    Targets have shape ``(n, 1)``, float32: 0/1 labels for classification, numbers for
    regression. The generators shuffle their points, so the first ``train_ratio`` share is a
    random training set; the rest is the validation set.
    """
    from dlcourse.data.synthetic import make_dataset  # noqa: PLC0415

    x, y = make_dataset(config.data_name, n=config.n_points, noise=config.noise, seed=config.seed)
    y = y.astype(np.float32).reshape(-1, 1)
    n_train = n_training_points(config)
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]


def n_training_points(config: PlaygroundConfig) -> int:
    """How many of the config's ``n_points`` are training points (at least 2, leaving at least 2)."""
    n_train = int(round(config.train_ratio * config.n_points))
    return min(max(n_train, 2), config.n_points - 2)


def make_test_points(config: PlaygroundConfig) -> tuple[np.ndarray, np.ndarray]:
    """``(x_test, y_test)``: as many fresh points as the validation set has, from the same generator
    and noise with seed ``config.seed + TEST_SEED_OFFSET`` (the Playground never shows them)."""
    from dlcourse.data.synthetic import make_dataset  # noqa: PLC0415

    n_val = config.n_points - n_training_points(config)
    x, y = make_dataset(config.data_name, n=n_val, noise=config.noise, seed=config.seed + TEST_SEED_OFFSET)
    return x, y.astype(np.float32).reshape(-1, 1)


def make_optimizer(config: PlaygroundConfig):
    """The engine optimizer named by ``config.optimizer`` at ``config.learning_rate``.

    ``momentum`` and ``nesterov`` are Keras' ``SGD(momentum=0.9)`` and
    ``SGD(momentum=0.9, nesterov=True)``; the others are Keras' optimizers with their defaults.
    """
    from dlcourse.nn import SGD, Adagrad, Adam, RMSprop  # noqa: PLC0415

    lr = float(config.learning_rate)
    return {
        "sgd": lambda: SGD(learning_rate=lr),
        "momentum": lambda: SGD(learning_rate=lr, momentum=0.9),
        "nesterov": lambda: SGD(learning_rate=lr, momentum=0.9, nesterov=True),
        "rmsprop": lambda: RMSprop(learning_rate=lr),
        "adam": lambda: Adam(learning_rate=lr),
        "adagrad": lambda: Adagrad(learning_rate=lr),
    }[config.optimizer]()


def _regularizer(config: PlaygroundConfig):
    from dlcourse.nn import L1, L2  # noqa: PLC0415

    if config.regularization == "none" or config.regularization_rate == 0:
        return None
    factory = L1 if config.regularization == "l1" else L2
    return factory(config.regularization_rate)


def build_network(config: PlaygroundConfig):
    """The compiled engine ``Sequential`` for the config (weights seeded by ``config.seed``).

    Hidden ``Dense`` layers with the chosen activation (and kernel regularizer), a
    ``Dropout`` after each when ``dropout > 0``, and one output neuron: sigmoid with binary
    cross-entropy for classification, linear with mean squared error for regression.
    """
    from dlcourse.nn import Dense, Dropout, Sequential  # noqa: PLC0415

    layers = []
    n_in = len(config.features)
    for index, units in enumerate(config.hidden):
        layers.append(Dense(units, activation=config.activation, kernel_regularizer=_regularizer(config),
                            input_shape=(n_in,) if index == 0 else None, seed=config.seed * 1000 + index,
                            name=f"hidden_{index + 1}"))
        if config.dropout > 0:
            layers.append(Dropout(config.dropout, seed=config.seed * 1000 + 500 + index, name=f"dropout_{index + 1}"))
    classification = config.problem == "classification"
    layers.append(Dense(1, activation="sigmoid" if classification else "linear",
                        kernel_regularizer=_regularizer(config), input_shape=None if config.hidden else (n_in,),
                        seed=config.seed * 1000 + 99, name="output"))
    model = Sequential(layers, name="playground")
    model.compile(optimizer=make_optimizer(config),
                  loss="binary_crossentropy" if classification else "mse")
    return model


class PlaygroundModel:
    """One Playground run: the data, the network, and its training so far.

    Attributes: ``config``; ``x_train``/``y_train``/``x_val``/``y_val`` (points and targets);
    ``f_train``/``f_val`` (their features); ``network`` (the engine ``Sequential``);
    ``steps`` and ``epochs`` done; ``history`` (``step``, ``loss``, ``val_loss`` lists, one
    entry each time the losses were recorded, named as in Keras' ``History``); ``stopped``
    (early stopping ended training). Early stopping watches the validation loss, like Keras'
    ``EarlyStopping(monitor="val_loss")`` with ``validation_data``. The test points are not
    attributes: :meth:`test_loss` makes them when asked, for the final score.
    """

    def __init__(self, config: PlaygroundConfig) -> None:
        from dlcourse.nn import BinaryCrossentropy, EarlyStopping, MeanSquaredError  # noqa: PLC0415

        config.validate()
        self.config = config.replace()
        self.x_train, self.y_train, self.x_val, self.y_val = make_points(self.config)
        self.f_train = transform(self.x_train, self.config.features)
        self.f_val = transform(self.x_val, self.config.features)
        self.network = build_network(self.config)
        self._loss = BinaryCrossentropy() if self.config.problem == "classification" else MeanSquaredError()
        self._rng = np.random.default_rng(self.config.seed + 12345)
        self._early = None
        if self.config.early_stopping:
            self._early = EarlyStopping(monitor="val_loss", patience=self.config.patience, restore_best_weights=True)
            self._early.set_model(self.network)
            self._early.on_train_begin()
        self._order = self._rng.permutation(len(self.f_train))
        self._position = 0
        self.steps = 0
        self.epochs = 0
        self.stopped = False
        self.history: dict[str, list[float]] = {"step": [], "loss": [], "val_loss": []}
        self.record()

    # --- training ---------------------------------------------------------------------------

    def step(self, n: int = 1) -> int:
        """Train on ``n`` batches (one weight update each); returns how many were done.

        Fewer than ``n`` when early stopping ends training (then :attr:`stopped` is True).
        """
        done = 0
        f, y = self.f_train, self.y_train
        size = self.config.batch_size
        for _ in range(n):
            if self.stopped:
                break
            idx = self._order[self._position:self._position + size]
            self.network.train_on_batch(f[idx], y[idx])
            self._position += size
            self.steps += 1
            done += 1
            if self._position >= len(self._order):
                self._end_epoch()
        return done

    def _end_epoch(self) -> None:
        self.epochs += 1
        self._position = 0
        self._order = self._rng.permutation(len(self.f_train))
        if self._early is None:
            return
        self._early.on_epoch_end(self.epochs - 1, {"val_loss": self.loss_on(self.f_val, self.y_val)})
        if self.network.stop_training:
            self._early.on_train_end()  # back to the best epoch's weights
            self.stopped = True

    def train(self, steps: int, record_every: int = 0) -> "PlaygroundModel":
        """Train ``steps`` batches without drawing; record the losses every ``record_every`` steps
        (0: only at the end). Returns ``self``."""
        if record_every <= 0:
            self.step(steps)
        else:
            left = steps
            while left > 0 and not self.stopped:
                left -= self.step(min(record_every, left)) or left
                self.record()
        if not self.history["step"] or self.history["step"][-1] != self.steps:
            self.record()
        return self

    # --- looking at it ----------------------------------------------------------------------
    def loss_on(self, features: np.ndarray, targets: np.ndarray) -> float:
        """The data loss (without penalties) of the network on some points' features."""
        with np.errstate(under="ignore"):
            prediction = self.network.forward(features, training=False)
        return float(self._loss(targets, prediction))

    def losses(self) -> tuple[float, float]:
        """``(training loss, validation loss)`` now: binary cross-entropy, or MSE for regression."""
        return self.loss_on(self.f_train, self.y_train), self.loss_on(self.f_val, self.y_val)

    def test_loss(self) -> float:
        """The loss on the test points (:func:`make_test_points`): the final score, once choices are made."""
        x_test, y_test = make_test_points(self.config)
        return self.loss_on(transform(x_test, self.config.features), y_test)

    def record(self) -> tuple[float, float]:
        """Append the current losses to :attr:`history` and return them."""
        train, val = self.losses()
        self.history["step"].append(self.steps)
        self.history["loss"].append(train)
        self.history["val_loss"].append(val)
        return train, val

    def accuracy(self) -> tuple[float, float]:
        """Share of training and validation points on the right side of 0.5 (classification only)."""
        def acc(f: np.ndarray, y: np.ndarray) -> float:
            with np.errstate(under="ignore"):
                p = self.network.forward(f, training=False)
            return float(((p > 0.5) == (y > 0.5)).mean())

        return acc(self.f_train, self.y_train), acc(self.f_val, self.y_val)

    def layer_outputs(self, features: np.ndarray) -> list[np.ndarray]:
        """Each ``Dense`` layer's outputs for ``features``: hidden layers first, the output last.

        One array of shape ``(n, units)`` per layer; the Playground draws each column as a
        neuron's small map.
        """
        from dlcourse.nn import Dense  # noqa: PLC0415

        with np.errstate(under="ignore"):
            self.network.forward(features, training=False)
        return [layer.last_output for layer in self.network.layers if isinstance(layer, Dense)]

    def dense_weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """``(kernel, bias)`` of each ``Dense`` layer, hidden first (live arrays, do not modify)."""
        from dlcourse.nn import Dense  # noqa: PLC0415

        return [(layer.kernel, layer.bias) for layer in self.network.layers if isinstance(layer, Dense)]
