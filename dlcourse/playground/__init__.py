"""TensorFlow Playground in the notebook, driven by the course's own engine (lesson 11).

``Playground()`` shows the widget; ``PlaygroundConfig`` holds every setting (JSON in and out);
``PlaygroundModel`` trains a config without drawing (what lesson 11's checks use).

Modules, one job each: ``config`` (settings), ``features`` (input transforms), ``model``
(building and training the engine network), ``render`` (the picture), ``keras_code`` ("show
me the Keras code") and ``widget`` (the ipywidgets wiring). Names are imported lazily, so
``import dlcourse.playground`` loads neither ipywidgets nor Pillow.

Introduced in lesson 11.
"""

from __future__ import annotations

from dlcourse.lazy import attach

__all__ = ["Playground", "PlaygroundConfig", "PlaygroundModel", "playground"]

_WHERE = {"Playground": "widget", "playground": "widget", "PlaygroundConfig": "config",
          "PlaygroundModel": "model"}


__getattr__, __dir__ = attach(__name__, _WHERE)
