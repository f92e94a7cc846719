"""dlcourse.nn on its own (no TensorFlow): behaviour, errors, stability, gradient check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from nn_helpers import make_data

import dlcourse.nn as nn
from dlcourse.nn import activations, losses

REPO = Path(__file__).resolve().parent.parent


def small_model(*layers, loss="sparse_categorical_crossentropy", optimizer="adam", metrics=("accuracy",), seed=0):
    nn.set_seed(seed)
    model = nn.Sequential([nn.Input((4,)), *layers] if layers else
                          [nn.Input((4,)), nn.Dense(8, activation="relu"), nn.Dense(3, activation="softmax")])
    model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
    return model


# --- no TensorFlow --------------------------------------------------------------------------
def test_import_does_not_import_tensorflow():
    code = (
        "import sys, dlcourse.nn\n"
        "assert dlcourse.nn.__file__.startswith(sys.argv[1]), dlcourse.nn.__file__\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'jax', 'torch'))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(REPO)], cwd=REPO, capture_output=True, text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_no_source_file_mentions_an_import_of_tensorflow():
    for path in (REPO / "dlcourse" / "nn").glob("*.py"):
        for line in path.read_text().splitlines():
            stripped = line.strip()
            assert not (stripped.startswith(("import ", "from ")) and ("tensorflow" in stripped or "keras" in stripped)), path


# --- layers keep their intermediate values ------------------------------------------------
def test_dense_keeps_forward_and_backward_values():
    model = small_model()
    x, y = make_data("sparse", n=16)
    before = model.get_weights()
    loss, grads = model.compute_gradients(x, y)
    for w0, w1 in zip(before, model.get_weights()):
        np.testing.assert_array_equal(w0, w1)  # nothing was updated
    first, last = model.layers
    np.testing.assert_array_equal(first.last_input, x)
    np.testing.assert_allclose(first.last_z, x @ first.kernel + first.bias, rtol=1e-6)
    np.testing.assert_array_equal(first.last_output, np.maximum(first.last_z, 0))
    np.testing.assert_array_equal(last.last_input, first.last_output)
    # softmax + cross-entropy: delta = (softmax(z) - onehot) / batch
    expected_delta = (last.last_output - np.eye(3)[y]) / len(x)
    np.testing.assert_allclose(last.last_delta, expected_delta, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(last.kernel_grad, last.last_input.T @ last.last_delta, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(last.bias_grad, last.last_delta.sum(axis=0), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(first.last_output_grad, last.last_delta @ last.kernel.T, rtol=1e-5, atol=1e-7)
    assert [g.shape for g in grads] == [(4, 8), (8,), (8, 3), (3,)]
    np.testing.assert_array_equal(grads[2], last.kernel_grad)
    assert loss == pytest.approx(model.evaluate(x, y, verbose=0)[0], rel=1e-6)


def test_weights_layout_and_assignment():
    model = small_model()
    w = model.get_weights()
    assert [a.shape for a in w] == [(4, 8), (8,), (8, 3), (3,)]
    assert all(a.dtype == np.float32 for a in w)
    model.layers[0].kernel = np.ones((4, 8))  # assignment copies into the trained array
    x, y = make_data("sparse", n=16)
    model.train_on_batch(x, y)
    assert not np.allclose(model.layers[0].kernel, 1.0)
    assert np.abs(model.layers[0].kernel - 1.0).max() < 0.01
    model.set_weights(w)
    for a, b in zip(w, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_flatten_and_build_on_first_fit():
    nn.set_seed(0)
    model = nn.Sequential([nn.Flatten(), nn.Dense(5, activation="relu"), nn.Dense(2, activation="softmax")])
    assert not model.built and model.output_shape is None
    x = np.random.default_rng(0).random((20, 3, 4), dtype=np.float32)
    y = np.arange(20) % 2
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    assert model.built and model.count_params() == 12 * 5 + 5 + 5 * 2 + 2
    assert model.predict(x).shape == (20, 2)


# --- dropout ------------------------------------------------------------------------------
def test_dropout_scaling_and_statistics():
    layer = nn.Dropout(0.3, seed=1)
    x = np.ones((2000, 50), dtype=np.float32)
    out = layer(x, training=True)
    dropped = np.mean(out == 0)
    assert abs(dropped - 0.3) < 0.01
    np.testing.assert_allclose(out[out != 0], 1 / 0.7, rtol=1e-6)  # inverted dropout
    assert abs(out.mean() - 1.0) < 0.02  # expected value unchanged
    grad = layer.backward(np.full_like(x, 2.0))
    np.testing.assert_array_equal(grad == 0, out == 0)  # same mask on the way back
    np.testing.assert_array_equal(layer(x, training=False), x)  # inference: identity
    a = nn.Dropout(0.5, seed=7)(x, training=True)
    b = nn.Dropout(0.5, seed=7)(x, training=True)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(nn.NNError, match="rate"):
        nn.Dropout(1.0)


def test_dropout_in_a_model_only_during_training():
    model = small_model(nn.Dense(16, activation="relu"), nn.Dropout(0.5), nn.Dense(3, activation="softmax"))
    x, y = make_data("sparse", n=32)
    np.testing.assert_array_equal(model.predict(x), model.predict(x))
    model.compute_gradients(x, y, training=True)
    assert model.layers[1].mask is not None and (model.layers[1].mask == 0).any()
    model.compute_gradients(x, y, training=False)
    assert model.layers[1].mask is None


# --- numerical stability ------------------------------------------------------------------
EXTREMES = np.array([[-1000.0, -100.0, -1.0, 0.0, 1.0, 100.0, 1000.0]])


@pytest.mark.parametrize("name", sorted(activations.ACTIVATIONS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activations_are_stable_at_extremes(name, dtype):
    act = activations.get(name)
    x = EXTREMES.astype(dtype)
    with np.errstate(all="raise"):
        y = act(x)
        d = act.derivative(x)
        g = act.backward(x, y, np.ones_like(x))
    for arr in (y, d, g):
        assert np.all(np.isfinite(arr))
    expected = {
        "sigmoid": [0, 0, 0.26894142, 0.5, 0.73105858, 1, 1],
        "tanh": [-1, -1, -0.76159416, 0, 0.76159416, 1, 1],
        "relu": [0, 0, 0, 0, 1, 100, 1000],
        "leaky_relu": [-200, -20, -0.2, 0, 1, 100, 1000],
        "swish": [0, 0, -0.26894142, 0, 0.73105858, 100, 1000],
        "silu": [0, 0, -0.26894142, 0, 0.73105858, 100, 1000],
        "linear": EXTREMES[0],
    }
    if name == "softmax":
        np.testing.assert_allclose(y[0, -1], 1.0)
        np.testing.assert_allclose(y.sum(), 1.0, rtol=1e-6)
    else:
        np.testing.assert_allclose(y[0], expected[name], rtol=1e-6, atol=1e-30)


@pytest.mark.parametrize(
    "loss, y_true, y_pred, expected",
    [
        pytest.param(losses.BinaryCrossentropy(from_logits=True), [[1.0, 0.0]], [[-1000.0, -1000.0]], 500.0, id="bce-logits"),
        # -(log(1e-7) + log(1 - float32(1 - 1e-7))) / 2: float32 rounds 1 - 1e-7 to 1 - 1.19e-7
        pytest.param(losses.BinaryCrossentropy(), [[1.0, 0.0]], [[0.0, 1.0]], (16.118095 + 15.942385) / 2, id="bce-probs-clipped"),
        pytest.param(losses.CategoricalCrossentropy(from_logits=True), [[0.0, 1.0]], [[1000.0, -1000.0]], 2000.0, id="cce-logits"),
        pytest.param(losses.CategoricalCrossentropy(), [[0.0, 1.0]], [[1.0, 0.0]], 16.118095, id="cce-probs-clipped"),
        pytest.param(losses.SparseCategoricalCrossentropy(from_logits=True), [1], [[1000.0, -1000.0]], 2000.0, id="scce-logits"),
        pytest.param(losses.SparseCategoricalCrossentropy(), [1], [[1.0, 0.0]], 16.118095, id="scce-probs-clipped"),
        pytest.param(losses.MeanSquaredError(), [[0.0]], [[1000.0]], 1e6, id="mse"),
    ],
)
def test_losses_are_stable_at_extremes(loss, y_true, y_pred, expected):
    with np.errstate(all="raise"):
        value, grad = loss.value_and_gradient(np.array(y_true), np.array(y_pred, dtype=np.float32))
    assert value == pytest.approx(expected, rel=1e-5)
    assert np.all(np.isfinite(grad))


def test_training_step_is_stable_with_huge_inputs():
    model = small_model(nn.Dense(8, activation="sigmoid"), nn.Dense(3, activation="softmax"))
    x, y = make_data("sparse", n=16)
    with np.errstate(all="raise"):
        loss, grads = model.compute_gradients(x * 1000, y)
    assert np.isfinite(loss) and all(np.all(np.isfinite(g)) for g in grads)


# --- gradient check -----------------------------------------------------------------------
def test_gradient_check_passes_for_every_activation_loss_and_penalty():
    reg = nn.L1L2(l1=0.01, l2=0.01)
    for layers, loss, task in [
        ([nn.Dense(6, activation="tanh", kernel_regularizer=reg, bias_regularizer=nn.L2(0.1)),
          nn.Dense(5, activation="swish"), nn.Dense(5, activation="leaky_relu"), nn.Dense(4, activation="sigmoid"),
          nn.Dense(3, activation="softmax")], "sparse_categorical_crossentropy", "sparse"),
        ([nn.Dense(5, activation="relu"), nn.Dense(3, activation="softmax")], "mse", "onehot"),
        ([nn.Dense(5, activation="softmax"), nn.Dense(3)], nn.CategoricalCrossentropy(from_logits=True), "onehot"),
        ([nn.Dense(5, activation="tanh"), nn.Dense(3, activation="sigmoid")], "binary_crossentropy", "multilabel"),
    ]:
        model = small_model(*layers, loss=loss, metrics=())
        x, y = make_data(task, n=8)
        result = nn.gradient_check(model, x, y)
        assert result.passed(1e-6), str(result)
        assert set(result.errors) == {f"{layer.name}/{k}" for layer in model.layers for k in layer.params}


class _WrongTanh(activations.Tanh):
    """A classic bug: forgetting to square in tanh' = 1 - tanh^2."""

    def backward(self, x, y, grad):
        return grad * (1.0 - y)


