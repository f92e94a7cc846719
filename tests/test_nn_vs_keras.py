"""dlcourse.nn against Keras itself: same network, same start, same batches, same numbers.

Training tests build one architecture in both libraries, copy the engine's initial weights
into Keras (``set_weights``), train both for 2 epochs of batch 16 on 96 samples with
``shuffle=False``, then compare the final weights and the History values with
``|ours - keras| / (|keras| + 1e-3)``: at most 1e-4, and 1e-5 for the SGD family.
Each parametrized case's id says exactly what is compared.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402
from nn_helpers import build_engine, build_keras, make_data, rel_err, train_pair, worst_weight_error  # noqa: E402

import dlcourse.nn as nn  # noqa: E402

TOL = 1e-4
TOL_SGD = 1e-5

HIDDEN = [(8, "relu", {}), (3, "softmax", {})]


def assert_histories_match(ours: dict, theirs: dict, tol: float = TOL) -> None:
    assert set(ours) == set(theirs), (sorted(ours), sorted(theirs))
    for key in theirs:
        err = rel_err(theirs[key], ours[key])
        assert err <= tol, f"history[{key!r}]: ours {ours[key]} vs keras {theirs[key]} (rel err {err:.2e})"


# --- optimizers ---------------------------------------------------------------------------
# (id, factory(optimizers_module, schedules_module), tolerance)
OPTIMIZER_CASES = [
    ("SGD(lr=0.1)", lambda o, s: o.SGD(learning_rate=0.1), TOL_SGD),
    ("SGD(lr=0.1,momentum=0.9)", lambda o, s: o.SGD(learning_rate=0.1, momentum=0.9), TOL_SGD),
    ("SGD(lr=0.1,momentum=0.9,nesterov)", lambda o, s: o.SGD(learning_rate=0.1, momentum=0.9, nesterov=True), TOL_SGD),
    ("SGD(InverseTimeDecay(0.1,1,0.5))", lambda o, s: o.SGD(learning_rate=s.InverseTimeDecay(0.1, 1, 0.5)), TOL_SGD),
    ("Adagrad(lr=0.1)", lambda o, s: o.Adagrad(learning_rate=0.1), TOL),
    ("Adadelta(lr=1.0)", lambda o, s: o.Adadelta(learning_rate=1.0), TOL),
    ("RMSprop(lr=0.01)", lambda o, s: o.RMSprop(learning_rate=0.01), TOL),
    ("RMSprop(lr=0.01,momentum=0.5)", lambda o, s: o.RMSprop(learning_rate=0.01, momentum=0.5), TOL),
    ("RMSprop(lr=0.01,centered)", lambda o, s: o.RMSprop(learning_rate=0.01, centered=True), TOL),
    ("Adam(lr=0.01)", lambda o, s: o.Adam(learning_rate=0.01), TOL),
    ("Adam(lr=0.01,amsgrad)", lambda o, s: o.Adam(learning_rate=0.01, amsgrad=True), TOL),
    (
        "Adam(ExponentialDecay(0.02,5,0.5,staircase))",
        lambda o, s: o.Adam(learning_rate=s.ExponentialDecay(0.02, 5, 0.5, staircase=True)),
        TOL,
    ),
]


@pytest.mark.parametrize(
    "make_optimizer, tol", [pytest.param(f, t, id=i) for i, f, t in OPTIMIZER_CASES]
)
def test_optimizer_matches_keras(make_optimizer, tol):
    """relu-softmax network, sparse categorical cross-entropy, each optimizer."""
    x, y = make_data("sparse")
    ours, theirs, h_ours, h_theirs = train_pair(
        nn, keras, HIDDEN, make_optimizer, "sparse_categorical_crossentropy", ["accuracy"], x, y
    )
    err = worst_weight_error(ours.get_weights(), theirs.get_weights())
    assert err <= tol, f"weights differ from Keras by {err:.2e}"
    assert_histories_match(h_ours, h_theirs, tol)
    # The weights really moved (otherwise agreement would prove nothing).
    start = build_engine(nn, HIDDEN).get_weights()
    assert worst_weight_error(ours.get_weights(), start) > 100 * tol


def test_string_optimizer_uses_keras_defaults():
    """'rmsprop' as a string: Keras' defaults (lr 0.001, rho 0.9, eps 1e-7)."""
    x, y = make_data("sparse")
    ours, theirs, h_ours, h_theirs = train_pair(
        nn, keras, HIDDEN, lambda o, s: "rmsprop", "sparse_categorical_crossentropy", ["accuracy"], x, y
    )
    assert worst_weight_error(ours.get_weights(), theirs.get_weights()) <= TOL
    assert_histories_match(h_ours, h_theirs)


