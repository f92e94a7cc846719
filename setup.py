"""Build step: ship the learner lessons inside the package.

The lessons live in the repository's ``course/`` (generated from ``course/solutions`` by
``dlcourse release``); a wheel carries a copy of the learner notebooks, ``course/NN_*.ipynb``
only (never the solutions), as ``dlcourse/_course/``, where ``dlcourse.paths.shipped_course_dir``
finds them. An editable install copies nothing: it reads ``course/`` directly.
Everything else about the package is in ``pyproject.toml``.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

LESSONS = "course/[0-9][0-9]_*.ipynb"


class BuildWithLessons(build_py):
    """``build_py`` that also copies the learner lessons into ``dlcourse/_course``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "dlcourse" / "_course"
        self.mkpath(str(target))
        lessons = sorted(Path(__file__).resolve().parent.glob(LESSONS))
        if not lessons:
            raise SystemExit(f"no lessons match {LESSONS}: build from a complete checkout or sdist")
        for lesson in lessons:
            self.copy_file(str(lesson), str(target / lesson.name))


setup(cmdclass={"build_py": BuildWithLessons})