def test_gradient_check_catches_a_wrong_derivative():
    model = small_model(nn.Dense(6, activation=_WrongTanh()), nn.Dense(3, activation="softmax"), metrics=())
    x, y = make_data("sparse", n=8)
    result = nn.gradient_check(model, x, y, max_per_array=10)
    first, second = model.layers
    assert result.errors[f"{first.name}/kernel"] > 1e-2
    assert result.errors[f"{second.name}/kernel"] < 1e-6  # the layer after the bug is still right
    assert not result.passed()
    assert "WRONG" in str(result)


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "from_logits"])
def test_loss_gradients_match_central_differences(name, from_logits):
    rng = np.random.default_rng(0)
    task = {"mean_squared_error": "regression", "mse": "regression", "binary_crossentropy": "multilabel",
            "categorical_crossentropy": "onehot", "sparse_categorical_crossentropy": "sparse"}[name]
    _, y = make_data(task, n=6)
    k = 2 if task == "regression" else 3
    loss = type(losses.get(name))(**({"from_logits": from_logits} if name not in ("mse", "mean_squared_error") else {}))
    pred = rng.normal(size=(6, k)) if from_logits else rng.uniform(0.05, 0.95, size=(6, k))
    _, grad = loss.value_and_gradient(y, pred)
    numerical = np.zeros_like(pred)
    h = 1e-6
    for i in np.ndindex(pred.shape):
        p, m = pred.copy(), pred.copy()
        p[i] += h
        m[i] -= h
        numerical[i] = (loss(y, p) - loss(y, m)) / (2 * h)
    np.testing.assert_allclose(grad, numerical, rtol=1e-5, atol=1e-8)


