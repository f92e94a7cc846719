"""One MNIST epoch in the engine and in Keras: quiet, under competing load, and under a 1-CPU quota.

    python benchmarks/contention.py [--rounds 2] [--no-quota]

The seeds' network (784-64-64-10, ReLU, ReLU, softmax, Adam, sparse categorical
cross-entropy, batch 128, shuffled, 60,000 MNIST images from ``$DLCOURSE_DATA``) trains for
one epoch in each library, both in one worker process as lesson 08 has them (engine
``dlcourse.nn`` with its default threads, Keras imported by ``dlcourse.seeding.import_keras``).
Conditions, measured side by side in every round:

* ``quiet``: nothing started by the benchmark (the machine's other work still runs: the
  load average is printed with every figure);
* ``loaded``: one busy process per core (``benchmarks/busy.py``) runs meanwhile;
* ``quota``: a second worker started inside a cgroup limited to 1 CPU (v2 ``cpu.max``
  ``"100000 100000"`` or v1 ``cpu.cfs_quota_us`` 100000 per 100000 us), like a Binder or hub
  container; needs root and a writable cgroup hierarchy, else the reason is printed;
* ``quota+loaded``: the same, with the busy processes running outside the quota.

On a machine shared with other work, ``--favour`` (root, cgroups) runs the benchmark in a
cgroup of the largest CPU weight, so the others' load barely competes and ``quiet`` is close
to an idle machine; the busy processes run inside that cgroup too.

Each figure is the best of ``--rounds`` epochs. Targets on the 2-core reference machine:
loaded <= 2x quiet for the engine, and the engine faster than Keras in every condition.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from busy import competing_load, load_average  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
LIBRARIES = ("engine", "keras")


# --- the worker: one process holding both models ------------------------------------------
def worker() -> None:
    """Build both models, then time one epoch of the library named on each line of stdin."""
    sys.stdin.readline()  # "start": the parent has placed this process in its cgroup
    import dlcourse.nn as nn
    from dlcourse.data import load_mnist
    from dlcourse.seeding import import_keras

    (x_train, y_train), _ = load_mnist()
    x = x_train.reshape(-1, 784).astype("float32") / 255
    y = y_train.astype("int64")
    nn.set_seed(0)
    engine = nn.Sequential([nn.Input((784,)), nn.Dense(64, activation="relu"),
                            nn.Dense(64, activation="relu"), nn.Dense(10, activation="softmax")])
    engine.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    keras = import_keras()
    reference = keras.Sequential([keras.Input((784,)), keras.layers.Dense(64, activation="relu"),
                                  keras.layers.Dense(64, activation="relu"),
                                  keras.layers.Dense(10, activation="softmax")])
    reference.set_weights(engine.get_weights())
    reference.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x_keras = keras.ops.convert_to_tensor(x)
    warm = slice(0, 20 * 128 + len(x) % 128)  # full batches and the epoch's partial last one
    engine.fit(x[warm], y[warm], batch_size=128, epochs=1, verbose=0)
    reference.fit(x_keras[warm], y[warm], batch_size=128, epochs=1, verbose=0)
    from dlcourse.cpus import usable_cpus

    print(json.dumps({"ready": True, "usable_cpus": usable_cpus()}), flush=True)
    models = {"engine": (engine, x), "keras": (reference, x_keras)}
    for line in sys.stdin:
        model, inputs = models[line.strip()]
        start = time.perf_counter()
        model.fit(inputs, y, batch_size=128, epochs=1, verbose=0)
        print(json.dumps({"seconds": time.perf_counter() - start, "load": os.getloadavg()[0]}), flush=True)


class Worker:
    """A worker process, optionally moved into a cgroup before it imports anything."""

    def __init__(self, cgroup: "Group | None" = None) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen([sys.executable, __file__, "--worker"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, env=env)
        if cgroup is not None:
            cgroup.add(self.process.pid)
        self.info = self._ask("start")

    def _ask(self, line: str) -> dict:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        reply = self.process.stdout.readline()
        if not reply:
            raise RuntimeError("the benchmark's worker process stopped; see its error above")
        return json.loads(reply)

    def epoch(self, library: str) -> dict:
        return self._ask(library)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


# --- cgroups made for the run ---------------------------------------------------------------
class Group:
    """A child cgroup of this process's CPU cgroup (v2, else v1), made for the run, removed on close."""

    def __init__(self, path: Path, version: str) -> None:
        self.path, self.version = path, version

    @classmethod
    def create(cls, name: str, parent: "Group | None" = None) -> "Group":
        """Make the group, or raise ``OSError`` saying why this machine does not allow one."""
        if parent is not None:
            path = parent.path / name
            path.mkdir()
            return cls(path, parent.version)
        v2_root = Path("/sys/fs/cgroup")
        if (v2_root / "cgroup.controllers").exists():
            if "cpu" not in (v2_root / "cgroup.controllers").read_text().split():
                raise OSError("cgroup v2 without the cpu controller")
            own = Path(Path("/proc/self/cgroup").read_text().split("::", 1)[1].strip().lstrip("/"))
            parent_dir = v2_root / own
            if "cpu" not in (parent_dir / "cgroup.subtree_control").read_text().split():
                (parent_dir / "cgroup.subtree_control").write_text("+cpu")  # raises if not allowed
            path = parent_dir / name
            path.mkdir()
            return cls(path, "v2")
        v1_root = Path("/sys/fs/cgroup/cpu")
        if (v1_root / "cpu.cfs_quota_us").exists():
            path = v1_root / name
            path.mkdir()
            return cls(path, "v1")
        raise OSError("no cgroup CPU controller found under /sys/fs/cgroup")

    def limit(self, cpus: float) -> None:
        """A CPU quota: ``cpus`` CPUs' worth of time per 100 ms period."""
        period = 100_000
        if self.version == "v2":
            (self.path / "cpu.max").write_text(f"{int(cpus * period)} {period}")
        else:
            (self.path / "cpu.cfs_period_us").write_text(str(period))
            (self.path / "cpu.cfs_quota_us").write_text(str(int(cpus * period)))

    def favour(self) -> None:
        """The largest CPU weight: the group's processes take the CPU before the machine's other work."""
        if self.version == "v2":
            (self.path / "cpu.weight").write_text("10000")
        else:
            (self.path / "cpu.shares").write_text("262144")

    def add(self, pid: int) -> None:
        (self.path / "cgroup.procs").write_text(str(pid))

    def describe(self) -> str:
        if self.version == "v2":
            return f"cgroup v2 {self.path} cpu.max '{(self.path / 'cpu.max').read_text().strip()}'"
        quota = (self.path / "cpu.cfs_quota_us").read_text().strip()
        period = (self.path / "cpu.cfs_period_us").read_text().strip()
        return f"cgroup v1 {self.path} cfs_quota_us {quota} / cfs_period_us {period}"

    def remove(self) -> None:
        """Move what still runs there (multiprocessing's resource tracker) to the parent, then remove."""
        for _ in range(50):  # a process's exit is seen by the cgroup a moment later
            for pid in (self.path / "cgroup.procs").read_text().split():
                try:
                    (self.path.parent / "cgroup.procs").write_text(pid)
                except OSError:
                    pass  # it has just exited
            try:
                self.path.rmdir()
                return
            except OSError:
                time.sleep(0.1)


