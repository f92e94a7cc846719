"""Every claim the course makes about how Keras or TensorFlow behaves, asserted by running Keras.

One test (or a few) per claim; each test's name starts with the lesson it backs, and its
docstring quotes or paraphrases the sentence and names the lesson's section. A Keras upgrade
that changes a default, an error, a warning or what a loss computes from fails here, and the
failing test names the lesson to correct.

Sections follow the course map. Keep each claim next to its lesson's others.
"""

from __future__ import annotations

import os
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402


def _warnings_of(function, *args, **kwargs) -> list[str]:
    """The messages of every warning ``function(*args, **kwargs)`` raises."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        function(*args, **kwargs)
    return [str(w.message) for w in caught]


def test_keras_is_version_3():
    """README, lesson 08: the course teaches Keras 3."""
    assert keras.__version__.split(".")[0] == "3"


# ============================================================================================
# Lesson 01: the neuron
# ============================================================================================


def test_lesson01_dense_names_its_weights_kernel_and_bias_and_computes_x_at_w_plus_b():
    """Lesson 01, "Many examples at once": a Dense layer with units=1 computes X @ w + b before its
    activation; Keras calls the weights `kernel` and the bias `bias`."""
    layer = keras.layers.Dense(1)
    X = np.array([[1.0, 0.5], [0.0, 2.0], [1.0, 2.0]], dtype="float32")
    out = np.asarray(layer(X))
    assert [w.path.split("/")[-1] for w in layer.weights] == ["kernel", "bias"]
    kernel, bias = (np.asarray(w) for w in layer.weights)
    np.testing.assert_allclose(out, X @ kernel + bias, rtol=1e-6)


def test_lesson01_dense_has_a_bias_unless_use_bias_is_false():
    """Lesson 01, "Why the bias matters": a Keras Dense layer has a bias in every unit unless you
    pass use_bias=False."""
    with_bias, without = keras.layers.Dense(3), keras.layers.Dense(3, use_bias=False)
    assert with_bias.use_bias is True
    with_bias.build((None, 2))
    without.build((None, 2))
    assert len(with_bias.weights) == 2 and tuple(with_bias.bias.shape) == (3,)
    assert len(without.weights) == 1 and without.bias is None


# ============================================================================================
# Lesson 02: activation functions
# ============================================================================================


def test_lesson02_dense_defaults_to_the_linear_activation():
    """Lesson 02, "Why a network needs a non-linearity": a Dense layer's default, activation=None,
    is the linear activation f(z) = z."""
    layer = keras.layers.Dense(2)
    assert layer.activation is keras.activations.linear
    x = np.array([[1.0, -2.0, 3.0]], dtype="float32")
    out = np.asarray(layer(x))
    np.testing.assert_allclose(out, x @ np.asarray(layer.kernel) + np.asarray(layer.bias), rtol=1e-6)
    assert (out < 0).any() or (out > 0).all()  # nothing squashed: a linear output keeps any sign


def test_lesson02_two_stacked_linear_dense_layers_are_one_layer():
    """Lesson 02, cell "largest difference": two Dense layers without activation equal one layer
    with kernel W1 W2 and bias b1 W2 + b2."""
    keras.utils.set_random_seed(2)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, bias_initializer="random_normal"),
                              keras.layers.Dense(2, bias_initializer="random_normal")])
    W1, b1, W2, b2 = model.get_weights()
    x = np.random.default_rng(2).normal(size=(5, 3)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), x @ (W1 @ W2) + (b1 @ W2 + b2), atol=1e-5)


def test_lesson02_relu_slope_at_zero_is_zero_in_keras():
    """Lesson 02, the activations table: ReLU has no slope at exactly z = 0; Keras uses 0 there."""
    import tensorflow as tf

    z = tf.Variable([-1.0, 0.0, 2.0])
    with tf.GradientTape() as tape:
        out = tf.reduce_sum(keras.activations.relu(z))
    np.testing.assert_array_equal(tape.gradient(out, z).numpy(), [0.0, 0.0, 1.0])


def test_lesson02_leaky_relu_function_and_activation_string_default_to_0_2():
    """Lesson 02, the activations table and summary: keras.activations.leaky_relu and
    activation="leaky_relu" use negative_slope 0.2."""
    assert float(keras.activations.leaky_relu(np.array([-1.0]))[0]) == pytest.approx(-0.2)
    layer = keras.layers.Dense(1, activation="leaky_relu", use_bias=False, kernel_initializer="ones")
    assert float(np.asarray(layer(np.array([[-1.0]], dtype="float32")))[0, 0]) == pytest.approx(-0.2)


def test_lesson02_leaky_relu_layer_defaults_to_0_3_and_alpha_is_the_keras_2_name():
    """Lesson 02, the activations table and summary: the layer keras.layers.LeakyReLU() defaults to
    negative_slope 0.3; Keras 2 called the argument `alpha` (Keras 3 still accepts it, with a
    deprecation warning)."""
    layer = keras.layers.LeakyReLU()
    assert layer.negative_slope == pytest.approx(0.3)
    assert float(np.asarray(layer(np.array([-1.0], dtype="float32")))[0]) == pytest.approx(-0.3)
    messages = _warnings_of(keras.layers.LeakyReLU, alpha=0.1)
    assert any("alpha" in m and "negative_slope" in m for m in messages), messages


def test_lesson02_swish_is_silu_and_its_slope_dips_below_zero():
    """Lesson 02, the activations table ("swish", also "silu") and "What you should have seen":
    swish's slope dips to about -0.1 near z = -2.4 and peaks at about 1.1 near z = 2.4; its
    smallest value is about -0.28."""
    import tensorflow as tf

    assert keras.activations.get("swish") is keras.activations.get("silu")
    z = tf.Variable(np.linspace(-6.0, 6.0, 12001))
    with tf.GradientTape() as tape:
        out = keras.activations.get("swish")(z)
    slope = tape.gradient(out, z).numpy()
    grid = z.numpy()
    assert slope.min() == pytest.approx(-0.0998, abs=5e-4) and grid[slope.argmin()] == pytest.approx(-2.4, abs=0.05)
    assert slope.max() == pytest.approx(1.0998, abs=5e-4) and grid[slope.argmax()] == pytest.approx(2.4, abs=0.05)
    assert float(np.min(np.asarray(out))) == pytest.approx(-0.278, abs=1e-3)


def test_lesson02_softmax_normalises_the_last_axis():
    """Lesson 02, "Softmax": Keras applies softmax along the last axis, so a batch of shape (m, k)
    gives m rows of probabilities."""
    scores = np.array([[2.0, 1.0, 0.1], [0.5, 0.5, 3.0]])
    p = np.asarray(keras.activations.softmax(scores))
    np.testing.assert_allclose(p.sum(axis=-1), 1.0)
    np.testing.assert_allclose(p[0], np.exp(scores[0]) / np.exp(scores[0]).sum(), rtol=1e-6)


# ============================================================================================
# Lesson 03: layers and forward propagation
# ============================================================================================


def test_lesson03_input_shape_on_a_layer_warns_and_input_does_not():
    """Lesson 03, "A whole batch at once" (and lesson 02's models): Keras 3 asks for an Input at the
    start of a model and warns about `input_shape=` on the first layer."""
    messages = _warnings_of(keras.layers.Dense, 4, input_shape=(3,))
    assert any("input_shape" in m and "Input" in m for m in messages), messages
    assert not _warnings_of(keras.Sequential, [keras.Input((3,)), keras.layers.Dense(4)])


def test_lesson03_kernel_shape_weight_order_and_parameter_count():
    """Lesson 03, "One layer, two steps" and "Counting parameters": the kernel has shape (inputs,
    units); get_weights gives kernel, bias, kernel, bias; the spam filter has 11 parameters."""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    assert [w.shape for w in model.get_weights()] == [(3, 2), (2,), (2, 1), (1,)]
    assert model.count_params() == 11
    assert keras.Sequential([keras.Input((784,)), keras.layers.Dense(128), keras.layers.Dense(10)]).count_params() == 101_770


# ============================================================================================
# Lesson 04: loss functions
# ============================================================================================


def _sigmoid_model(z: float, loss="binary_crossentropy"):
    """One input, a Dense(1, activation="sigmoid") whose weighted sum is z for the input 1."""
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights([np.array([[z]]), np.array([0.0])])
    model.compile(loss=loss)
    return model


def test_lesson04_losses_average_over_the_batch_by_default():
    """Lesson 04, "What a loss measures": Keras averages the examples' losses over the batch (its
    default reduction, "sum_over_batch_size"); MSE also averages over the outputs."""
    for loss in (keras.losses.MeanSquaredError(), keras.losses.BinaryCrossentropy(),
                 keras.losses.CategoricalCrossentropy(), keras.losses.SparseCategoricalCrossentropy()):
        assert loss.reduction == "sum_over_batch_size"
    y, p = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 0.0], [0.0, 4.0]])
    assert float(keras.losses.MeanSquaredError()(y, p)) == pytest.approx(np.mean((p - y) ** 2))


def test_lesson04_bare_probabilities_are_clipped_at_epsilon():
    """Lesson 04, "Binary cross-entropy" and "Probabilities or logits": keras.backend.epsilon() is
    1e-7, and a loss given a bare probability (a NumPy array) clips it, so sigma(20) = 1.0 for class 0
    costs about 15.94 in float32 (-ln 1e-7 = 16.1 in float64), not 20."""
    assert keras.backend.epsilon() == pytest.approx(1e-7)
    p = np.array([1.0], dtype="float32")  # sigma(20) in float32
    assert float(1 / (1 + np.exp(-np.float32(20.0)))) == 1.0
    assert float(keras.losses.BinaryCrossentropy()(np.array([0.0], "float32"), p)) == pytest.approx(15.9424, abs=1e-3)
    assert float(np.asarray(keras.losses.binary_crossentropy(np.array([0.0]), np.array([1.0])))) == pytest.approx(-np.log(1e-7))


def test_lesson04_categorical_crossentropy_rescales_rows_and_sparse_gives_the_same():
    """Lesson 04, "Categorical cross-entropy" and "Integer labels": Keras first rescales each row of
    probabilities to sum to 1; the sparse loss takes integer labels and gives the same numbers."""
    onehot = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    p = np.array([[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]])
    expected = np.mean(-np.log([0.7, 0.3]))
    assert float(keras.losses.CategoricalCrossentropy()(onehot, p)) == pytest.approx(expected, rel=1e-6)
    assert float(keras.losses.CategoricalCrossentropy()(onehot, 2 * p)) == pytest.approx(expected, rel=1e-6)
    assert float(keras.losses.SparseCategoricalCrossentropy()(np.array([1, 0]), p)) == pytest.approx(expected, rel=1e-6)


def test_lesson04_sigmoid_output_is_charged_from_its_logit():
    """Lesson 04, "Probabilities or logits" (and lesson 05, "Where does it start?"): in Keras 3 on
    TensorFlow a Dense with activation="sigmoid" keeps its logits on the output tensor, so evaluate
    at z = 20 on class 0 gives 20.0, not the clipped 15.94, although predict gives exactly 1.0."""
    model = _sigmoid_model(20.0)
    x, y = np.ones((1, 1), "float32"), np.zeros((1, 1), "float32")
    assert float(model.predict(x, verbose=0)[0, 0]) == 1.0
    assert model.evaluate(x, y, verbose=0) == pytest.approx(20.0, abs=1e-5)
    assert hasattr(model(x), "_keras_logits")
    # The same output as a bare NumPy array is clipped:
    assert float(keras.losses.BinaryCrossentropy()(y, model.predict(x, verbose=0))) == pytest.approx(15.9424, abs=1e-3)


def test_lesson04_sigmoid_output_gets_the_gradient_p_minus_y():
    """Lesson 04, "Probabilities or logits": training a sigmoid output at z = 20 on class 0 gets the
    logit's gradient p - y = 1 (kernel and bias, input 1), not the 0 a clipped probability would give;
    one SGD step of learning rate 1 moves both by exactly 1."""
    import tensorflow as tf

    model = _sigmoid_model(20.0)
    x, y = np.ones((1, 1), "float32"), np.zeros((1, 1), "float32")
    with tf.GradientTape() as tape:
        loss = keras.losses.BinaryCrossentropy()(y, model(x))
    kernel_grad, bias_grad = (g.numpy() for g in tape.gradient(loss, model.trainable_variables))
    assert kernel_grad[0, 0] == pytest.approx(1.0) and bias_grad[0] == pytest.approx(1.0)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0), loss="binary_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    np.testing.assert_allclose([w.ravel()[0] for w in model.get_weights()], [19.0, -1.0], atol=1e-5)


def test_lesson04_softmax_output_is_charged_from_its_logits():
    """Lesson 04, "Probabilities or logits": a Dense with activation="softmax" also keeps its logits;
    categorical and sparse categorical cross-entropy use them (40.0 for scores [40, 0] on class 1)."""
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    model.set_weights([np.eye(2), np.zeros(2)])
    x = np.array([[40.0, 0.0]], "float32")
    model.compile(loss="sparse_categorical_crossentropy")
    assert model.evaluate(x, np.array([1]), verbose=0) == pytest.approx(40.0, abs=1e-4)
    model.compile(loss="categorical_crossentropy")
    assert model.evaluate(x, np.array([[0.0, 1.0]]), verbose=0) == pytest.approx(40.0, abs=1e-4)


def test_lesson04_probabilities_made_elsewhere_are_clipped():
    """Lesson 04, "Probabilities or logits": the clip bites when the loss sees probabilities your own
    code computed, e.g. a sigmoid written by hand in a Lambda layer."""
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1),
                              keras.layers.Lambda(lambda t: 1 / (1 + keras.ops.exp(-t)))])
    model.set_weights([np.array([[20.0]]), np.array([0.0])])
    model.compile(loss="binary_crossentropy")
    x, y = np.ones((1, 1), "float32"), np.zeros((1, 1), "float32")
    assert model.evaluate(x, y, verbose=0) == pytest.approx(15.9424, abs=1e-3)


def test_lesson04_from_logits_formula_and_a_linear_output_without_it():
    """Lesson 04, "Probabilities or logits": with from_logits=True the loss is
    max(z, 0) - z y + ln(1 + e^-|z|); a linear last layer without from_logits=True is charged as if
    its raw scores were probabilities (clipped: 15.94, not 20)."""
    z = np.array([[20.0], [-3.0], [0.5]], "float32")
    y = np.array([[0.0], [1.0], [1.0]], "float32")
    by_hand = np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
    assert float(keras.losses.BinaryCrossentropy(from_logits=True)(y, z)) == pytest.approx(by_hand, rel=1e-5)
    linear = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    linear.set_weights([np.array([[20.0]]), np.array([0.0])])
    linear.compile(loss="binary_crossentropy")
    assert linear.evaluate(np.ones((1, 1)), np.zeros((1, 1)), verbose=0) == pytest.approx(15.9424, abs=1e-3)
    linear.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True))
    assert linear.evaluate(np.ones((1, 1)), np.zeros((1, 1)), verbose=0) == pytest.approx(20.0, abs=1e-5)


def test_lesson04_from_logits_true_after_a_sigmoid_output_warns():
    """Lesson 04, "Common mistakes": a sigmoid (or softmax) output needs the default
    from_logits=False; Keras on TensorFlow warns about the mix (and uses the kept logits)."""
    model = _sigmoid_model(2.0)
    x, y = np.ones((1, 1), "float32"), np.zeros((1, 1), "float32")
    output = model(x)
    loss = keras.losses.BinaryCrossentropy(from_logits=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = float(loss(y, output))
    messages = [str(w.message) for w in caught]
    assert any("from_logits=True" in m and "Sigmoid" in m for m in messages), messages
    assert value == pytest.approx(2.0 + np.log1p(np.exp(-2.0)), rel=1e-5)  # from z = 2, not sigmoid(sigmoid(2))

def test_lesson04_the_engine_charges_a_sigmoid_output_as_keras_does():
    """Lesson 04 and lesson 05 ("so does the course's engine"): the engine's Sequential computes a
    cross-entropy after a sigmoid output from z, like Keras: 20.0 at z = 20 on class 0."""
    from dlcourse import nn

    engine = nn.Sequential([nn.Input((1,)), nn.Dense(1, activation="sigmoid")])
    engine.set_weights([np.array([[20.0]]), np.array([0.0])])
    engine.compile(optimizer=nn.SGD(learning_rate=1.0), loss="binary_crossentropy")
    x, y = np.ones((1, 1), "float32"), np.zeros((1, 1), "float32")
    assert engine.evaluate(x, y, verbose=0) == pytest.approx(_sigmoid_model(20.0).evaluate(x, y, verbose=0), abs=1e-4)
    _, grads = engine.compute_gradients(x, y)
    np.testing.assert_allclose([g.ravel()[0] for g in grads], [1.0, 1.0], atol=1e-6)


# ============================================================================================
# Lesson 05: backpropagation
# ============================================================================================


def test_lesson05_keras_gradient_at_the_output_is_a_minus_y_over_m():
    """Lesson 05, "Where does it start?": for a sigmoid output with binary cross-entropy averaged over
    m samples Keras' gradient on Z is (A - Y)/m, even where A rounds to 0 or 1."""
    import tensorflow as tf

    rng = np.random.default_rng(5)
    x = np.vstack([rng.normal(size=(5, 3)), [[30.0, 0.0, 0.0]]]).astype("float32")  # last: A rounds to 1
    y = np.array([[1], [0], [1], [1], [0], [0]], "float32")
    dense = keras.layers.Dense(1, activation="sigmoid", kernel_initializer="ones")
    model = keras.Sequential([keras.Input((3,)), dense])
    with tf.GradientTape() as tape:
        loss = keras.losses.BinaryCrossentropy()(y, model(x))
    kernel_grad, bias_grad = (g.numpy() for g in tape.gradient(loss, model.trainable_variables))
    a = 1 / (1 + np.exp(-(x.astype(float) @ np.ones((3, 1)))))
    dz = (a - y) / len(x)
    np.testing.assert_allclose(bias_grad, dz.sum(axis=0), rtol=1e-5)
    np.testing.assert_allclose(kernel_grad, x.T @ dz, rtol=1e-5)


