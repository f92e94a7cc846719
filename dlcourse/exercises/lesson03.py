"""Exercises of lesson 03 (Layers and forward propagation): a dense layer, a 2-layer forward pass,
counting parameters.

Weights use Keras' layout throughout: a layer's kernel ``W`` has shape (inputs, units) and its
bias ``b`` shape (units,), so a batch ``X`` of shape (m, inputs) gives ``Z = X @ W + b`` of
shape (m, units). The reference functions are the course's own; later cells (and lesson 05)
use them through ``dlcourse.exercises.reference``. The tests compare them with Keras.

Some cases use square kernels (as many inputs as units) on purpose: there, a transposed kernel
or the wrong layer's kernel still runs, and the check can name the mistake instead of
reporting a shape error.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from dlcourse.exercises.answers.lesson03 import count_params, dense_layer, forward_pass  # the notebook's answers
from dlcourse.exercises.core import Case, Exercise, Misconception, lesson, register

lesson("03", "Layers and forward propagation")


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


# --- test inputs ---------------------------------------------------------------------------------

def _case_arrays(seed: int, m: int, n: int, h: int, k: int = 1) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(m, n)), 2)
    W1 = np.round(rng.normal(scale=0.8, size=(n, h)), 2)
    b1 = np.round(rng.normal(scale=0.5, size=h), 2)
    W2 = np.round(rng.normal(scale=0.8, size=(h, k)), 2)
    b2 = np.round(rng.normal(scale=0.5, size=k), 2)
    return X, W1, b1, W2, b2


_SPAM = (np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]),
         np.array([[0.5, 0.4], [-0.2, 0.1], [0.3, -0.5]]), np.array([0.1, -0.1]), np.array([[0.7], [0.2]]),
         np.array([0.05]))

register(Exercise(
    name="03.dense_layer",
    title="One dense layer",
    target="dense_layer",
    reference=dense_layer,
    cases=[
        Case((np.array([[1.0, 0.0, 1.0]]), np.array([[0.5, 0.4], [-0.2, 0.1], [0.3, -0.5]]), np.array([0.0, 0.0]),
              _relu), label="the spam email [1, 0, 1] through the hidden layer of lesson 03 (ReLU)"),
        Case((np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, 1.0]]), np.array([[0.5, -1.0], [2.0, 0.25]]),
              np.array([0.5, -0.5]), np.tanh), label="3 samples, 2 inputs, 2 tanh units, bias [0.5, -0.5]"),
        Case((np.array([[2.0, -1.0, 0.5, 1.0], [0.0, 1.0, -2.0, 0.5]]),
              np.array([[0.1, -0.3, 0.2], [0.4, 0.0, -0.6], [-0.2, 0.5, 0.1], [0.3, 0.2, -0.1]]),
              np.array([0.2, -0.1, 0.3]), _sigmoid), label="2 samples, 4 inputs, 3 sigmoid units"),
    ],
    misconceptions=[
        Misconception("forgot the bias", lambda A, W, b, g: g(A @ W),
                      "you left out the bias: Z = A_prev @ W + b, then the activation."),
        Misconception("no activation", lambda A, W, b, g: A @ W + b,
                      "you returned Z, the weighted sums; a layer's output is activation(Z)."),
        Misconception("bias after the activation", lambda A, W, b, g: g(A @ W) + b,
                      "you added the bias after the activation; it belongs inside: activation(A_prev @ W + b)."),
        Misconception("transposed kernel", lambda A, W, b, g: g(A @ W.T + b),
                      "you used W.T: in Keras' layout W already has shape (inputs, units), so A_prev @ W is right."),
        Misconception("one row per unit", lambda A, W, b, g: g(A @ W + b).T,
                      "your result has one row per unit; keep one row per sample, shape (m, units), "
                      "as A_prev @ W + b gives it."),
    ],
    hints=[
        "Two steps: the weighted sums Z of every sample and unit, then the activation applied to Z.",
        "`A_prev @ W` has shape (m, units): row s, column j is sample s's weighted sum into unit j. NumPy adds "
        "the bias b (shape (units,)) to every row.",
        "`return activation(A_prev @ W + b)`.",
    ],
))

register(Exercise(
    name="03.forward_pass",
    title="Forward pass of a 2-layer network",
    target="forward_pass",
    reference=forward_pass,
    cases=[
        Case(_SPAM, label="two spam-filter emails through a tanh/sigmoid version of lesson 03's network"),
        Case(_case_arrays(1, m=4, n=2, h=2),
             label="random case (seed 1): 4 samples, 2 inputs, 2 hidden units (square W1), 1 output"),
        Case(_case_arrays(2, m=3, n=3, h=3, k=2),
             label="random case (seed 2): 3 samples, 3 inputs, 3 hidden units, 2 outputs"),
        Case(_case_arrays(3, m=5, n=4, h=3),
             label="random case (seed 3): 5 samples, 4 inputs, 3 hidden units, 1 output"),
    ],
    misconceptions=[
        Misconception("used W1 in layer 2", lambda X, W1, b1, W2, b2: _sigmoid(np.tanh(X @ W1 + b1) @ W1 + b2),
                      "your second layer multiplies by W1; it has its own weights: Z2 = A1 @ W2 + b2."),
        Misconception("forgot b1", lambda X, W1, b1, W2, b2: _sigmoid(np.tanh(X @ W1) @ W2 + b2),
                      "you left out the hidden layer's bias: Z1 = X @ W1 + b1."),
        Misconception("forgot b2", lambda X, W1, b1, W2, b2: _sigmoid(np.tanh(X @ W1 + b1) @ W2),
                      "you left out the output layer's bias: Z2 = A1 @ W2 + b2."),
        Misconception("transposed W1", lambda X, W1, b1, W2, b2: _sigmoid(np.tanh(X @ W1.T + b1) @ W2 + b2),
                      "you used W1.T: in Keras' layout W1 already has shape (inputs, units), so X @ W1 is right."),
        Misconception("sigmoid hidden layer", lambda X, W1, b1, W2, b2: _sigmoid(_sigmoid(X @ W1 + b1) @ W2 + b2),
                      "your hidden layer uses sigmoid; this network's hidden layer uses tanh (np.tanh)."),
        Misconception("relu hidden layer", lambda X, W1, b1, W2, b2: _sigmoid(_relu(X @ W1 + b1) @ W2 + b2),
                      "your hidden layer uses ReLU; this network's hidden layer uses tanh (np.tanh)."),
        Misconception("no hidden activation", lambda X, W1, b1, W2, b2: _sigmoid((X @ W1 + b1) @ W2 + b2),
                      "your hidden layer has no activation: A1 = tanh(Z1), not Z1."),
        Misconception("no output activation", lambda X, W1, b1, W2, b2: np.tanh(X @ W1 + b1) @ W2 + b2,
                      "you returned Z2; the output is A2 = sigmoid(Z2), a probability between 0 and 1."),
        Misconception("sigmoid applied twice", lambda X, W1, b1, W2, b2:
                      _sigmoid(_sigmoid(np.tanh(X @ W1 + b1) @ W2 + b2)),
                      "you applied the sigmoid twice to the output: A2 = sigmoid(Z2), once."),
        Misconception("tanh output", lambda X, W1, b1, W2, b2: np.tanh(np.tanh(X @ W1 + b1) @ W2 + b2),
                      "your output layer uses tanh; the output layer uses sigmoid, so A2 is a probability."),
        Misconception("returned the hidden layer", lambda X, W1, b1, W2, b2: np.tanh(X @ W1 + b1),
                      "you returned A1, the hidden layer's output; go on through the second layer to A2."),
        Misconception("one row per output", lambda X, W1, b1, W2, b2: forward_pass(X, W1, b1, W2, b2).T,
                      "your result has one row per output unit; keep one row per sample, shape (m, outputs)."),
    ],
    hints=[
        "Layer by layer: Z1 = X @ W1 + b1, A1 = tanh(Z1); then Z2 = A1 @ W2 + b2, A2 = sigmoid(Z2).",
        "The sigmoid is 1 / (1 + np.exp(-z)), and np.tanh is the tanh. Each layer uses its own W and b.",
        "`A1 = np.tanh(X @ W1 + b1)` then `return 1 / (1 + np.exp(-(A1 @ W2 + b2)))`.",
    ],
))

register(Exercise(
    name="03.count_params",
    title="Counting parameters",
    target="count_params",
    reference=count_params,
    cases=[
        Case(([3, 2, 1],), label="layer_sizes = [3, 2, 1] (the spam network)"),
        Case(([784, 128, 10],), label="layer_sizes = [784, 128, 10] (an MNIST classifier)"),
        Case(([4, 8, 8, 3],), label="layer_sizes = [4, 8, 8, 3]"),
        Case(([2, 1],), label="layer_sizes = [2, 1] (a single neuron)"),
    ],
    misconceptions=[
        Misconception("forgot the biases", lambda sizes: sum(a * b for a, b in zip(sizes[:-1], sizes[1:])),
                      "you counted the weights only: every unit also has a bias, so each layer has "
                      "inputs × units + units parameters."),
        Misconception("biases for the inputs", lambda sizes: count_params(sizes) + sizes[0],
                      "you gave the inputs biases too; the input layer only passes the features on and has "
                      "no parameters."),
        Misconception("one bias per layer", lambda sizes: sum(a * b + 1 for a, b in zip(sizes[:-1], sizes[1:])),
                      "you counted one bias per layer; each unit has its own bias: + units, not + 1."),
        Misconception("counted neurons", lambda sizes: sum(sizes),
                      "you counted the neurons; parameters are the weights (one per connection) and biases."),
        Misconception("multiplied all sizes", lambda sizes: int(np.prod(sizes)),
                      "you multiplied all the sizes together; count each layer's inputs × units + units, "
                      "then add the layers up."),
    ],
    hints=[
        "A Dense layer with n_in inputs and n_out units has a kernel of shape (n_in, n_out) and a bias of "
        "shape (n_out,).",
        "Go through neighbouring pairs of sizes: `zip(layer_sizes[:-1], layer_sizes[1:])`.",
        "`sum(n_in * n_out + n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))`.",
    ],
))
