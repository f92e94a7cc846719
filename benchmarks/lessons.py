"""Execute every lesson with nbclient and print its wall time and the kernel's peak memory.

Targets on the 2-core reference machine: each lesson <= 90 s, the whole course <= 8 minutes,
each kernel <= 1.5 GB peak resident memory (the budget of a 2 GB Binder).

    python benchmarks/lessons.py              # the solution notebooks (every exercise filled in)
    python benchmarks/lessons.py --learner    # the learner copies (exercises left empty)
    python benchmarks/lessons.py 08 09        # only lessons whose file name starts with these

Peak memory is the kernel process's high-water mark of resident memory (VmHWM in
/proc/PID/status), so this script needs Linux. Datasets come from $DLCOURSE_DATA or the cache.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
TARGET_LESSON_S, TARGET_TOTAL_S, TARGET_MEMORY_GB = 90.0, 480.0, 1.5


def peak_rss_gb(pid: int) -> float:
    """The peak resident memory of process ``pid`` in GB (VmHWM), or NaN if unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e9
    except OSError:
        pass
    return float("nan")


def run_lesson(path: Path, timeout: int = 900) -> tuple[float, float, str]:
    """Execute one notebook in a fresh kernel: (seconds, peak GB, error or '')."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    error = ""
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid  # type: ignore[union-attr]
        start = time.perf_counter()
        try:
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)
        except Exception as exc:  # a failing cell is reported in the table, not raised
            error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:80]}"
        seconds = time.perf_counter() - start
        peak = peak_rss_gb(pid)
    return seconds, peak, error


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefixes", nargs="*", help="only lessons whose file name starts with one of these")
    parser.add_argument("--learner", action="store_true", help="run the learner copies instead of the solutions")
    args = parser.parse_args()
    folder = REPO / "course" if args.learner else REPO / "course" / "solutions"
    lessons = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb")
                     if not args.prefixes or p.name.startswith(tuple(args.prefixes)))
    os.environ.setdefault("DLCOURSE_HOME", tempfile.mkdtemp(prefix="dlcourse-bench-"))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    print(f"{'lesson':<34}{'wall s':>8}{'peak GB':>9}  status")
    total, worst_ok = 0.0, True
    for path in lessons:
        seconds, peak, error = run_lesson(path)
        total += seconds
        over = [] if seconds <= TARGET_LESSON_S else [f"> {TARGET_LESSON_S:.0f} s"]
        over += [] if not peak > TARGET_MEMORY_GB else [f"> {TARGET_MEMORY_GB} GB"]
        status = error or ("ok" if not over else "OVER " + ", ".join(over))
        worst_ok &= not error and not over
        print(f"{path.name:<34}{seconds:8.1f}{peak:9.2f}  {status}", flush=True)
    print(f"{'total':<34}{total:8.1f}{'':9}  {'ok' if total <= TARGET_TOTAL_S else 'OVER'} "
          f"(target {TARGET_TOTAL_S / 60:.0f} min)")
    return 0 if worst_ok and total <= TARGET_TOTAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
