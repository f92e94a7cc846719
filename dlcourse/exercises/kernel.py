"""The grader's side inside the sandbox: run one rebuilt notebook, and collect its answers as data.

``dlcourse grade`` writes ``job.json`` into the sandbox's private folder and starts
``python -m dlcourse.exercises.kernel`` there (:mod:`dlcourse.exercises.sandbox`). This runner

1. starts an IPython kernel talking over Jupyter's ``ipc`` transport (sockets in the private
   folder: the sandbox has no network);
2. runs a first cell (:func:`begin`), then every cell of the rebuilt notebook, each with its own
   time limit. Output is read and thrown away (an output flood costs only time); errors are kept.
   A cell that runs over is interrupted; when it swallows the interrupt (``except BaseException``)
   or ends the kernel (``os._exit``), the kernel is killed, a new one replays every cell that
   worked, and grading goes on without that cell;
3. for each exercise runs :func:`collect_answer` in the kernel, which calls
   :func:`~dlcourse.exercises.checking.collect` on the learner's object and writes the
   :class:`~dlcourse.exercises.collected.Collected` **data** (outputs on the check inputs, never a
   verdict) to ``out/``, with where the answer object comes from. A collection that hangs is
   killed from here, and replayed without it;
4. writes ``out/run.json``: how every cell ended, and why the run stopped early if it did
   (a kernel that never became ready): the grader reports that row as not graded.

Nothing here decides a score. Everything in ``out/`` is written by processes the submission
controls, so the grader reads it as hostile data (size caps, strict parsing) and judges it itself.
"""

from __future__ import annotations

import json
import os
import queue
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["begin", "collect_answer", "main", "origin_flags"]

_JOB = "job.json"
_DIR_ENV = "DLCOURSE_SANDBOX_DIR"  #: the private folder, for the kernel (whose working folder is work/)
_KERNEL_ENV = "DLCOURSE_KERNEL_NUMBER"  #: which kernel of the run this is (0, then 1 after a restart, ...)
_WATCHED_EVENTS = {"subprocess.Popen": "started a process", "os.system": "ran a shell command",
                   "os.fork": "forked", "os.exec": "replaced its process", "os.posix_spawn": "started a process",
                   "os.kill": "sent a signal", "os.killpg": "sent a signal", "ctypes.dlopen": "loaded a C library",
                   "ctypes.dlsym": "used ctypes", "socket.connect": "opened a connection",
                   "sys._current_frames": "read other frames"}


# ---------------------------------------------------------------------------------------------
# In the kernel


def _execution_count() -> int:
    try:
        return int(get_ipython().execution_count)  # type: ignore[name-defined]  # noqa: F821
    except Exception:  # noqa: BLE001 - outside IPython
        return 0


_LOG: dict[str, Any] = {}


def _audit(event: str, args: tuple) -> None:
    """Record what the submission's code reached for (an audit hook cannot be removed).

    Each event is written at once, as a JSON line of ``[kernel, execution count, event, detail]``,
    so that it survives a kernel that is killed later.
    """
    if event == "open":
        path = str(args[0]) if args else ""
        if not ("solutions" in path or path.endswith(".ipynb")):
            return
        detail = path[:200]
    elif event in _WATCHED_EVENTS:
        detail = _WATCHED_EVENTS[event]
    else:
        return
    stream = _LOG.get("stream")
    if stream is None or _LOG.get("busy") or _LOG.get("count", 0) >= 200:
        return
    _LOG["busy"] = True
    try:
        _LOG["count"] = _LOG.get("count", 0) + 1
        count = _execution_count() - _LOG["offset"]  # as the kernel's replies number the cells
        stream.write(json.dumps([_LOG["kernel"], count, event, detail]) + "\n")
        stream.flush()
    except Exception:  # noqa: BLE001 - recording must never break the submission's code
        pass
    finally:
        _LOG["busy"] = False