# --- losses -------------------------------------------------------------------------------
# (id, task, output layer, loss (name or factory(losses_module)), metrics)
LOSS_CASES = [
    ("mse/linear out/regression", "regression", (2, "linear"), "mean_squared_error", ["mae", "mse"]),
    ("mse/softmax out (softmax backward)", "onehot", (3, "softmax"), "mse", ["accuracy"]),
    ("binary_crossentropy/sigmoid out", "binary", (1, "sigmoid"), "binary_crossentropy", ["accuracy"]),
    ("binary_crossentropy/sigmoid out/multilabel", "multilabel", (3, "sigmoid"), "binary_crossentropy", ["accuracy"]),
    (
        "BinaryCrossentropy(from_logits)/linear out",
        "binary", (1, "linear"), lambda L: L.BinaryCrossentropy(from_logits=True), ["accuracy"],
    ),
    ("categorical_crossentropy/softmax out", "onehot", (3, "softmax"), "categorical_crossentropy", ["accuracy"]),
    (
        "CategoricalCrossentropy(from_logits)/linear out",
        "onehot", (3, "linear"), lambda L: L.CategoricalCrossentropy(from_logits=True), ["accuracy"],
    ),
    (
        "sparse_categorical_crossentropy/softmax out",
        "sparse", (3, "softmax"), "sparse_categorical_crossentropy", ["accuracy"],
    ),
    (
        "SparseCategoricalCrossentropy(from_logits)/linear out",
        "sparse", (3, "linear"), lambda L: L.SparseCategoricalCrossentropy(from_logits=True), ["accuracy"],
    ),
    # Keras computes any cross-entropy after a softmax/sigmoid layer from its logits z,
    # even this mismatched pair (z is then fed to a sigmoid cross-entropy).
    ("binary_crossentropy/softmax out (Keras uses logits)", "onehot", (3, "softmax"), "binary_crossentropy", ["accuracy"]),
]


@pytest.mark.parametrize(
    "task, output, loss, metrics", [pytest.param(t, o, l, m, id=i) for i, t, o, l, m in LOSS_CASES]
)
def test_loss_matches_keras(task, output, loss, metrics):
    """tanh hidden layer, Adam(0.01), each loss with its usual output layer."""
    x, y = make_data(task)
    layers = [(8, "tanh", {}), (output[0], output[1], {})]
    ours, theirs, h_ours, h_theirs = train_pair(
        nn, keras, layers, lambda o, s: o.Adam(learning_rate=0.01), loss, metrics, x, y
    )
    err = worst_weight_error(ours.get_weights(), theirs.get_weights())
    assert err <= TOL, f"weights differ from Keras by {err:.2e}"
    assert_histories_match(h_ours, h_theirs)


# --- activations --------------------------------------------------------------------------
ACTIVATIONS = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax", "swish"]


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=[f"hidden={a}" for a in ACTIVATIONS])
def test_activation_matches_keras(activation):
    """Two hidden layers with the activation, softmax output, SGD(0.1, momentum 0.9)."""
    x, y = make_data("sparse")
    layers = [(8, activation, {}), (6, activation, {}), (3, "softmax", {})]
    ours, theirs, h_ours, h_theirs = train_pair(
        nn, keras, layers, lambda o, s: o.SGD(learning_rate=0.1, momentum=0.9),
        "sparse_categorical_crossentropy", ["accuracy"], x, y,
    )
    err = worst_weight_error(ours.get_weights(), theirs.get_weights())
    assert err <= TOL, f"weights differ from Keras by {err:.2e}"
    assert_histories_match(h_ours, h_theirs)