def test_lesson05_gradient_tape_gives_the_lessons_backward_pass():
    """Lesson 05, "Automatic differentiation": tf.GradientTape gives the spam filter the same
    gradients as the lesson's NumPy backward pass (dW = Aᵀ dZ, db = Σ dZ, dA = dZ Wᵀ)."""
    import tensorflow as tf

    from dlcourse.data import SPAM_EXAMPLE
    from dlcourse.widgets.backprop import SPAM_EMAILS

    X, Y = np.array(SPAM_EMAILS[0], "float32"), np.array(SPAM_EMAILS[1], "float32").reshape(-1, 1)
    W1, b1, W2, b2 = SPAM_EXAMPLE.weights()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights([W1, b1, W2, b2])
    with tf.GradientTape() as tape:
        loss = keras.losses.BinaryCrossentropy()(Y, model(X))
    taped = [g.numpy() for g in tape.gradient(loss, model.trainable_variables)]
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    dZ2 = (1 / (1 + np.exp(-(A1 @ W2 + b2))) - Y) / len(X)
    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
    for ours, theirs in zip([X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dZ2, dZ2.sum(axis=0)], taped):
        np.testing.assert_allclose(ours, theirs, atol=1e-6)


def test_lesson05_dense_starts_from_glorot_uniform_kernels_and_zero_biases():
    """Lesson 05, "Why the starting weights are random": Keras' Dense defaults are
    kernel_initializer="glorot_uniform" (uniform within ±sqrt(6 / (n_in + n_out))) and
    bias_initializer="zeros"; the engine uses the same."""
    from dlcourse import nn

    layer = keras.layers.Dense(64)
    assert type(layer.kernel_initializer).__name__ == "GlorotUniform"
    assert type(layer.bias_initializer).__name__ == "Zeros"
    layer.build((None, 100))
    kernel, limit = np.asarray(layer.kernel), np.sqrt(6 / (100 + 64))
    assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.9 * limit
    np.testing.assert_array_equal(np.asarray(layer.bias), 0.0)
    from dlcourse.nn import initializers

    engine = nn.Dense(64)
    assert engine.kernel_initializer is initializers.get("glorot_uniform")
    assert engine.bias_initializer is initializers.get("zeros")


