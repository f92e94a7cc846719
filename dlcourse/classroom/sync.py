"""``/dlcourse/sync``: the Jupyter server extension that nbgitpuller links end on.

nbgitpuller pulls the student repository into a hidden folder (``~/.dlcourse/course``) and then
redirects to ``/dlcourse/sync?lesson=01_neuron.ipynb&source=.dlcourse/course``. This handler merges
that course into the learner's workspace (:func:`dlcourse.workspace.sync`: untouched lessons
are replaced, edited ones keep every cell the learner changed and take the instructor's other
changes) and redirects to the lesson in the workspace. Learners never edit the pulled folder, so
nbgitpuller's own merge never has anything to drop.

Enable it in the single-user server (the hub kit does):
``jupyter server extension enable dlcourse.classroom.sync``, or
``--ServerApp.jpserver_extensions='{"dlcourse.classroom.sync": true}'``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

__all__ = ["resolve_request"]

_LESSON = re.compile(r"^\d\d_[\w-]+\.ipynb$")


def resolve_request(root: Path, lesson: str | None, source: str | None) -> tuple[Path, str | None]:
    """The pulled course folder and the lesson to open, both checked to stay inside ``root``.

    Raises ValueError for a lesson that is not a lesson file name or a source outside ``root``.
    """
    if lesson is not None and not _LESSON.match(lesson):
        raise ValueError(f"not a lesson file name: {lesson!r}")
    folder = (root / (source or ".dlcourse/course")).resolve()
    if folder != root.resolve() and root.resolve() not in folder.parents:
        raise ValueError("the course folder must be inside your home folder")
    return folder, lesson


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "dlcourse.classroom.sync"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    from jupyter_server.base.handlers import JupyterHandler  # noqa: PLC0415 - only inside a server
    from jupyter_server.utils import url_path_join  # noqa: PLC0415
    from tornado import web  # noqa: PLC0415

    from dlcourse import paths, workspace  # noqa: PLC0415

    root = Path(serverapp.root_dir).expanduser()

    class SyncHandler(JupyterHandler):
        @web.authenticated
        def get(self) -> None:
            try:
                source, lesson = resolve_request(root, self.get_argument("lesson", None),
                                                 self.get_argument("source", None))
            except ValueError as exc:
                raise web.HTTPError(400, str(exc)) from exc
            if not source.is_dir():
                raise web.HTTPError(404, f"no course at {source}: follow the lesson link again")
            target = paths.workspace_dir()
            try:
                updates = workspace.sync(target, source)
            except workspace.WorkspaceError as exc:
                raise web.HTTPError(500, str(exc)) from exc
            for update in updates:
                for line in update.lines(target):
                    self.log.info("dlcourse sync: %s", line)
            try:
                where = target.resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                where = ""
            path = "/".join(p for p in (where, lesson or "") if p)
            self.redirect(url_path_join(self.base_url, "lab", "tree", quote(path)))

    base = serverapp.web_app.settings["base_url"]
    serverapp.web_app.add_handlers(".*$", [(url_path_join(base, "dlcourse", "sync"), SyncHandler)])
