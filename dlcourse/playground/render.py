"""Draw the Playground: the network with each neuron's map, the decision surface, the loss curve (lesson 11).

The picture fits a laptop's notebook (:data:`CSS_WIDTH` CSS px wide, the network on top and
the two plots below it) and is drawn at :data:`SCALE` pixels per CSS pixel, to be shown at
half its pixel size (sharp on high-density screens); its smallest text is 11 CSS px.

Speed matters here (a new picture for every few training steps), so the picture is composed
from NumPy arrays and drawn with Pillow, not matplotlib: what does not change during
training (titles, axes, labels, legend, and the data points) is drawn once per configuration
by :meth:`PlaygroundFigure.set_run`; each frame (:meth:`PlaygroundFigure.update`) pastes the
neuron maps and the decision surface, draws the weighted edges and the loss curves, and
:meth:`PlaygroundFigure.png` encodes the result for an ``ipywidgets.Image``.

Colours: one diverging, colour-blind-safe scale from the course palette (blue for negative
values and class 0, white for 0, vermillion for positive values and class 1). Shapes carry the
same meaning, so colour is never alone: class 0 is a circle, class 1 a triangle, validation
points have a black outline; negative weights are dashed edges, positive ones solid, and an edge's
thickness grows with the weight's size.

Introduced in lesson 11.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import numpy as np

from dlcourse.playground.features import LABELS, grid, transform

__all__ = ["GRID", "MAP", "SCALE", "WIDTH", "PlaygroundFigure", "colour_lut", "to_rgb"]

GRID = 48          #: decision-surface resolution (points per side), drawn at SURFACE CSS pixels
MAP = 16           #: each neuron's map: every third grid point, drawn at CELL CSS pixels
EXTENT = 1.2       #: the pictures show [-EXTENT, EXTENT]² in data coordinates
SCALE = 2          #: pixels drawn per CSS pixel (= dlcourse.viz.figure.SCALE): sharp on high-density screens
# The layout, in CSS pixels (the picture is drawn at SCALE times these and shown at these):
# the network on top, the decision surface and the loss curves side by side below it, all
# within a laptop's notebook (about 590 CSS px with JupyterLab's file browser open).
CSS_WIDTH = 580
CELL = 32
GAP_X, GAP_Y = 34, 8
NET_LEFT, NET_TOP = 64, 44
SURFACE = 240
SURF_LEFT = 52
LOSS_LEFT, LOSS_W, LOSS_H = 368, 200, 240
FONT, SMALL = 13, 11   #: text sizes in CSS px: the smallest stays above 10 CSS px on the page
WIDTH = CSS_WIDTH * SCALE  #: the picture's width in pixels (its height follows the network's size)


def colour_lut(n: int = 256) -> np.ndarray:
    """The course's diverging scale as an ``(n, 3)`` uint8 table: blue (−1), white (0), vermillion (+1)."""
    from dlcourse.viz.style import PALETTE  # noqa: PLC0415

    low, high = np.array(_rgb(PALETTE["class0"]), float), np.array(_rgb(PALETTE["class1"]), float)
    mid = np.array([255.0, 255.0, 255.0])
    t = np.linspace(-1.0, 1.0, n)[:, None]
    table = np.where(t < 0, mid + (low - mid) * (-t), mid + (high - mid) * t)
    return np.round(table).astype(np.uint8)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


_LUT = colour_lut()
_EDGE_CACHE: dict[tuple[int, ...], list] = {}


def to_rgb(values: np.ndarray) -> np.ndarray:
    """Values in [−1, 1] (clipped) to RGB pixels (uint8) with the course's diverging scale."""
    index = np.clip((np.asarray(values, dtype=np.float32) + 1.0) * 127.5, 0, 255).astype(np.intp)
    return _LUT[index]


def _font(size: int) -> Any:
    from PIL import ImageFont  # noqa: PLC0415

    import matplotlib  # noqa: PLC0415 - only for the path of its bundled DejaVu font

    path = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:
        return ImageFont.load_default(size)