def test_lesson05_keras_units_that_start_equal_stay_equal():
    """Lesson 05, "Why the starting weights are random": a Keras network whose hidden units start
    with equal weights keeps them identical through training (the spam filter, 200 steps); the
    default random start does not."""
    from dlcourse.widgets.backprop import SPAM_EMAILS

    X, Y = np.array(SPAM_EMAILS[0], "float32"), np.array(SPAM_EMAILS[1], "float32").reshape(-1, 1)

    def trained_hidden_kernel(**init):
        keras.utils.set_random_seed(5)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="relu", **init),
                                  keras.layers.Dense(1, activation="sigmoid", **init)])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy")
        model.fit(np.tile(X, (200, 1)), np.tile(Y, (200, 1)), batch_size=4, shuffle=False, verbose=0)  # 200 steps
        return model.get_weights()[0]

    equal = trained_hidden_kernel(kernel_initializer=keras.initializers.Constant(0.3))
    assert np.abs(equal - 0.3).max() > 0.1  # it did learn ...
    np.testing.assert_allclose(equal[:, 0], equal[:, 1], atol=1e-6)  # ... but the two units are twins
    random_start = trained_hidden_kernel()
    assert np.abs(random_start[:, 0] - random_start[:, 1]).max() > 0.1


# ============================================================================================
# Lesson 06: gradient descent
# ============================================================================================


