"""Draw the Playground: the network with each neuron's map, the decision surface, the loss curve (lesson 11).

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

__all__ = ["GRID", "MAP", "PlaygroundFigure", "colour_lut", "to_rgb"]

GRID = 48          #: decision-surface resolution (points per side), drawn at SURFACE pixels
MAP = 16           #: each neuron's map: every third grid point, drawn at CELL pixels
EXTENT = 1.2       #: the pictures show [-EXTENT, EXTENT]² in data coordinates
CELL = 32
GAP_X, GAP_Y = 46, 8
NET_LEFT, NET_TOP = 64, 58
SURFACE = 240
SURF_LEFT, SURF_TOP = 700, 58
LOSS_LEFT, LOSS_TOP, LOSS_W, LOSS_H = 1016, 58, 200, 240
WIDTH, HEIGHT = 1236, 400


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


def _upscale(image: np.ndarray, factor: int) -> np.ndarray:
    return np.repeat(np.repeat(image, factor, axis=0), factor, axis=1)


class PlaygroundFigure:
    """The Playground's picture: network (left), decision surface (middle), loss curves (right)."""

    def __init__(self) -> None:
        from PIL import Image  # noqa: PLC0415

        self._Image = Image
        self.font = _font(13)
        self.small = _font(11)
        self._grid_points = grid(GRID, EXTENT)
        self._run: Any = None
        self._key: Any = None
        self.image = Image.new("RGB", (WIDTH, HEIGHT), "white")

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
        self._layout(config)
        self._background = self._draw_background(run)
        self._points = self._draw_points(run)

    def _layout(self, config: Any) -> None:
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
        segments = []
        for column in range(len(sizes) - 1):
            for (l0, t0) in self._positions[column]:  # kernel layout (inputs, units), row by row
                for (l1, t1) in self._positions[column + 1]:
                    segments.append((l0 + CELL, t0 + CELL / 2, l1, t1 + CELL / 2))
        self._segments = np.array(segments, dtype=float).reshape(-1, 4)
        self._edge_pixels()

    def _edge_pixels(self) -> None:
        """Precompute the pixels of every edge, per edge and thickness level, solid and dashed.

        ``self._edge_blocks[e][level][dashed]`` holds the flat pixel indices that edge ``e``
        adds at thickness ``level`` (0: the centre line, 1: one pixel either side, 2: two).
        Cached per network shape, so changing the data or a rate does not recompute it.
        """
        key = tuple(self._sizes)
        if key in _EDGE_CACHE:
            self._edge_blocks = _EDGE_CACHE[key]
            return
        blocks = []
        for x0, y0, x1, y1 in self._segments:
            x0, x1 = x0 + 1, x1 - 1
            length = max(float(np.hypot(x1 - x0, y1 - y0)), 1e-9)
            t = np.linspace(0.0, 1.0, int(length) + 2)
            nx, ny = -(y1 - y0) / length, (x1 - x0) / length
            on = ((t * length) // 6.0) % 2 == 0
            levels = []
            for offsets in ((0.0,), (-1.0, 1.0), (-2.0, 2.0)):
                px = (x0 + t[:, None] * (x1 - x0) + np.array(offsets)[None, :] * nx)
                py = (y0 + t[:, None] * (y1 - y0) + np.array(offsets)[None, :] * ny)
                x = np.clip(np.round(px).astype(np.intp), 0, WIDTH - 1)
                y = np.clip(np.round(py).astype(np.intp), 0, HEIGHT - 1)
                index = y * WIDTH + x
                levels.append((index.ravel(), index[on].ravel()))
            blocks.append(levels)
        if len(_EDGE_CACHE) > 32:
            _EDGE_CACHE.clear()
        _EDGE_CACHE[key] = self._edge_blocks = blocks

    def _draw_background(self, run: Any) -> Any:
        from PIL import ImageDraw  # noqa: PLC0415

        config = run.config
        image = self._Image.new("RGB", (WIDTH, HEIGHT), "white")
        draw = ImageDraw.Draw(image)
        black, grey = (0, 0, 0), (120, 120, 120)
        # network: column titles, feature names, the colour key
        titles = ["inputs", *[f"layer {i + 1}" for i in range(len(config.hidden))], "output"]
        for column, title in enumerate(titles):
            x = NET_LEFT + column * (CELL + GAP_X) + CELL / 2
            draw.text((x, NET_TOP - 30), title, fill=black, font=self.small, anchor="ms")
            if 0 < column < len(titles) - 1:
                n = config.hidden[column - 1]
                draw.text((x, NET_TOP - 16), f"{n} neuron{'s' * (n > 1)}", fill=grey, font=self.small, anchor="ms")
        for i, name in enumerate(config.features):
            left, top = self._positions[0][i]
            draw.text((left - 6, top + CELL / 2), LABELS[name], fill=black, font=self.font, anchor="rm")
        key_top = HEIGHT - 18
        bar = to_rgb(np.linspace(-1, 1, 120))[None, :, :].repeat(10, axis=0)
        image.paste(self._Image.fromarray(bar), (NET_LEFT + 40, key_top))
        draw.rectangle((NET_LEFT + 40, key_top, NET_LEFT + 159, key_top + 9), outline=grey)
        draw.text((NET_LEFT + 34, key_top + 5), "−1", fill=black, font=self.small, anchor="rm")
        draw.text((NET_LEFT + 166, key_top + 5), "+1", fill=black, font=self.small, anchor="lm")
        draw.text((NET_LEFT + 190, key_top + 5), "map colours: each neuron's output over the plane · "
                  "edges: weights (thicker = larger; solid +, dashed −)", fill=black, font=self.small, anchor="lm")
        # decision surface axes
        kind = "class-1 probability" if config.problem == "classification" else "predicted value"
        title = f"output: {kind}{' (rounded)' if config.discretize else ''}"
        draw.text((SURF_LEFT + SURFACE / 2, SURF_TOP - 12), title, fill=black, font=self.font, anchor="ms")
        self._axes(draw, SURF_LEFT, SURF_TOP, SURFACE, SURFACE)
        for value in (-1.0, 0.0, 1.0):
            x = SURF_LEFT + (value + EXTENT) / (2 * EXTENT) * SURFACE
            y = SURF_TOP + (EXTENT - value) / (2 * EXTENT) * SURFACE
            draw.line((x, SURF_TOP + SURFACE, x, SURF_TOP + SURFACE + 4), fill=black)
            draw.text((x, SURF_TOP + SURFACE + 6), f"{value:g}", fill=black, font=self.small, anchor="mt")
            draw.line((SURF_LEFT - 4, y, SURF_LEFT, y), fill=black)
            draw.text((SURF_LEFT - 6, y), f"{value:g}", fill=black, font=self.small, anchor="rm")
        draw.text((SURF_LEFT + SURFACE / 2, SURF_TOP + SURFACE + 22), "x₁ (no unit)", fill=black, font=self.font,
                  anchor="mt")
        label = self._Image.new("RGB", (110, 18), "white")
        ImageDraw.Draw(label).text((55, 9), "x₂ (no unit)", fill=black, font=self.font, anchor="mm")
        image.paste(label.rotate(90, expand=True), (SURF_LEFT - 46, SURF_TOP + SURFACE // 2 - 55))
        legend_y = SURF_TOP + SURFACE + 44
        if config.problem == "classification":
            self._marker(draw, 0, SURF_LEFT + 6, legend_y, False)
            draw.text((SURF_LEFT + 14, legend_y), "class 0", fill=black, font=self.small, anchor="lm")
            self._marker(draw, 1, SURF_LEFT + 76, legend_y, False)
            draw.text((SURF_LEFT + 84, legend_y), "class 1", fill=black, font=self.small, anchor="lm")
            shown = "black outline: validation" if config.show_validation else "validation points hidden"
            draw.text((SURF_LEFT + 146, legend_y), shown, fill=black, font=self.small, anchor="lm")
        else:
            draw.text((SURF_LEFT, legend_y), "points: target value (colour scale) · square: validation", fill=black,
                      font=self.small, anchor="lm")
        # loss axes
        loss = "binary cross-entropy" if config.problem == "classification" else "mean squared error"
        draw.text((LOSS_LEFT + LOSS_W / 2, LOSS_TOP - 12), f"loss ({loss})", fill=black, font=self.font, anchor="ms")
        self._axes(draw, LOSS_LEFT, LOSS_TOP, LOSS_W, LOSS_H)
        draw.text((LOSS_LEFT + LOSS_W / 2, LOSS_TOP + LOSS_H + 22), "training steps (batches)", fill=black,
                  font=self.font, anchor="mt")
        label = self._Image.new("RGB", (110, 18), "white")
        ImageDraw.Draw(label).text((55, 9), "loss (no unit)", fill=black, font=self.font, anchor="mm")
        image.paste(label.rotate(90, expand=True), (LOSS_LEFT - 62, LOSS_TOP + LOSS_H // 2 - 55))
        from dlcourse.viz.style import PALETTE  # noqa: PLC0415

        y = LOSS_TOP + LOSS_H + 44
        draw.line((LOSS_LEFT, y, LOSS_LEFT + 22, y), fill=_rgb(PALETTE["train"]), width=3)
        draw.text((LOSS_LEFT + 27, y), "training", fill=black, font=self.small, anchor="lm")
        self._dashed(draw, [(LOSS_LEFT + 92, y), (LOSS_LEFT + 114, y)], _rgb(PALETTE["validation"]), 3)
        draw.text((LOSS_LEFT + 119, y), "validation", fill=black, font=self.small, anchor="lm")
        return image

    @staticmethod
    def _axes(draw: Any, left: float, top: float, width: float, height: float) -> None:
        draw.rectangle((left - 1, top - 1, left + width, top + height), outline=(0, 0, 0))

    def _marker(self, draw: Any, label: int, x: float, y: float, test: bool, size: float = 4.0) -> None:
        from dlcourse.viz.style import CLASS_COLORS  # noqa: PLC0415

        fill = _rgb(CLASS_COLORS[label])
        outline = (0, 0, 0) if test else (255, 255, 255)
        if label == 0:
            draw.ellipse((x - size, y - size, x + size, y + size), fill=fill, outline=outline)
        else:
            s = size * 1.25
            draw.polygon([(x, y - s), (x - s, y + s * 0.8), (x + s, y + s * 0.8)], fill=fill, outline=outline)

    def _draw_points(self, run: Any) -> Any:
        """The data points as a transparent layer over the surface (they do not move while training)."""
        from PIL import ImageDraw  # noqa: PLC0415

        layer = self._Image.new("RGBA", (SURFACE, SURFACE), (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        sets = [(run.x_train, run.y_train, False)]
        if run.config.show_validation:
            sets.append((run.x_val, run.y_val, True))
        for x, y, test in sets:
            px = (x[:, 0] + EXTENT) / (2 * EXTENT) * SURFACE
            py = (EXTENT - x[:, 1]) / (2 * EXTENT) * SURFACE
            for i in range(len(x)):
                if run.config.problem == "classification":
                    self._marker(draw, int(y[i, 0] > 0.5), px[i], py[i], test)
                else:
                    colour = tuple(int(c) for c in to_rgb(np.clip(y[i, 0], -1, 1)))
                    box = (px[i] - 4, py[i] - 4, px[i] + 4, py[i] + 4)
                    outline = (0, 0, 0) if test else (90, 90, 90)
                    (draw.rectangle if test else draw.ellipse)(box, fill=colour, outline=outline)
        return layer

    # --- per frame ---------------------------------------------------------------------------
    def update(self, run: Any) -> None:
        """Compose a new picture from the run's current weights and loss history."""
        from PIL import ImageDraw  # noqa: PLC0415

        config = run.config
        if run is not self._run or self._key != (id(run), config.show_validation, config.discretize):
            self.set_run(run)
        canvas = np.asarray(self._background).copy()
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
        factor = CELL // MAP
        tiles = _upscale(to_rgb(np.concatenate(maps)).transpose(1, 2, 0, 3), factor)  # (CELL, CELL, n, 3)
        tiles[[0, -1], :, :, :] = 150  # a grey frame around each map
        tiles[:, [0, -1], :, :] = 150
        index = 0
        for column, column_maps in enumerate(maps):
            for row in range(len(column_maps)):
                left, top = self._positions[column][row]
                canvas[top:top + CELL, left:left + CELL] = tiles[:, :, index]
                index += 1
        self._draw_edges(canvas, run)
        image = self._Image.fromarray(canvas)
        faded = (255 - (255 - to_rgb(surface).astype(np.uint16)) * 5 // 8).astype(np.uint8)  # lighter: points stand out
        smooth = self._Image.fromarray(faded).resize((SURFACE, SURFACE), self._Image.BILINEAR)
        image.paste(self._Image.alpha_composite(smooth.convert("RGBA"), self._points).convert("RGB"),
                    (SURF_LEFT, SURF_TOP))
        self._draw_losses(ImageDraw.Draw(image), run)
        self.image = image

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
    def _dashed(draw: Any, points: list[tuple[float, float]], colour: Any, width: int, dash: float = 6.0) -> None:
        (x0, y0), (x1, y1) = points[0], points[-1]
        length = max(float(np.hypot(x1 - x0, y1 - y0)), 1e-9)
        n = max(int(length // dash), 1)
        for i in range(0, n, 2):
            a, b = i / n, min((i + 1) / n, 1.0)
            draw.line([(x0 + (x1 - x0) * a, y0 + (y1 - y0) * a), (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b)],
                      fill=colour, width=width)

    def _draw_losses(self, draw: Any, run: Any) -> None:
        from dlcourse.viz.style import PALETTE  # noqa: PLC0415

        h = run.history
        steps = np.asarray(h["step"], dtype=float)
        train, test = np.asarray(h["loss"], dtype=float), np.asarray(h["val_loss"], dtype=float)
        x_max = max(float(steps[-1]) if len(steps) else 0.0, 10.0)
        both = np.concatenate([train, test])
        finite = both[np.isfinite(both)]
        y_max = float(finite.max()) * 1.05 if len(finite) else 1.0
        y_max = max(y_max, 1e-3)
        black = (0, 0, 0)
        for value, anchor_x in ((0.0, "lt"), (x_max, "rt")):
            x = LOSS_LEFT + value / x_max * LOSS_W
            draw.text((x, LOSS_TOP + LOSS_H + 6), f"{value:.0f}", fill=black, font=self.small, anchor=anchor_x)
        for value in (0.0, y_max / 2, y_max):
            y = LOSS_TOP + LOSS_H - value / y_max * LOSS_H
            draw.line((LOSS_LEFT - 4, y, LOSS_LEFT, y), fill=black)
            draw.text((LOSS_LEFT - 6, y), f"{value:.2g}", fill=black, font=self.small, anchor="rm")
        if len(steps) < 2:
            return
        stride = max(1, len(steps) // LOSS_W)  # at most one point per pixel column
        px = LOSS_LEFT + steps[::stride] / x_max * LOSS_W
        for values, colour, dashed in ((train, PALETTE["train"], False), (test, PALETTE["validation"], True)):
            py = LOSS_TOP + LOSS_H - np.clip(np.nan_to_num(values[::stride], nan=y_max), 0, y_max) / y_max * LOSS_H
            if dashed:  # resample every 2 px along x, then draw every other 6 px of the path
                xs = np.arange(px[0], px[-1] + 1e-9, 2.0)
                ys = np.interp(xs, px, py)
                path = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(xs), np.diff(ys)))])
                on = (path // 6.0) % 2 == 0
                for i in np.flatnonzero(on[:-1]):
                    draw.line([(xs[i], ys[i]), (xs[i + 1], ys[i + 1])], fill=_rgb(colour), width=2)
            else:
                draw.line(list(zip(px.tolist(), py.tolist())), fill=_rgb(colour), width=2)

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