# --- learner-readable errors --------------------------------------------------------------
def test_shape_error_names_layer_and_both_shapes():
    layer = nn.Dense(2, input_shape=(4,), name="dense_1")
    with pytest.raises(nn.ShapeError) as info:
        layer(np.zeros((16, 3)))
    assert str(info.value) == "Dense 'dense_1' expects inputs with 4 features, got shape (16, 3)."
    assert isinstance(info.value, ValueError)
    model = small_model()
    with pytest.raises(nn.ShapeError, match=rf"Dense '{model.layers[0].name}' expects inputs with 4 features, got shape \(5, 7\)"):
        model.predict(np.zeros((5, 7)))


@pytest.mark.parametrize(
    "make, kind, valid",
    [
        (lambda: nn.Dense(3, activation="rleu"), "activation", ["relu", "sigmoid", "softmax", "tanh", "leaky_relu", "swish", "linear"]),
        (lambda: small_model(loss="cross_entropy"), "loss", ["mean_squared_error", "sparse_categorical_crossentropy"]),
        (lambda: small_model(optimizer="adamw"), "optimizer", ["adam", "sgd", "rmsprop", "adagrad", "adadelta"]),
        (lambda: small_model(metrics=["precision"]), "metric", ["accuracy", "mae"]),
        (lambda: nn.Dense(3, kernel_regularizer="l3"), "regularizer", ["l1", "l2"]),
        (lambda: nn.Dense(3, kernel_initializer="xavier"), "initializer", ["glorot_uniform", "he_normal"]),
    ],
    ids=["activation", "loss", "optimizer", "metric", "regularizer", "initializer"],
)
def test_unknown_names_list_the_valid_ones(make, kind, valid):
    with pytest.raises(nn.UnknownNameError) as info:
        make()
    message = str(info.value)
    assert message.startswith(f"Unknown {kind} ")
    for name in valid:
        assert repr(name) in message