# --- regularizers -------------------------------------------------------------------------
REGULARIZER_CASES = [
    ("kernel=L2(0.01)", {"kernel_regularizer": ("L2", {"l2": 0.01})}),
    ("kernel=L1(0.01)", {"kernel_regularizer": ("L1", {"l1": 0.01})}),
    ("kernel=L1L2(0.01,0.02)", {"kernel_regularizer": ("L1L2", {"l1": 0.01, "l2": 0.02})}),
    ("kernel=L2(0.05),bias=L1(0.05)", {"kernel_regularizer": ("L2", {"l2": 0.05}), "bias_regularizer": ("L1", {"l1": 0.05})}),
]


@pytest.mark.parametrize("regs", [pytest.param(r, id=i) for i, r in REGULARIZER_CASES])
def test_regularizer_matches_keras(regs):
    """Penalties on both layers; the reported loss includes them, like Keras'."""
    x, y = make_data("sparse")
    layers = [(8, "relu", regs), (3, "softmax", regs)]
    ours, theirs, h_ours, h_theirs = train_pair(
        nn, keras, layers, lambda o, s: o.Adam(learning_rate=0.01),
        "sparse_categorical_crossentropy", ["accuracy"], x, y, fit_kwargs={"validation_data": make_data("sparse", seed=5)},
    )
    assert worst_weight_error(ours.get_weights(), theirs.get_weights()) <= TOL
    assert_histories_match(h_ours, h_theirs)
    assert ours.regularization_loss() > 0.01  # the penalty is not negligible


# --- fit options --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "fit_kwargs",
    [
        pytest.param({"validation_split": 0.2}, id="validation_split=0.2(80+20),partial batch"),
        pytest.param({"validation_data": make_data("sparse", seed=3), "epochs": 3}, id="validation_data,epochs=3"),
        pytest.param({"batch_size": 24}, id="batch_size=24,partial batch"),
    ],
)
def test_fit_options_match_keras(fit_kwargs):
    """100 samples, so that the last batch of an epoch is a partial one."""
    x, y = make_data("sparse", n=100)
    ours, theirs, h_ours, h_theirs = train_pair(
        nn, keras, HIDDEN, lambda o, s: o.Adam(learning_rate=0.01),
        "sparse_categorical_crossentropy", ["accuracy"], x, y, fit_kwargs=fit_kwargs,
    )
    assert worst_weight_error(ours.get_weights(), theirs.get_weights()) <= TOL
    assert_histories_match(h_ours, h_theirs)
    assert any(k.startswith("val_") for k in h_ours) == any(k.startswith("validation") for k in fit_kwargs)


def test_evaluate_predict_train_on_batch_match_keras():
    x, y = make_data("sparse")
    layers = [(8, "relu", {"kernel_regularizer": ("L2", {"l2": 0.01})}), (3, "softmax", {})]
    ours, theirs = build_engine(nn, layers), build_keras(keras, layers)
    theirs.set_weights(ours.get_weights())
    for m in (ours, theirs):
        m.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    assert rel_err(theirs.evaluate(x, y, verbose=0), ours.evaluate(x, y, verbose=0)) <= 1e-5
    np.testing.assert_allclose(ours.predict(x), theirs.predict(x, verbose=0), rtol=1e-5, atol=1e-7)
    for _ in range(3):
        assert rel_err(theirs.train_on_batch(x[:16], y[:16]), ours.train_on_batch(x[:16], y[:16])) <= 1e-5
    assert worst_weight_error(ours.get_weights(), theirs.get_weights()) <= TOL
    plain = build_engine(nn, HIDDEN)
    plain.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    assert isinstance(plain.evaluate(x, y, verbose=0), float)  # no metrics: the loss alone


