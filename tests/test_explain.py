"""dlcourse.explain: every number of a walk-through against TensorFlow (GradientTape, Keras).

The walk-throughs are computed by the engine; here each weighted sum, activation, loss term,
dL/dA, dL/dZ, dL/dW, dL/db and SGD update is recomputed independently with raw TensorFlow ops
(float64) or a Keras model with the same weights.
"""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse import explain, nn
from dlcourse.data import SPAM_EXAMPLE
from dlcourse.nn.errors import NNError
from dlcourse.viz.network import format_number

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

# tf.nn.leaky_relu keeps alpha in float32, so the float64 reference writes it out.
TF_ACT = {"relu": tf.nn.relu, "tanh": tf.tanh, "sigmoid": tf.sigmoid, "linear": lambda z: z,
          "softmax": tf.nn.softmax, "leaky_relu": lambda z: tf.where(z > 0, z, tf.constant(0.2, z.dtype) * z),
          "swish": lambda z: z * tf.sigmoid(z)}


def random_weights(sizes, seed=0):
    rng = np.random.default_rng(seed)
    weights = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        weights += [rng.normal(scale=0.8, size=(n_in, n_out)), rng.normal(scale=0.3, size=n_out)]
    return weights


def tf_pass(weights, activations, x, y, loss):
    """Forward values and dL/dA, dL/dZ, dL/dW, dL/db per layer by tf.GradientTape (float64)."""
    ws = [tf.Variable(np.asarray(w, dtype=np.float64)) for w in weights]
    with tf.GradientTape(persistent=True) as tape:
        a = tf.constant(np.asarray(x, dtype=np.float64))
        zs, acts = [], []
        for i, act in enumerate(activations):
            z = a @ ws[2 * i] + ws[2 * i + 1]
            a = TF_ACT[act](z)
            zs.append(z)
            acts.append(a)
        yt = tf.constant(np.asarray(y))
        if loss == "binary_crossentropy":  # Keras computes it from the logits of a sigmoid output
            value = tf.reduce_mean(tf.reduce_mean(
                tf.nn.sigmoid_cross_entropy_with_logits(tf.cast(tf.reshape(yt, zs[-1].shape), tf.float64), zs[-1]),
                axis=-1))
        elif loss == "sparse_categorical_crossentropy":
            value = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(yt, zs[-1]))
        elif loss == "categorical_crossentropy":
            value = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(tf.cast(yt, tf.float64), zs[-1]))
        else:
            value = tf.reduce_mean(keras.losses.mean_squared_error(tf.cast(yt, tf.float64), acts[-1]))
    grads = tape.gradient(value, ws)
    grad_z = tape.gradient(value, zs)
    grad_a = tape.gradient(value, acts[:-1])
    # dL/dA of the output: the loss' gradient with respect to the probabilities themselves
    out = tf.Variable(acts[-1])
    with tf.GradientTape() as tape2:
        if loss == "binary_crossentropy":
            v = tf.reduce_mean(keras.losses.binary_crossentropy(tf.cast(tf.reshape(yt, out.shape), tf.float64), out))
        elif loss == "sparse_categorical_crossentropy":
            v = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(yt, out))
        elif loss == "categorical_crossentropy":
            v = tf.reduce_mean(keras.losses.categorical_crossentropy(tf.cast(yt, tf.float64), out))
        else:
            v = tf.reduce_mean(keras.losses.mean_squared_error(tf.cast(yt, tf.float64), out))
    grad_a.append(tape2.gradient(v, out))
    return {"z": [z.numpy() for z in zs], "a": [a.numpy() for a in acts], "loss": float(value),
            "grad_a": [g.numpy() for g in grad_a], "grad_z": [g.numpy() for g in grad_z],
            "grads": [g.numpy() for g in grads]}


CASES = [
    pytest.param([3, 2, 1], ["relu", "sigmoid"], "binary_crossentropy", id="relu-sigmoid/bce"),
    pytest.param([4, 3, 1], ["tanh", "sigmoid"], "binary_crossentropy", id="tanh-sigmoid/bce"),
    pytest.param([2, 4, 3, 2], ["sigmoid", "leaky_relu", "linear"], "mean_squared_error",
                 id="sigmoid-leaky-linear/mse"),
    pytest.param([3, 4, 3], ["swish", "softmax"], "sparse_categorical_crossentropy", id="swish-softmax/sparse_ce"),
    pytest.param([3, 3, 3], ["tanh", "softmax"], "categorical_crossentropy", id="tanh-softmax/ce"),
]


def targets(loss, m, outputs, rng):
    if loss == "binary_crossentropy":
        return rng.integers(0, 2, size=m)
    if loss == "sparse_categorical_crossentropy":
        return rng.integers(0, outputs, size=m)
    if loss == "categorical_crossentropy":
        return np.eye(outputs)[rng.integers(0, outputs, size=m)]
    return rng.normal(size=(m, outputs))


