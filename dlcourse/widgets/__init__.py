"""Interactive widgets for the lessons (ipywidgets 8), one module per widget.

Importing ``dlcourse.widgets`` is cheap; each widget module imports ipywidgets and matplotlib
itself, when a lesson uses it.

* :mod:`dlcourse.widgets.digits` — browse the images of a dataset with a slider (lesson 00).
* :mod:`dlcourse.widgets.neuron` — move a neuron's decision line with sliders (lesson 01).
* :mod:`dlcourse.widgets.browsing` — the parts the lesson 08 and 12 browsers share: a figure
  re-rendered in an Image widget, and a slider over the items a menu picks.
"""