class _Pen:
    """Pillow's ``ImageDraw`` with coordinates and line widths in CSS pixels (drawn at :data:`SCALE`)."""

    def __init__(self, image: Any) -> None:
        from PIL import ImageDraw  # noqa: PLC0415

        self.draw = ImageDraw.Draw(image)

    @staticmethod
    def _xy(points: Any) -> list[float]:
        """Flat coordinates in picture pixels, from numbers or (x, y) pairs in CSS px (plain Python: fast)."""
        if isinstance(points, np.ndarray):
            return (np.asarray(points, dtype=float).ravel() * SCALE).tolist()
        flat: list[float] = []
        for p in points:
            if isinstance(p, (tuple, list)):
                flat.extend((float(p[0]) * SCALE, float(p[1]) * SCALE))
            else:
                flat.append(float(p) * SCALE)
        return flat

    def text(self, xy: tuple[float, float], text: str, **kwargs: Any) -> None:
        self.draw.text(tuple(self._xy(xy)), text, **kwargs)

    def line(self, points: Any, fill: Any, width: float = 1) -> None:
        self.draw.line(self._xy(points), fill=fill, width=round(width * SCALE))

    def rectangle(self, box: Any, **kwargs: Any) -> None:
        self.draw.rectangle(self._xy(box), width=SCALE, **kwargs)

    def ellipse(self, box: Any, **kwargs: Any) -> None:
        self.draw.ellipse(self._xy(box), width=SCALE, **kwargs)

    def polygon(self, points: Any, **kwargs: Any) -> None:
        self.draw.polygon(self._xy(points), width=SCALE, **kwargs)


