"""Exercises of lesson 04 (Loss functions): mean squared error, binary and categorical cross-entropy.

Each loss is computed the way ``keras.losses`` computes it with its default settings: one
loss per example (for several outputs, averaged over the last axis by MSE and BCE, summed
over the classes by categorical cross-entropy), then **averaged over the batch**, Keras'
``"sum_over_batch_size"`` reduction; probabilities are first clipped to ``[1e-7, 1 − 1e-7]``
(``keras.backend.epsilon()``), with the natural logarithm. The tests compare these reference
versions with ``keras.losses``.

Every known-wrong variant below is computed with NumPy's warnings silenced: they run while
the check prepares its expected answers (``log(0)`` would otherwise print a warning).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from dlcourse.exercises.answers.lesson04 import binary_crossentropy, categorical_crossentropy, mse  # the notebook's answers
from dlcourse.exercises.core import Case, Exercise, Misconception, lesson, quiet, register

lesson("04", "Loss functions")

EPSILON = 1e-7  # keras.backend.epsilon()


def _bce_terms(t: np.ndarray, p: np.ndarray, eps: float | None = EPSILON, log: Callable = np.log,
               second_term: bool = True) -> np.ndarray:
    if eps is not None:
        p = np.clip(p, eps, 1 - eps)
    terms = t * log(p)
    if second_term:
        terms = terms + (1 - t) * log(1 - p)
    return -terms


def _ce_terms(t: np.ndarray, p: np.ndarray, eps: float | None = EPSILON, log: Callable = np.log) -> np.ndarray:
    if eps is not None:
        p = np.clip(p, eps, 1 - eps)
    return -(t * log(p))


_NO_CLIP = ("log(0) is −inf, and it turned your loss into inf or NaN (0 · log 0 is NaN too). Clip your probabilities "
            "first, at both ends, as Keras does: `p = np.clip(y_pred, 1e-7, 1 - 1e-7)` (1 − p is 0 when p = 1).")
_SWAPPED = ("you swapped `y_true` and `y_pred`: the logarithm is taken of the prediction, and the target weighs it "
            "(−y_true · ln y_pred).")
_LOG2 = "you used log base 2 (bits); Keras uses the natural logarithm, `np.log`."
_PER_EXAMPLE = ("you returned one loss per example; a Keras loss averages them over the batch into a single number "
                "(`np.mean(...)`).")

# --- mean squared error ------------------------------------------------------------------
register(Exercise(
    name="04.mse",
    title="Mean squared error",
    target="mse",
    reference=mse,
    cases=[
        Case((np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.5, 2.0, 2.0, 5.0]))),
        Case((np.array([[0.0, 1.0], [2.0, -1.0], [1.0, 1.0]]), np.array([[0.5, 1.0], [1.0, 0.0], [3.0, 1.5]])),
             label="a batch of 3 examples with 2 outputs each"),
        Case((np.array([[3.0], [-1.0], [0.5], [2.0], [0.0]]), np.array([[2.5], [0.0], [0.5], [4.0], [-1.0]])),
             label="5 examples with one output each, shape (5, 1)"),
    ],
    misconceptions=[
        Misconception("forgot the mean", lambda t, p: np.sum(np.square(p - t)),
                      "you added up the squared errors; MSE is their mean, so divide by how many there are "
                      "(`np.mean`), and the loss does not grow with the batch size."),
        Misconception("summed over the batch", lambda t, p: np.sum(np.mean(np.square(p - t), axis=-1)),
                      "you averaged over the outputs but summed over the examples; Keras averages over the batch too."),
        Misconception("summed over outputs", lambda t, p: np.mean(np.sum(np.square(p - t), axis=-1)),
                      "you added the squared errors of each example's outputs; MSE averages over the outputs too."),
        Misconception("per example", lambda t, p: np.mean(np.square(p - t), axis=-1), _PER_EXAMPLE),
        Misconception("not squared", lambda t, p: np.mean(p - t),
                      "you averaged the errors without squaring them, so errors of opposite sign cancel out."),
        Misconception("not squared (other sign)", lambda t, p: np.mean(t - p),
                      "you averaged the errors without squaring them, so errors of opposite sign cancel out."),
        Misconception("absolute", lambda t, p: np.mean(np.abs(p - t)),
                      "you averaged absolute errors: that is the mean absolute error (`mae`). Square them instead."),
        Misconception("root", lambda t, p: np.sqrt(np.mean(np.square(p - t))),
                      "you took the square root: that is the root mean squared error (RMSE). MSE stops before the root."),
        Misconception("squared the mean", lambda t, p: np.mean(p - t) ** 2,
                      "you squared the mean error; square each error first, then take the mean."),
        Misconception("halved", lambda t, p: 0.5 * np.mean(np.square(p - t)),
                      "you halved the result. Some textbooks put ½ in front to tidy the derivative; Keras' MSE has no ½."),
    ],
    hints=[
        "Subtract, square, average: the error of each output is y_pred − y_true.",
        "`np.square(y_pred - y_true)` squares every error; which NumPy function averages all of them?",
        "`return np.mean(np.square(y_pred - y_true))` (with one or several outputs per example, Keras' "
        "mean over the outputs and then over the batch is the same as the mean over everything).",
    ],
))

# --- binary cross-entropy ----------------------------------------------------------------
_BCE_T = np.array([1.0, 0.0, 1.0, 0.0, 1.0])
_BCE_P = np.array([0.9, 0.2, 0.6, 0.4, 0.3])

register(Exercise(
    name="04.binary_crossentropy",
    title="Binary cross-entropy",
    target="binary_crossentropy",
    reference=binary_crossentropy,
    cases=[
        Case((_BCE_T.copy(), _BCE_P.copy()), rtol=1e-5),
        Case((np.array([[1.0], [0.0], [0.0]]), np.array([[0.75], [0.1], [0.5]])), rtol=1e-5,
             label="3 examples, shape (3, 1): targets [1, 0, 0], predictions [0.75, 0.1, 0.5]"),
        Case((np.array([1.0, 0.0, 1.0, 0.0]), np.array([1.0, 0.0, 0.0, 1.0])), rtol=1e-5,
             label="predictions of exactly 0 and 1: targets [1, 0, 1, 0], predictions [1, 0, 0, 1]"),
        Case((np.array([1.0, 1.0, 0.0]), np.array([0.0, 0.5, 0.5])), rtol=1e-5,
             label="a prediction of exactly 0 for target 1: targets [1, 1, 0], predictions [0, 0.5, 0.5]"),
    ],
    misconceptions=[
        Misconception("not clipped", quiet(lambda t, p: np.mean(_bce_terms(t, p, eps=None))), _NO_CLIP),
        Misconception("clipped at 0 only", quiet(lambda t, p: np.mean(_bce_terms(t, np.maximum(p, EPSILON), eps=None))),
                      "you clipped the probabilities at 0 only, so p = 1 still gives log(1 − p) = log 0: clip at "
                      "both ends, as Keras does: `p = np.clip(y_pred, 1e-7, 1 - 1e-7)`."),
        Misconception("swapped", quiet(lambda t, p: np.mean(_bce_terms(p, t))), _SWAPPED),
        Misconception("forgot (1 - y)", quiet(lambda t, p: np.mean(_bce_terms(t, p, second_term=False))),
                      "you left out the (1 − y) · ln(1 − p) term, so examples whose target is 0 cost nothing: "
                      "−(y ln p + (1 − y) ln(1 − p))."),
        Misconception("forgot the mean", quiet(lambda t, p: np.sum(_bce_terms(t, p))),
                      "you added up the examples' losses; Keras averages them over the batch (divide by the "
                      "number of examples), so the loss does not grow with the batch size."),
        Misconception("per example", quiet(lambda t, p: np.mean(_bce_terms(t, p), axis=-1) if np.ndim(t) > 1
                                            else _bce_terms(t, p)), _PER_EXAMPLE),
        Misconception("log2", quiet(lambda t, p: np.mean(_bce_terms(t, p, log=np.log2))), _LOG2),
        Misconception("log10", quiet(lambda t, p: np.mean(_bce_terms(t, p, log=np.log10))),
                      "you used log base 10; Keras uses the natural logarithm, `np.log`."),
        Misconception("forgot the minus", quiet(lambda t, p: -np.mean(_bce_terms(t, p))),
                      "your loss is negative: the logarithm of a probability is ≤ 0, so cross-entropy puts a minus "
                      "in front, −(y ln p + (1 − y) ln(1 − p)), to make the loss ≥ 0."),
        Misconception("epsilon 1e-15", quiet(lambda t, p: np.mean(_bce_terms(t, p, eps=1e-15))),
                      "you clipped at 1e-15; Keras clips at 1e-7 (`keras.backend.epsilon()`), so a certain, wrong "
                      "prediction costs −ln(1e-7) ≈ 16.1."),
    ],
    hints=[
        "Per prediction: −(y ln p + (1 − y) ln(1 − p)), then the mean over all of them. `np.log` is the natural log.",
        "A prediction of exactly 0 or 1 makes `np.log` return −inf. Keras first clips: "
        "`p = np.clip(y_pred, 1e-7, 1 - 1e-7)`.",
        "`p = np.clip(y_pred, 1e-7, 1 - 1e-7)`, then "
        "`return np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))`.",
    ],
))

# --- categorical cross-entropy -----------------------------------------------------------
register(Exercise(
    name="04.categorical_crossentropy",
    title="Categorical cross-entropy",
    target="categorical_crossentropy",
    reference=categorical_crossentropy,
    cases=[
        Case((np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]), np.array([[0.1, 0.7, 0.2], [0.2, 0.2, 0.6]])),
             rtol=1e-5, label="2 examples, 3 classes: true classes 1 and 2"),
        Case((np.eye(4)[[3, 0, 2, 0]], np.array([[0.1, 0.2, 0.3, 0.4], [0.7, 0.1, 0.1, 0.1],
                                                  [0.05, 0.05, 0.85, 0.05], [0.25, 0.25, 0.25, 0.25]])),
             rtol=1e-5, label="4 examples, 4 classes: true classes [3, 0, 2, 0]"),
        Case((np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), np.array([[0.5, 0.5, 0.0], [0.0, 1.0, 0.0]])),
             rtol=1e-5, label="probabilities of exactly 0 and 1 on the wrong classes"),
        Case((np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]), np.array([[0.3, 0.7, 0.0], [0.8, 0.1, 0.1]])),
             rtol=1e-5, label="a probability of exactly 0 on the true class"),
        Case((np.eye(3)[[2, 0, 1]], np.eye(3)[[2, 0, 1]]), rtol=1e-5, atol=1e-10,
             label="perfect predictions: probability exactly 1 on every true class (Keras gives 1e-7, not 0)"),
    ],
    misconceptions=[
        Misconception("not clipped", quiet(lambda t, p: np.mean(np.sum(_ce_terms(t, p, eps=None), axis=-1))),
                      _NO_CLIP.replace(" (1 − p is 0 when p = 1)", "")),
        Misconception("averaged over classes", quiet(lambda t, p: np.mean(_ce_terms(t, p))),
                      "you averaged over the classes as well; cross-entropy sums over the classes (only the true "
                      "class's term is non-zero) and then averages over the examples: "
                      "`np.mean(np.sum(..., axis=-1))`."),
        Misconception("forgot the mean", quiet(lambda t, p: np.sum(_ce_terms(t, p))),
                      "you added up the examples' losses; Keras averages them over the batch (divide by the "
                      "number of examples), so the loss does not grow with the batch size."),
        Misconception("per example", quiet(lambda t, p: np.sum(_ce_terms(t, p), axis=-1)), _PER_EXAMPLE),
        Misconception("swapped", quiet(lambda t, p: np.mean(np.sum(_ce_terms(p, t), axis=-1))), _SWAPPED),
        Misconception("log2", quiet(lambda t, p: np.mean(np.sum(_ce_terms(t, p, log=np.log2), axis=-1))), _LOG2),
        Misconception("binary formula per class", quiet(lambda t, p: np.mean(np.sum(_bce_terms(t, p), axis=-1))),
                      "you added (1 − y) · ln(1 − p) terms for the other classes: that is binary cross-entropy per "
                      "class (for multi-label problems). Categorical cross-entropy is −Σ y ln p."),
        Misconception("binary cross-entropy", quiet(lambda t, p: np.mean(_bce_terms(t, p))),
                      "that is binary cross-entropy applied to each class (Keras' `binary_crossentropy` on one-hot "
                      "targets). Categorical cross-entropy is −Σ y ln p, summed over the classes."),
        Misconception("forgot the minus", quiet(lambda t, p: -np.mean(np.sum(_ce_terms(t, p), axis=-1))),
                      "your loss is negative: the logarithm of a probability is ≤ 0, so cross-entropy puts a minus "
                      "in front, −Σ y ln p, to make the loss ≥ 0."),
    ],
    hints=[
        "For one example: −Σ over the classes of y · ln p. Only the true class has y = 1, so this is −ln(p of the true "
        "class). Then average over the examples.",
        "Clip first, as Keras does: `p = np.clip(y_pred, 1e-7, 1 - 1e-7)`. Then `y_true * np.log(p)` has one row per "
        "example; sum each row with `axis=-1`.",
        "`p = np.clip(y_pred, 1e-7, 1 - 1e-7)`, then `return np.mean(-np.sum(y_true * np.log(p), axis=-1))`.",
    ],
))
