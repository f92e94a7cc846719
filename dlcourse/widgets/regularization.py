"""Overlay one regularized run on the overfitting one (lesson 10).

``regularization_explorer(histories, baseline)`` shows runs trained in the lesson (nothing is
trained here). The first menu picks the regularized run; the second picks accuracy or loss.
The baseline's training and validation curves stay in grey; the picked run's are drawn in
colour, and each run's generalization gap is shaded. Its frames (:class:`RegularizationFrames`,
no widgets needed) use one figure made once; each change updates its lines and re-renders the
same image (well under 100 ms). Keyboard: Tab to a menu, then ↑ ↓.
"""

from __future__ import annotations

from typing import Any, Mapping

__all__ = ["RegularizationFrames", "regularization_explorer"]


class RegularizationFrames:
    """The explorer's frames without widgets: ``frames({"run": name, "curves": "accuracy" or "loss"})`` is a :class:`Frame`.

    Checks the runs (``baseline``: the overfitting one, ``others``: the regularized ones) and makes
    one figure (``figure``) whose layout is computed for the first frame and then kept.
    Introduced in lesson 10.
    """

    def __init__(self, histories: Mapping[str, Any], baseline: str | None = None) -> None:
        from dlcourse.viz.figure import CourseFigure, FastPNG  # noqa: PLC0415
        from dlcourse.viz.history import as_dict  # noqa: PLC0415
        from dlcourse.viz.style import PALETTE, epoch_axis  # noqa: PLC0415

        self.runs = {str(name): as_dict(h) for name, h in histories.items()}
        if len(self.runs) < 2:
            raise ValueError("give the overfitting run and at least one regularized run")
        self.baseline = baseline if baseline in self.runs else next(iter(self.runs))
        self.others = [name for name in self.runs if name != self.baseline]
        longest = max(len(r["loss"]) for r in self.runs.values())

        self.figure = CourseFigure(figsize=(7.2, 4.0), layout="constrained")
        self.ax = ax = self.figure.add_subplot()
        grey = PALETTE["neutral"]
        (self.base_train,) = ax.plot([], [], color=grey, linestyle="--", marker="o", markersize=3, linewidth=1.4)
        (self.base_val,) = ax.plot([], [], color=grey, linestyle="-", marker="^", markersize=4, linewidth=1.6)
        (self.run_train,) = ax.plot([], [], color=PALETTE["train"], linestyle="--", marker="o", markersize=4,
                                    linewidth=1.8)
        (self.run_val,) = ax.plot([], [], color=PALETTE["validation"], linestyle="-", marker="^", markersize=5,
                                  linewidth=2.2)
        (self.run_best,) = ax.plot([], [], marker="*", markersize=16, color=PALETTE["validation"],
                                   markeredgecolor="black", linestyle="none")
        epoch_axis(ax, longest)
        ax.set_xlabel("epoch")
        ax.grid(True, color="#dddddd", linewidth=0.6)
        ax.set_title(" ", y=1.0)  # a title redrawn alone (it moves, below) needs a fixed height
        self.shading: list[Any] = []
        self.fast = FastPNG(self.figure, lambda: [  # the rest is drawn once per kind of curve
            self.base_train, self.base_val, self.run_train, self.run_val, self.run_best, *self.shading, ax.title,
            ax.get_legend(), *ax.spines.values()], dpi=80)

    def __call__(self, values: Mapping[str, Any]) -> Any:
        from dlcourse.viz.history import best_epoch  # noqa: PLC0415
        from dlcourse.viz.style import PALETTE  # noqa: PLC0415
        from dlcourse.widgets.frame import Frame  # noqa: PLC0415

        name, key, baseline, ax = values["run"], values["curves"], self.baseline, self.ax
        base, run = self.runs[baseline], self.runs[name]
        for line, ys in ((self.base_train, base[key]), (self.base_val, base["val_" + key]),
                         (self.run_train, run[key]), (self.run_val, run["val_" + key])):
            line.set_data(range(1, len(ys) + 1), ys)
        best = best_epoch(run, "val_loss")
        self.run_best.set_data([best], [run["val_" + key][best - 1]])
        while self.shading:
            self.shading.pop().remove()
        for data, color, alpha in ((base, PALETTE["neutral"], 0.15), (run, PALETTE["validation"], 0.22)):
            n = len(data[key])
            self.shading.append(ax.fill_between(range(1, n + 1), data[key], data["val_" + key][:n], color=color,
                                                alpha=alpha, linewidth=0))
        self.base_train.set_label(f"{baseline}: training")
        self.base_val.set_label(f"{baseline}: validation")
        self.run_train.set_label(f"{name}: training")
        self.run_val.set_label(f"{name}: validation")
        self.run_best.set_label(f"{name}: best epoch ({best})")
        if key == "accuracy":
            ax.set_ylim(0.0, 1.02)
            ax.set_ylabel("accuracy (fraction correct)")
        else:  # a penalty makes the first epochs' loss huge: keep the baseline's range in view
            ax.set_ylim(0.0, 1.3 * max(max(base["loss"]), max(base["val_loss"])))
            ax.set_ylabel("loss (cross-entropy + any penalty)")
        ax.set_title(f"{name} vs {baseline}: {key} per epoch")
        ax.legend(loc="center right", fontsize=9, framealpha=0.9)
        gap_base = base["accuracy"][-1] - base["val_accuracy"][-1]
        gap_run = run["accuracy"][-1] - run["val_accuracy"][-1]
        return Frame(
            self.fast.png(key),
            f"Last epoch, accuracy gap (training − validation): <i>{baseline}</i> {gap_base:+.3f}, "
            f"<b>{name}</b> {gap_run:+.3f}; {name} trained {len(run['loss'])} epochs.",
            f"Training and validation {key} per epoch of {name} (in colour) over {baseline} (grey), the gap "
            f"between each pair shaded; last epoch: {name} training {run[key][-1]:.3f}, validation "
            f"{run['val_' + key][-1]:.3f}; {baseline} training {base[key][-1]:.3f}, validation "
            f"{base['val_' + key][-1]:.3f}. A star marks {name}'s best epoch, {best}.")