def begin() -> None:
    """The first cell, before any submitted code: watch what it opens and starts; no pictures."""
    import builtins  # noqa: PLC0415

    folder = Path(os.environ.get(_DIR_ENV, "."))
    _LOG.update(kernel=int(os.environ.get(_KERNEL_ENV, "0")), offset=_execution_count() - 1,  # this is cell 1
                stream=open(folder / "out" / "events.jsonl", "a", encoding="utf-8"))  # noqa: SIM115
    sys.addaudithook(_audit)
    try:
        shell = builtins.get_ipython()  # type: ignore[attr-defined]
    except AttributeError:
        return
    for mime in ("image/png", "image/jpeg", "image/svg+xml", "application/pdf"):
        formatter = shell.display_formatter.formatters.get(mime)
        if formatter is not None:
            formatter.enabled = False  # nobody looks at them, and PNGs cost time


def _package_dir() -> str:
    return str(Path(__file__).resolve().parents[1])


def _course_object(obj: Any) -> str | None:
    """``module.qualname`` when ``obj`` is a function, class or module of the dlcourse package."""
    import types  # noqa: PLC0415

    if isinstance(obj, types.ModuleType):
        name = getattr(obj, "__name__", "")
        return name if isinstance(name, str) and name.split(".")[0] == "dlcourse" else None
    target = getattr(obj, "__func__", obj)
    code = getattr(target, "__code__", None)
    filename = getattr(code, "co_filename", "") if code is not None else ""
    module = getattr(target, "__module__", None)
    inside = isinstance(filename, str) and filename.startswith(_package_dir() + os.sep)
    if inside or (isinstance(module, str) and module.split(".")[0] == "dlcourse" and callable(obj)):
        return f"{module}.{getattr(target, '__qualname__', '?')}"
    return None


def _code_objects(code: Any, depth: int = 0) -> list[Any]:
    out = [code]
    if depth < 5:
        for const in code.co_consts:
            if hasattr(const, "co_names"):
                out += _code_objects(const, depth + 1)
    return out


def origin_flags(answer: Any, exercise: Any) -> list[str]:
    """Where the answer object comes from, when that is the course's own implementation.

    Looks at the object itself (its module, code file and name), and at every global name,
    closure cell and default its code (and its nested and helper functions, a few levels deep)
    reaches: ``reference("01.weighted_sum")``, ``from dlcourse.nn.activations import sigmoid`` and
    module aliases made without ``import`` all end in an object of the package.
    """
    from dlcourse.exercises import core  # noqa: PLC0415

    flags: list[str] = []
    registered = list(core._EXERCISES.values())  # noqa: SLF001 - every lesson imported so far
    references = {id(e.reference): e.name for e in registered if e.reference is not None}
    seen: set[int] = set()

    def visit(obj: Any, how: str, depth: int) -> None:
        if id(obj) in seen or depth > 4 or len(flags) >= 5:
            return
        seen.add(id(obj))
        if id(obj) in references:
            flags.append(f"uses-course-code: {how} is the course's reference solution of {references[id(obj)]}")
            return
        found = _course_object(obj)
        if found:
            flags.append(f"uses-course-code: {how} is {found}")
            return
        target = getattr(obj, "__func__", obj)
        code = getattr(target, "__code__", None)
        if code is None or not hasattr(code, "co_names"):
            return
        namespace = getattr(target, "__globals__", {}) or {}
        for item in _code_objects(code):
            for name in item.co_names:
                if isinstance(namespace, dict) and name in namespace:
                    visit(namespace[name], f"`{name}` (used by {how})", depth + 1)
        for cell in getattr(target, "__closure__", None) or ():
            try:
                visit(cell.cell_contents, f"a variable captured by {how}", depth + 1)
            except ValueError:
                continue
        for default in getattr(target, "__defaults__", None) or ():
            visit(default, f"a default of {how}", depth + 1)

    visit(answer, "the answer", 0)
    return flags


def _extra_cases(name: str) -> list[Any]:
    """The extra tests' inputs for ``name`` (``extra/<name>.data``, written by the grader)."""
    from dlcourse.exercises import plain  # noqa: PLC0415
    from dlcourse.exercises.core import Case  # noqa: PLC0415

    path = Path(os.environ.get(_DIR_ENV, ".")) / "extra" / f"{name}.data"
    if not path.is_file():
        return []
    data = plain.loads(path.read_bytes())
    return [Case(tuple(args), dict(kwargs), extra=True) for args, kwargs in data]