def test_other_learner_errors():
    model = small_model()
    x, y = make_data("sparse", n=16)
    with pytest.raises(nn.NNError, match="label 7.*3 outputs.*between 0 and 2"):
        model.fit(x, np.full(16, 7), verbose=0)
    with pytest.raises(nn.ShapeError, match=r"16 input samples but 10 targets"):
        model.fit(x, y[:10], verbose=0)
    regression = small_model(nn.Dense(2), loss="mse", metrics=())
    with pytest.raises(nn.ShapeError, match=r"outputs shape \(None, 2\).*targets have shape \(16, 3\)"):
        regression.fit(x, np.zeros((16, 3)), verbose=0)
    uncompiled = nn.Sequential([nn.Dense(2, input_shape=(4,))])
    with pytest.raises(nn.NNError, match="compile"):
        uncompiled.fit(x, y)
    with pytest.raises(nn.ShapeError, match=r"kernel has shape \(4, 8\).*\(3, 8\)"):
        model.set_weights([np.zeros((3, 8)), np.zeros(8), np.zeros((8, 3)), np.zeros(3)])
    with pytest.raises(nn.NNError, match="has 4 weight arrays, got 2"):
        model.set_weights([np.zeros((4, 8)), np.zeros(8)])
    with pytest.raises(nn.NNError, match="input shape"):
        nn.Sequential([nn.Dense(2)]).count_params()


# --- seeding ------------------------------------------------------------------------------
def test_seeding_makes_models_and_training_reproducible():
    def run(seed):
        nn.set_seed(seed)
        model = nn.Sequential([nn.Dense(8, activation="relu", input_shape=(4,)), nn.Dropout(0.2),
                               nn.Dense(3, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        x, y = make_data("sparse")
        model.fit(x, y, epochs=2, batch_size=16, verbose=0)  # shuffled, with dropout
        return model.get_weights()

    a, b, c = run(5), run(5), run(6)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0])
    d1 = nn.Dense(3, input_shape=(2,), seed=42)
    d2 = nn.Dense(3, input_shape=(2,), seed=42)
    np.testing.assert_array_equal(d1.kernel, d2.kernel)


def test_glorot_uniform_limits():
    k = nn.Dense(300, input_shape=(100,), seed=0).kernel
    limit = np.sqrt(6 / 400)
    assert k.min() >= -limit and k.max() <= limit and k.max() > 0.95 * limit
    assert np.all(nn.Dense(3, input_shape=(2,)).bias == 0)


# --- Keras-style results --------------------------------------------------------------------
def test_history_evaluate_and_metric_names():
    model = small_model(loss="categorical_crossentropy", metrics=["acc", "mae"])
    x, y = make_data("onehot")
    history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0)
    assert set(history.history) == {"loss", "acc", "mae", "val_loss", "val_acc", "val_mae"}
    assert history.epoch == [0, 1, 2] and all(len(v) == 3 for v in history.history.values())
    result = model.evaluate(x, y, verbose=0)
    assert isinstance(result, list) and len(result) == 3
    as_dict = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(as_dict) == ["loss", "acc", "mae"] and as_dict["loss"] == pytest.approx(result[0])
    predictions = model.predict(x)
    assert as_dict["acc"] == pytest.approx(np.mean(predictions.argmax(axis=1) == y.argmax(axis=1)))
    assert as_dict["mae"] == pytest.approx(np.mean(np.abs(predictions - y)), rel=1e-5)
    np.testing.assert_allclose(model.predict(x, batch_size=7), predictions, rtol=1e-6)


