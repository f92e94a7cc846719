"""The README is the course's front door: its map lists every lesson, and its links resolve."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_course_map_lists_every_learner_notebook_in_order():
    section = README[README.index("## Course map"):]
    section = section[:section.index("\n## ", 3)]
    linked = re.findall(r"\]\((course/\d\d_[\w-]+\.ipynb)\)", section)
    lessons = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "course").glob("[0-9][0-9]_*.ipynb"))
    assert linked == lessons
    rows = [line for line in section.splitlines() if re.match(r"\| \d\d \|", line)]
    assert len(rows) == len(lessons) and all(line.count("|") == 7 for line in rows), rows


def test_every_relative_link_and_mentioned_path_exists():
    targets = re.findall(r"\]\(((?!https?://|#)[^)\s]+)\)", README)
    assert targets, "no relative links found"
    for target in targets:
        assert (ROOT / target.split("#")[0]).exists(), target
    for path in re.findall(r"`((?:benchmarks|tests|docs|binder)/[\w./-]+)`", README):
        assert (ROOT / path).exists(), path


def test_the_binder_badge_opens_the_first_lesson():
    badge = re.search(r"mybinder\.org/v2/gh/[\w.-]+/[\w.-]+/HEAD\?urlpath=lab/tree/([\w./-]+)\)", README)
    assert badge and (ROOT / badge.group(1)).exists()
