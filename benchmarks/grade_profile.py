"""Where grading one submission spends its time: a profile of a few sandboxed gradings.

Grades ``--n`` generated lesson-01 (or ``--lesson 08``) submissions one at a time (``--jobs``
at once), and splits each one's wall time into

* **prepare**: reading and rebuilding the notebook, the scan, writing the sandbox's folder;
* **sandbox + runner start**: bubblewrap, the runner's Python and its imports, up to its first line;
* **kernel start**: starting the IPython kernel (``jupyter_client``, ``ipykernel`` imports) until ready;
* **begin**: the grader's first cell in the kernel;
* **cells**: the notebook's cells (the three slowest are named), without the lesson's figures and
  widgets unless ``--displays``;
* **collect**: running the answers on the check inputs, in the kernel;
* **close + teardown**: shutting the kernel down, ending the sandbox;
* **judge**: reading the collected data and scoring it, outside the sandbox;
* **CPU in the sandbox**: user + system CPU seconds of the runner and its kernels (what bounds
  how many notebooks a machine grades per minute: about cores / CPU seconds).

The step times come from the runner's ``run.json`` (its ``seconds`` and clock stamps), copied
before the sandbox's folder is removed. The load average is printed before and after.

Run: python benchmarks/grade_profile.py [--n 6] [--jobs 1] [--lesson 01] [--displays]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import grade_class  # noqa: E402

from dlcourse.exercises import grading, sandbox  # noqa: E402
from dlcourse.exercises.notebooks import read  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def _profile(folder: Path, jobs: int, package: Path | None, displays: bool = False) -> list[dict[str, float]]:
    """Grade every submission under ``folder``; one dict of step seconds per submission.

    ``package``: the prepared package copy the sandboxes see (None: the package itself).
    """
    released = grading.released_notebooks(REPO / "course")
    records: dict[str, dict] = {}
    real_run = sandbox.run

    def run(private: Path, argv: list[str], limits: sandbox.Limits, **kwargs) -> sandbox.SandboxResult:
        before = time.time()
        result = real_run(private, argv, limits, **kwargs)
        after = time.time()
        try:
            record = json.loads((Path(private) / "out" / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            record = {}
        records[str(private)] = {"before": before, "after": after, "record": record}
        return result

    sandbox.run = run
    steps: list[dict[str, float]] = []
    try:
        def one(path: Path) -> None:
            started = time.time()
            seen = set(records)
            row = grading.grade_notebook(path, released, root=folder, uid=100_000 + 64 * (os.getpid() % 1000),
                                         package=package, displays=displays)
            done = time.time()
            key = next((k for k in records if k not in seen), None)
            entry = records.get(key or "", {})
            record = entry.get("record", {})
            if not record.get("started"):
                print(f"{row.file}: no record ({row.status})")
                return
            seconds = record.get("seconds", {})
            cells = [float(c.get("seconds", 0.0)) for c in record["cells"]]
            collect = sum(v for k, v in seconds.items() if k.startswith("collect "))
            slowest = sorted(range(len(cells)), key=lambda i: -cells[i])[:3]
            steps.append({
                "total": done - started,
                "prepare": entry["before"] - started,
                "sandbox + runner start": record["started"] - entry["before"],
                "kernel start": seconds.get("kernel start", 0.0),
                "begin": seconds.get("begin", 0.0),
                "cells": sum(cells),
                "collect": collect,
                "close + teardown": seconds.get("close", 0.0) + entry["after"] - record["ended"],
                "judge": done - entry["after"],
                "CPU in the sandbox": float(record.get("cpu", 0.0)),
            })
            labels = grading.rebuild(released[row.lesson], read(path), displays).labels
            print(f"{row.file}: {row.total:g}/{row.maximum:g} {row.status}, {done - started:.1f} s; slowest: "
                  + ", ".join(f"{labels[i]} {cells[i]:.2f} s" for i in slowest))

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(one, grading.submissions(folder)))
    finally:
        sandbox.run = real_run
    return steps


def _table(title: str, steps: list[dict[str, float]]) -> None:
    print(title)
    if steps:
        print(f"  {'step':<24} {'median s':>9} {'mean s':>8} {'max s':>7}")
        for key in steps[0]:
            values = [s[key] for s in steps]
            print(f"  {key:<24} {statistics.median(values):9.2f} {statistics.fmean(values):8.2f} {max(values):7.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=6, help="submissions (default 6)")
    parser.add_argument("--jobs", type=int, default=1, help="graded at once (default 1)")
    parser.add_argument("--lesson", choices=["01", "08"], default="01")
    parser.add_argument("--compare", action="store_true",
                        help="grade each submission twice, alternating the package itself and the prepared copy "
                             "with bytecode (dlcourse grade's default), so both see the same load")
    parser.add_argument("--displays", action="store_true",
                        help="also run the lesson's figures and widgets, which dlcourse grade leaves out")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dlcourse-profile-") as temporary:
        folder = Path(temporary) / "class"
        (grade_class.make_class if args.lesson == "01" else grade_class.make_class_08)(folder, args.n)
        package = sandbox.prepare_package(Path(temporary) / "package")
        load_before = os.getloadavg()
        started = time.perf_counter()
        results: dict[str, list[dict[str, float]]] = {"the package itself": [], "prepared copy": []}
        if args.compare:
            for index, path in enumerate(grading.submissions(folder)):
                one = Path(temporary) / f"one_{index}"
                (one / path.parent.name).mkdir(parents=True)
                (one / path.parent.name / path.name).write_bytes(path.read_bytes())
                results["the package itself"] += _profile(one, 1, None)
                results["prepared copy"] += _profile(one, 1, package)
        else:
            results["prepared copy"] = _profile(folder, args.jobs, package, args.displays)
        seconds = time.perf_counter() - started
        load_after = os.getloadavg()
    print(f"lesson {args.lesson}: {args.n} submissions, --jobs {args.jobs}, {seconds:.1f} s in all; "
          f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after")
    for title, steps in results.items():
        if steps:
            _table(f"sandbox sees {title} ({len(steps)} gradings):", steps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