class PlaygroundFigure:
    """The Playground's picture: the network (top), the decision surface and the loss curves (below).

    :data:`WIDTH` pixels wide (:data:`CSS_WIDTH` CSS px at :data:`SCALE`); :attr:`height`
    grows with the largest layer. :attr:`min_text_px` is the smallest text, in picture pixels.
    """

    min_text_px = SMALL * SCALE

    def __init__(self) -> None:
        from PIL import Image  # noqa: PLC0415

        self._Image = Image
        self.font = _font(FONT * SCALE)
        self.small = _font(SMALL * SCALE)
        self._grid_points = grid(GRID, EXTENT)
        self._run: Any = None
        self._key: Any = None
        self._loss_key: Any = None
        self._looks: Any = None
        self._sprites: dict[tuple[int, bool], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._loss_scale = 0.0
        self.height = 400 * SCALE
        self.image = Image.new("RGB", (WIDTH, self.height), "white")

    # --- per configuration -------------------------------------------------------------------
    def set_run(self, run: Any) -> None:
        """Redraw what depends only on the configuration: layout, labels, axes, points."""
        self._run = run
        config = run.config
        self._key = (id(run), config.show_validation, config.discretize)
        self._grid_features = transform(self._grid_points, config.features)
        small = grid(MAP, EXTENT)
        feature_maps = transform(small, config.features)
        scale = np.maximum(np.abs(feature_maps).max(axis=0), 1e-6)
        self._feature_maps = (feature_maps / scale).T.reshape(-1, MAP, MAP)
        looks = (tuple(config.features), tuple(config.hidden), config.problem, config.show_validation,
                 config.discretize)
        if looks != self._looks:  # titles, labels and axes (text is slow to draw): not for a new seed or noise
            self._looks = looks
            self._layout(config)
            self._background = np.asarray(self._draw_background(run)).copy()
        self._point_index, self._point_pixels = self._points(run)

    def _layout(self, config: Any) -> None:
        """Place the neurons (CSS px) and the panels below them; the picture's height follows."""
        sizes = [len(config.features), *config.hidden, 1]
        rows = max(sizes)
        pitch = CELL + GAP_Y
        height = rows * pitch - GAP_Y
        self._sizes = sizes
        self._positions: list[list[tuple[int, int]]] = []
        for column, size in enumerate(sizes):
            left = NET_LEFT + column * (CELL + GAP_X)
            top = NET_TOP + (height - (size * pitch - GAP_Y)) // 2
            self._positions.append([(left, top + i * pitch) for i in range(size)])
        self._key_top = NET_TOP + height + 14                 # the colour key: two lines
        self._out_top = self._key_top + 62                   # surface and loss axes
        self.height = (self._out_top + SURFACE + 78) * SCALE  # ticks, axis label, two legend lines
        segments = []
        for column in range(len(sizes) - 1):
            for (l0, t0) in self._positions[column]:  # kernel layout (inputs, units), row by row
                for (l1, t1) in self._positions[column + 1]:
                    segments.append((l0 + CELL, t0 + CELL / 2, l1, t1 + CELL / 2))
        self._segments = np.array(segments, dtype=float).reshape(-1, 4) * SCALE
        self._edge_pixels()

    def _edge_pixels(self) -> None:
        """Precompute the pixels of every edge, per edge and thickness level, solid and dashed.

        ``self._edge_blocks[e][level][dashed]`` holds the flat pixel indices that edge ``e``
        adds at thickness ``level`` (0: 1 CSS px, 1: 3 CSS px, 2: 5 CSS px in all).
        Cached per network shape, so changing the data or a rate does not recompute it.
        """
        key = tuple(self._sizes)
        if key in _EDGE_CACHE:
            self._edge_blocks = _EDGE_CACHE[key]
            return
        half = SCALE / 2  # offsets (picture px) from the centre line, per thickness level
        offsets_by_level = [np.arange(-half, half) + 0.5,
                            np.concatenate([np.arange(-3 * half, -half), np.arange(half, 3 * half)]) + 0.5,
                            np.concatenate([np.arange(-5 * half, -3 * half), np.arange(3 * half, 5 * half)]) + 0.5]
        height = self.height
        blocks = []
        for x0, y0, x1, y1 in self._segments:
            x0, x1 = x0 + SCALE, x1 - SCALE
            length = max(float(np.hypot(x1 - x0, y1 - y0)), 1e-9)
            t = np.linspace(0.0, 1.0, int(length) + 2)
            nx, ny = -(y1 - y0) / length, (x1 - x0) / length
            on = ((t * length) // (6.0 * SCALE)) % 2 == 0
            levels = []
            for offsets in offsets_by_level:
                px = (x0 + t[:, None] * (x1 - x0) + offsets[None, :] * nx)
                py = (y0 + t[:, None] * (y1 - y0) + offsets[None, :] * ny)
                x = np.clip(np.floor(px).astype(np.intp), 0, WIDTH - 1)
                y = np.clip(np.floor(py).astype(np.intp), 0, height - 1)
                index = y * WIDTH + x
                levels.append((np.unique(index), np.unique(index[on])))
            blocks.append(levels)
        if len(_EDGE_CACHE) > 32:
            _EDGE_CACHE.clear()
        _EDGE_CACHE[key] = self._edge_blocks = blocks

    def _label(self, image: Any, text: str, centre: tuple[float, float]) -> None:
        """``text`` turned a quarter left (a y-axis label), centred at ``centre`` (CSS px)."""
        from PIL import ImageDraw  # noqa: PLC0415

        label = self._Image.new("RGB", (110 * SCALE, 18 * SCALE), "white")
        ImageDraw.Draw(label).text((55 * SCALE, 9 * SCALE), text, fill=(0, 0, 0), font=self.font, anchor="mm")
        turned = label.rotate(90, expand=True)
        image.paste(turned, (round(centre[0] * SCALE - turned.width / 2), round(centre[1] * SCALE - turned.height / 2)))

    def _draw_background(self, run: Any) -> Any:
        from dlcourse.viz.style import PALETTE  # noqa: PLC0415

        config = run.config
        image = self._Image.new("RGB", (WIDTH, self.height), "white")
        pen = _Pen(image)
        black, grey = (0, 0, 0), (120, 120, 120)
        # network: column titles, feature names, the colour key
        titles = ["inputs", *[f"layer {i + 1}" for i in range(len(config.hidden))], "output"]
        for column, title in enumerate(titles):
            x = NET_LEFT + column * (CELL + GAP_X) + CELL / 2
            pen.text((x, NET_TOP - 24), title, fill=black, font=self.small, anchor="ms")
            if 0 < column < len(titles) - 1:
                n = config.hidden[column - 1]
                pen.text((x, NET_TOP - 10), f"{n} neuron{'s' * (n > 1)}", fill=grey, font=self.small, anchor="ms")
        for i, name in enumerate(config.features):
            left, top = self._positions[0][i]
            pen.text((left - 6, top + CELL / 2), LABELS[name], fill=black, font=self.font, anchor="rm")
        key_top = self._key_top
        bar = to_rgb(np.linspace(-1, 1, 120 * SCALE))[None, :, :].repeat(10 * SCALE, axis=0)
        image.paste(self._Image.fromarray(bar), (30 * SCALE, key_top * SCALE))
        pen.rectangle((30, key_top, 150, key_top + 10), outline=grey)
        pen.text((24, key_top + 5), "−1", fill=black, font=self.small, anchor="rm")
        pen.text((156, key_top + 5), "+1", fill=black, font=self.small, anchor="lm")
        pen.text((180, key_top + 5), "neuron maps: each neuron's output over the plane", fill=black,
                 font=self.small, anchor="lm")
        pen.text((30, key_top + 24), "edges: the weights (thicker = larger; solid: positive, dashed: negative)",
                 fill=black, font=self.small, anchor="lm")
        # decision surface axes
        top = self._out_top
        kind = "class-1 probability" if config.problem == "classification" else "predicted value"
        title = f"output: {kind}{' (rounded)' if config.discretize else ''}"
        pen.text((SURF_LEFT + SURFACE / 2, top - 10), title, fill=black, font=self.font, anchor="ms")
        self._axes(pen, SURF_LEFT, top, SURFACE, SURFACE)
        for value in (-1.0, 0.0, 1.0):
            x = SURF_LEFT + (value + EXTENT) / (2 * EXTENT) * SURFACE
            y = top + (EXTENT - value) / (2 * EXTENT) * SURFACE
            pen.line((x, top + SURFACE, x, top + SURFACE + 4), fill=black)
            pen.text((x, top + SURFACE + 6), f"{value:g}", fill=black, font=self.small, anchor="mt")
            pen.line((SURF_LEFT - 4, y, SURF_LEFT, y), fill=black)
            pen.text((SURF_LEFT - 6, y), f"{value:g}", fill=black, font=self.small, anchor="rm")
        pen.text((SURF_LEFT + SURFACE / 2, top + SURFACE + 20), "x₁ (no unit)", fill=black, font=self.font,
                 anchor="mt")
        self._label(image, "x₂ (no unit)", (SURF_LEFT - 38, top + SURFACE / 2))
        legend_y, second = top + SURFACE + 46, top + SURFACE + 62
        validation = "black outline: validation points" if config.show_validation else "validation points hidden"
        if config.problem == "classification":
            self._marker(pen, 0, SURF_LEFT + 6, legend_y, False)
            pen.text((SURF_LEFT + 14, legend_y), "class 0", fill=black, font=self.small, anchor="lm")
            self._marker(pen, 1, SURF_LEFT + 76, legend_y, False)
            pen.text((SURF_LEFT + 84, legend_y), "class 1", fill=black, font=self.small, anchor="lm")
        else:
            pen.text((SURF_LEFT, legend_y), "points: the target value (colour scale)", fill=black,
                     font=self.small, anchor="lm")
            validation = "squares: validation points" if config.show_validation else validation
        pen.text((SURF_LEFT, second), validation, fill=black, font=self.small, anchor="lm")
        # loss axes
        loss = "binary cross-entropy" if config.problem == "classification" else "mean squared error"
        pen.text((LOSS_LEFT + LOSS_W / 2, top - 10), f"loss ({loss})", fill=black, font=self.font, anchor="ms")
        self._axes(pen, LOSS_LEFT, top, LOSS_W, LOSS_H)
        pen.text((LOSS_LEFT + LOSS_W / 2, top + LOSS_H + 20), "training steps (batches)", fill=black,
                 font=self.font, anchor="mt")
        self._label(image, "loss (no unit)", (LOSS_LEFT - 50, top + LOSS_H / 2))
        y = legend_y
        pen.line((LOSS_LEFT, y, LOSS_LEFT + 22, y), fill=_rgb(PALETTE["train"]), width=2)
        pen.text((LOSS_LEFT + 27, y), "training", fill=black, font=self.small, anchor="lm")
        self._dashed(pen, [(LOSS_LEFT + 92, y), (LOSS_LEFT + 114, y)], _rgb(PALETTE["validation"]), 2)
        pen.text((LOSS_LEFT + 119, y), "validation", fill=black, font=self.small, anchor="lm")
        return image

    @staticmethod
    def _axes(pen: _Pen, left: float, top: float, width: float, height: float) -> None:
        pen.rectangle((left - 1, top - 1, left + width, top + height), outline=(0, 0, 0))

    def _marker(self, pen: _Pen, label: int, x: float, y: float, test: bool, size: float = 4.0,
                fill: Any = None, outline: Any = None) -> None:
        """Class ``label``'s marker (circle, triangle) at (``x``, ``y``); black outline for validation points."""
        from dlcourse.viz.style import CLASS_COLORS  # noqa: PLC0415

        fill = _rgb(CLASS_COLORS[label]) if fill is None else fill
        outline = ((0, 0, 0) if test else (255, 255, 255)) if outline is None else outline
        if label == 0:
            pen.ellipse((x - size, y - size, x + size, y + size), fill=fill, outline=outline)
        else:
            s = size * 1.25
            pen.polygon([(x, y - s), (x - s, y + s * 0.8), (x + s, y + s * 0.8)], fill=fill, outline=outline)

    def _sprite(self, kind: int, test: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One marker's pixels, drawn once: offsets (dy, dx) from its centre and whether each is fill.

        ``kind`` 0 and 1 are the classes' circle and triangle, 2 and 3 a regression point (circle,
        square); the fill's colour is the point's own.
        """
        if (kind, test) not in self._sprites:
            size = 12 * SCALE
            fill, outline = (255, 0, 0, 255), (0, 0, 255, 255)
            image = self._Image.new("RGBA", (size, size), (0, 0, 0, 0))
            pen, c = _Pen(image), size / SCALE / 2
            if kind < 2:
                self._marker(pen, kind, c, c, test, fill=fill, outline=outline)
            else:
                (pen.rectangle if kind == 3 else pen.ellipse)((c - 4, c - 4, c + 4, c + 4), fill=fill, outline=outline)
            pixels = np.asarray(image)
            dy, dx = np.nonzero(pixels[:, :, 3])
            self._sprites[kind, test] = (dy - size // 2, dx - size // 2, pixels[dy, dx, 0] == 255)
        return self._sprites[kind, test]

    def _points(self, run: Any) -> tuple[np.ndarray, np.ndarray]:
        """The data points (they do not move while training): canvas pixel indices and their colours.

        Each marker is stamped from its :meth:`_sprite`, all points of a kind at once (NumPy).
        """
        from dlcourse.viz.style import CLASS_COLORS  # noqa: PLC0415

        classify = run.config.problem == "classification"
        sets = [(run.x_train, run.y_train, False)]
        if run.config.show_validation:
            sets.append((run.x_val, run.y_val, True))
        indices, colours = [], []
        side, top, left = SURFACE * SCALE, self._out_top * SCALE, SURF_LEFT * SCALE
        for x, y, test in sets:
            px = np.round((x[:, 0] + EXTENT) / (2 * EXTENT) * side).astype(np.intp)
            py = np.round((EXTENT - x[:, 1]) / (2 * EXTENT) * side).astype(np.intp)
            if classify:
                kinds = (y[:, 0] > 0.5).astype(int)
                fills = np.array([_rgb(CLASS_COLORS[0]), _rgb(CLASS_COLORS[1])], np.uint8)[kinds]
                edge = (0, 0, 0) if test else (255, 255, 255)
            else:
                kinds = np.full(len(x), 3 if test else 2)
                fills = to_rgb(np.clip(y[:, 0], -1, 1))
                edge = (0, 0, 0) if test else (90, 90, 90)
            for kind in np.unique(kinds).tolist():
                chosen = np.flatnonzero(kinds == kind)
                dy, dx, is_fill = self._sprite(kind, test)
                rows, columns = py[chosen, None] + dy[None, :], px[chosen, None] + dx[None, :]
                pixel = np.where(is_fill[None, :, None], fills[chosen, None, :], np.array(edge, np.uint8))
                inside = (rows >= 0) & (rows < side) & (columns >= 0) & (columns < side)
                indices.append(((rows + top) * WIDTH + columns + left)[inside])
                colours.append(pixel[inside])
        if not indices:
            return np.zeros(0, np.intp), np.zeros((0, 3), np.uint8)
        return np.concatenate(indices), np.concatenate(colours).astype(np.uint8)

    # --- per frame ---------------------------------------------------------------------------
    def update(self, run: Any) -> None:
        """Compose a new picture from the run's current weights and loss history."""
        config = run.config
        if run is not self._run or self._key != (id(run), config.show_validation, config.discretize):
            self.set_run(run)
        canvas = self._background.copy()
        outputs = run.layer_outputs(self._grid_features)
        step = GRID // MAP
        maps = [self._feature_maps]
        for values in outputs[:-1]:
            maps.append(values.reshape(GRID, GRID, -1)[::step, ::step].transpose(2, 0, 1))
        out = outputs[-1][:, 0]
        if config.problem == "classification":
            out = 2.0 * out - 1.0  # probability of class 1, on the [-1, 1] colour scale
        if config.discretize:
            out = np.where(out > 0, 1.0, -1.0)
        surface = out.reshape(GRID, GRID)
        maps.append(surface[::step, ::step][None])
        cell, f = CELL * SCALE, CELL * SCALE // MAP
        tiles = to_rgb(np.concatenate(maps))  # (n, MAP, MAP, 3)
        index = 0
        for column, column_maps in enumerate(maps):
            for row in range(len(column_maps)):
                left, top = self._positions[column][row]
                tile = canvas[top * SCALE:top * SCALE + cell, left * SCALE:left * SCALE + cell]
                tile.reshape(MAP, f, MAP, f, 3)[...] = tiles[index][:, None, :, None, :]  # each value f×f pixels
                tile[:SCALE], tile[-SCALE:], tile[:, :SCALE], tile[:, -SCALE:] = 150, 150, 150, 150  # a grey frame
                index += 1
        self._draw_edges(canvas, run)
        faded = (255 - (255 - to_rgb(surface).astype(np.uint16)) * 5 // 8).astype(np.uint8)  # lighter: points stand out
        side = SURFACE * SCALE  # smooth at CSS resolution, each value then SCALE×SCALE pixels
        smooth = np.asarray(self._Image.fromarray(faded).resize((SURFACE, SURFACE), self._Image.BILINEAR))
        top, left = self._out_top * SCALE, SURF_LEFT * SCALE
        region = canvas[top:top + side, left:left + side]
        region.reshape(SURFACE, SCALE, SURFACE, SCALE, 3)[...] = smooth[:, None, :, None, :]
        canvas.reshape(-1, 3)[self._point_index] = self._point_pixels
        self._draw_losses(canvas, run)
        self.image = self._Image.frombuffer("RGB", (WIDTH, self.height), canvas, "raw", "RGB", 0, 1)

    def _draw_edges(self, canvas: np.ndarray, run: Any) -> None:
        """Edges straight into the pixel array: width from |w|, colour from w, dashed when w < 0."""
        if not len(self._segments):
            return
        weights = np.concatenate([kernel.ravel() for kernel, _ in run.dense_weights()])
        size = np.abs(weights)
        levels = np.where(size < 1e-3, 0, 1 + (size > 0.5) + (size > 1.2))  # how many thickness levels
        colours = to_rgb(np.clip(weights, -1, 1))
        parts, counts = [], []
        for blocks, n_levels, negative in zip(self._edge_blocks, levels.tolist(), (weights < 0).tolist()):
            count = 0
            for level in range(n_levels):
                block = blocks[level][1 if negative else 0]
                parts.append(block)
                count += len(block)
            counts.append(count)
        if parts:
            canvas.reshape(-1, 3)[np.concatenate(parts)] = np.repeat(colours, counts, axis=0)

    @staticmethod
    def _dashed(pen: _Pen, points: list[tuple[float, float]], colour: Any, width: float, dash: float = 6.0) -> None:
        (x0, y0), (x1, y1) = points[0], points[-1]
        length = max(float(np.hypot(x1 - x0, y1 - y0)), 1e-9)
        n = max(int(length // dash), 1)
        for i in range(0, n, 2):
            a, b = i / n, min((i + 1) / n, 1.0)
            pen.line([(x0 + (x1 - x0) * a, y0 + (y1 - y0) * a), (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b)],
                     fill=colour, width=width)

    def _draw_losses(self, canvas: np.ndarray, run: Any) -> None:
        """The loss axes' ticks and curves, drawn on a crop of ``canvas`` (small: fast) and put back.

        The crop with its y ticks is kept until the loss scale changes (text is slow to draw).
        """
        h = run.history
        steps = np.asarray(h["step"], dtype=float)
        train, test = np.asarray(h["loss"], dtype=float), np.asarray(h["val_loss"], dtype=float)
        x_max = max(float(steps[-1]) if len(steps) else 0.0, 10.0)
        both = np.concatenate([train, test])
        finite = both[np.isfinite(both)]
        y_max = float(finite.max()) * 1.05 if len(finite) else 1.0
        y_max = max(y_max, 1e-3)
        left, top = LOSS_LEFT - 56, self._out_top - 8  # the crop, in CSS px: y ticks ... x tick labels
        right, bottom = LOSS_LEFT + LOSS_W + 2, self._out_top + LOSS_H + 20
        x0, y0 = LOSS_LEFT - left, self._out_top - top  # the axes' corner in the crop
        box = np.s_[top * SCALE:bottom * SCALE, left * SCALE:right * SCALE]
        black = (0, 0, 0)
        if self._loss_key is not self._background or self._loss_scale != y_max:
            self._loss_key, self._loss_scale = self._background, y_max
            self._loss_background = self._Image.fromarray(self._background[box])
            pen = _Pen(self._loss_background)
            pen.text((x0, y0 + LOSS_H + 6), "0", fill=black, font=self.small, anchor="lt")
            for value in (0.0, y_max / 2, y_max):
                y = y0 + LOSS_H - value / y_max * LOSS_H
                pen.line((x0 - 4, y, x0, y), fill=black)
                pen.text((x0 - 6, y), f"{value:.2g}", fill=black, font=self.small, anchor="rm")
        panel = self._loss_background.copy()
        self._draw_loss_curves(_Pen(panel), steps, train, test, x_max, y_max, x0, y0)
        canvas[box] = np.asarray(panel)

    def _draw_loss_curves(self, pen: _Pen, steps: np.ndarray, train: np.ndarray, test: np.ndarray, x_max: float,
                          y_max: float, x0: float, top: float) -> None:
        """The last step's tick label and both loss curves, in axes whose top-left corner is (``x0``, ``top``)."""
        from dlcourse.viz.style import PALETTE  # noqa: PLC0415

        pen.text((x0 + LOSS_W, top + LOSS_H + 6), f"{x_max:.0f}", fill=(0, 0, 0), font=self.small, anchor="rt")
        if len(steps) < 2:
            return
        stride = max(1, len(steps) // LOSS_W)  # at most one point per CSS px column
        px = x0 + steps[::stride] / x_max * LOSS_W
        for values, colour, dashed in ((train, PALETTE["train"], False), (test, PALETTE["validation"], True)):
            py = top + LOSS_H - np.clip(np.nan_to_num(values[::stride], nan=y_max), 0, y_max) / y_max * LOSS_H
            if dashed:  # resample every CSS px along x, then draw every other 6 px of the path
                xs = np.arange(px[0], px[-1] + 1e-9, 1.0)
                ys = np.interp(xs, px, py)
                path = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(xs), np.diff(ys)))])
                dash = (path // 6.0).astype(np.intp)
                rgb, points = _rgb(colour), np.column_stack([xs, ys])
                for number in range(0, int(dash[-1]) + 1, 2):  # one polyline per dash
                    where = np.flatnonzero(dash == number)
                    if len(where):
                        pen.line(points[where[0]:where[-1] + 2], fill=rgb, width=2)
            else:
                pen.line(list(zip(px.tolist(), py.tolist())), fill=_rgb(colour), width=2)

    # --- output ------------------------------------------------------------------------------
    def png(self) -> bytes:
        """The current picture as PNG bytes (light compression: fast to make, small enough to send)."""
        buffer = BytesIO()
        self.image.save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()

    def jpeg(self, quality: int = 90) -> bytes:
        """The current picture as JPEG bytes: several times faster to encode than PNG (the live view)."""
        buffer = BytesIO()
        self.image.save(buffer, format="JPEG", quality=quality, subsampling=2)  # 4:2:0: twice as fast as 4:4:4
        return buffer.getvalue()
