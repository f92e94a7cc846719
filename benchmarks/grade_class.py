"""Grade a class in the sandbox: 100 generated lesson-01 and 30 lesson-08 submissions, timed.

Each lesson-01 submission is the released learner notebook with its three answer cells filled
from a mix of correct answers, the classic mistakes, unfinished placeholders, an exception, NaN
and an endless loop, so the run exercises every path of the grader. Each lesson-08 submission
builds a correct or a subtly wrong Keras model (or leaves it unfinished), and runs the lesson's
training cells. Every notebook runs in its own bubblewrap sandbox (``dlcourse grade``'s default).
Target: 100 lesson-01 submissions in under 3 minutes on a 2-core machine. The load average is
printed beside the figures: other work on the machine slows grading down. So the CPU seconds
per submission are printed too (the sandbox's runner and kernels, from their own record, plus
the grader's process), which the load does not change much: n x that / CPUs is the wall time
on a machine with nothing else running.

Run: python benchmarks/grade_class.py [--n01 100] [--n08 30] [--jobs N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from dlcourse.exercises import sandbox
from dlcourse.exercises.grading import default_jobs, grade_folder, write_csv
from dlcourse.exercises.notebooks import ANSWER, exercise_cells, read

REPO = Path(__file__).resolve().parents[1]
LEARNER = REPO / "course" / "01_neuron.ipynb"
LEARNER_08 = REPO / "course" / "08_first_keras_network.ipynb"

WEIGHTED_SUM = {
    "correct": "return X @ w + b",
    "no bias": "return X @ w",
    "transposed": "return w @ X + b",
    "column": "return X @ w.reshape(-1, 1) + b",
    "nan": "return X @ w + b * np.nan",
    "endless loop": "while True:\n        pass",
}
PREDICT = {
    "correct": "return (X @ w + b > 0).astype(int)",
    "z >= 0": "return (X @ w + b >= 0).astype(int)",
    "booleans": "return X @ w + b > 0",
    "returned z": "return X @ w + b",
}
TRAIN = {
    "correct": ("w = np.zeros(X.shape[1])\n    b = 0.0\n    for _ in range(epochs):\n"
                "        for x_i, y_i in zip(X, y):\n            error = y_i - int(x_i @ w + b > 0)\n"
                "            w = w + learning_rate * error * x_i\n            b = b + learning_rate * error\n"
                "    return w, b"),
    "bias never updated": ("w = np.zeros(X.shape[1])\n    for _ in range(epochs):\n"
                           "        for x_i, y_i in zip(X, y):\n            error = y_i - int(x_i @ w > 0)\n"
                           "            w = w + learning_rate * error * x_i\n    return w, 0.0"),
    "exception": "w = np.zeros(X.shape[1])\n    return w[X.shape[1]], 0.0",
}


def _fill(source: str, body: str | None) -> str:
    """Replace the placeholder lines of an answer cell with ``body`` (None: leave it unfinished)."""
    if body is None:
        return source
    head = source.split("    # YOUR CODE HERE")[0]
    return head + "    " + body + "\n"


def make_class(folder: Path, n: int, seed: int = 0) -> list[str]:
    """Write ``n`` submissions into ``folder``; returns a description of each."""
    rng = random.Random(seed)
    base = read(LEARNER)
    descriptions = []
    for index in range(n):
        nb = nbformat.from_dict(base)
        picks = {
            "01.weighted_sum": rng.choices(list(WEIGHTED_SUM) + [None], weights=[10, 2, 2, 2, 1, 1, 2])[0],
            "01.perceptron_predict": rng.choices(list(PREDICT) + [None], weights=[10, 2, 2, 1, 2])[0],
            "01.train_perceptron": rng.choices(list(TRAIN) + [None], weights=[8, 3, 1, 3])[0],
        }
        tables = {"01.weighted_sum": WEIGHTED_SUM, "01.perceptron_predict": PREDICT, "01.train_perceptron": TRAIN}
        for _, name, cell in exercise_cells(nb, ANSWER):
            choice = picks[name]
            cell.source = _fill(cell.source, tables[name][choice] if choice else None)
        student = folder / f"student_{index + 1:02d}"
        student.mkdir(parents=True)
        nbformat.write(nb, student / LEARNER.name)
        descriptions.append(", ".join(f"{k[3:]}={v or 'unfinished'}" for k, v in picks.items()))
    return descriptions


MODEL = ('model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(128, activation="{act}"),\n'
         '        keras.layers.Dense(64, activation="{act}"), keras.layers.Dense(10, activation="softmax")])\n'
         '    model.compile(optimizer=keras.optimizers.Adam(learning_rate={lr}), loss="{loss}", metrics=["accuracy"])\n'
         '    return model')
BUILD = {
    "correct": MODEL.format(act="relu", lr=0.0005, loss="sparse_categorical_crossentropy"),
    "sigmoid hidden": MODEL.format(act="sigmoid", lr=0.0005, loss="sparse_categorical_crossentropy"),
    "wrong rate": MODEL.format(act="relu", lr=0.1, loss="sparse_categorical_crossentropy"),
}


def make_class_08(folder: Path, n: int, seed: int = 0) -> None:
    """Write ``n`` lesson-08 submissions into ``folder``."""
    rng = random.Random(seed)
    base = read(LEARNER_08)
    for index in range(n):
        nb = nbformat.from_dict(base)
        choice = rng.choices(list(BUILD) + [None], weights=[6, 2, 1, 1])[0]
        for _, _, cell in exercise_cells(nb, ANSWER):
            cell.source = _fill(cell.source, BUILD[choice] if choice else None)
        student = folder / f"student_{index + 1:02d}"
        student.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, student / LEARNER_08.name)


def _grade(folder: Path, jobs: int, label: str) -> float:
    """Grade ``folder``; print the wall time, the CPU seconds per submission and the load average."""
    sandbox_cpu: list[float] = []
    real_run = sandbox.run

    def run(private: Path, *args, **kwargs) -> sandbox.SandboxResult:  # the runner's own CPU record
        result = real_run(private, *args, **kwargs)
        try:
            sandbox_cpu.append(float(json.loads((Path(private) / "out" / "run.json").read_bytes())["cpu"]))
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return result

    load_before = os.getloadavg()
    own_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    sandbox.run = run
    try:
        rows = grade_folder(folder, REPO / "course", jobs=jobs)
    finally:
        sandbox.run = real_run
    seconds = time.perf_counter() - started
    own_after = resource.getrusage(resource.RUSAGE_SELF)
    own = own_after.ru_utime + own_after.ru_stime - own_before.ru_utime - own_before.ru_stime
    write_csv(rows, folder / "grades.csv")
    statuses = collections.Counter(r.status.split(" (")[0] for r in rows)
    scores = sorted(r.total for r in rows)
    load_after = os.getloadavg()
    print(f"{label}: graded {len(rows)} submissions with --jobs {jobs} in {seconds:.1f} s "
          f"({seconds / max(len(rows), 1):.1f} s per notebook); load average {load_before[0]:.1f} before, "
          f"{load_after[0]:.1f} after")
    print(f"  statuses: {dict(statuses)}; scores from {scores[0]:g} to {scores[-1]:g} of {rows[0].maximum:g}, "
          f"median {scores[len(scores) // 2]:g}")
    n = max(len(rows), 1)
    print(f"  CPU per submission: {(sum(sandbox_cpu) + own) / n:.2f} s ({sum(sandbox_cpu) / max(len(sandbox_cpu), 1):.2f} "
          f"in its sandbox, median {statistics.median(sandbox_cpu or [0.0]):.2f}; {own / n:.2f} in the grader's "
          f"process); {len(rows)} x that / {os.cpu_count()} CPUs = {(sum(sandbox_cpu) + own) / (os.cpu_count() or 1):.0f} s "
          "on a machine with nothing else running")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n01", type=int, default=100, help="lesson-01 submissions (default 100)")
    parser.add_argument("--n08", type=int, default=30, help="lesson-08 submissions (default 30)")
    parser.add_argument("--jobs", type=int, default=None, help="notebooks graded at once (default: dlcourse grade's)")
    parser.add_argument("--keep", help="write the submissions and grades.csv here instead of a temporary folder")
    args = parser.parse_args(argv)
    jobs = args.jobs or default_jobs()
    with tempfile.TemporaryDirectory(prefix="dlcourse-class-") as temporary:
        root = Path(args.keep or temporary)
        if args.n01:
            make_class(root / "lesson01", args.n01)
            seconds = _grade(root / "lesson01", jobs, "lesson 01")
            print(f"  target: {args.n01} lesson-01 notebooks under {180 * args.n01 / 100:.0f} s:",
                  "met" if seconds < 180 * args.n01 / 100 else "NOT met")
        if args.n08:
            make_class_08(root / "lesson08", args.n08)
            _grade(root / "lesson08", jobs, "lesson 08")
    return 0


if __name__ == "__main__":
    sys.exit(main())