@pytest.mark.parametrize("sizes, activations, loss", CASES)
def test_backward_matches_gradient_tape_layer_by_layer(sizes, activations, loss):
    rng = np.random.default_rng(5)
    weights = random_weights(sizes, seed=len(sizes))
    x = rng.normal(size=(5, sizes[0]))
    y = targets(loss, 5, sizes[-1], rng)
    back = explain.backward(weights, x, y, activations, loss=loss)
    ref = tf_pass(weights, activations, x, y, loss)
    assert back.loss.value == pytest.approx(ref["loss"], rel=1e-9)
    assert np.mean(back.loss.per_sample) == pytest.approx(ref["loss"], rel=1e-9)
    for i, (step, grads) in enumerate(zip(back.forward.layers, back.layers)):
        np.testing.assert_allclose(step.z, ref["z"][i], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(step.a, ref["a"][i], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(grads.grad_z, ref["grad_z"][i], rtol=1e-8, atol=1e-12, err_msg=f"dL/dZ{i + 1}")
        np.testing.assert_allclose(grads.grad_a, ref["grad_a"][i], rtol=1e-6, atol=1e-12, err_msg=f"dL/dA{i + 1}")
        np.testing.assert_allclose(grads.grad_kernel, ref["grads"][2 * i], rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(grads.grad_bias, ref["grads"][2 * i + 1], rtol=1e-8, atol=1e-12)
        if grads.slope is not None:  # the chain-rule step the tables show: dL/dZ = dL/dA * g'(Z)
            np.testing.assert_allclose(grads.grad_a * grads.slope, grads.grad_z, rtol=1e-6, atol=1e-12)


def test_spam_example_numbers_and_text():
    walk = explain.forward(SPAM_EXAMPLE.weights(), SPAM_EXAMPLE.x, ["relu", "sigmoid"],
                           input_names=SPAM_EXAMPLE.features)
    hidden, out = walk.layers
    np.testing.assert_allclose(hidden.z, [[0.8, -0.1]], atol=1e-7)
    np.testing.assert_allclose(hidden.a, [[0.8, 0.0]], atol=1e-7)
    np.testing.assert_allclose(out.z, [[0.56]], atol=1e-7)
    assert round(float(walk.output[0, 0]), 3) == 0.636
    text = str(walk)
    assert "1×0.5 + 0×(-0.2) + 1×0.3 + 0" in text and "0.636" in text and "-0.1" in text
    assert repr(walk) == text and "<table" not in text
    page = walk._repr_html_()
    assert page.count("<table") == 4 and "data:image/png;base64," in page
    assert "free" in page and "0.636" in page


def test_forward_matches_a_keras_model_with_the_same_weights():
    rng = np.random.default_rng(1)
    weights = [w.astype(np.float32) for w in random_weights([4, 5, 3, 2], seed=3)]
    acts = ["relu", "tanh", "softmax"]
    model = keras.Sequential([keras.Input((4,))]
                             + [keras.layers.Dense(n, activation=a) for n, a in zip([5, 3, 2], acts)])
    model.set_weights(weights)
    x = rng.normal(size=(7, 4)).astype(np.float32)
    walk = explain.forward(weights, x, acts)
    np.testing.assert_allclose(walk.output, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_an_engine_model_is_explained_and_left_unchanged():
    model = nn.Sequential([nn.Dense(3, activation="tanh", input_shape=(2,), seed=1),
                           nn.Dense(1, activation="sigmoid", seed=2)])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    before = model.get_weights()
    x = np.array([[0.5, -1.0], [1.5, 0.25], [-0.5, 0.75]], dtype=np.float32)
    y = np.array([1, 0, 1])
    back = explain.backward(model, x, y, learning_rate=0.1)
    loss, grads = model.compute_gradients(x, y)
    for mine, theirs in zip(back.gradients(), grads):
        np.testing.assert_allclose(mine, theirs, rtol=1e-6)
    assert back.loss.value == pytest.approx(loss, rel=1e-6)
    for w, w0 in zip(model.get_weights(), before):
        np.testing.assert_array_equal(w, w0)
    assert back.forward.layers[0].kernel.dtype == np.float32  # the model keeps its own dtype


def test_sgd_update_matches_keras_sgd():
    rng = np.random.default_rng(2)
    weights = [w.astype(np.float32) for w in random_weights([3, 4, 1], seed=7)]
    x = rng.normal(size=(6, 3)).astype(np.float32)
    y = rng.integers(0, 2, size=(6, 1)).astype(np.float32)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights(weights)
    opt = keras.optimizers.SGD(learning_rate=0.5)
    with tf.GradientTape() as tape:
        value = keras.losses.BinaryCrossentropy()(y, model(x))
    opt.apply_gradients(zip(tape.gradient(value, model.trainable_weights), model.trainable_weights))
    back = explain.backward(weights, x, y, ["tanh", "sigmoid"], loss="binary_crossentropy", learning_rate=0.5)
    for mine, theirs in zip(back.new_weights(), model.get_weights()):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)
    text = str(back)
    assert "new value" in text and "learning rate 0.5" in text


def test_forward_with_targets_shows_the_loss_terms():
    rng = np.random.default_rng(3)
    weights = random_weights([2, 3, 1], seed=4)
    x = rng.normal(size=(3, 2))
    y = np.array([1.0, 0.0, 1.0])
    walk = explain.forward(weights, x, ["relu", "sigmoid"], y=y, loss="binary_crossentropy")
    p = walk.output[:, 0]
    terms = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    np.testing.assert_allclose(walk.loss.per_sample, terms, rtol=1e-9)
    expected = float(keras.losses.BinaryCrossentropy()(y[:, None], p[:, None]))
    assert walk.loss.value == pytest.approx(expected, rel=1e-5)
    assert "loss term" in str(walk)


def test_precision_sets_the_digits_shown():
    walk = explain.forward(SPAM_EXAMPLE.weights(), SPAM_EXAMPLE.x, ["relu", "sigmoid"], precision=5)
    assert "0.63645" in str(walk)
    walk.precision = 2
    assert "0.64" in str(walk) and "0.636" not in str(walk)
    assert format_number(0.5) == "0.5" and format_number(-0.1000001, 3) == "-0.1"
    assert format_number(0.0) == "0" and format_number(-0.0001, 3) == "-1.00e-04"
    assert format_number(1234.5678, 2) == "1234.57"


def test_long_batches_are_shortened_but_complete():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(10, 3))
    back = explain.backward(random_weights([3, 2, 1], 1), x, rng.integers(0, 2, 10), ["relu", "sigmoid"],
                            loss="binary_crossentropy", max_samples=2)
    assert back.layers[0].grad_z.shape == (10, 2)
    assert "first 2 of 10 samples" in str(back)


def test_mistakes_are_explained():
    w = SPAM_EXAMPLE.weights()
    with pytest.raises(NNError, match="one activation name per layer"):
        explain.forward(w, SPAM_EXAMPLE.x)
    with pytest.raises(NNError, match="2 layers of weights but 1"):
        explain.forward(w, SPAM_EXAMPLE.x, ["relu"])
    with pytest.raises(NNError, match="pairs"):
        explain.forward(w[:3], SPAM_EXAMPLE.x, ["relu", "sigmoid"])
    with pytest.raises(NNError, match="bias needs shape"):
        explain.forward([w[0], w[3], w[2], w[3]], SPAM_EXAMPLE.x, ["relu", "sigmoid"])
    with pytest.raises(NNError, match="must chain"):
        explain.forward([w[0], w[1], w[0], w[1]], SPAM_EXAMPLE.x, ["relu", "sigmoid"])
    with pytest.raises(NNError, match="Dense layers only"):
        explain.forward(nn.Sequential([nn.Dense(2, input_shape=(3,)), nn.Dropout(0.5)]), SPAM_EXAMPLE.x)
    with pytest.raises(NNError, match="give the loss"):
        explain.backward(w, SPAM_EXAMPLE.x, [1], ["relu", "sigmoid"])
    with pytest.raises(NNError, match="Unknown activation"):
        explain.forward(w, SPAM_EXAMPLE.x, ["relu", "sigmoidd"])


def test_import_is_light():
    import subprocess
    import sys

    code = ("import sys, dlcourse.explain\n"
            "print(','.join(m for m in ('matplotlib', 'tensorflow', 'dlcourse.nn') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_a_digit_sized_network_is_summarised_not_flooded():
    rng = np.random.default_rng(6)
    weights = random_weights([784, 32, 10], seed=8)
    x = rng.uniform(size=(2, 784))
    back = explain.backward(weights, x, [3, 7], ["relu", "softmax"], loss="sparse_categorical_crossentropy")
    text = str(back)
    page = back._repr_html_()
    assert back.layers[0].grad_kernel.shape == (784, 32)
    assert "Only the first 60 of 25120 rows" in text and "Only the first 16 of 784 inputs" in str(back.forward)
    assert len(text.splitlines()) < 500 and "data:image/png" not in page  # too big to draw


def test_a_saturated_sigmoid_output_is_charged_and_pushed_from_z_as_keras_does():
    """Lesson 04 "Probabilities or logits" and lesson 05 "Where does it start?", as explain.backward
    shows them: at z = 20 on class 0 (a rounds to 1.0 in float32) the loss is 20, Keras' evaluate
    of the same model, not the clipped 15.94, and dL/dZ is (a - y) / m = 1, not 0; the notes say so."""
    weights = [np.array([[20.0]], "float32"), np.array([0.0], "float32")]
    x, y = np.ones((1, 1), "float32"), np.zeros((1, 1), "float32")
    walk = explain.backward(weights, x, y, ["sigmoid"], loss="binary_crossentropy")
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights(weights)
    model.compile(loss="binary_crossentropy")
    assert walk.loss.value == pytest.approx(model.evaluate(x, y, verbose=0), abs=1e-4)
    assert walk.loss.value == pytest.approx(20.0, abs=1e-4)
    np.testing.assert_allclose(walk.layers[0].grad_z, [[1.0]], atol=1e-6)
    text = str(walk)
    assert "Keras on TensorFlow" in text and "rounds to 0 or 1" in text
