"""Plotting helpers for the lessons: one colour-blind-safe style, and one small module per picture.

Importing ``dlcourse.viz`` is cheap: matplotlib is imported only by the modules that draw
(``dlcourse.viz.images``, ``dlcourse.viz.boundary``, ...), when a lesson imports them.

* :mod:`dlcourse.viz.style` — the palette, class markers and ``new_figure`` (every lesson).
* :mod:`dlcourse.viz.images` — grids of images with their labels (lesson 00).
* :mod:`dlcourse.viz.boundary` — 2-D points and a neuron's decision line (lesson 01).
"""