def regularization_explorer(histories: Mapping[str, Any], baseline: str | None = None,
                            start: str | None = None) -> Any:
    """A widget: ``compare with`` (which run) and ``curves`` (accuracy or loss) menus over one figure.

    ``histories`` maps a run's name to its history (Keras, engine or dict, with training and
    validation values); ``baseline`` names the overfitting run (default: the first one).
    Its controls are named ``run`` and ``curves``; its frames are :class:`RegularizationFrames`.
    Introduced in lesson 10.
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from dlcourse.widgets.live import LiveWidget  # noqa: PLC0415
    from dlcourse.widgets.menu import Menu  # noqa: PLC0415
    from dlcourse.widgets.picture import row  # noqa: PLC0415

    frames = RegularizationFrames(histories, baseline)
    controls = {
        "run": Menu(options=frames.others, value=start if start in frames.others else frames.others[0],
                    description="compare with", style={"description_width": "90px"},
                    layout={"width": "300px"}),
        # 300 + 50 + 2 × 80 px: menu, label and buttons on one line in a laptop's notebook (about 590 px)
        "curves": widgets.ToggleButtons(options=[("accuracy", "accuracy"), ("loss", "loss")], value="accuracy",
                                        description="curves",
                                        style={"description_width": "50px", "button_width": "80px"}),
    }
    # ipywidgets lays out a ToggleButtons' label as a line above its buttons; this class (ipywidgets'
    # own, as on sliders and menus) puts it beside them.
    controls["curves"].add_class("widget-inline-hbox")
    return LiveWidget(
        controls, frames,
        help=f"<b>compare with</b> picks a regularized run to draw in colour over the overfitting run "
             f"(<i>{frames.baseline}</i>, grey). <b>curves</b> switches between accuracy and loss. Dashed lines with "
             "circles: training images; solid with triangles: validation images; the shaded band between them is "
             "the generalization gap; the star marks the epoch with the lowest validation loss. The loss of L1 and "
             "L2 runs includes their penalty, so their first epochs start off the top of the chart.",
        arrange=lambda c, help_text, picture: [row(c["run"], c["curves"]), help_text, picture.readout, picture])
