"""Interactive widgets for the lessons (ipywidgets 8), one module per widget.

Importing ``dlcourse.widgets`` is cheap; each widget module imports ipywidgets and matplotlib
itself, when a lesson uses it.

Every main widget has one shape (:mod:`dlcourse.widgets.live`): named controls, a pure frame
function from their values to a :class:`~dlcourse.widgets.frame.Frame` (picture, readout,
description; each module's ``...Frames`` class, usable without ipywidgets), and a
:class:`~dlcourse.widgets.live.LiveWidget` that wires them and shows the frames through
:mod:`dlcourse.widgets.picture`.

* :mod:`dlcourse.widgets.digits` — browse the images of a dataset with a slider (lesson 00).
* :mod:`dlcourse.widgets.neuron` — move a neuron's decision line with sliders (lesson 01).
* :mod:`dlcourse.widgets.browsing` — the rule the lesson 08 and 12 browsers share: a menu that
  restarts a slider over the items it picks.
* :mod:`dlcourse.widgets.menu` — :class:`~dlcourse.widgets.menu.Menu`, the course's drop-down
  menu: ipywidgets' ``Dropdown`` whose arrow and letter keys work inside JupyterLab.
"""