# --- forward values and per-layer gradients vs tf.GradientTape -----------------------------
@pytest.mark.parametrize(
    "layers, task, loss",
    [
        pytest.param([(8, "relu", {}), (6, "tanh", {}), (3, "softmax", {})], "sparse",
                     lambda L: L.SparseCategoricalCrossentropy(), id="relu-tanh-softmax/sparse_ce"),
        pytest.param([(8, "swish", {}), (6, "leaky_relu", {}), (1, "sigmoid", {})], "binary",
                     lambda L: L.BinaryCrossentropy(), id="swish-leaky_relu-sigmoid/bce"),
        pytest.param([(8, "sigmoid", {"kernel_regularizer": ("L2", {"l2": 0.1})}), (2, "linear", {})],
                     "regression", lambda L: L.MeanSquaredError(), id="sigmoid(L2)-linear/mse"),
        pytest.param([(8, "softmax", {}), (3, "linear", {})], "onehot",
                     lambda L: L.CategoricalCrossentropy(from_logits=True), id="softmax-linear/cce_logits"),
    ],
)
def test_forward_and_gradients_match_gradient_tape(layers, task, loss):
    x, y = make_data(task)
    x, y = x[:16], y[:16]
    ours, theirs = build_engine(nn, layers), build_keras(keras, layers)
    theirs.set_weights(ours.get_weights())
    ours.compile(optimizer="sgd", loss=loss(nn.losses))
    keras_loss = loss(keras.losses)
    if task == "binary":
        y = y.reshape(-1, 1).astype(np.float32)

    with tf.GradientTape() as tape:
        h = tf.constant(x)
        outputs = []
        for layer in theirs.layers:
            h = layer(h)
            outputs.append(h.numpy())
        value = keras_loss(tf.constant(y), h)
        if theirs.losses:
            value = value + tf.add_n(theirs.losses)
    k_grads = [g.numpy() for g in tape.gradient(value, theirs.trainable_weights)]

    loss_value, grads = ours.compute_gradients(x, y)
    for layer, expected in zip(ours.layers, outputs):
        np.testing.assert_allclose(layer.last_output, expected, rtol=1e-5, atol=1e-6, err_msg=layer.name)
    assert loss_value == pytest.approx(float(value), rel=1e-5)
    for g, expected, w in zip(grads, k_grads, theirs.trainable_weights):
        np.testing.assert_allclose(g, expected, rtol=1e-4, atol=1e-6, err_msg=w.path)


# --- functions on their own ---------------------------------------------------------------
ACTIVATION_FUNCTIONS = [
    ("linear", keras.activations.linear),
    ("sigmoid", keras.activations.sigmoid),
    ("tanh", keras.activations.tanh),
    ("relu", keras.activations.relu),
    ("leaky_relu", keras.activations.leaky_relu),
    ("softmax", keras.activations.softmax),
    ("swish", keras.activations.swish),
]


@pytest.mark.parametrize("name, keras_fn", ACTIVATION_FUNCTIONS, ids=[n for n, _ in ACTIVATION_FUNCTIONS])
def test_activation_values_and_derivatives_match_keras(name, keras_fn):
    rng = np.random.default_rng(0)
    x = np.concatenate([np.linspace(-6, 6, 25), rng.normal(scale=3, size=23), [-30, 30]]).astype(np.float32)
    x = x.reshape(10, 5)
    upstream = rng.normal(size=x.shape).astype(np.float32)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        yt = keras_fn(xt)
        weighted = tf.reduce_sum(yt * upstream)
    act = nn.activations.get(name)
    y = act(x)
    np.testing.assert_allclose(y, yt.numpy(), rtol=1e-6, atol=1e-7)
    # atol: derivatives like 1 - tanh(x)^2 cancel digits, so compare to float32 precision of 1
    np.testing.assert_allclose(act.backward(x, y, upstream), tape.gradient(weighted, xt).numpy(), rtol=1e-5, atol=1e-6)
    if name != "softmax":  # element-wise: derivative * upstream is the backward pass
        np.testing.assert_allclose(act.derivative(x) * upstream, act.backward(x, y, upstream), rtol=1e-6, atol=1e-7)


def _probabilities(shape, rng):
    p = rng.uniform(0.01, 0.99, size=shape).astype(np.float32)
    p.flat[0], p.flat[1], p.flat[2] = 0.0, 1.0, 3e-8  # values the 1e-7 clipping acts on
    return p


