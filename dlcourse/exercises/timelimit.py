"""Run a learner's function with a time limit, so an infinite loop cannot hang the kernel.

Two mechanisms, picked per call:

* **POSIX, main thread** (a Jupyter kernel runs cells on its main thread): ``signal.setitimer``
  arms ``SIGALRM``; its handler raises :class:`TimeLimitExceeded` inside the running code. This
  stops pure-Python loops (``while True: pass``) and interrupts blocking calls such as
  ``time.sleep``. The timer re-fires every 0.1 s after the deadline, so a learner's
  ``except Exception`` (or even a bare ``except``) inside the loop cannot swallow it for long;
  after three swallowed alarms the next line the learner's code runs raises it too (a line
  tracer, armed again at every alarm), the line of its ``except BaseException`` handler
  included, so a loop that swallows it in one handler ends. Handlers nested two deep can still
  swallow it; the grader, which stops the whole kernel from outside, is not fooled by that.
* **Anywhere else** (Windows, a worker thread, or an alarm already armed by someone else): a
  watchdog thread waits for the deadline and then injects :class:`TimeLimitExceeded` into the
  calling thread with ``PyThreadState_SetAsyncExc``. This also stops Python loops, but only
  between bytecodes: a single long call into C (a huge matrix product) finishes first.

Neither is a sandbox. A learner's code running in C for minutes, or one that kills the process,
is stopped only by the grader's per-cell limit (``dlcourse grade``) or the kernel's Stop button.
:class:`TimeLimitExceeded` derives from ``BaseException`` so that ``except Exception`` in the
learner's code does not catch it.
"""

from __future__ import annotations

import ctypes
import signal
import sys
import threading
from typing import Any, Callable

__all__ = ["TimeLimitExceeded", "call_with_time_limit"]


class TimeLimitExceeded(BaseException):
    """Raised inside a learner's function when it runs past its time limit."""


def _can_use_alarm() -> bool:
    if not hasattr(signal, "setitimer") or sys.platform == "win32":
        return False
    if threading.current_thread() is not threading.main_thread():
        return False
    # Do not disturb an alarm that somebody else armed.
    return signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def call_with_time_limit(func: Callable[..., Any], args: tuple = (), kwargs: dict | None = None,
                         seconds: float = 2.0) -> Any:
    """Call ``func(*args, **kwargs)``; raise :class:`TimeLimitExceeded` if it runs over ``seconds``."""
    kwargs = kwargs or {}
    if seconds is None or seconds <= 0:
        return func(*args, **kwargs)
    if _can_use_alarm():
        return _call_with_alarm(func, args, kwargs, seconds)
    return _call_with_watchdog(func, args, kwargs, seconds)


def _call_with_alarm(func: Callable[..., Any], args: tuple, kwargs: dict, seconds: float) -> Any:
    fired = [0]
    previous_trace = sys.gettrace()

    def on_line(frame: Any, event: str, arg: Any) -> Any:
        if event == "line" and frame.f_code.co_filename != __file__:
            raise TimeLimitExceeded(f"stopped after {seconds:g} s")
        return on_line

    def on_alarm(signum: int, frame: Any) -> None:
        fired[0] += 1
        if fired[0] >= 3:  # (again each time: a tracer that raises is switched off by Python)
            # The first interrupts were swallowed (``except BaseException: pass`` in a loop): from
            # now on every line the learner's code runs raises, also the lines of its handlers.
            sys.settrace(lambda *_: on_line)
            while frame is not None and frame.f_code.co_filename != __file__:
                frame.f_trace_lines = True
                frame.f_trace = on_line
                frame = frame.f_back
        raise TimeLimitExceeded(f"stopped after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
        try:
            return func(*args, **kwargs)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0.0, 0.0)
            if fired[0] >= 3:
                sys.settrace(previous_trace)
    finally:
        signal.signal(signal.SIGALRM, previous)


def _call_with_watchdog(func: Callable[..., Any], args: tuple, kwargs: dict, seconds: float) -> Any:
    target = threading.get_ident()
    finished = threading.Event()
    lock = threading.Lock()
    fired = []

    def watchdog() -> None:
        if finished.wait(seconds):
            return
        while True:
            with lock:
                if finished.is_set():
                    return
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target),
                                                           ctypes.py_object(TimeLimitExceeded))
                fired.append(True)
            if finished.wait(0.1):  # fire again until the learner's code lets go
                return

    thread = threading.Thread(target=watchdog, name="dlcourse-time-limit", daemon=True)
    thread.start()
    try:
        return func(*args, **kwargs)
    finally:
        with lock:
            finished.set()
            if fired:
                # An exception may be pending but not yet delivered: cancel it.
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)
        thread.join()
