"""Overlay one regularized run on the overfitting one (lesson 10).

``regularization_explorer(histories, baseline)`` shows runs trained in the lesson (nothing is
trained here). The first menu picks the regularized run; the second picks accuracy or loss.
The baseline's training and validation curves stay in grey; the picked run's are drawn in
colour, and each run's generalization gap is shaded. One figure is made once; each change
updates its lines and re-renders the same image (well under 100 ms). Keyboard: Tab to a menu,
then ↑ ↓.
"""

from __future__ import annotations

from typing import Any, Mapping

__all__ = ["regularization_explorer"]


def regularization_explorer(histories: Mapping[str, Any], baseline: str | None = None,
                            start: str | None = None) -> Any:
    """A widget: ``compare with`` (which run) and ``curves`` (accuracy or loss) menus over one figure.

    ``histories`` maps a run's name to its history (Keras, engine or dict, with training and
    validation values); ``baseline`` names the overfitting run (default: the first one).
    Introduced in lesson 10.
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from dlcourse.viz.figure import CourseFigure, FastPNG  # noqa: PLC0415
    from dlcourse.viz.history import as_dict, best_epoch  # noqa: PLC0415
    from dlcourse.viz.style import PALETTE  # noqa: PLC0415
    from dlcourse.widgets.picture import Frame, Picture, row  # noqa: PLC0415

    runs = {str(name): as_dict(h) for name, h in histories.items()}
    if len(runs) < 2:
        raise ValueError("give the overfitting run and at least one regularized run")
    baseline = baseline if baseline in runs else next(iter(runs))
    others = [name for name in runs if name != baseline]
    start = start if start in others else others[0]
    longest = max(len(r["loss"]) for r in runs.values())

    fig = CourseFigure(figsize=(7.2, 4.0), layout="constrained")
    ax = fig.add_subplot()
    grey = PALETTE["neutral"]
    (base_train,) = ax.plot([], [], color=grey, linestyle="--", marker="o", markersize=3, linewidth=1.4)
    (base_val,) = ax.plot([], [], color=grey, linestyle="-", marker="^", markersize=4, linewidth=1.6)
    (run_train,) = ax.plot([], [], color=PALETTE["train"], linestyle="--", marker="o", markersize=4, linewidth=1.8)
    (run_val,) = ax.plot([], [], color=PALETTE["validation"], linestyle="-", marker="^", markersize=5, linewidth=2.2)
    (run_best,) = ax.plot([], [], marker="*", markersize=16, color=PALETTE["validation"], markeredgecolor="black",
                          linestyle="none")
    ax.set_xlim(0.5, longest + 0.5)
    ax.set_xlabel("epoch")
    ax.grid(True, color="#dddddd", linewidth=0.6)
    shading: list[Any] = []

    menu = widgets.Dropdown(options=others, value=start, description="compare with",
                            style={"description_width": "90px"}, layout={"width": "330px"})
    metric = widgets.ToggleButtons(options=[("accuracy", "accuracy"), ("loss", "loss")], value="accuracy",
                                   description="curves", style={"description_width": "90px", "button_width": "90px"})
    help_text = widgets.HTML(
        f"<b>compare with</b> picks a regularized run to draw in colour over the overfitting run "
        f"(<i>{baseline}</i>, grey). <b>curves</b> switches between accuracy and loss. Dashed lines with circles: "
        "training images; solid with triangles: validation images; the shaded band between them is the "
        "generalization gap; the star marks the epoch with the lowest validation loss. The loss of L1 and L2 runs "
        "includes their penalty, so their first epochs start off the top of the chart.")
    picture = Picture(fig)
    fast = FastPNG(fig, lambda: [base_train, base_val, run_train, run_val, run_best, *shading, ax.title,  # the rest:
                                 ax.get_legend(), *ax.spines.values()], dpi=80)  # once per metric

    def draw(*_: Any) -> None:
        name, key = menu.value, metric.value
        base, run = runs[baseline], runs[name]
        for line, values in ((base_train, base[key]), (base_val, base["val_" + key]),
                             (run_train, run[key]), (run_val, run["val_" + key])):
            line.set_data(range(1, len(values) + 1), values)
        best = best_epoch(run, "val_loss")
        run_best.set_data([best], [run["val_" + key][best - 1]])
        while shading:
            shading.pop().remove()
        for data, color, alpha in ((base, grey, 0.15), (run, PALETTE["validation"], 0.22)):
            n = len(data[key])
            shading.append(ax.fill_between(range(1, n + 1), data[key], data["val_" + key][:n], color=color,
                                           alpha=alpha, linewidth=0))
        base_train.set_label(f"{baseline}: training")
        base_val.set_label(f"{baseline}: validation")
        run_train.set_label(f"{name}: training")
        run_val.set_label(f"{name}: validation")
        run_best.set_label(f"{name}: best epoch ({best})")
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
        picture.show(Frame(
            fast.png(key),
            f"Last epoch, accuracy gap (training − validation): <i>{baseline}</i> {gap_base:+.3f}, "
            f"<b>{name}</b> {gap_run:+.3f}; {name} trained {len(run['loss'])} epochs.",
            f"Training and validation {key} per epoch of {name} (in colour) over {baseline} (grey), the gap "
            f"between each pair shaded; last epoch: {name} training {run[key][-1]:.3f}, validation "
            f"{run['val_' + key][-1]:.3f}; {baseline} training {base[key][-1]:.3f}, validation "
            f"{base['val_' + key][-1]:.3f}. A star marks {name}'s best epoch, {best}."))

    menu.observe(draw, names="value")
    metric.observe(draw, names="value")
    draw()
    box = widgets.VBox([row(menu, metric), help_text, picture.readout, picture])
    box.add_class("dlcourse-main")
    return box

