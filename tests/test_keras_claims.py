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




# ============================================================================================
# Lesson 07: optimizers
# ============================================================================================




# ============================================================================================
# Lesson 08: your first Keras network
# ============================================================================================




# ============================================================================================
# Lesson 09: capacity and non-linearity
# ============================================================================================




# ============================================================================================
# Lesson 10: overfitting and regularization
# ============================================================================================




# ============================================================================================
# Lesson 11: Playground challenges
# ============================================================================================




# ============================================================================================
# Lesson 12: beyond the MLP
# ============================================================================================
