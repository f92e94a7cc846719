"""Pick a hidden-layer width and see what it buys (lesson 09).

``capacity_explorer(histories, val_accuracy)`` shows results computed in the lesson (nothing is
trained here): a slider picks the number of hidden units; the left panel shows that network's
training and validation accuracy per epoch, the right panel the final validation accuracy of every
width with the picked one starred (widths are compared on validation data; the test set is kept for
one final score). Its frames (:class:`CapacityFrames`, no widgets needed) use one
figure made once; each move updates its lines and re-renders the same image (well under 100 ms). The slider works with the keyboard (Tab, then ← →).
"""

from __future__ import annotations

from typing import Any, Mapping

__all__ = ["CapacityFrames", "capacity_explorer"]


class CapacityFrames:
    """The explorer's frames without widgets: ``frames({"units": width})`` is a :class:`Frame`.

    Checks the sweep and makes one figure (``figure``): its layout is computed for the first frame
    and then kept, so later frames only update the lines (``widths`` lists the sweep's widths).
    Introduced in lesson 09.
    """

    def __init__(self, histories: Mapping[int, Any], val_accuracy: Mapping[int, float]) -> None:
        from dlcourse.viz.figure import CourseFigure, FastPNG  # noqa: PLC0415
        from dlcourse.viz.history import as_dict  # noqa: PLC0415
        from dlcourse.viz.style import PALETTE, epoch_axis  # noqa: PLC0415

        histories = {int(w): h for w, h in histories.items()}  # keys may arrive as strings (JSON)
        self.val_accuracy = {int(w): float(a) for w, a in val_accuracy.items()}
        self.widths = sorted(histories)
        if not self.widths:
            raise ValueError("give at least one width: capacity_explorer({1: history, ...}, {1: 0.45, ...})")
        missing = [w for w in self.widths if w not in self.val_accuracy]
        if missing:
            raise ValueError(f"no validation accuracy for widths {missing}")
        self.runs = {w: as_dict(histories[w]) for w in self.widths}

        self.figure = fig = CourseFigure(figsize=(7.2, 3.9), layout="constrained")
        self.left, right = left, right = fig.subplots(1, 2)
        longest = max(len(r["accuracy"]) for r in self.runs.values())
        (self.train_line,) = left.plot([], [], color=PALETTE["train"], linestyle="--", marker="o", markersize=4,
                                       label="training")
        (self.val_line,) = left.plot([], [], color=PALETTE["validation"], linestyle="-", marker="^", markersize=5,
                                     label="validation")
        epoch_axis(left, longest)
        left.set_ylim(0.0, 1.0)
        left.set_xlabel("epoch")
        left.set_ylabel("accuracy")
        left.grid(True, color="#dddddd", linewidth=0.6)
        left.set_title(" ", y=1.0)  # a title redrawn alone (it moves, below) needs a fixed height
        _legend_below(left)
        accs = [float(self.val_accuracy[w]) for w in self.widths]
        right.plot(self.widths, accs, color=PALETTE["line"], marker="o", markersize=6, markerfacecolor="white",
                   linewidth=1.4, label="final validation accuracy")
        (self.picked,) = right.plot([], [], marker="*", markersize=18, color=PALETTE["accent"],
                                    markeredgecolor="black", linestyle="none", label="picked width")
        right.set_xscale("log", base=2)
        right.set_xticks(self.widths, [str(w) for w in self.widths])
        right.set_ylim(0.0, 1.0)
        right.set_title("Validation accuracy by width")
        right.set_xlabel("hidden units (log scale)")
        right.set_ylabel("validation accuracy")
        right.grid(True, color="#dddddd", linewidth=0.6)
        _legend_below(right)
        moving = [self.train_line, self.val_line, self.picked, left.title, *left.spines.values(),
                  *right.spines.values()]
        self.fast = FastPNG(fig, moving, dpi=80)  # the rest is drawn once

    def __call__(self, values: Mapping[str, Any]) -> Any:
        from dlcourse.widgets.frame import Frame  # noqa: PLC0415

        width, val_accuracy = values["units"], self.val_accuracy
        run = self.runs[width]
        train, val = run["accuracy"], run.get("val_accuracy", [])
        self.train_line.set_data(range(1, len(train) + 1), train)
        self.val_line.set_data(range(1, len(val) + 1), val)
        units = "unit" if width == 1 else "units"
        self.left.set_title(f"{width} ReLU {units}: accuracy per epoch")
        self.picked.set_data([width], [val_accuracy[width]])
        params = (784 + 1) * width + (width + 1) * 10
        return Frame(
            self.fast.png(),
            f"<b>{width}</b> hidden {units}, {params:,} parameters: final training accuracy "
            f"{train[-1]:.3f}, validation accuracy <b>{val_accuracy[width]:.3f}</b>",
            f"Left: training and validation accuracy per epoch of the network with {width} hidden {units}, ending at "
            f"{train[-1]:.3f} and {val[-1] if len(val) else float('nan'):.3f}. Right: validation accuracy against the "
            f"number of hidden units (" + ", ".join(f"{w}: {val_accuracy[w]:.3f}" for w in self.widths)
            + f"); a star marks {width}.")


def capacity_explorer(histories: Mapping[int, Any], val_accuracy: Mapping[int, float],
                      start: int | None = None) -> Any:
    """A widget: a ``hidden units`` slider over the widths of a sweep, and one live figure.

    ``histories`` maps a width to its training history (Keras, engine or dict, with
    ``accuracy`` and ``val_accuracy``); ``val_accuracy`` maps the same widths to the validation
    accuracy they are compared on (usually each history's last ``val_accuracy``).
    ``start`` is the width shown first (default: the smallest, the bottleneck). Its one control
    is named ``units``; its frames are :class:`CapacityFrames`. Introduced in lesson 09.
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from dlcourse.widgets.live import LiveWidget  # noqa: PLC0415

    frames = CapacityFrames(histories, val_accuracy)
    widths = frames.widths
    slider = widgets.SelectionSlider(options=[(str(w), w) for w in widths],
                                     value=start if start in frames.runs else widths[0], description="hidden units",
                                     continuous_update=True, style={"description_width": "90px"},
                                     layout={"width": "420px"}, tooltip="how many ReLU units the hidden layer has")
    return LiveWidget(
        {"units": slider}, frames,
        help="Slide <b>hidden units</b> (or Tab to it and press ← →) to pick how wide the hidden ReLU layer is. "
             "Left: that network's accuracy per epoch (dashed: training images, solid: validation images). "
             "Right: validation accuracy of every width; the star is the one you picked.")


def _legend_below(ax: Any) -> None:
    """The legend of ``ax`` in one row under its x label: it never covers a point, whatever the data."""
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.17), ncols=2, frameon=False)

