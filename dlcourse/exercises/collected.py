"""What :func:`~dlcourse.exercises.checking.collect` records: plain data only, no verdicts.

A :class:`Collected` holds, for every case of an exercise, one :class:`Outcome`: how the
learner's answer ended (returned a value, raised, ran too long, exited, changed its input) and
what it returned, converted to plain data (:mod:`dlcourse.exercises.plain`). It holds no learner
object and no callable, so it can cross a process boundary: :meth:`Collected.to_bytes` and
:meth:`Collected.from_bytes` serialize it as an ``.npz`` archive with a JSON manifest, without
pickle. :func:`~dlcourse.exercises.checking.judge` turns it into a report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dlcourse.exercises import plain

__all__ = ["ANSWER_KINDS", "OUTCOME_KINDS", "Collected", "Outcome"]

#: How an outcome ended. ``value``: returned normally (for a custom exercise: its description);
#: ``exception``, ``not implemented`` (a ``NotImplementedError``), ``timeout``, ``exit``
#: (``sys.exit``); ``mutated``: returned, but changed the input named in ``message`` in place;
#: ``not run``: not called, because an earlier case ran too long or was the placeholder. There is
#: no outcome that carries a verdict: the judge computes every verdict itself.
OUTCOME_KINDS = ("value", "exception", "not implemented", "timeout", "exit", "mutated", "not run")
#: What the answer was: the placeholder (``None``/``...``), a function, something not callable
#: where a function was expected, or an object a custom exercise describes.
ANSWER_KINDS = ("placeholder", "function", "not callable", "object")


@dataclass
class Outcome:
    """How the learner's answer ended on one case, as plain data."""

    kind: str
    value: Any = None  #: the returned value as plain data (``kind == "value"``)
    error: str = ""  #: the exception's type name
    message: str = ""  #: the exception's text; for ``mutated``, the name of the changed argument
    where: str = ""  #: the learner's own line: `` (at cell In[5], line 3, in f: `...`)``
    placeholder: bool = False  #: a NotImplementedError raised by the answer's own body
    warnings: list[str] = field(default_factory=list)  #: NumPy's RuntimeWarning messages during the call

    def to_plain(self) -> dict[str, Any]:
        """This outcome as a dict of plain data."""
        return {"kind": self.kind, "value": self.value, "error": self.error, "message": self.message,
                "where": self.where, "placeholder": self.placeholder, "warnings": list(self.warnings)}

    @classmethod
    def from_plain(cls, data: Any) -> "Outcome":
        """The inverse of :meth:`to_plain`; raises :class:`~dlcourse.exercises.plain.PlainDataError`."""
        if not isinstance(data, dict) or data.get("kind") not in OUTCOME_KINDS:
            raise plain.PlainDataError("malformed outcome")
        texts = [data.get(key, "") for key in ("error", "message", "where")]
        warnings = data.get("warnings", [])
        if not all(isinstance(t, str) for t in texts) or not isinstance(warnings, list) \
                or not all(isinstance(w, str) for w in warnings):
            raise plain.PlainDataError("malformed outcome")
        return cls(data["kind"], data.get("value"), *texts, placeholder=bool(data.get("placeholder", False)),
                   warnings=list(warnings))


@dataclass
class Collected:
    """Everything :func:`~dlcourse.exercises.checking.judge` needs about one answer to one exercise."""

    exercise: str  #: the exercise's name, ``"01.weighted_sum"``
    answer: str  #: one of :data:`ANSWER_KINDS`
    answer_type: str = ""  #: the type name of the learner's answer
    time_limit: float = 0.0  #: seconds each call was allowed
    outcomes: list[Outcome] = field(default_factory=list)  #: one per case (one for a custom exercise)

    def to_plain(self) -> dict[str, Any]:
        """This record as a dict of plain data."""
        return {"format": 1, "exercise": self.exercise, "answer": self.answer, "answer_type": self.answer_type,
                "time_limit": float(self.time_limit), "outcomes": [o.to_plain() for o in self.outcomes]}

    @classmethod
    def from_plain(cls, data: Any) -> "Collected":
        """The inverse of :meth:`to_plain`; raises :class:`~dlcourse.exercises.plain.PlainDataError`."""
        if not isinstance(data, dict) or data.get("format") != 1:
            raise plain.PlainDataError("not a collected record (format 1)")
        if data.get("answer") not in ANSWER_KINDS or not isinstance(data.get("exercise"), str) \
                or not isinstance(data.get("answer_type", ""), str) \
                or not isinstance(data.get("time_limit"), (int, float)) or isinstance(data.get("time_limit"), bool) \
                or not isinstance(data.get("outcomes"), list):
            raise plain.PlainDataError("malformed collected record")
        return cls(data["exercise"], data["answer"], data.get("answer_type", ""), float(data["time_limit"]),
                   [Outcome.from_plain(o) for o in data["outcomes"]])

    def to_bytes(self) -> bytes:
        """This record serialized safely: an ``.npz`` of arrays plus a JSON manifest, no pickle."""
        return plain.dumps(self.to_plain())

    @classmethod
    def from_bytes(cls, data: bytes) -> "Collected":
        """The record :meth:`to_bytes` wrote; raises :class:`~dlcourse.exercises.plain.PlainDataError`."""
        return cls.from_plain(plain.loads(data))
