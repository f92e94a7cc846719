"""dlcourse.viz.figure: the fast PNG path widgets use gives the same pixels as a full draw."""

from __future__ import annotations

from io import BytesIO

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from dlcourse.viz.figure import DPI, SCALE, FastPNG, canvas_png, frame_png, png_bytes, png_repr, png_size
from dlcourse.viz.style import new_figure


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(BytesIO(png)).convert("RGB")).astype(int)


def _full_draw(fig) -> np.ndarray:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return _pixels(canvas_png(canvas))


@pytest.fixture()
def figure():
    fig, ax = new_figure("a title", "x (units)", "y (units)", figsize=(4.0, 3.0))
    ax.plot([0, 1], [0, 1], color="grey")
    (moving,) = ax.plot([0, 1], [1, 0], color="black", linewidth=3)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    return fig, ax, moving  # no legend: "best" would move it with the line, which blitting cannot


def test_canvas_png_is_the_canvas_size_without_alpha(figure):
    fig, _, _ = figure
    fig.set_dpi(DPI)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    png = canvas_png(canvas)
    image = Image.open(BytesIO(png))
    assert png.startswith(b"\x89PNG") and image.mode == "RGB"
    assert image.size == canvas.get_width_height(physical=True) == (4 * DPI, 3 * DPI)


def test_blitted_frames_match_a_full_draw_after_the_moving_artist_changes(figure):
    fig, ax, moving = figure
    fast = FastPNG(fig, [moving])
    first = fast.png()
    moving.set_ydata([0.2, 0.9])
    ax.set_title("a title")  # unchanged background: nothing to reset
    second = fast.png()
    assert first != second
    assert np.array_equal(_pixels(second), _full_draw(fig))  # same layout, same pixels


def test_a_hidden_moving_artist_stays_hidden_and_backgrounds_are_kept_per_key(figure):
    fig, ax, moving = figure
    fast = FastPNG(fig, lambda: [moving])
    shown = fast.png("a")
    moving.set_visible(False)
    hidden = fast.png("a")
    assert shown != hidden and not moving.get_visible()
    assert np.array_equal(_pixels(hidden), _full_draw(fig))
    moving.set_visible(True)
    ax.set_facecolor("#eeeeee")  # a different background, kept under another key
    other = fast.png("b")
    assert np.array_equal(_pixels(other), _full_draw(fig))
    middle = (int(fig.bbox.height) // 2, int(fig.bbox.width) // 2)  # inside the axes, where the face colour shows
    assert _pixels(fast.png("a"))[middle].tolist() != _pixels(other)[middle].tolist()


def test_reset_redraws_the_background_and_none_draws_everything(figure):
    fig, ax, moving = figure
    fast = FastPNG(fig, [moving])
    before = fast.png()
    ax.set_title("a new title")
    assert fast.png() == before  # the kept background still has the old title
    fast.reset()
    assert np.array_equal(_pixels(fast.png()), _full_draw(fig))
    full = FastPNG(fig, None)
    ax.set_title("another title")
    assert np.array_equal(_pixels(full.png()), _full_draw(fig))


def test_png_bytes_still_trims_the_figure(figure):
    fig, _, _ = figure
    assert png_bytes(fig).startswith(b"\x89PNG")


def test_frame_png_is_a_full_draw_at_the_asked_dpi_times_scale_and_follows_changes(figure):
    fig, ax, moving = figure
    first = frame_png(fig, dpi=50)
    assert Image.open(BytesIO(first)).size == (200 * SCALE, 150 * SCALE)
    assert np.array_equal(_pixels(first), _full_draw(fig))
    moving.set_ydata([0.5, 0.5])
    second = frame_png(fig, dpi=50)
    assert np.array_equal(_pixels(second), _full_draw(fig))
    assert not np.array_equal(_pixels(first), _pixels(second))


def test_fast_pictures_are_drawn_at_scale_and_shown_at_their_size(figure):
    """Widget pictures have SCALE pixels per CSS pixel (crisp on high-density screens); a
    notebook shows them at their size on screen (the width and height in the display metadata)."""
    fig, _, moving = figure
    fast = FastPNG(fig, [moving])
    png = fast.png()
    assert png_size(png) == (4 * DPI * SCALE, 3 * DPI * SCALE)
    assert png_repr(png) == (png, {"width": 4 * DPI, "height": 3 * DPI})
    assert png_size(frame_png(fig, dpi=80)) == (4 * 80 * SCALE, 3 * 80 * SCALE)


def test_image_size_reads_png_and_jpeg_headers():
    import io

    from PIL import Image

    from dlcourse.viz.figure import image_size

    for kind in ("PNG", "JPEG"):
        buffer = io.BytesIO()
        Image.new("RGB", (123, 45), "white").save(buffer, format=kind)
        assert image_size(buffer.getvalue()) == (123, 45), kind
    with pytest.raises(ValueError):
        image_size(b"GIF89a....")


def test_the_first_frame_matches_a_full_draw_with_a_moving_title_at_a_fixed_place(figure):
    """A moving title needs a fixed place (``set_title(..., y=1.0)``): one placed by matplotlib went
    missing from the first frame of lesson 08's browser."""
    fig, ax, moving = figure
    ax.set_title("at a fixed place", y=1.0)
    fast = FastPNG(fig, [moving, ax.title])
    assert np.array_equal(_pixels(fast.png()), _full_draw(fig))
    ax.set_title("another title", y=1.0)
    moving.set_ydata([0.9, 0.1])
    assert np.array_equal(_pixels(fast.png()), _full_draw(fig))


def test_a_moving_title_placed_by_matplotlib_is_refused(figure):
    fig, ax, moving = figure
    ax.set_title("placed by matplotlib")
    with pytest.raises(ValueError, match=r"y=1.0"):
        FastPNG(fig, [moving, ax.title]).png()