@pytest.mark.parametrize(
    "y_shape, out_units, expected",
    [((10,), 1, "BinaryAccuracy"), ((10, 1), 1, "BinaryAccuracy"), ((10,), 3, "SparseCategoricalAccuracy"),
     ((10, 1), 3, "SparseCategoricalAccuracy"), ((10, 3), 3, "CategoricalAccuracy")],
)
def test_accuracy_resolves_like_keras(y_shape, out_units, expected):
    metric = nn.metrics.get("accuracy", y_shape, (10, out_units))
    assert type(metric).__name__ == expected and metric.name == "accuracy"


def test_binary_accuracy_threshold():
    m = nn.metrics.BinaryAccuracy()
    assert m(np.array([1, 1, 0, 0]), np.array([[0.51], [0.5], [0.49], [0.9]])) == 0.5


# --- callbacks ------------------------------------------------------------------------------
class Recorder(nn.Callback):
    def __init__(self, stop_at_batch=None):
        super().__init__()
        self.events = []
        self.stop_at_batch = stop_at_batch

    def on_train_begin(self, logs=None):
        self.events.append("train_begin")

    def on_epoch_begin(self, epoch, logs=None):
        self.events.append(f"epoch_begin {epoch}")

    def on_train_batch_end(self, batch, logs=None):
        self.events.append(f"batch_end {batch} {sorted(logs)}")
        if batch == self.stop_at_batch:
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self.events.append(f"epoch_end {epoch} {sorted(logs)}")

    def on_train_end(self, logs=None):
        self.events.append("train_end")


def test_callback_hooks_order_and_stop_training():
    model = small_model()
    x, y = make_data("sparse", n=40)
    rec = Recorder()
    model.fit(x, y, epochs=2, batch_size=16, callbacks=[rec], verbose=0)
    assert rec.events == [
        "train_begin",
        "epoch_begin 0", *[f"batch_end {b} ['accuracy', 'loss']" for b in range(3)], "epoch_end 0 ['accuracy', 'loss']",
        "epoch_begin 1", *[f"batch_end {b} ['accuracy', 'loss']" for b in range(3)], "epoch_end 1 ['accuracy', 'loss']",
        "train_end",
    ]
    stopper = Recorder(stop_at_batch=1)
    history = model.fit(x, y, epochs=5, batch_size=16, callbacks=[stopper], verbose=0)
    assert stopper.events[-3:] == ["batch_end 1 ['accuracy', 'loss']", "epoch_end 0 ['accuracy', 'loss']", "train_end"]
    assert len(history.epoch) == 1
    seen = []
    model.fit(x, y, epochs=2, verbose=0, callbacks=[nn.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(e))])
    assert seen == [0, 1]


def test_early_stopping_in_fit_restores_best_weights():
    model = small_model(optimizer=nn.SGD(learning_rate=3.0))  # far too large: validation loss will wander
    x, y = make_data("sparse")
    xv, yv = make_data("sparse", seed=9)
    snapshots = []
    keep = nn.LambdaCallback(on_epoch_end=lambda e, logs: snapshots.append(model.get_weights()))
    stopper = nn.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    history = model.fit(x, y, epochs=40, batch_size=16, validation_data=(xv, yv), callbacks=[keep, stopper], verbose=0)
    val = history.history["val_loss"]
    best = int(np.argmin(val))
    assert stopper.stopped_epoch == len(val) - 1 < 39  # it stopped early ...
    assert len(val) - 1 - best == 2  # ... exactly patience epochs after the best one
    assert stopper.best_epoch == best
    for a, b in zip(model.get_weights(), snapshots[best]):
        np.testing.assert_array_equal(a, b)


