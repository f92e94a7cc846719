"""The two steps of a check: collect (runs learner code, records plain data) and judge (pure)."""

from __future__ import annotations

import io
import pickle
import zipfile

import numpy as np
import pytest

from dlcourse.exercises import plain
from dlcourse.exercises.checking import collect, judge, run_exercise
from dlcourse.exercises.collected import Collected, Outcome
from dlcourse.exercises.core import all_exercises, get_exercise


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return type(a) is type(b) and a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    if isinstance(a, np.generic) or isinstance(b, np.generic):
        return type(a) is type(b) and (a == b or (a != a and b != b))
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return type(b) is dict and list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, float) and a != a:
        return isinstance(b, float) and b != b
    return type(a) is type(b) and a == b


PLAIN_VALUES = [
    None, True, 3, -2**70, 2.5, float("nan"), float("inf"), -float("inf"), 1 + 2j, "text", "",
    np.arange(6, dtype=np.int32).reshape(2, 3), np.array([0.5, np.nan, np.inf]), np.array([True, False]),
    np.zeros((0, 3)), np.array(["a", "bc"]), np.float32(1.5), np.int64(7), np.bool_(True),
    (1, (2.0, np.ones(2)), []), [1, "a", None], {"w": np.eye(2), 3: (1, 2), (1, 2): "tuple key"},
    plain.Opaque("generator", "<generator object f at 0x1>"),
]


@pytest.mark.parametrize("value", PLAIN_VALUES, ids=[type(v).__name__ for v in PLAIN_VALUES])
def test_plain_data_round_trips_through_bytes(value):
    assert _same(plain.loads(plain.dumps(value)), value)


def test_to_plain_drops_learner_classes_and_objects():
    class Liar(float):
        def __eq__(self, other):
            return True

    class Sneaky(np.ndarray):
        pass

    converted = plain.to_plain((Liar(2.0), np.zeros(3).view(Sneaky), (x for x in []), np.array([object()])))
    assert type(converted[0]) is float and converted[0] == 2.0
    assert type(converted[1]) is np.ndarray
    assert isinstance(converted[2], plain.Opaque) and converted[2].type_name == "generator"
    assert isinstance(converted[3], plain.Opaque)


def test_archive_never_needs_pickle():
    data = Collected("01.weighted_sum", "function", "function", 2.0,
                     [Outcome("value", (np.ones(2), {"k": np.zeros(1)}), warnings=["overflow"])]).to_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            array = np.load(io.BytesIO(archive.read(name)), allow_pickle=False)
            assert array.dtype != object
    assert Collected.from_bytes(data).outcomes[0].warnings == ["overflow"]


def test_a_pickled_object_array_is_refused():
    buffer = io.BytesIO()
    np.savez(buffer, **{"manifest.json": np.frombuffer(b'{"array": "a0"}', np.uint8),
                        "a0": np.array([object()], dtype=object)})
    with pytest.raises(plain.PlainDataError):
        plain.loads(buffer.getvalue())
    with pytest.raises(plain.PlainDataError):
        Collected.from_bytes(pickle.dumps({"format": 1}))


def _wrong_weighted_sum(x, w, b):
    return float(np.sum(x * w))  # forgets the bias


def _raises(x, w, b):
    raise ValueError("boom")


@pytest.mark.parametrize("answer", [None, _wrong_weighted_sum, _raises, 42, lambda x, w, b: (x for x in [])])
def test_judge_of_a_round_tripped_collection_is_the_same_report(answer):
    exercise = get_exercise("01.weighted_sum")
    collected = collect(exercise, answer)
    again = Collected.from_bytes(collected.to_bytes())
    assert judge(exercise, again) == judge(exercise, collected) == run_exercise(exercise, answer)


@pytest.mark.parametrize("exercise", [e for e in all_exercises() if e.custom is None], ids=lambda e: e.name)
def test_the_reference_round_trips_and_passes(exercise):
    collected = collect(exercise, exercise.reference)
    assert all(o.kind == "value" for o in collected.outcomes)
    report = judge(exercise, Collected.from_bytes(collected.to_bytes()))
    assert report.passed, str(report)


def test_judge_never_calls_learner_code():
    calls = []

    def answer(x, w, b):
        calls.append(1)
        return float(np.dot(x, w) + b)

    exercise = get_exercise("01.weighted_sum")
    collected = collect(exercise, answer)
    count = len(calls)
    assert count == len(exercise.cases)
    judge(exercise, collected)
    assert len(calls) == count


def test_judge_refuses_a_collection_for_another_exercise():
    collected = collect(get_exercise("01.weighted_sum"), lambda x, w, b: 0.0)
    report = judge(get_exercise("02.relu"), collected)
    assert report.status == "error"


def test_html_renders_inline_code_one_way():
    """No literal backtick is left next to <code>: headline, labels, messages and notes all use <code>."""
    for answer in (None, lambda x, w, b: x @ w, lambda x, w, b: 1 / 0):
        report = run_exercise(get_exercise("01.weighted_sum"), answer)
        report.add_note("Stuck? Run `hint(\"01.weighted_sum\")` for a hint.")
        page = report._repr_html_()
        assert "`" not in page, page
        assert "<code>" in page


def test_a_named_misconception_explains_every_failing_case():
    """A mistake made only on some cases is described in the contract's terms, not named."""
    exercise = get_exercise("01.weighted_sum")

    def sometimes_forgets_the_bias(X, w, b):
        return X @ w if X.shape[0] == 3 else X @ w + b  # right on most cases, no bias on one

    report = run_exercise(exercise, sometimes_forgets_the_bias)
    assert not report.passed
    assert all(c.kind != "misconception" for c in report.cases), str(report)
    wrong = [c for c in report.cases if not c.passed]
    assert wrong and all("expected" in c.message for c in wrong)


def test_a_pattern_gets_its_likely_cause():
    report = run_exercise(get_exercise("01.weighted_sum"), lambda X, w, b: -(X @ w + b))
    assert all("opposite sign" in c.message for c in report.cases if not c.passed), str(report)
    report = run_exercise(get_exercise("03.dense_layer"), lambda A, W, b, g: 2 * g(A @ W + b))
    assert any("factor" in c.message for c in report.cases if not c.passed), str(report)
