"""Run a learner's function with a time limit, so an infinite loop cannot hang the kernel.

Two mechanisms, picked per call:

* **POSIX, main thread** (a Jupyter kernel runs cells on its main thread): ``signal.setitimer``
  arms ``SIGALRM``; its handler raises :class:`TimeLimitExceeded` inside the running code. This
  stops pure-Python loops (``while True: pass``) and interrupts blocking calls such as
  ``time.sleep``. The timer re-fires every 0.1 s after the deadline, so a learner's
  ``except Exception`` (or even a bare ``except``) inside the loop cannot swallow it for long.
  After three swallowed alarms a line tracer makes **every line** the learner's code runs
  raise it again, the lines of its ``except BaseException`` handlers included, until the
  exception is out of the learner's function: on CPython 3.11, handlers nested any number of
  levels deep cannot keep it. (A Python tracer that raises is switched off by Python, so this
  one is a C-level tracer, set with ``PyEval_SetTrace`` through ctypes: it fails the line
  without setting an exception, which CPython turns into a ``SystemError`` at that line and
  which this module reports as :class:`TimeLimitExceeded`. Elsewhere a Python tracer, armed
  again at every alarm, ends a loop that swallows the stop in one handler; handlers nested two
  deep can keep it there, and after :data:`HARD_DEADLINE` more seconds the learner is told so.)
* **Anywhere else** (Windows, a worker thread, or an alarm already armed by someone else): a
  watchdog thread waits for the deadline and then injects :class:`TimeLimitExceeded` into the
  calling thread with ``PyThreadState_SetAsyncExc``, again every 0.1 s. This also stops Python
  loops, but only between bytecodes: a single long call into C (a huge matrix product) finishes
  first, and ``except BaseException`` handlers nested two deep inside a loop can keep catching
  it. When the function is still running :data:`HARD_DEADLINE` seconds after its limit, the
  learner is told so on standard error (shown under the cell), and how to stop it.

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
import time
from typing import Any, Callable

__all__ = ["HARD_DEADLINE", "TimeLimitExceeded", "call_with_time_limit"]

#: Seconds past its limit after which a function that keeps catching the stop is reported (watchdog).
HARD_DEADLINE = 10.0


class TimeLimitExceeded(BaseException):
    """Raised inside a learner's function when it runs past its time limit."""


def _still_running(func: Callable[..., Any], seconds: float) -> None:
    """Tell the learner that ``func`` keeps catching the stop, and what to do (the Stop button's
    KeyboardInterrupt is a BaseException too, so only a restart ends it)."""
    name = getattr(func, "__name__", "your function")
    print(f"`{name}` is still running {HARD_DEADLINE + seconds:g} s after it started, although it was "
          f"told to stop after {seconds:g} s: it keeps catching the stop (an `except BaseException:` or a bare "
          "`except:` inside a loop?). Restart the kernel (Kernel menu, Restart), then catch only the errors "
          "you expect, such as `except ValueError:`.", file=sys.stderr, flush=True)


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


def _c_tracer_works() -> bool:
    """Whether a C-level line tracer can raise without Python switching it off (CPython 3.11 release)."""
    return (sys.implementation.name == "cpython" and sys.version_info[:2] == (3, 11)
            and not hasattr(sys, "gettotalrefcount") and hasattr(ctypes, "pythonapi"))


#: ``int tracer(PyObject *obj, PyFrameObject *frame, int what, PyObject *arg)``, holding the GIL.
_TRACE_FUNCTION = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.py_object, ctypes.c_int, ctypes.c_void_p)
_LINE = 2  # PyTrace_LINE


def _call_with_alarm(func: Callable[..., Any], args: tuple, kwargs: dict, seconds: float) -> Any:
    fired = [0]
    done = [False]
    previous_trace = sys.gettrace()
    callers = set()  # this call's own frames and its callers': never stopped
    frame = sys._getframe()
    while frame is not None:
        callers.add(id(frame))
        frame = frame.f_back

    def learners(frame: Any) -> bool:
        return not done[0] and id(frame) not in callers and frame.f_code.co_filename != __file__

    def on_line(frame: Any, event: str, arg: Any) -> Any:
        if event == "line" and learners(frame):
            raise TimeLimitExceeded(f"stopped after {seconds:g} s")
        return on_line

    def on_line_c(obj: Any, frame: Any, what: int, arg: Any) -> int:
        # Nonzero without an exception set: CPython raises SystemError on that line, and a C tracer
        # that fails stays on, so the next line raises again: no handler, however nested, keeps it.
        return 1 if what == _LINE and learners(frame) else 0

    c_tracer = _TRACE_FUNCTION(on_line_c) if _c_tracer_works() else None

    def on_alarm(signum: int, frame: Any) -> None:
        if frame is not None and not learners(frame):
            return  # the learner's code is over (or in this module's clean-up): never raise here
        fired[0] += 1
        if fired[0] == round(HARD_DEADLINE / 0.1) + 1:  # alarms come every 0.1 s after the first
            _still_running(func, seconds)
        if fired[0] >= 3 and c_tracer is not None:
            if fired[0] == 3:  # the first interrupts were swallowed (``except BaseException`` in a loop)
                ctypes.pythonapi.PyEval_SetTrace(c_tracer, None)
        elif fired[0] >= 3:  # (again each time: a Python tracer that raises is switched off by Python)
            sys.settrace(lambda *_: on_line)
            while frame is not None and learners(frame):
                frame.f_trace_lines = True
                frame.f_trace = on_line
                frame = frame.f_back
        raise TimeLimitExceeded(f"stopped after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
        try:
            return func(*args, **kwargs)
        except BaseException as exc:
            if fired[0] >= 3 and not isinstance(exc, TimeLimitExceeded):  # what the tracer made of it
                raise TimeLimitExceeded(f"stopped after {seconds:g} s").with_traceback(exc.__traceback__) from None
            raise
        finally:
            done[0] = True
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
        hard = time.monotonic() + HARD_DEADLINE
        while True:
            if hard is not None and time.monotonic() > hard:
                hard = None
                _still_running(func, seconds)
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