class _CountBatches(keras.callbacks.Callback):
    """Counts the updates ``fit`` makes (one per batch)."""

    def __init__(self):
        super().__init__()
        self.batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1


def _tiny_regression(n=100, features=2, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    return x, (x.sum(axis=1, keepdims=True) / 2).astype("float32")


def test_lesson06_fit_uses_batches_of_32_by_default():
    """Lesson 06, "Batch, mini-batch and stochastic gradient descent": `model.fit` uses mini-batches of
    `batch_size=32` by default (100 examples: 4 updates per epoch, the last batch smaller)."""
    x, y = _tiny_regression(100)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(), loss="mse")
    counter = _CountBatches()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[counter])
    assert counter.batches == 2 * 4


def test_lesson06_sgd_is_plain_gradient_descent_with_learning_rate():
    """Lesson 06, "Downhill, one step at a time": the learning rate is `learning_rate` in Keras, and
    `keras.optimizers.SGD` makes the update w <- w - learning_rate * gradient (its default rate 0.01)."""
    assert keras.optimizers.SGD().get_config()["learning_rate"] == pytest.approx(0.01)
    w = keras.Variable(np.array([0.0, 1.0], dtype="float32"))
    keras.optimizers.SGD(learning_rate=0.1).apply([keras.ops.convert_to_tensor(np.array([-6.0, 2.0], "float32"))], [w])
    np.testing.assert_allclose(w.numpy(), [0.6, 0.8], rtol=1e-6)


# ============================================================================================
# Lesson 07: optimizers
# ============================================================================================


def _apply_steps(optimizer, gradients, w0, dtype="float64"):
    """Every point ``optimizer`` visits from ``w0`` when fed ``gradients`` one after another."""
    w = keras.Variable(np.array(w0, dtype=dtype))
    points = [w.numpy().copy()]
    for g in gradients:
        optimizer.apply([keras.ops.convert_to_tensor(np.array(g, dtype=dtype))], [w])
        points.append(w.numpy().copy())
    return np.array(points)


def test_lesson07_lr_keyword_raises():
    """Lesson 07, "Learning-rate schedules" and "Common mistakes": `SGD(lr=0.01)` fails in Keras 3."""
    with pytest.raises(ValueError, match="lr"):
        keras.optimizers.SGD(lr=0.01)


