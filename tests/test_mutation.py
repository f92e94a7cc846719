"""Mutation test of the exercise checks: every plausible wrong variant of a reference answer fails.

For each exercise that takes a function (lesson 00's included) or builds a Keras model or
callback (lessons 08-10), :mod:`tests.mutants` makes mutants of the course's own answer (flipped signs, swapped operands, off-by-one ranges, mean for sum, swapped axes, an
argument ignored, one loop step dropped or doubled, a constant returned, ...). The check must
reject every one of them, except the equivalent mutants listed in :data:`EQUIVALENT`, each with
the reason it computes the same function on every input the contract allows.

``python tests/test_mutation.py`` prints the mutation score per lesson and the survivors.
"""

from __future__ import annotations

import copy
import inspect
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mutants import mutants  # noqa: E402

from dlcourse.exercises.checking import run_exercise  # noqa: E402
from dlcourse.exercises.core import all_exercises  # noqa: E402

#: Mutants that compute the same answer as the reference on every valid input, by exercise and
#: description, with the reason.
EQUIVALENT: dict[str, dict[str, str]] = {
    "01.train_perceptron": {
        "line 6: call dropped: `int(x_i @ w + b > 0)` → `x_i @ w + b > 0`":
            "y_i - True is y_i - 1 in NumPy: a boolean prediction subtracts exactly like 0/1",
        "line 6: swapped operands: `x_i @ w` → `w @ x_i`": "both are 1-D, and the dot product is symmetric",
        "line 6: loop statement done twice: `error = y_i - int(x_i @ w + b > 0)`":
            "computing the same error twice, before w changes, gives the same error",
    },
    "02.sigmoid": {
        "line 3: comparison: `z >= 0` → `z > 0`": "at z = 0 both branches give 1 / (1 + 1) = 1 / 2 = 0.5",
    },
    "02.relu": {
        "line 2: swapped arguments: `np.maximum(z, 0)` → `np.maximum(0, z)`": "the maximum is symmetric",
    },
    "02.leaky_relu": {
        "line 2: comparison: `z > 0` → `z >= 0`": "at z = 0 both branches give 0",
    },
    "04.mse": {
        "line 2: swapped operands: `y_pred - y_true` → `y_true - y_pred`": "the difference is squared",
    },
    "04.binary_crossentropy": {
        "line 2: swapped arguments: `np.clip(y_pred, 1e-07, 1 - 1e-07)` → `np.clip(1e-07, y_pred, 1 - 1e-07)`":
            "np.clip(a, lo, hi) is minimum(maximum(a, lo), hi), and maximum is symmetric",
    },
    "04.categorical_crossentropy": {
        "line 2: swapped arguments: `np.clip(y_pred, 1e-07, 1 - 1e-07)` → `np.clip(1e-07, y_pred, 1 - 1e-07)`":
            "np.clip(a, lo, hi) is minimum(maximum(a, lo), hi), and maximum is symmetric",
        "line 3: axis swapped: `np.sum(y_true * np.log(p), axis=-1)` → `np.sum(y_true * np.log(p), axis=1)`":
            "the contract's inputs have shape (m, classes): axis 1 is the last axis",
        "line 3: sign dropped: `-1` → `1`": "the same axis=1 as above: for (m, classes) inputs it is the last axis",
    },
    "08.build_model": {
        "line 12: item repeated: `['accuracy']` → `['accuracy', 'accuracy']`":
            "the same metric listed twice is reported once per name: training reports accuracy as asked",
    },
    "09.build_relu_model": {
        "line 5: item repeated: `[keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(10, "
        "activation='relu'), keras.layers.Dense(10, activation='softmax')]` → `[keras.Input((28, 28)), "
        "keras.layers.Flatten(), keras.layers.Flatten(), keras.layers.Dense(10, activation='relu'), "
        "keras.layers.Dense(10, activation='softmax')]`": "flattening rows that are already flat changes nothing",
        "line 6: swapped items: `(28, 28)` → `(28, 28)`": "the two items are equal",
        "line 12: item repeated: `['accuracy']` → `['accuracy', 'accuracy']`":
            "the same metric listed twice is reported once per name: training reports accuracy as asked",
    },
    "10.early_stopping": {
        "line 4: keyword left out: `import_keras().callbacks.EarlyStopping(monitor='val_loss', patience=5, "
        "restore_best_weights=True)` → `import_keras().callbacks.EarlyStopping(patience=5, "
        "restore_best_weights=True)`": "monitor='val_loss' is EarlyStopping's default (tests/test_keras_claims.py)",
        "line 4: constant: `5` → `6`": "the contract allows any patience from 3 to 10 epochs",
        "line 4: constant: `5` → `4`": "the contract allows any patience from 3 to 10 epochs",
    },
    "05.numerical_gradient": {
        "line 2: function swapped: `np.zeros_like(w, dtype=float)` → `np.ones_like(w, dtype=float)`":
            "the loop overwrites every entry of grad, so its starting values never show",
        "line 4: swapped items: `(w.copy(), w.copy())` → `(w.copy(), w.copy())`": "the two items are equal copies",
        "line 4: loop statement done twice: `plus, minus = (w.copy(), w.copy())`":
            "making the same fresh copies twice leaves the same copies",
        "line 7: loop statement done twice: `grad[i] = (f(plus) - f(minus)) / (2 * h)`":
            "assigning the same entry twice from unchanged inputs gives the same entry",
    },
}

