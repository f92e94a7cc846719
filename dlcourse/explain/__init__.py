"""Walk-throughs of a small Dense network: every number of a forward and a backward pass.

Introduced in lessons 03 (forward propagation) and 05 (backpropagation)::

    from dlcourse import explain
    from dlcourse.data import SPAM_EXAMPLE

    explain.forward(SPAM_EXAMPLE.weights(), SPAM_EXAMPLE.x, activations=["relu", "sigmoid"])
    explain.backward(model, x, y, learning_rate=0.5)      # a dlcourse.nn Sequential of Dense layers

A walk-through shows HTML tables and a labelled network diagram in JupyterLab and readable
text in a terminal (``print(...)``). The numbers come from the engine (``dlcourse.nn``); the
steps are plain data (:mod:`dlcourse.explain.walkthrough`), drawn by
:mod:`dlcourse.explain.render`. Importing this package is cheap: NumPy and the engine are
imported when a walk-through is first made.
"""

from __future__ import annotations

from dlcourse.lazy import attach

__all__ = ["BackwardPass", "ForwardPass", "backward", "forward"]

_WHERE = {"forward": "walkthrough", "backward": "walkthrough", "ForwardPass": "walkthrough",
          "BackwardPass": "walkthrough"}


__getattr__, __dir__ = attach(__name__, _WHERE)
