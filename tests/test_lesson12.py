"""Lesson 12's exercise: the reference against Keras' own Conv2D, and the named mistakes."""

from __future__ import annotations

import pytest

from dlcourse.exercises import check
from dlcourse.exercises.core import get_exercise, reference

keras = pytest.importorskip("keras")


@pytest.mark.parametrize("size,kernel,channels,filters", [(28, 3, 1, 16), (13, 3, 16, 32), (32, 5, 3, 6), (9, 1, 4, 2)])
def test_reference_matches_keras_conv2d(size, kernel, channels, filters):
    layer = keras.layers.Conv2D(filters, kernel)
    out = layer.compute_output_shape((None, size, size, channels))
    layer.build((None, size, size, channels))
    assert reference("12.conv_output")(size, kernel, channels, filters) == (out[1], layer.count_params())
    assert out[1] == out[2] and out[3] == filters


def test_reference_gets_full_marks():
    report = check("12.conv_output", reference("12.conv_output"), save=False)
    assert report.passed and report.points == report.max_points == 4


@pytest.mark.parametrize("answer,named", [
    (lambda s, k, c, f: (s, (k * k * c + 1) * f), "padding"),
    (lambda s, k, c, f: (s - k, (k * k * c + 1) * f), "size − k + 1"),
    (lambda s, k, c, f: (s - k + 1, k * k * c * f), "one bias"),
    (lambda s, k, c, f: (s - k + 1, (k * k + 1) * f), "every input channel"),
    (lambda s, k, c, f: (s - k + 1, (k * k * c + 1) * f * (s - k + 1) ** 2), "every position"),
])
def test_each_mistake_is_named(answer, named):
    def conv_output(size, kernel_size, in_channels, filters):
        return answer(size, kernel_size, in_channels, filters)

    report = check("12.conv_output", conv_output, save=False)
    assert not report.passed
    assert any(named in case.message for case in report.cases), [c.message for c in report.cases]


# --- the lesson's text and its sequence tasks ----------------------------------------------------
import contextlib  # noqa: E402
import io  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from dlcourse.exercises.notebooks import read  # noqa: E402

SOLUTION = Path(__file__).resolve().parents[1] / "course" / "solutions" / "12_beyond_the_mlp.ipynb"


def _cells():
    return {c.id: c for c in read(SOLUTION).cells}


def _run(ids: list[str], namespace: dict) -> str:
    """Execute the lesson's own code cells ``ids`` in ``namespace``; return what they printed."""
    cells = _cells()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell_id in ids:
            exec(compile(cells[cell_id].source, f"<lesson 12 cell {cell_id}>", "exec"), namespace)  # noqa: S102
    return out.getvalue()


def test_exercise_worked_example_is_what_the_reference_and_keras_compute():
    """Exercise 12.1's text: `conv_output(10, 3, 2, 4)` returns `(8, 76)`."""
    text = _cells()["3a00efb8"].source
    args, result = re.search(r"`conv_output\(([\d, ]+)\)` returns `\(([\d, ]+)\)`", text).groups()
    args = tuple(int(a) for a in args.split(","))
    expected = tuple(int(r) for r in result.split(","))
    assert reference("12.conv_output")(*args) == expected
    size, kernel, channels, filters = args
    layer = keras.layers.Conv2D(filters, kernel)
    model = keras.Sequential([keras.Input((size, size, channels)), layer])
    assert (model.output_shape[1], layer.count_params()) == expected
    assert args not in [c.args for c in get_exercise("12.conv_output").cases], "the worked example gives a case away"


def test_no_machine_dependent_figure_is_typed_into_the_lesson():
    """Accuracies and times are printed by the cells, not typed (lesson 08's accuracies are computed here)."""
    cells = read(SOLUTION).cells
    markdown = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    assert not re.search(r"\d\d\.\d+ ?%", markdown), "an accuracy typed into the text"
    # (the reading time "about 30 minutes" is the learner's, not the machine's)
    assert not re.search(r"about \d+ (s|seconds)\b|\d+ seconds", markdown), "a time typed into the text"
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    assert not re.search(r"0\.9[5-9]\d\d", code), "an accuracy typed into a code cell"


def test_two_sine_waves_are_an_exact_linear_rule_on_the_last_four_values():
    """Cells l12-15, l12-16a and l12-18: least squares on the last 4 values predicts the signal (almost) exactly."""
    printed = _run(["l12-15", "l12-16a"], {"np": np})
    repeat, linear = (float(v) for v in re.findall(r"MSE (\S+?)(?:,|\n|$)", printed))
    assert linear < 1e-8 < 1e-3 < repeat


def test_the_memory_task_needs_memory_and_the_lstm_has_it():
    """Cells l12-16b to l12-16d: the LSTM recalls the marked value; least squares on the last 4 steps, or on
    all 16, does little better than always guessing 0.5."""
    import time

    from dlcourse.seeding import seed_everything

    namespace = {"np": np, "keras": keras, "layers": keras.layers, "time": time, "seed_everything": seed_everything}
    printed = _run(["l12-15", "l12-16a", "l12-16b", "l12-16c"], namespace)
    lstm = float(re.search(r"LSTM: \d+ s; test MSE (\S+)", printed).group(1))
    last4, everything = (float(v) for v in re.findall(r"least squares on the last \d+ steps: MSE (\S+)", printed))
    guess = float(re.search(r"always guessing 0.5: MSE (\S+)", printed).group(1))
    assert lstm < 0.1 * min(last4, everything)
    assert min(last4, everything) > 0.8 * guess