def test_early_stopping_auto_mode_follows_metric_direction():
    model = small_model(loss="categorical_crossentropy", metrics=["accuracy", "mse"])
    x, y = make_data("onehot")
    model.fit(x, y, epochs=1, verbose=0)
    for monitor, op in [("val_accuracy", ">"), ("val_mse", "<"), ("loss", "<")]:
        stopper = nn.EarlyStopping(monitor=monitor)
        stopper.set_model(model)
        stopper._set_monitor_op()
        assert stopper.monitor_op(2, 1) == (op == ">")
    with pytest.raises(nn.NNError, match="mode='max'"):
        stopper = nn.EarlyStopping(monitor="val_something")
        stopper.set_model(model)
        stopper._set_monitor_op()


def test_verbose_output(capsys):
    model = small_model()
    x, y = make_data("sparse", n=40)
    model.fit(x, y, epochs=2, batch_size=16, verbose=2, validation_split=0.2)
    out = capsys.readouterr().out
    assert out.count("Epoch ") == 2 and "2/2" in out and "val_accuracy: " in out and "loss: " in out
    model.fit(x, y, epochs=1, verbose=0)
    assert capsys.readouterr().out == ""


# --- optimizers on their own: racing on a 2-D surface --------------------------------------
@pytest.mark.parametrize(
    "optimizer",
    [nn.SGD(0.05), nn.SGD(0.02, momentum=0.9), nn.SGD(0.02, momentum=0.9, nesterov=True), nn.Adagrad(0.5),
     nn.Adadelta(10.0), nn.RMSprop(0.05), nn.RMSprop(0.02, momentum=0.5, centered=True), nn.Adam(0.1),
     nn.Adam(0.1, amsgrad=True), nn.SGD(nn.InverseTimeDecay(0.05, 10, 0.5))],
    ids=repr,
)
def test_optimizers_descend_a_2d_bowl(optimizer):
    def grad(p):  # f(x, y) = x^2 + 10 y^2
        return np.array([2 * p[0], 20 * p[1]])

    p = np.array([-1.5, 1.0])  # float64 works too
    start = p @ (np.array([1, 10]) * p)
    for _ in range(200):
        optimizer.apply([grad(p)], [p])
    assert optimizer.iterations == 200
    assert p @ (np.array([1, 10]) * p) < 0.05 * start
    optimizer.reset()
    assert optimizer.iterations == 0 and optimizer.state is None


def test_optimizer_argument_errors():
    opt = nn.Adam()
    with pytest.raises(nn.NNError, match="float NumPy arrays"):
        opt.apply([np.array([1.0])], [np.array([1])])
    with pytest.raises(nn.ShapeError, match=r"gradient 0 has shape \(3,\).*\(2,\)"):
        opt.apply([np.zeros(3)], [np.zeros(2)])
    with pytest.raises(nn.NNError, match="learning_rate"):
        nn.SGD(learning_rate="fast")


def test_inverse_time_decay_is_keras2_decay():
    schedule = nn.InverseTimeDecay(0.1, decay_steps=1, decay_rate=0.01)
    for step in (0, 1, 10, 1000):
        assert float(schedule(step)) == pytest.approx(0.1 / (1 + 0.01 * step), rel=1e-6)
    opt = nn.SGD(learning_rate=schedule)
    p = np.zeros(1, dtype=np.float32)
    for _ in range(3):
        opt.apply([np.ones(1, dtype=np.float32)], [p])
    assert p[0] == pytest.approx(-sum(0.1 / (1 + 0.01 * t) for t in range(3)), rel=1e-6)


# --- regularizers ---------------------------------------------------------------------------
def test_regularizer_formulas():
    w = np.array([[1.0, -2.0], [0.0, 3.0]], dtype=np.float32)
    assert float(nn.L2()(w)) == pytest.approx(0.01 * 14)
    assert float(nn.L1(0.1)(w)) == pytest.approx(0.1 * 6)
    assert float(nn.L1L2(0.1, 0.2)(w)) == pytest.approx(0.6 + 0.2 * 14)
    np.testing.assert_allclose(nn.L1L2(0.1, 0.2).gradient(w), 0.1 * np.sign(w) + 0.4 * w, rtol=1e-6)
    model = small_model(nn.Dense(3, activation="softmax", kernel_regularizer=nn.L2(0.5)), metrics=())
    x, y = make_data("sparse", n=16)
    plain = model.loss(y, model.predict(x))
    assert model.evaluate(x, y, verbose=0) == pytest.approx(plain + 0.5 * np.sum(model.layers[0].kernel ** 2), rel=1e-5)