@contextmanager
def nothing():
    yield


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="epochs per library and condition (best is shown)")
    parser.add_argument("--no-quota", action="store_true", help="skip the 1-CPU quota conditions")
    parser.add_argument("--favour", action="store_true",
                        help="run the benchmark in a cgroup of the largest CPU weight, so that the machine's "
                             "other work barely competes (a shared machine made nearly quiet)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker()
        return 0
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

    conditions = {"quiet": (None, nothing), "loaded": (None, competing_load)}
    why_no_quota = "skipped (--no-quota)" if args.no_quota else ""
    with ExitStack() as stack:
        favoured = None
        if args.favour:
            try:
                favoured = Group.create(f"dlcourse-contention-{os.getpid()}")
            except OSError as err:
                print(f"--favour: not possible here ({err}); running at normal weight")
            else:
                stack.callback(favoured.remove)
                favoured.favour()
                favoured.add(os.getpid())  # the workers and the busy processes inherit it
                print(f"favoured: this benchmark and its processes run in {favoured.path} (largest CPU weight)")
        workers = {None: Worker()}
        stack.callback(workers[None].close)
        if not args.no_quota:
            try:
                group = Group.create(f"dlcourse-quota-{os.getpid()}", parent=favoured)
                group.limit(1.0)
            except OSError as err:
                why_no_quota = f"not measured: this machine does not allow a cgroup CPU quota ({err})"
            else:
                stack.callback(group.remove)
                workers["quota"] = Worker(group)
                stack.callback(workers["quota"].close)
                conditions.update({"quota": ("quota", nothing), "quota+loaded": ("quota", competing_load)})
                print(f"1-CPU quota: {group.describe()}; the worker there sees "
                      f"{workers['quota'].info['usable_cpus']} usable CPU(s)")
        print(f"{os.cpu_count()} cores; the worker sees {workers[None].info['usable_cpus']} usable CPU(s); "
              f"load average at start {load_average()}", flush=True)

        times: dict[tuple[str, str], list[dict]] = {}
        for round_ in range(args.rounds):
            for condition, (which, load) in conditions.items():
                with load():
                    for library in LIBRARIES:
                        result = workers[which].epoch(library)
                        times.setdefault((condition, library), []).append(result)
                        print(f"  round {round_ + 1} {condition:<13} {library:<7} {result['seconds']:7.2f} s"
                              f"  (load {result['load']:.1f})", flush=True)

    best = {key: min(values, key=lambda r: r["seconds"]) for key, values in times.items()}
    print()
    print("MNIST epoch, 784-64-64-10, Adam, batch 128; best of", args.rounds, "rounds; s (load average)")
    print(f"{'condition':<14}{'engine':>16}{'keras':>16}{'keras/engine':>14}{'engine / quiet':>16}")
    ok = True
    quiet_engine = best[("quiet", "engine")]["seconds"]
    for condition in conditions:
        engine, keras = best[(condition, "engine")], best[(condition, "keras")]
        slowdown = engine["seconds"] / quiet_engine
        ok &= engine["seconds"] < keras["seconds"] and (condition != "loaded" or slowdown <= 2.0)
        print(f"{condition:<14}{engine['seconds']:8.2f} ({engine['load']:4.1f}){keras['seconds']:8.2f} ({keras['load']:4.1f})"
              f"{keras['seconds'] / engine['seconds']:13.1f}x{slowdown:15.1f}x")
    if why_no_quota:
        print(f"1-CPU quota: {why_no_quota}")
    print("targets: engine loaded <= 2x its quiet time; engine faster than Keras everywhere:", "ok" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
