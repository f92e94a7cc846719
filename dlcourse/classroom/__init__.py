"""Running the course for a class on JupyterHub: the student repository, nbgitpuller links,
the update hook behind them, and submitting and collecting notebooks.

* :mod:`~dlcourse.classroom.student_repo` writes the git repository learners pull (lessons, no
  solutions);
* :mod:`~dlcourse.classroom.links` prints each lesson's nbgitpuller link;
* :mod:`~dlcourse.classroom.sync` is a small Jupyter server extension: nbgitpuller pulls the course
  into a hidden folder the learner never edits, then redirects to ``/dlcourse/sync``, which merges
  the new course into the learner's workspace (see :mod:`dlcourse.workspace`) and opens the lesson;
* :mod:`~dlcourse.classroom.exchange` copies a learner's lesson into the class's exchange folder
  (``dlcourse submit``) and gathers them for grading (``dlcourse collect``).

The guide is ``docs/hub.md``.
"""
