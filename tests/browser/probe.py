"""Look into a lesson's kernel from the browser tests, as a second client of the same kernel.

The page runs the lesson; this module connects to that lesson's kernel with ``jupyter_client``
(through the connection file the server wrote) and runs small snippets there that the page
never shows (``store_history=False``, no output: results come back as user expressions).

* :meth:`KernelProbe.watch_values` is called before Run All: from then on, every change of a
  control's ``value`` (or ``index``) that arrives *from the page* is recorded. A slider built at
  a value it cannot take is snapped by the browser, which sends the snapped value back; so
  before anyone touches a control, :meth:`values_changed_by_page` must be empty.
* :meth:`pictures` reports, for the main widget, each picture's size and the smallest text in
  it (``dlcourse.widgets.picture.picture_report``).
"""

from __future__ import annotations

import ast
import json
import urllib.request
from pathlib import Path
from typing import Any

WATCH = """
def _dlcourse_watch():
    import ipywidgets
    if getattr(ipywidgets.Widget, "_dlcourse_from_page", None) is not None:
        return
    ipywidgets.Widget._dlcourse_from_page = changes = []
    original = ipywidgets.Widget.set_state

    def set_state(self, sync_data):
        before = {k: getattr(self, k) for k in ("value", "index") if k in sync_data and hasattr(self, k)}
        result = original(self, sync_data)
        for key, old in before.items():
            new = getattr(self, key)
            # The page computes a slider's value as min + k·step in floating point: -1.5 + 13 × 0.1
            # arrives as -0.19999999999999996. Such dust (below 1e-9) is not a snap; anything else is.
            dust = isinstance(new, float) and isinstance(old, (int, float)) and abs(new - old) <= 1e-9 * (1 + abs(old))
            if new != old and not dust:
                changes.append({"widget": type(self).__name__, "description": getattr(self, "description", ""),
                                "key": key, "built": repr(old), "page": repr(new)})
        return result

    ipywidgets.Widget.set_state = set_state
_dlcourse_watch()
del _dlcourse_watch
"""

CHANGES = "__import__('json').dumps(getattr(__import__('ipywidgets').Widget, '_dlcourse_from_page', None))"
PICTURES = "__import__('dlcourse.widgets.picture', fromlist=['main_report']).main_report()"


class KernelProbe:
    """A second client of the kernel behind the notebook at ``path`` on the ``lab`` server."""

    def __init__(self, lab: Any, path: str) -> None:
        from jupyter_client import BlockingKernelClient  # noqa: PLC0415

        request = urllib.request.Request(f"{lab.base_url}/api/sessions?token={lab.token}")
        with urllib.request.urlopen(request, timeout=10) as response:
            sessions = json.load(response)
        kernel_id = next(s["kernel"]["id"] for s in sessions if s["path"].endswith(path))
        connection = Path(lab.root).parent / "runtime" / f"kernel-{kernel_id}.json"
        self.client = BlockingKernelClient(connection_file=str(connection))
        self.client.load_connection_file()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    def _run(self, code: str, expressions: dict[str, str] | None = None, timeout: float = 60) -> dict[str, Any]:
        msg_id = self.client.execute(code, silent=False, store_history=False,
                                     user_expressions=expressions or {}, allow_stdin=False)
        while True:
            reply = self.client.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content["status"] != "ok":
            raise AssertionError(f"the probe failed in the kernel: {content.get('ename')}: {content.get('evalue')}")
        results = {}
        for name, result in content.get("user_expressions", {}).items():
            if result.get("status") != "ok":
                raise AssertionError(f"the probe's {name} failed: {result.get('ename')}: {result.get('evalue')}")
            results[name] = json.loads(ast.literal_eval(result["data"]["text/plain"]))  # the repr of a JSON string
        return results

    def watch_values(self) -> None:
        """From now on, record every control value that the page changes."""
        self._run(WATCH)

    def values_changed_by_page(self) -> list[dict[str, str]]:
        """The control values the page has changed since :meth:`watch_values`."""
        return self._run("", {"changes": CHANGES})["changes"]

    def pictures(self) -> list[list[dict[str, Any]]]:
        """For each main widget alive in the kernel, its pictures (see ``picture_report``)."""
        return self._run("", {"pictures": PICTURES})["pictures"]

    def close(self) -> None:
        self.client.stop_channels()
