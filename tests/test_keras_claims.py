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




# ============================================================================================
# Lesson 02: activation functions
# ============================================================================================




# ============================================================================================
# Lesson 03: layers and forward propagation
# ============================================================================================




# ============================================================================================
# Lesson 04: loss functions
# ============================================================================================




# ============================================================================================
# Lesson 05: backpropagation
# ============================================================================================




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
