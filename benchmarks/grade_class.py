"""Grade a class: 30 generated submissions of lesson 01, timed.

Each submission is the released learner notebook with its three answer cells filled from a mix
of correct answers, the classic mistakes, unfinished placeholders, an exception, NaN and an
endless loop, so the run exercises every path of the grader. Target: under 3 minutes for 30
notebooks on a 2-core machine.

Run: python benchmarks/grade_class.py [--n 30] [--jobs 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from dlcourse.exercises.grading import grade_folder, write_csv
from dlcourse.exercises.notebooks import ANSWER, exercise_cells, read

REPO = Path(__file__).resolve().parents[1]
LEARNER = REPO / "course" / "01_neuron.ipynb"

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="number of submissions (default 30)")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks graded at once (default 2)")
    parser.add_argument("--keep", help="write the submissions and grades.csv here instead of a temporary folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dlcourse-class-") as temporary:
        folder = Path(args.keep or temporary)
        make_class(folder, args.n)
        started = time.perf_counter()
        rows = grade_folder(folder, REPO / "course", jobs=args.jobs)
        seconds = time.perf_counter() - started
        write_csv(rows, folder / "grades.csv")
    statuses = collections.Counter(r.status.split(" (")[0] for r in rows)
    scores = sorted(r.total for r in rows)
    print(f"graded {len(rows)} submissions of lesson 01 with --jobs {args.jobs}: {seconds:.1f} s "
          f"({seconds / max(len(rows), 1):.1f} s per notebook)")
    print(f"statuses: {dict(statuses)}; scores from {scores[0]:g} to {scores[-1]:g} of {rows[0].maximum:g}, "
          f"median {scores[len(scores) // 2]:g}")
    print("target: under 180 s for 30 notebooks on 2 cores:", "met" if seconds < 180 else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
