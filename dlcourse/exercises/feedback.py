"""What a check shows: a compact ✓/✗ report, as HTML in JupyterLab and as text in a terminal.

Marks are words and symbols (✓, ✗, "not attempted yet"), never colour alone.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field
from typing import Any

from dlcourse.viz.style import PALETTE

__all__ = ["CaseResult", "Hint", "Report", "TextDisplay"]

PASSED, PARTIAL, FAILED, NOT_ATTEMPTED, ERROR = "passed", "partial", "failed", "not attempted", "error"


@dataclass
class CaseResult:
    """The outcome of one case: its label, points earned, and what was wrong (if anything).

    ``kind`` is one of ``ok``, ``wrong``, ``misconception``, ``exception``, ``timeout``,
    ``exit``, ``skipped`` or ``not attempted``.
    """

    label: str
    points: float
    max_points: float
    message: str = ""
    kind: str = "ok"
    misconception: str | None = None

    @property
    def passed(self) -> bool:
        """True when the case earned all its points."""
        return self.kind == "ok"

    @classmethod
    def ok(cls, label: str, points: float = 1.0) -> "CaseResult":
        """A passed case (for custom checks)."""
        return cls(label, points, points)

    @classmethod
    def not_attempted(cls, label: str, message: str = "") -> "CaseResult":
        """The learner's answer is still the placeholder (for custom checks): the whole check
        then reads "not attempted yet" instead of failing."""
        return cls(label, 0.0, 0.0, message, NOT_ATTEMPTED)

    @classmethod
    def wrong(cls, label: str, message: str, points: float = 1.0) -> "CaseResult":
        """A failed case worth ``points`` (for custom checks)."""
        return cls(label, 0.0, points, message, "wrong")

    @classmethod
    def skipped(cls, label: str, why: str, points: float = 1.0) -> "CaseResult":
        """A case not checked (it depends on one that failed): no points, and ``why``."""
        return cls(label, 0.0, points, why, "skipped")


class TextDisplay:
    """Shows itself as text in a terminal and in IPython's plain display: ``str(self)``, which is
    ``lines()`` joined (HTML, where a class has it, comes from its ``_repr_html_``)."""

    def lines(self) -> list[str]:
        """The object as lines of text."""
        raise NotImplementedError

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


@dataclass(repr=False)
class Report(TextDisplay):
    """The result of ``check(name, obj)``: shown as HTML in notebooks, as text elsewhere."""

    exercise: str
    title: str
    status: str
    cases: list[CaseResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    headline: str = ""

    def add_note(self, note: str) -> None:
        """Add a line shown under the cases (a hint to ask for, where progress was saved); the only
        change made to a report after :func:`~dlcourse.exercises.checking.judge` made it."""
        if note:
            self.notes.append(str(note))

    @property
    def points(self) -> float:
        """Points earned over all cases."""
        return float(sum(c.points for c in self.cases))

    @property
    def max_points(self) -> float:
        """Points available over all cases."""
        return float(sum(c.max_points for c in self.cases))

    @property
    def passed(self) -> bool:
        """True when every case passed."""
        return self.status == PASSED

    def summary(self) -> str:
        """The first line: mark, name, points and the verdict."""
        if self.status == NOT_ATTEMPTED:
            return f"… {self.exercise} ({self.title}): not attempted yet."
        if self.status == ERROR:
            return f"✗ {self.exercise}: {self.headline}"
        mark = "✓" if self.status == PASSED else "✗"
        verdict = "public checks passed." if self.status == PASSED else self.headline or "not yet right."
        return f"{mark} {self.exercise} ({self.title}): {_pts(self.points)}/{_pts(self.max_points)} points, {verdict}"

    def _messages(self) -> list[str]:
        """Each case's message, with a repeat of the previous case's message shortened."""
        out: list[str] = []
        previous: CaseResult | None = None
        for case in self.cases:
            same = previous is not None and case.kind != "skipped" and case.message and (
                case.message == previous.message
                or (case.misconception is not None and case.misconception == previous.misconception))
            out.append("the same mistake as above" if same else case.message)
            previous = case
        return out

    def lines(self) -> list[str]:
        """The report as lines of plain text."""
        out = [self.summary()]
        if self.status == NOT_ATTEMPTED:
            out.append("  " + (self.headline or "Write your code in the answer cell, run it, then run this check again."))
        else:
            for case, message in zip(self.cases, self._messages()):
                mark = "✓" if case.passed else ("·" if case.kind == "skipped" else "✗")
                out.append(f"  {mark} {case.label}" + (f": {message}" if message else ""))
        out += [f"  {note}" for note in self.notes]
        return out

    def _repr_html_(self) -> str:
        if self.status == PASSED:
            colour, mark = PALETTE["ok"], "✓"
        elif self.status == NOT_ATTEMPTED:
            colour, mark = PALETTE["neutral"], "…"
        else:
            colour, mark = PALETTE["bad"], "✗"
        head = _code(self.summary()[2:])  # every text shown renders `code` the same way
        rows = []
        if self.status == NOT_ATTEMPTED:
            rows.append(f"<li>{_code(self.headline or 'Write your code in the answer cell, run it, then run this check again.')}</li>")
        else:
            for case, message in zip(self.cases, self._messages()):
                sign = "✓" if case.passed else ("·" if case.kind == "skipped" else "✗")
                text = _code(case.label)
                if message:
                    text += ": " + _code(message)
                rows.append(f"<li>{sign} {text}</li>")
        rows += [f"<li>{_code(note)}</li>" for note in self.notes]
        return (
            f"<div class='dlcourse-check' style='border-left:4px solid {colour};padding:4px 10px;margin:4px 0'>"
            f"<div><strong>{mark} {head}</strong></div>"
            f"<ul style='list-style:none;margin:2px 0;padding-left:8px'>{''.join(rows)}</ul></div>"
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (used by the grader)."""
        return {"exercise": self.exercise, "status": self.status, "points": self.points,
                "max_points": self.max_points, "cases": [asdict(c) for c in self.cases], "notes": self.notes}


@dataclass(repr=False)
class Hint(TextDisplay):
    """One hint of an exercise; shows as HTML in notebooks and as text elsewhere."""

    exercise: str
    level: int
    count: int
    text: str

    def __str__(self) -> str:
        tail = " (that was the last hint)" if self.level == self.count and self.count > 1 else ""
        return f"Hint {self.level} of {self.count} for {self.exercise}{tail}: {self.text}"

    def _repr_html_(self) -> str:
        tail = " (that was the last hint)" if self.level == self.count and self.count > 1 else ""
        return (f"<div class='dlcourse-hint' style='border-left:4px solid {PALETTE['hint']};padding:4px 10px'>"
                f"<strong>Hint {self.level} of {self.count}</strong> for {html.escape(self.exercise)}"
                f"{html.escape(tail)}: {_code(self.text)}</div>")


def _pts(value: float) -> str:
    return f"{value:g}"


def _code(text: str) -> str:
    """Escape ``text`` for HTML and render `backticks` as code."""
    parts = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))