LOSS_FUNCTIONS = [
    ("mse", "regression", False),
    ("binary_crossentropy", "multilabel", False),
    ("binary_crossentropy", "multilabel", True),
    ("categorical_crossentropy", "onehot", False),
    ("categorical_crossentropy", "onehot", True),
    ("sparse_categorical_crossentropy", "sparse", False),
    ("sparse_categorical_crossentropy", "sparse", True),
]


@pytest.mark.parametrize(
    "name, task, from_logits", LOSS_FUNCTIONS,
    ids=[f"{n}{'/from_logits' if f else '/probabilities'}" for n, _, f in LOSS_FUNCTIONS],
)
def test_loss_values_and_gradients_match_keras(name, task, from_logits):
    """Loss objects called on arrays (no model): Keras' clipping formulas and gradients."""
    rng = np.random.default_rng(1)
    _, y = make_data(task, n=12)
    k = 2 if task == "regression" else 3
    if from_logits or name == "mse":
        pred = rng.normal(scale=4, size=(12, k)).astype(np.float32)
    else:
        pred = _probabilities((12, k), rng)
        if name == "categorical_crossentropy":
            pred[3] = [0.2, 0.5, 0.3]
    kwargs = {"from_logits": True} if from_logits else {}
    k_cls = {"mse": keras.losses.MeanSquaredError}.get(name) or getattr(keras.losses, _camel(name))
    ours = nn.losses.get(name) if not kwargs else getattr(nn.losses, _camel(name))(**kwargs)
    pt = tf.constant(pred)
    with tf.GradientTape() as tape:
        tape.watch(pt)
        value = k_cls(**kwargs)(tf.constant(y), pt)
    expected_grad = tape.gradient(value, pt).numpy()
    got, grad = ours.value_and_gradient(y, pred)
    assert got == pytest.approx(float(value), rel=1e-6)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-5, atol=1e-8)


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")).replace("crossentropy", "Crossentropy")


@pytest.mark.parametrize(
    "ours, theirs",
    [
        pytest.param(nn.InverseTimeDecay(0.1, 1, 0.5), keras.optimizers.schedules.InverseTimeDecay(0.1, 1, 0.5),
                     id="InverseTimeDecay(0.1,1,0.5)"),
        pytest.param(nn.InverseTimeDecay(0.1, 4, 0.5, staircase=True),
                     keras.optimizers.schedules.InverseTimeDecay(0.1, 4, 0.5, staircase=True),
                     id="InverseTimeDecay(staircase)"),
        pytest.param(nn.ExponentialDecay(0.1, 3, 0.9), keras.optimizers.schedules.ExponentialDecay(0.1, 3, 0.9),
                     id="ExponentialDecay(0.1,3,0.9)"),
    ],
)
def test_schedules_match_keras(ours, theirs):
    for step in range(0, 40, 3):
        assert float(ours(step)) == pytest.approx(float(theirs(step)), rel=2.5e-7)  # 2 float32 ulps


@pytest.mark.parametrize("f, t", [pytest.param(f, t, id=i) for i, f, t in OPTIMIZER_CASES])
def test_standalone_optimizer_matches_keras(f, t):
    """opt.apply(grads, params) on a plain array vs the Keras optimizer on a tf.Variable."""
    start = np.array([[1.5, -2.0], [0.3, 0.0]], dtype=np.float32)
    p = start.copy()
    v = tf.Variable(start)
    ours, theirs = f(nn.optimizers, nn.schedules), f(keras.optimizers, keras.optimizers.schedules)
    for step in range(12):
        grad = (2 * p * np.array([1.0, 10.0], dtype=np.float32) + np.sin(step)).astype(np.float32)
        kgrad = (2 * v.numpy() * np.array([1.0, 10.0], dtype=np.float32) + np.sin(step)).astype(np.float32)
        ours.apply([grad], [p])
        theirs.apply([tf.constant(kgrad)], [v])
    assert ours.iterations == 12
    assert rel_err(v.numpy(), p) <= t


