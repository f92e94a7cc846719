"""How long ``import dlcourse`` (and its light sub-packages) takes in a fresh interpreter.

Target: well under 0.5 s, and no TensorFlow. Prints the median of several runs.
Run: python benchmarks/import_time.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

STATEMENTS = {
    "python (baseline)": "pass",
    "import dlcourse": "import dlcourse",
    "import dlcourse.data": "import dlcourse.data",
    "import dlcourse.cli": "import dlcourse.cli",
}


def time_statement(statement: str, runs: int = 7) -> float:
    """Median wall time of a fresh ``python -c statement``, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    baseline = time_statement(STATEMENTS["python (baseline)"])
    print(f"{'what':<24}{'wall s':>8}{'over python':>13}")
    for label, statement in STATEMENTS.items():
        seconds = baseline if statement == "pass" else time_statement(statement)
        print(f"{label:<24}{seconds:8.3f}{seconds - baseline:13.3f}")
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, dlcourse, dlcourse.data; print('tensorflow' in sys.modules)"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    print(f"tensorflow imported by dlcourse.data: {loaded}")


if __name__ == "__main__":
    main()