#: Exercises whose answer is a Playground configuration: their checks train it, and a changed
#: setting (a learning rate halved, one neuron more) may well still reach the challenge's target,
#: which the contract allows, so a mutant's verdict says nothing about the check's power.
NOT_MUTATED = ("11.xor_few_neurons", "11.spiral", "11.cure_overfitting", "11.choose_optimizer")
#: Exercises whose answer builds a Keras object: mutated with ``objects=True`` (settings, classes,
#: keyword arguments, layers); for ``10.early_stopping`` the answer is the object the reference makes.
KERAS = ("08.build_model", "09.build_relu_model", "10.build_l2_model", "10.build_dropout_model", "10.early_stopping")
OBJECT_ANSWERS = ("10.early_stopping",)


def _exercises():
    return [e for e in all_exercises() if e.name not in NOT_MUTATED]


def _first_case_args(exercise) -> dict:
    if not exercise.cases:
        return {}
    case = exercise.cases[0]
    names = list(inspect.signature(exercise.reference).parameters)
    values = dict(zip(names, copy.deepcopy(case.args)))
    values.update(copy.deepcopy(case.kwargs))
    return values


def survivors(exercise) -> tuple[int, list[str]]:
    """(number of mutants, descriptions of the mutants the check accepted)."""
    constants = [expected for expected, _ in exercise.prepare()] if exercise.cases else []
    count, alive = 0, []
    for description, mutant in mutants(exercise.reference, _first_case_args(exercise), constants,
                                       objects=exercise.name in KERAS):
        count += 1
        answer = mutant
        if exercise.name in OBJECT_ANSWERS:
            try:
                answer = mutant()
            except Exception:  # noqa: BLE001 - the learner's answer cell itself would fail: killed
                continue
        report = run_exercise(exercise, answer, time_limit=None if exercise.name in KERAS else 1.0)
        if report.passed:
            alive.append(description)
    return count, alive


@pytest.mark.parametrize("exercise", _exercises(), ids=lambda e: e.name)
def test_every_mutant_is_rejected(exercise):
    count, alive = survivors(exercise)
    assert count > 0
    equivalent = EQUIVALENT.get(exercise.name, {})
    unexplained = [d for d in alive if d not in equivalent]
    assert not unexplained, f"{exercise.name}: {len(unexplained)} of {count} mutants pass the check:\n" + \
        "\n".join(unexplained)


def test_every_listed_equivalent_mutant_still_exists():
    names = {e.name: e for e in _exercises()}
    for name, listed in EQUIVALENT.items():
        _, alive = survivors(names[name])
        assert set(listed) <= set(alive), f"{name}: listed as equivalent but rejected or gone: " \
            f"{sorted(set(listed) - set(alive))}"


def main() -> None:
    """Print the mutation score per lesson (killed / non-equivalent mutants) and every survivor."""
    by_lesson: dict[str, list[int]] = {}
    for exercise in _exercises():
        count, alive = survivors(exercise)
        equivalent = [d for d in alive if d in EQUIVALENT.get(exercise.name, {})]
        unexplained = [d for d in alive if d not in equivalent]
        total = by_lesson.setdefault(exercise.lesson, [0, 0])
        total[0] += count - len(equivalent) - len(unexplained)
        total[1] += count - len(equivalent)
        print(f"{exercise.name}: {count} mutants, {len(unexplained)} survive, {len(equivalent)} equivalent")
        for d in unexplained:
            print(f"    survives: {d}")
    print("\nmutation score per lesson (killed / non-equivalent):")
    for lesson, (killed, total) in sorted(by_lesson.items()):
        print(f"  lesson {lesson}: {killed}/{total} = {killed / total:.1%}")


if __name__ == "__main__":
    main()