# --- structure ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "layers", [pytest.param(HIDDEN, id="4-8-3"), pytest.param([(64, "relu", {}), (64, "relu", {}), (10, "softmax", {})], id="4-64-64-10")]
)
def test_count_params_and_summary_match_keras(layers):
    ours, theirs = build_engine(nn, layers), build_keras(keras, layers)
    assert ours.count_params() == theirs.count_params()
    assert [w.shape for w in ours.get_weights()] == [tuple(w.shape) for w in theirs.get_weights()]
    lines: list[str] = []
    ours.summary(print_fn=lines.append)
    text = "\n".join(lines)
    for ol, kl in zip(ours.layers, theirs.layers):
        assert f"{kl.count_params():,}" in text
        assert f"(None, {kl.units})" in text and ol.name in text
    assert f"Total params: {theirs.count_params():,}" in text


def test_flatten_and_dropout_count_like_keras():
    ours = nn.Sequential([nn.Input((28, 28)), nn.Flatten(), nn.Dense(64, activation="relu"), nn.Dropout(0.2), nn.Dense(10)])
    theirs = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(64, activation="relu"),
                               keras.layers.Dropout(0.2), keras.layers.Dense(10)])
    assert ours.count_params() == theirs.count_params() == 50890
    assert ours.output_shape == theirs.output_shape


# --- EarlyStopping against Keras' own callback on the same sequences of values --------------
class _Holder:
    """Just enough of a model for EarlyStopping: weights, stop_training, metrics."""

    def __init__(self):
        self.stop_training = False
        self.metrics = []
        self.step = 0

    def get_weights(self):
        return [np.array([float(self.step)])]

    def set_weights(self, weights):
        self.step = int(weights[0][0])


SEQUENCES = {
    "falls-then-rises": [1.0, 0.8, 0.7, 0.71, 0.72, 0.73, 0.6, 0.9],
    "plateau": [0.5, 0.5, 0.49995, 0.5, 0.5, 0.5],
    "noisy": [0.9, 0.95, 0.85, 0.86, 0.84, 0.841, 0.9, 0.95, 0.99],
}


@pytest.mark.parametrize("seq_name", list(SEQUENCES))
@pytest.mark.parametrize(
    "kwargs",
    [
        {"patience": 0},
        {"patience": 2},
        {"patience": 1, "min_delta": 0.02},
        {"patience": 2, "restore_best_weights": True},
        {"patience": 1, "baseline": 0.75},
        {"patience": 1, "start_from_epoch": 3},
        {"patience": 1, "mode": "max"},
    ],
    ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()),
)
def test_early_stopping_matches_keras(seq_name, kwargs):
    values = SEQUENCES[seq_name]
    outcomes = []
    for callback in (nn.EarlyStopping(monitor="val_loss", **kwargs), keras.callbacks.EarlyStopping(monitor="val_loss", **kwargs)):
        holder = _Holder()
        callback.set_model(holder)
        callback.on_train_begin()
        stopped_at = None
        for epoch, value in enumerate(values):
            holder.step = epoch
            callback.on_epoch_end(epoch, {"val_loss": value})
            if holder.stop_training:
                stopped_at = epoch
                break
        callback.on_train_end()
        best = None if callback.best is None else float(callback.best)
        outcomes.append((stopped_at, callback.stopped_epoch, best, callback.best_epoch, callback.wait, holder.step))
    assert outcomes[0] == outcomes[1]


# --- lesson 08: steps_per_execution ------------------------------------------------------
def test_steps_per_execution_trains_keras_to_the_same_numbers():
    """Lesson 08 compiles with steps_per_execution=32 ("same training, faster"): Keras runs 32
    batches per call into TensorFlow, and the weights and History come out as with one."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1000, 20)).astype("float32")      # 8 batches of 128 (the last partial)
    y = rng.integers(0, 4, 1000)
    results = []
    for steps in (1, 32):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(16, activation="relu"),
                                  keras.layers.Dropout(0.2), keras.layers.Dense(4, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                      steps_per_execution=steps)
        history = model.fit(x, y, batch_size=128, epochs=3, verbose=0)
        results.append((model.get_weights(), history.history))
    (w1, h1), (w32, h32) = results
    for a, b in zip(w1, w32):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    for key in h1:
        np.testing.assert_allclose(h1[key], h32[key], rtol=1e-6)