def test_lesson07_decay_keyword_is_accepted_and_ignored_with_a_warning():
    """Lesson 07, "Learning-rate schedules": `decay=` is accepted and ignored, with only a UserWarning,
    so fixing `lr=` alone silently loses the decay."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        decayed = keras.optimizers.SGD(learning_rate=0.1, decay=0.5)
    assert any(issubclass(w.category, UserWarning) and "decay" in str(w.message) for w in caught)
    steps = [[1.0]] * 5
    np.testing.assert_array_equal(_apply_steps(decayed, steps, [0.0]),
                                  _apply_steps(keras.optimizers.SGD(learning_rate=0.1), steps, [0.0]))


def test_lesson07_inverse_time_decay_is_keras2_decay():
    """Lesson 07, "Learning-rate schedules": Keras 2's `decay=r` is `InverseTimeDecay(eta0, decay_steps=1,
    decay_rate=r)`, eta_t = eta0 / (1 + r t), with t = 0 for the first update."""
    schedule = keras.optimizers.schedules.InverseTimeDecay(initial_learning_rate=0.1, decay_steps=1, decay_rate=0.5)
    path = _apply_steps(keras.optimizers.SGD(learning_rate=schedule), [[1.0]] * 4, [0.0])
    expected = -np.cumsum([0.1 / (1 + 0.5 * t) for t in range(4)])
    np.testing.assert_allclose(path[1:, 0], expected, rtol=1e-6)


def test_lesson07_momentum_forms_coincide_only_for_a_constant_learning_rate():
    """Lesson 07, "Momentum": Keras' v <- mu v - eta g, w <- w + v and PyTorch's v <- mu v + g,
    w <- w - eta v walk the same path for a constant learning rate, not under a schedule."""
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(20, 3))

    def pytorch_form(rates):
        w, v, points = np.zeros(3), np.zeros(3), [np.zeros(3)]
        for g, eta in zip(grads, rates):
            v = 0.9 * v + g
            w = w - eta * v
            points.append(w)
        return np.array(points)

    constant = _apply_steps(keras.optimizers.SGD(learning_rate=0.1, momentum=0.9), grads, np.zeros(3))
    np.testing.assert_allclose(constant, pytorch_form([0.1] * 20), atol=1e-6)  # eta kept in float32
    schedule = keras.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=1, decay_rate=0.5)
    scheduled = _apply_steps(keras.optimizers.SGD(learning_rate=schedule, momentum=0.9), grads, np.zeros(3))
    rates = [0.1 / (1 + 0.5 * t) for t in range(20)]
    assert np.abs(scheduled - pytorch_form(rates)).max() > 1e-2


def test_lesson07_nesterov_update_rule():
    """Lesson 07, "Nesterov momentum": Keras' `nesterov=True` computes v <- mu v - eta g,
    w <- w + mu v - eta g from the gradient at the current weights."""
    grads = np.random.default_rng(1).normal(size=(10, 2))
    path = _apply_steps(keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True), grads, np.zeros(2))
    w, v = np.zeros(2), np.zeros(2)
    for k, g in enumerate(grads, start=1):
        v = 0.9 * v - 0.1 * g
        w = w + 0.9 * v - 0.1 * g
        np.testing.assert_allclose(path[k], w, atol=1e-6)   # eta and mu kept in float32


def test_lesson07_optimizer_defaults():
    """Lesson 07, Adagrad, RMSprop, Adadelta and Adam: the defaults the lesson names."""
    adagrad = keras.optimizers.Adagrad().get_config()
    assert adagrad["initial_accumulator_value"] == pytest.approx(0.1) and adagrad["epsilon"] == pytest.approx(1e-7)
    rmsprop = keras.optimizers.RMSprop().get_config()
    assert rmsprop["rho"] == pytest.approx(0.9) and rmsprop["momentum"] == 0 and rmsprop["centered"] is False
    adadelta = keras.optimizers.Adadelta().get_config()
    assert adadelta["learning_rate"] == pytest.approx(0.001) and adadelta["rho"] == pytest.approx(0.95)
    adam = keras.optimizers.Adam().get_config()
    assert (adam["learning_rate"], adam["beta_1"], adam["beta_2"], adam["epsilon"], adam["amsgrad"]) == \
        pytest.approx((0.001, 0.9, 0.999, 1e-7, False))


def test_lesson07_adadelta_first_steps_are_about_eta_sqrt_eps_over_one_minus_rho():
    """Lesson 07, "Adadelta": s starts at 0, so the first steps are about eta * sqrt(eps / (1 - rho))
    (about 1.4e-3 * eta with Keras' defaults), whatever the size of the gradient."""
    path = _apply_steps(keras.optimizers.Adadelta(learning_rate=1.0), [[1.0, 100.0]] * 3, [0.0, 0.0])
    first = -np.diff(path, axis=0)[0]
    np.testing.assert_allclose(first, np.sqrt(1e-7 / (1 - 0.95)), rtol=1e-3)
    assert first[0] > 4 * np.sqrt(1e-7)          # not sqrt(eps) = 3.2e-4


def test_lesson07_adam_first_step_is_the_learning_rate_in_every_coordinate():
    """Lesson 07, "Adam": the first step is about eta in every coordinate, whatever the gradient's size
    (the second coordinate a little less, where epsilon is not negligible)."""
    path = _apply_steps(keras.optimizers.Adam(learning_rate=0.1), [[1000.0, 0.001]], [1.0, 1.0])
    moved = path[0] - path[1]
    assert moved[0] == pytest.approx(0.1, rel=1e-5)
    assert 0.09 < moved[1] < 0.1


def test_lesson07_amsgrad_caps_each_weights_rate_not_its_step():
    """Lesson 07, "Adam" (AMSGrad): with `amsgrad=True` the denominator sqrt(v) never shrinks, so a
    weight's effective rate alpha_t / sqrt(v) cannot grow back when its gradients calm down; the step
    itself still can grow (when m grows)."""
    grads = [[10.0]] * 5 + [[0.1]] * 30

    def denominators(amsgrad):
        path = _apply_steps(keras.optimizers.Adam(learning_rate=0.01, amsgrad=amsgrad), grads, [0.0])
        m, out = 0.0, []
        for t, (g, step) in enumerate(zip(np.array(grads)[:, 0], -np.diff(path[:, 0])), start=1):
            m += 0.1 * (g - m)
            alpha = 0.01 * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
            out.append(alpha * m / step)        # = sqrt(v) + epsilon, the weight's rate is alpha_t / this
        return np.array(out)

    capped, plain = denominators(True), denominators(False)
    assert np.all(np.diff(capped) >= -1e-6 * capped[1:])   # float32 round-off only
    assert np.all(np.diff(plain[5:]) < 0) and plain[-1] < 0.99 * capped[-1]   # plain Adam: it shrinks again
    flips = [[1.0], [-1.0]] * 3 + [[1.0]] * 6
    steps = np.abs(np.diff(_apply_steps(keras.optimizers.Adam(learning_rate=0.01, amsgrad=True), flips, [0.0])[:, 0]))
    assert steps[-1] > 2 * steps[5]


# ============================================================================================
# Lesson 08: your first Keras network
# ============================================================================================


def _mnist_mlp(hidden=64, dropout=None):
    layers = [keras.Input((784,))]
    for _ in range(2):
        layers.append(keras.layers.Dense(hidden, activation="relu"))
        if dropout:
            layers.append(keras.layers.Dropout(dropout))
    model = keras.Sequential([*layers, keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def test_lesson08_adam_rejects_lr():
    """Lesson 08, "The model" and "Common mistakes": Keras 3 accepts only `learning_rate=`."""
    with pytest.raises(ValueError, match="lr"):
        keras.optimizers.Adam(lr=0.001)


def test_lesson08_parameter_counts():
    """Lesson 08: the first layer has 784 x 64 + 64 = 50,240 parameters, the network 55,050, the wide
    one with dropout 269,322 (dropout has none); the ratio of their sizes is what the lesson prints."""
    model = _mnist_mlp()
    assert model.layers[0].count_params() == 50_240 and model.count_params() == 55_050
    assert _mnist_mlp(256, dropout=0.2).count_params() == 269_322


def test_lesson08_dropout_is_off_in_evaluate_and_predict():
    """Lesson 08, "From 97% to 98%": dropout is switched off in `evaluate` and `predict`."""
    model = keras.Sequential([keras.Input((50,)), keras.layers.Dropout(0.5)])
    ones = np.ones((4, 50), dtype="float32")
    np.testing.assert_array_equal(model.predict(ones, verbose=0), ones)


def test_lesson08_cosine_decay_falls_to_zero_by_decay_steps():
    """Lesson 08, "From 97% to 98%": `CosineDecay(0.002, decay_steps=n)` starts at 0.002 and lowers the
    rate smoothly to zero by step n."""
    schedule = keras.optimizers.schedules.CosineDecay(0.002, decay_steps=100)
    values = [float(schedule(t)) for t in (0, 50, 100, 150)]
    assert values == pytest.approx([0.002, 0.001, 0.0, 0.0], abs=1e-9)


def test_lesson08_validation_split_holds_out_the_last_rows():
    """Lesson 08, "A validation set": `fit(..., validation_split=0.1)` keeps the last 10% of the rows
    apart, before any shuffling, and reports `val_loss` and `val_accuracy` on them."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(50, 4)).astype("float32"), rng.integers(0, 3, 50)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=1, validation_split=0.1, verbose=0)
    loss, accuracy = model.evaluate(x[45:], y[45:], verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(loss, rel=1e-5)
    assert history.history["val_accuracy"][0] == pytest.approx(accuracy)


def test_lesson08_save_and_load_model_round_trip(tmp_path):
    """Lesson 08, "Save the model": `model.save("….keras")` writes weights, layers and compile settings
    to one file, and `keras.models.load_model` gives a model that predicts the same; a name without
    `.keras` (or `.h5`) is refused."""
    model = _mnist_mlp(8)
    x = np.random.default_rng(0).random((5, 784)).astype("float32")
    path = tmp_path / "digits.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    assert loaded.loss == "sparse_categorical_crossentropy"
    assert float(loaded.optimizer.learning_rate) == pytest.approx(0.001)
    with pytest.raises(ValueError, match=".keras"):
        model.save(tmp_path / "digits")


def test_lesson08_categorical_crossentropy_refuses_integer_labels():
    """Lesson 08, "Common mistakes": `categorical_crossentropy` expects one-hot rows; integer labels
    need the sparse version."""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    with pytest.raises(ValueError, match="rank"):
        model.fit(np.zeros((4, 3), "float32"), np.array([0, 1, 2, 0]), verbose=0)


# ============================================================================================
# Lesson 09: capacity and non-linearity
# ============================================================================================


def test_lesson09_dense_kernel_is_inputs_by_units_and_computes_x_at_w():
    """Lesson 09, "Ten linear units": Keras stores a `Dense` kernel as (inputs, units) and computes
    x @ W + b, so two linear layers are one, with W = W1 @ W2 and b = b1 @ W2 + b2."""
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4), keras.layers.Dense(3)])
    (w1, b1), (w2, b2) = model.layers[0].get_weights(), model.layers[1].get_weights()
    model.layers[0].set_weights([w1, np.arange(4, dtype="float32")])   # non-zero biases
    b1 = model.layers[0].get_weights()[1]
    assert w1.shape == (6, 4) and w2.shape == (4, 3)
    x = np.random.default_rng(0).normal(size=(5, 6)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), x @ (w1 @ w2) + (b1 @ w2 + b2), rtol=1e-4, atol=1e-5)


def test_lesson09_softmax_output_or_from_logits_give_the_same_loss():
    """Lesson 09, "Probabilities or raw scores?": softmax then the loss equals the loss of the logits
    with `from_logits=True`."""
    scores, label = np.array([[2.0, -1.0, 0.5]]), np.array([0])
    loss = keras.losses.sparse_categorical_crossentropy
    expected = -np.log(np.exp(2.0) / np.exp(scores).sum())
    assert float(loss(label, keras.ops.softmax(scores))[0]) == pytest.approx(expected, rel=1e-5)
    assert float(loss(label, scores, from_logits=True)[0]) == pytest.approx(expected, rel=1e-5)


def test_lesson09_logits_read_as_probabilities_are_clipped_not_refused():
    """Lesson 09, "Probabilities or raw scores?": given raw scores as if they were probabilities, the
    loss clips them into (0, 1) and returns a finite number without any error: a meaningless loss."""
    scores = np.array([[2.0, -1.0, 0.5]])
    loss = keras.losses.sparse_categorical_crossentropy
    values = [float(loss(np.array([k]), scores)[0]) for k in range(3)]
    assert all(np.isfinite(values))
    assert values[1] > 10                       # the negative score is clipped to about 1e-7
    assert values[0] != pytest.approx(float(loss(np.array([0]), scores, from_logits=True)[0]), rel=1e-2)


# ============================================================================================
# Lesson 10: overfitting and regularization
# ============================================================================================


def _tiny_classifier(regularizer=None):
    model = keras.Sequential([keras.Input((5,)),
                              keras.layers.Dense(2, activation="softmax", kernel_regularizer=regularizer)])
    model.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy")
    return model


def _tiny_data(n=40):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 5)).astype("float32"), rng.integers(0, 2, n)


class _CountEpochs(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.begun = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.begun += 1


def test_lesson10_early_stopping_watches_val_loss_by_default():
    """Check 10.early_stopping: "this exercise (and Keras' default) watches monitor="val_loss"", and
    patience=0 and restore_best_weights=False are the defaults its messages name."""
    stopper = keras.callbacks.EarlyStopping()
    assert (stopper.monitor, stopper.patience, stopper.restore_best_weights) == ("val_loss", 0, False)


def test_lesson10_early_stopping_on_val_err_raises_with_the_default_mode():
    """Lesson 10, "Early stopping": `EarlyStopping(monitor='val_err')` with the default `mode='auto'`
    raises a ValueError at the end of the first epoch."""
    x, y = _tiny_data()
    counter = _CountEpochs()
    stopper = keras.callbacks.EarlyStopping(monitor="val_err", patience=1)
    with pytest.raises(ValueError, match="val_err"):
        _tiny_classifier().fit(x, y, epochs=5, validation_split=0.25, verbose=0, callbacks=[counter, stopper])
    assert counter.begun == 1


def test_lesson10_early_stopping_on_val_err_with_mode_min_warns_and_never_stops():
    """Lesson 10, "Early stopping": with `mode='min'`, `monitor='val_err'` only warns, every epoch,
    and training runs all its epochs."""
    x, y = _tiny_data()
    stopper = keras.callbacks.EarlyStopping(monitor="val_err", mode="min", patience=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = _tiny_classifier().fit(x, y, epochs=6, validation_split=0.25, verbose=0, callbacks=[stopper])
    assert len(history.history["loss"]) == 6
    assert sum("val_err" in str(w.message) and "not available" in str(w.message) for w in caught) == 6


def test_lesson10_l2_adds_lambda_sum_of_squares_and_l2_is_the_same_class():
    """Lesson 10, "L2": `kernel_regularizer=keras.regularizers.L2(0.001)` adds 0.001 * sum(w²) of the
    layer's kernel to the loss (plain lambda, no 1/2m); lowercase `regularizers.l2` is the same class."""
    assert keras.regularizers.l2 is keras.regularizers.L2
    model = _tiny_classifier(keras.regularizers.L2(0.001))
    kernel = model.layers[0].kernel.numpy()
    assert float(sum(model.losses)) == pytest.approx(0.001 * np.sum(kernel ** 2), rel=1e-5)


def test_lesson10_logged_losses_include_the_penalty():
    """Lesson 10, "All runs compared": the loss `fit` logs, for training and for validation, includes
    the weight penalty, so regularized runs' losses are not comparable with plain cross-entropy."""
    x, y = _tiny_data()
    model = _tiny_classifier(keras.regularizers.L2(1.0))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=1, batch_size=40, validation_data=(x, y), verbose=0)
    cross_entropy = float(np.mean(keras.losses.sparse_categorical_crossentropy(y, model.predict(x, verbose=0))))
    penalty = float(np.sum(model.layers[0].kernel.numpy() ** 2))
    assert history.history["val_loss"][0] == pytest.approx(cross_entropy + penalty, rel=1e-5)
    assert history.history["loss"][0] == pytest.approx(cross_entropy + penalty, rel=1e-5)


def _one_step_on_the_penalty_only(optimizer, regularizer=None, kernel=0.5):
    """The kernel after one update of a Dense layer whose data loss has zero gradient (inputs 0)."""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, use_bias=False, kernel_regularizer=regularizer)])
    model.layers[0].set_weights([np.full((3, 2), kernel, "float32") * np.array([1.0, 0.01], "float32")])
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(np.zeros((4, 3), "float32"), np.zeros((4, 2), "float32"), epochs=1, batch_size=4, verbose=0)
    return model.layers[0].kernel.numpy()[0]


def test_lesson10_l2_is_weight_decay_for_plain_sgd_only():
    """Lesson 10, "L2": under plain SGD, L2(lambda) shrinks every weight by the factor 1 - 2 eta lambda
    per step (a weight decay); under Adam it does not: Adam rescales the penalty's gradient, and both
    a large and a small weight move by about eta."""
    sgd = _one_step_on_the_penalty_only(keras.optimizers.SGD(learning_rate=0.1), keras.regularizers.L2(0.05))
    np.testing.assert_allclose(sgd, np.array([0.5, 0.005]) * (1 - 2 * 0.1 * 0.05), rtol=1e-5)
    adam = _one_step_on_the_penalty_only(keras.optimizers.Adam(learning_rate=0.001), keras.regularizers.L2(0.05))
    moved = np.array([0.5, 0.005]) - adam
    np.testing.assert_allclose(moved, [0.001, 0.001], rtol=0.05)   # not proportional to the weight


def test_lesson10_adamw_decays_weights_decoupled_from_adam():
    """Lesson 10, "L2": Keras 3's `AdamW(weight_decay=…)` (default 0.004), like `weight_decay=` on any
    optimizer, shrinks each weight by eta * weight_decay * w per step, outside Adam's rescaling."""
    assert keras.optimizers.AdamW().get_config()["weight_decay"] == pytest.approx(0.004)
    adamw = _one_step_on_the_penalty_only(keras.optimizers.AdamW(learning_rate=0.1, weight_decay=0.05))
    np.testing.assert_allclose(adamw, np.array([0.5, 0.005]) * (1 - 0.1 * 0.05), rtol=1e-5)
    adam_wd = _one_step_on_the_penalty_only(keras.optimizers.Adam(learning_rate=0.1, weight_decay=0.05))
    np.testing.assert_allclose(adam_wd, adamw, rtol=1e-6)


def test_lesson10_dropout_scales_survivors_in_training_and_is_off_otherwise():
    """Lesson 10, "Dropout": in training each output is zeroed with probability p and the survivors
    are scaled by 1/(1-p); outside training the layer passes its input through."""
    layer = keras.layers.Dropout(0.5, seed=0)
    ones = np.ones((1, 1000), dtype="float32")
    trained = np.asarray(layer(ones, training=True))
    assert set(np.unique(trained)) == {0.0, 2.0} and 0.4 < np.mean(trained == 0) < 0.6
    np.testing.assert_array_equal(np.asarray(layer(ones, training=False)), ones)


def test_lesson10_augmentation_layers_act_only_in_training():
    """Lesson 10, "Data augmentation": Keras 3's preprocessing layers (`RandomRotation`,
    `RandomTranslation`, `RandomZoom`) change images in training only."""
    image = np.random.default_rng(0).random((2, 28, 28, 1)).astype("float32")
    for layer in (keras.layers.RandomRotation(0.1, seed=0), keras.layers.RandomTranslation(0.1, 0.1, seed=0),
                  keras.layers.RandomZoom(0.1, seed=0)):
        assert not np.allclose(np.asarray(layer(image, training=True)), image), layer
        np.testing.assert_array_equal(np.asarray(layer(image, training=False)), image)


def test_lesson10_image_data_generator_is_gone_from_keras_3():
    """Lesson 10, "Data augmentation": `ImageDataGenerator` is removed from Keras 3: importing it under
    `import keras` raises ImportError."""
    assert not hasattr(keras.preprocessing.image, "ImageDataGenerator")
    with pytest.raises(ImportError):
        from keras.preprocessing.image import ImageDataGenerator  # noqa: F401


def test_lesson10_keras_layers_core_is_gone():
    """Lesson 10, "Dropout": the seed's `from keras.layers.core import Dropout` raises
    ModuleNotFoundError in Keras 3; the layer is `keras.layers.Dropout`."""
    with pytest.raises(ModuleNotFoundError):
        from keras.layers.core import Dropout  # noqa: F401
    assert keras.layers.Dropout.__name__ == "Dropout"


def test_lesson10_batch_normalization_uses_batch_statistics_in_training_only():
    """Lesson 10, "Batch normalization": `BatchNormalization` scales each feature of a batch to mean 0
    and spread 1 in training; at prediction time it uses running averages (momentum 0.99) instead."""
    layer = keras.layers.BatchNormalization()
    x = np.random.default_rng(0).normal(loc=5.0, scale=3.0, size=(256, 4)).astype("float32")
    trained = np.asarray(layer(x, training=True))
    np.testing.assert_allclose(trained.mean(axis=0), 0, atol=1e-4)
    np.testing.assert_allclose(trained.std(axis=0), 1, atol=1e-3)
    assert layer.get_config()["momentum"] == pytest.approx(0.99)
    moving_mean = layer.moving_mean.numpy()
    np.testing.assert_allclose(moving_mean, 0.01 * x.mean(axis=0), rtol=1e-4)   # one update from 0
    np.testing.assert_allclose(np.asarray(layer(x, training=False)),
                               (x - moving_mean) / np.sqrt(layer.moving_variance.numpy() + 1e-3), rtol=1e-4, atol=1e-4)


# ============================================================================================
# Lesson 11: Playground challenges
# ============================================================================================


def test_lesson11_sgd_refuses_lr():
    """Lesson 11, "Show me the Keras code": `SGD(lr=0.03)` is refused by Keras 3 with a ValueError."""
    with pytest.raises(ValueError, match="lr"):
        keras.optimizers.SGD(lr=0.03)
    assert keras.optimizers.SGD(learning_rate=0.03).learning_rate.numpy() == pytest.approx(0.03)


def test_lesson11_dense_input_dim_still_works_but_warns():
    """Lesson 11, "Show me the Keras code": `Dense(4, input_dim=2)` still works but warns; `keras.Input` is the way."""
    caught = _warnings_of(keras.layers.Dense, 4, input_dim=2)
    assert any("Input(shape)" in message for message in caught), caught
    model = keras.Sequential([keras.layers.Dense(4, input_dim=2)])
    assert model.input_shape == (None, 2)
    assert not _warnings_of(lambda: keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(4)]))


def test_lesson11_l2_and_l1_add_lambda_times_the_sum_to_the_loss():
    """Lesson 11, the cures: L2 adds lambda * sum(w^2) to the loss (no factor 1/2), L1 lambda * sum(|w|),
    as `keras.regularizers.L2(l2=...)` and `L1(l1=...)` in the Playground's Keras code."""
    w = np.array([[0.5, -1.0], [2.0, 0.25]], np.float32)
    assert float(keras.regularizers.L2(l2=0.003)(w)) == pytest.approx(0.003 * float(np.sum(w ** 2)), rel=1e-6)
    assert float(keras.regularizers.L1(l1=0.003)(w)) == pytest.approx(0.003 * float(np.sum(np.abs(w))), rel=1e-6)
    layer = keras.layers.Dense(2, kernel_regularizer=keras.regularizers.L2(l2=0.01))
    model = keras.Sequential([keras.Input(shape=(2,)), layer])
    model(np.zeros((1, 2), np.float32))
    expected = 0.01 * float(np.sum(layer.kernel.numpy() ** 2))
    assert float(sum(model.losses)) == pytest.approx(expected, rel=1e-5)


def test_lesson11_dropout_switches_off_a_share_of_units_only_while_training():
    """Lesson 11, the cures: dropout switches off a random share of units at each training step (Keras scales
    the others by 1 / (1 - rate)); at prediction time it does nothing."""
    layer = keras.layers.Dropout(0.3, seed=0)
    x = np.ones((200, 100), np.float32)
    out = np.asarray(layer(x, training=True))
    assert abs(float(np.mean(out == 0)) - 0.3) < 0.02
    np.testing.assert_allclose(out[out != 0], 1 / 0.7, rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)


def test_lesson11_early_stopping_waits_patience_epochs_and_restores_the_best_weights():
    """Lesson 11, the cures and the Keras code: `EarlyStopping(monitor="val_loss", patience=...,
    restore_best_weights=True)` with `validation_data` stops once the validation loss has not improved for
    `patience` epochs, and goes back to the weights of the best epoch."""
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x, x_val = rng.normal(size=(40, 2)).astype("float32"), rng.normal(size=(200, 2)).astype("float32")
    y, y_val = rng.integers(0, 2, (40, 1)).astype("float32"), rng.integers(0, 2, (200, 1)).astype("float32")
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    snapshots = []
    keep = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights()))
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=200, batch_size=10, verbose=0,
                        callbacks=[keep, stop])
    val = history.history["val_loss"]
    best = int(np.argmin(val))
    assert len(val) < 200 and stop.stopped_epoch == len(val) - 1 == best + 3
    for now, then in zip(model.get_weights(), snapshots[best]):
        np.testing.assert_array_equal(now, then)


def test_lesson11_binary_crossentropy_is_the_formula_of_the_playground():
    """Lesson 11, "The Playground": the loss is -mean[y log p + (1 - y) log(1 - p)]."""
    y = np.array([[1.0], [0.0], [1.0], [0.0]], np.float32)
    p = np.array([[0.9], [0.2], [0.4], [0.7]], np.float32)
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert float(keras.losses.BinaryCrossentropy()(y, p)) == pytest.approx(float(expected), rel=1e-5)


# ============================================================================================
# Lesson 12: beyond the MLP
# ============================================================================================


def _conv_model(kernel: np.ndarray, bias: float = 0.0):
    layer = keras.layers.Conv2D(1, kernel.shape[0])
    model = keras.Sequential([keras.Input((6, 6, 1)), layer])
    layer.set_weights([kernel[:, :, None, None].astype("float32"), np.array([bias], np.float32)])
    return model


def test_lesson12_conv2d_computes_a_cross_correlation_without_flipping_the_kernel():
    """Lesson 12, "Images as images": Conv2D computes z[i, j] = sum_uv K[u, v] x[i+u, j+v] + b, a
    cross-correlation; a textbook convolution would flip the kernel first, and gives another map."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, 6)).astype("float32")
    kernel = np.arange(9, dtype="float32").reshape(3, 3)  # not symmetric: flipping changes it
    out = np.asarray(_conv_model(kernel, bias=0.5)(x[None, :, :, None]))[0, :, :, 0]
    ours = np.array([[np.sum(kernel * x[i:i + 3, j:j + 3]) + 0.5 for j in range(4)] for i in range(4)])
    flipped = np.array([[np.sum(kernel[::-1, ::-1] * x[i:i + 3, j:j + 3]) + 0.5 for j in range(4)]
                        for i in range(4)])
    np.testing.assert_allclose(out, ours, rtol=1e-5, atol=1e-5)
    assert not np.allclose(out, flipped, atol=1e-2)


@pytest.mark.parametrize("size, kernel, channels, filters", [(28, 3, 1, 16), (13, 3, 16, 32)])
def test_lesson12_conv2d_defaults_shrink_the_map_and_count_shared_weights_once(size, kernel, channels, filters):
    """Lesson 12, exercise 12.1: Conv2D's defaults are padding="valid" and stride 1, so a map shrinks to
    size - k + 1, and a layer has (k * k * in_channels + 1) * filters parameters; its kernel is stored
    as (height, width, channels in, filters)."""
    layer = keras.layers.Conv2D(filters, kernel)
    assert layer.padding == "valid" and layer.strides == (1, 1)
    model = keras.Sequential([keras.Input((size, size, channels)), layer])
    assert model.output_shape == (None, size - kernel + 1, size - kernel + 1, filters)
    assert layer.count_params() == (kernel * kernel * channels + 1) * filters
    assert layer.get_weights()[0].shape == (kernel, kernel, channels, filters)


def test_lesson12_max_pooling_keeps_the_largest_of_each_2x2_block_and_halves_rounding_down():
    """Lesson 12, cells 3-4: MaxPooling2D(2) keeps each 2 x 2 block's maximum: 26 x 26 -> 13 x 13, 11 x 11 -> 5 x 5."""
    x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    np.testing.assert_array_equal(np.asarray(keras.layers.MaxPooling2D(2)(x))[0, :, :, 0], [[5, 7], [13, 15]])
    for side, pooled in ((26, 13), (11, 5)):
        assert keras.layers.MaxPooling2D(2).compute_output_shape((None, side, side, 16)) == (None, pooled, pooled, 16)


def test_lesson12_conv2d_needs_the_channel_axis():
    """Lesson 12, common mistakes: greyscale images need shape (28, 28, 1); (28, 28) is refused."""
    with pytest.raises(ValueError, match="ndim"):
        keras.Sequential([keras.Input((28, 28)), keras.layers.Conv2D(4, 3)])
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(4, 3)])
    assert model(np.zeros((2, 28, 28, 1), np.float32)).shape == (2, 26, 26, 4)


def test_lesson12_lstm_reads_the_whole_sequence_and_returns_its_last_state():
    """Lesson 12, "Sequences": LSTM(32) reads a (steps, features) sequence and by default returns one
    32-number state after the last step (return_sequences=False)."""
    layer = keras.layers.LSTM(32)
    assert layer.return_sequences is False
    out = layer(np.zeros((5, 40, 1), np.float32))
    assert out.shape == (5, 32)
    assert keras.layers.LSTM(32, return_sequences=True)(np.zeros((5, 40, 1), np.float32)).shape == (5, 40, 32)


def test_lesson12_binary_crossentropy_takes_pixel_values_as_targets():
    """Lesson 12, the autoencoder: binary cross-entropy works with targets between 0 and 1 (pixel values):
    Keras computes -mean[x log p + (1 - x) log(1 - p)], smallest where the prediction equals the pixel."""
    x = np.array([[0.0, 0.3, 0.8, 1.0]], np.float32)
    loss = keras.losses.BinaryCrossentropy()
    p = np.array([[0.1, 0.4, 0.6, 0.9]], np.float32)
    expected = -np.mean(x * np.log(p) + (1 - x) * np.log(1 - p))
    assert float(loss(x, p)) == pytest.approx(float(expected), rel=1e-5)
    grid = np.linspace(0.05, 0.95, 19, dtype=np.float32)
    values = [float(loss(np.array([[0.3]], np.float32), np.array([[q]], np.float32))) for q in grid]
    assert grid[int(np.argmin(values))] == pytest.approx(0.3, abs=0.026)
