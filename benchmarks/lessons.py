"""Execute every lesson with nbclient and print its wall time and the kernel's peak memory.

Targets on the 2-core reference machine: each lesson <= 90 s, the whole course <= 8 minutes,
each kernel <= 1.5 GB peak resident memory (the budget of a 2 GB Binder); with ``--loaded``,
each lesson also runs under competing load (one busy process per core, ``benchmarks/busy.py``)
and must take at most 3x its quiet time.

    python benchmarks/lessons.py              # the solution notebooks (every exercise filled in)
    python benchmarks/lessons.py --learner    # the learner copies (exercises left empty)
    python benchmarks/lessons.py 08 09        # only lessons whose file name starts with these
    python benchmarks/lessons.py --loaded 08  # quiet, then loaded: both columns
    python benchmarks/lessons.py --cells 5 08 # also the 5 slowest cells, with the kernel's CPU time

The kernel's CPU time (all its threads, from /proc/PID/stat) divided by the wall time shows
how many cores a cell kept busy: about 1.0 while Keras trains means one core of two.

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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from busy import competing_load  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TARGET_LESSON_S, TARGET_TOTAL_S, TARGET_MEMORY_GB, TARGET_LOADED_RATIO = 90.0, 480.0, 1.5, 3.0


def peak_rss_gb(pid: int) -> float:
    """The peak resident memory of process ``pid`` in GB (VmHWM), or NaN if unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e9
    except OSError:
        pass
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far, all threads (NaN if unknown)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def run_lesson(path: Path, timeout: int = 900) -> tuple[float, float, str, list[tuple[float, float, int, str]]]:
    """Execute one notebook in a fresh kernel: (seconds, peak GB, error or '', cells).

    ``cells`` holds (wall s, kernel CPU s, index, first line) for every code cell.
    """
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    error, cells = "", []
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid  # type: ignore[union-attr]
        start = time.perf_counter()
        try:
            for index, cell in enumerate(notebook.cells):
                cell_start, cell_cpu = time.perf_counter(), cpu_seconds(pid)
                client.execute_cell(cell, index)
                if cell.cell_type == "code":
                    first = next((line for line in cell.source.splitlines() if line.strip()), "")
                    cells.append((time.perf_counter() - cell_start, cpu_seconds(pid) - cell_cpu, index, first))
        except Exception as exc:  # a failing cell is reported in the table, not raised
            error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:80]}"
        seconds = time.perf_counter() - start
        peak = peak_rss_gb(pid)
    return seconds, peak, error, cells


def print_cells(cells: list[tuple[float, float, int, str]], count: int, label: str) -> None:
    for wall, cpu, index, first in sorted(cells, reverse=True)[:count]:
        print(f"    {label:<7} cell {index:>2}: {wall:6.1f} s wall, {cpu:6.1f} s CPU ({cpu / max(wall, 1e-9):.1f} cores)"
              f"  {first[:60]}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefixes", nargs="*", help="only lessons whose file name starts with one of these")
    parser.add_argument("--learner", action="store_true", help="run the learner copies instead of the solutions")
    parser.add_argument("--loaded", action="store_true",
                        help="run each lesson again under competing load (one busy process per core)")
    parser.add_argument("--cells", type=int, default=0, metavar="N", help="also print each lesson's N slowest cells")
    args = parser.parse_args()
    folder = REPO / "course" if args.learner else REPO / "course" / "solutions"
    lessons = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb")
                     if not args.prefixes or p.name.startswith(tuple(args.prefixes)))
    os.environ.setdefault("DLCOURSE_HOME", tempfile.mkdtemp(prefix="dlcourse-bench-"))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    loaded_head = f"{'loaded s':>9}{'ratio':>7}" if args.loaded else ""
    print(f"{'lesson':<34}{'wall s':>8}{loaded_head}{'peak GB':>9}{'load':>6}  status")
    total, worst_ok = 0.0, True
    for path in lessons:
        seconds, peak, error, cells = run_lesson(path)
        load = os.getloadavg()[0]
        total += seconds
        over = [] if seconds <= TARGET_LESSON_S else [f"> {TARGET_LESSON_S:.0f} s"]
        over += [] if not peak > TARGET_MEMORY_GB else [f"> {TARGET_MEMORY_GB} GB"]
        loaded_cols, loaded_cells = "", []
        if args.loaded:
            with competing_load():
                loaded, _, loaded_error, loaded_cells = run_lesson(path)
            load = max(load, os.getloadavg()[0])
            error = error or loaded_error
            ratio = loaded / seconds
            over += [] if ratio <= TARGET_LOADED_RATIO else [f"loaded > {TARGET_LOADED_RATIO:.0f}x"]
            loaded_cols = f"{loaded:9.1f}{ratio:6.1f}x"
        status = error or ("ok" if not over else "OVER " + ", ".join(over))
        worst_ok &= not error and not over
        print(f"{path.name:<34}{seconds:8.1f}{loaded_cols}{peak:9.2f}{load:6.1f}  {status}", flush=True)
        if args.cells:
            print_cells(cells, args.cells, "quiet")
            print_cells(loaded_cells, args.cells, "loaded")
    print(f"{'total':<34}{total:8.1f}{'':9}  {'ok' if total <= TARGET_TOTAL_S else 'OVER'} "
          f"(target {TARGET_TOTAL_S / 60:.0f} min)")
    return 0 if worst_ok and total <= TARGET_TOTAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
