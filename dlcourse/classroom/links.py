"""nbgitpuller links, one per lesson, for a course's student repository.

A link sends a learner through their hub to nbgitpuller, which clones (or updates) the student
repository into a hidden folder, then opens the lesson through ``/dlcourse/sync`` so that the
learner's own copy is made or brought up to date first (:mod:`dlcourse.classroom.sync`).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

__all__ = ["COURSE_TARGET", "lesson_link"]

#: Where nbgitpuller keeps the pulled course, relative to the learner's home. Learners never edit
#: it, so nbgitpuller's own merge is always a fast-forward.
COURSE_TARGET = ".dlcourse/course"


def lesson_link(hub: str, repo: str, lesson: str, branch: str = "main", target: str = COURSE_TARGET) -> str:
    """The nbgitpuller link that opens ``lesson`` (a file name such as ``01_neuron.ipynb``).

    ``hub`` is the hub's base URL (``https://hub.example.edu``), ``repo`` the student repository's
    git URL (or a path the hub's users can read).
    """
    after_pull = "dlcourse/sync?" + urlencode({"lesson": lesson, "source": target})
    query = urlencode({"repo": repo, "branch": branch, "targetpath": target, "urlpath": after_pull},
                      quote_via=quote)
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"