def collect_answer(name: str) -> None:
    """Collect the learner's answer to exercise ``name`` as data into ``out/``: the last cells."""
    import builtins  # noqa: PLC0415

    from dlcourse.exercises.checking import collect  # noqa: PLC0415
    from dlcourse.exercises.core import get_exercise  # noqa: PLC0415

    exercise = get_exercise(name)
    extra = _extra_cases(name)
    if extra:
        exercise.cases = [c for c in exercise.cases if not c.extra] + extra
        exercise._prepared = None
    namespace = builtins.get_ipython().user_ns  # type: ignore[attr-defined]
    answer = namespace.get(exercise.target)
    flags = origin_flags(answer, exercise)
    collected = collect(exercise, answer)
    out = Path(os.environ.get(_DIR_ENV, ".")) / "out"
    (out / f"{name}.collected").write_bytes(collected.to_bytes())
    (out / f"{name}.origin.json").write_text(json.dumps({"flags": flags}), encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# The runner (its own process in the sandbox)


_GRACE = 10.0  # seconds an interrupted cell has to stop before its kernel is killed


class _Kernel:
    """One IPython kernel over the ipc transport, with cells run under a time limit."""

    def __init__(self, folder: Path, number: int, ready_seconds: float = 300.0) -> None:
        from jupyter_client import KernelManager  # noqa: PLC0415

        self.number = number
        folder.mkdir(parents=True, exist_ok=True)
        self.manager = KernelManager(transport="ipc", ip=str(folder / "k"),
                                     connection_file=str(folder / "kernel.json"))
        self.manager.start_kernel(cwd=str(Path.cwd() / "work"), env={**os.environ, _KERNEL_ENV: str(number)},
                                  extra_arguments=["--HistoryManager.enabled=False"])
        self.client = self.manager.blocking_client()
        self.client.start_channels()
        try:
            self.client.wait_for_ready(timeout=ready_seconds)
        except BaseException:
            self.close()
            raise

    def execute(self, code: str, timeout: float) -> tuple[str, str, int]:
        """``(status, error, execution_count)``; status ``ok``, ``error``, ``timeout``, ``stuck``, ``died``."""
        msg_id = self.client.execute(code, store_history=True, allow_stdin=False, stop_on_error=False)
        status, error = self._wait(msg_id, time.monotonic() + timeout)
        if status == "running":
            self.manager.interrupt_kernel()
            status, error = self._wait(msg_id, time.monotonic() + _GRACE)
            status = "timeout" if status in ("ok", "error") else "stuck" if status == "running" else status
        count = 0
        for _ in range(5 if status in ("ok", "error", "timeout") else 0):
            try:
                reply = self.client.get_shell_msg(timeout=2.0)
            except queue.Empty:
                break
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                count = int(reply.get("content", {}).get("execution_count") or 0)
                break
        return status, error, count

    def _wait(self, msg_id: str, deadline: float) -> tuple[str, str]:
        error = ""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "running", error
            try:
                msg = self.client.get_iopub_msg(timeout=min(remaining, 0.5))
            except queue.Empty:
                if not self.manager.is_alive():
                    return "died", error
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg.get("msg_type")
            if kind == "error" and not error:
                content = msg.get("content", {})
                error = f"{content.get('ename', '')}: {str(content.get('evalue', ''))[:300]}"
            elif kind == "status" and msg.get("content", {}).get("execution_state") == "idle":
                return ("error" if error else "ok"), error

    def close(self) -> None:
        try:
            self.client.stop_channels()
            self.manager.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001 - the sandbox ends everything anyway
            pass


class KernelStartError(RuntimeError):
    """No kernel answered within its start time, twice (a very busy machine)."""


def _run_job(job: dict[str, Any]) -> dict[str, Any]:
    """Run the job's cells and collections; the record of how each ended.

    A failure of the runner itself (a kernel that never becomes ready, a lost connection) ends
    the run early, and the record says so in ``problem``: the grader then reports that row as
    not graded, naming the problem, instead of finding no record at all.
    """
    runtime = Path.cwd() / "run"
    cells: list[str] = job["cells"]
    timeout = float(job["cell_timeout"])
    ready_seconds = float(job.get("kernel_start_seconds", 300.0))
    results: list[dict[str, Any]] = [{"status": "not run", "error": "", "count": 0, "kernel": 0} for _ in cells]
    collected: dict[str, str] = {}
    skipped: set[int] = set()
    restarts = 0
    timings: dict[str, float] = {}  # seconds per step, for benchmarks/grade_profile.py (never judged)
    begin_cell = "import dlcourse.exercises.kernel as _dlcourse_k\n_dlcourse_k.begin()\ndel _dlcourse_k\n"

    def new_kernel() -> _Kernel:
        started = time.monotonic()
        for attempt in range(2):  # a second try when the first kernel did not answer in time
            try:
                kernel = _Kernel(runtime / str(attempt), restarts, ready_seconds)
                break
            except RuntimeError as exc:  # jupyter_client: "Kernel didn't respond in N seconds"
                error = exc
        else:
            raise KernelStartError(f"the kernel did not start in 2 x {ready_seconds:g} s ({error})")
        timings["kernel start"] = timings.get("kernel start", 0.0) + time.monotonic() - started
        return kernel

    def start(upto: int) -> _Kernel:
        kernel = new_kernel()
        started = time.monotonic()
        kernel.execute(begin_cell, 120)
        timings["begin"] = timings.get("begin", 0.0) + time.monotonic() - started
        for index in range(upto):  # replay what worked before the kernel was lost
            if index not in skipped and results[index]["status"] in ("ok", "error"):
                status, _, count = kernel.execute(cells[index], timeout)
                results[index].update(count=count, kernel=kernel.number)
                if status not in ("ok", "error"):
                    skipped.add(index)
        return kernel

    problem = ""
    kernel = None
    try:
        kernel = start(0)
        for index, source in enumerate(cells):
            started = time.monotonic()
            status, error, count = kernel.execute(source, timeout)
            results[index] = {"status": status, "error": error, "count": count, "kernel": kernel.number,
                              "seconds": round(time.monotonic() - started, 3)}
            if status in ("stuck", "died"):
                skipped.add(index)
                kernel.close()
                restarts += 1
                if restarts > 3:
                    break
                kernel = start(index + 1)
        for exercise in job["exercises"]:
            if restarts > 3:
                collected[exercise["name"]] = "not run"
                continue
            code = f"__import__('dlcourse.exercises.kernel').exercises.kernel.collect_answer({exercise['name']!r})\n"
            started = time.monotonic()
            status, error, _ = kernel.execute(code, float(exercise["seconds"]))
            timings[f"collect {exercise['name']}"] = time.monotonic() - started
            collected[exercise["name"]] = status if status != "error" else f"error: {error}"
            if status in ("stuck", "died"):
                kernel.close()
                restarts += 1
                kernel = start(len(cells))
    except Exception as exc:  # noqa: BLE001 - the record must say what went wrong
        problem = f"{type(exc).__name__}: {str(exc)[:300]}"
    started = time.monotonic()
    if kernel is not None:
        kernel.close()
    timings["close"] = time.monotonic() - started
    return {"cells": results, "collect": collected, "restarts": restarts, "problem": problem,
            "seconds": {key: round(value, 3) for key, value in timings.items()}}


def main() -> int:
    """Run ``job.json`` of the current folder (the sandbox's private folder); write ``out/run.json``."""
    from dlcourse.exercises.sandbox import launch  # noqa: PLC0415

    launch()
    started = time.time()
    job = json.loads(Path(_JOB).read_text(encoding="utf-8"))
    os.environ[_DIR_ENV] = str(Path.cwd())
    Path("out").mkdir(exist_ok=True)
    Path("work").mkdir(exist_ok=True)
    Path("home").mkdir(exist_ok=True)
    result = _run_job(job)
    import resource  # noqa: PLC0415

    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    # When the runner's Python got here and finished; CPU seconds of the runner and its kernels.
    result.update(started=started, ended=time.time(), cpu=sum(u.ru_utime + u.ru_stime for u in usage))
    Path("out", "run.json").write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
