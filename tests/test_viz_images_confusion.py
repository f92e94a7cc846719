"""dlcourse.viz.confusion: the counts against TensorFlow's confusion matrix, and the figure."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse.viz.confusion import confusion_matrix, plot_confusion_matrix, top_confusions


def test_counts_match_tensorflow():
    tf = pytest.importorskip("tensorflow")
    rng = np.random.default_rng(3)
    y_true = rng.integers(0, 10, 2000)
    y_pred = np.where(rng.random(2000) < 0.8, y_true, rng.integers(0, 10, 2000))
    expected = tf.math.confusion_matrix(y_true, y_pred, num_classes=10).numpy()
    assert np.array_equal(confusion_matrix(y_true, y_pred, 10), expected)


def test_rows_are_true_classes_and_columns_predictions():
    matrix = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3)
    assert matrix.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert matrix.sum() == 6


def test_normalized_rows_add_up_to_one_and_empty_rows_stay_zero():
    matrix = confusion_matrix([0, 0, 0, 2], [0, 1, 1, 2], 3, normalize=True)
    assert np.allclose(matrix, [[1 / 3, 2 / 3, 0], [0, 0, 0], [0, 0, 1]])


def test_num_classes_defaults_to_largest_label_plus_one():
    assert confusion_matrix([0, 4], [4, 4]).shape == (5, 5)


@pytest.mark.parametrize("y_true,y_pred,n,message", [
    ([0, 1], [0], None, "same length"),
    ([0, -1], [0, 1], None, "negative"),
    ([0, 3], [0, 1], 3, "larger than num_classes"),
])
def test_bad_input_is_refused(y_true, y_pred, n, message):
    with pytest.raises(ValueError, match=message):
        confusion_matrix(y_true, y_pred, n)


def test_top_confusions_are_the_largest_off_diagonal_cells():
    matrix = np.array([[50, 2, 7], [0, 40, 1], [9, 3, 60]])
    assert top_confusions(matrix, 3) == [(2, 0, 9), (0, 2, 7), (2, 1, 3)]


def test_plot_labels_every_cell():
    fig = plot_confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], normalize=True)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 9 and texts[0] == "100" and texts[4] == "50" and texts[5] == "50"
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    counts = plot_confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], names=["a", "b", "c"])
    assert [t.get_text() for t in counts.axes[0].texts][:3] == ["1", "0", "0"]
    assert [t.get_text() for t in counts.axes[0].get_xticklabels()] == ["a", "b", "c"]
