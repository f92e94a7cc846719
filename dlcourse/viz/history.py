"""Learning curves from a training history: training vs validation, the gap, the best epoch.

Every function accepts a Keras ``History`` (what ``model.fit`` returns), a course-engine
``History`` (:mod:`dlcourse.nn`), or a plain dict ``{"loss": [...], "val_loss": [...], ...}``
with one value per epoch. Epochs are numbered from 1 in every figure.

* :func:`plot_history` — one run: a panel per metric, training and validation curves, the
  *generalization gap* between them shaded, the best epoch marked.
* :func:`compare_histories` — several runs on one figure (one small panel per run with shared
  axes, or all validation curves overlaid).
* :func:`gap_table` — final training and validation accuracy, their gap and the epochs of
  several runs, as a table that shows as HTML in a notebook and as text elsewhere.

Introduced in lesson 09 (capacity) and used for overfitting in lesson 10.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from dlcourse.viz.style import CLASS_COLORS, CLASS_MARKERS, PALETTE, epoch_axis, finish

__all__ = ["GapTable", "as_dict", "best_epoch", "compare_histories", "draw_history", "gap_table",
           "plot_history"]

_NICE = {"loss": "loss", "accuracy": "accuracy", "acc": "accuracy",
         "sparse_categorical_accuracy": "accuracy", "mse": "mean squared error"}


def as_dict(history: Any) -> dict[str, list[float]]:
    """The per-epoch values of ``history`` as ``{name: [float, ...]}``.

    ``history`` is a Keras or course-engine ``History`` (anything with a ``.history`` dict) or a
    dict of sequences. Raises ``TypeError`` for anything else and ``ValueError`` when it is empty.
    """
    data = getattr(history, "history", history)
    if not isinstance(data, Mapping):
        raise TypeError(f"expected a History or a dict of per-epoch values, got {type(history).__name__}")
    out = {str(k): [float(v) for v in values] for k, values in data.items()}
    if not out or not any(out.values()):
        raise ValueError("the history is empty: train for at least one epoch first")
    return out


def _higher_is_better(metric: str) -> bool:
    name = metric.removeprefix("val_")
    return "acc" in name or name in ("auc", "precision", "recall", "f1_score")


def best_epoch(history: Any, monitor: str = "val_loss") -> int:
    """The epoch (counted from 1) with the best ``monitor`` value: lowest loss, highest accuracy.

    Falls back to the training value (``"loss"``) when the history has no validation values.
    Ties go to the earliest epoch, as Keras' ``EarlyStopping`` does.
    """
    data = as_dict(history)
    if monitor not in data:
        monitor = monitor.removeprefix("val_")
    if monitor not in data:
        raise KeyError(f"the history has no {monitor!r}; it has {', '.join(data)}")
    values = data[monitor]
    finite = [(v, i) for i, v in enumerate(values) if math.isfinite(v)]
    if not finite:
        return len(values)
    if _higher_is_better(monitor):
        best = max(v for v, _ in finite)
    else:
        best = min(v for v, _ in finite)
    return next(i for v, i in finite if v == best) + 1


def _metric_label(metric: str) -> str:
    return _NICE.get(metric, metric.replace("_", " "))


@dataclass
class HistoryArtists:
    """What :func:`draw_history` drew, so a widget can update it in place."""

    train: Any
    validation: Any | None
    gap: Any | None
    best: Any | None


def draw_history(ax: Any, history: Any, metric: str = "accuracy", color: str | None = None,
                 label: str = "", shade: bool = True, mark_best: bool = True,
                 monitor: str = "val_loss", alpha: float = 1.0) -> HistoryArtists:
    """Draw one run's training (dashed, circles) and validation (solid, triangles) ``metric`` on ``ax``.

    The gap between the two curves is shaded; the best epoch by ``monitor`` is marked with a
    star on the validation curve. ``label`` prefixes the legend entries ("L2: training").
    Returns the artists (see :class:`HistoryArtists`).
    """
    data = as_dict(history)
    if metric not in data:
        raise KeyError(f"the history has no {metric!r}; it has {', '.join(data)}")
    train = data[metric]
    epochs = list(range(1, len(train) + 1))
    prefix = f"{label}: " if label else ""
    train_color = color or PALETTE["train"]
    val_color = color or PALETTE["validation"]
    (train_line,) = ax.plot(epochs, train, color=train_color, linestyle="--", marker="o", markersize=4,
                            linewidth=1.6, label=f"{prefix}training", alpha=alpha)
    val_line = gap = best = None
    val = data.get("val_" + metric)
    if val:
        (val_line,) = ax.plot(epochs[:len(val)], val, color=val_color, linestyle="-", marker="^",
                              markersize=5, linewidth=2.0, label=f"{prefix}validation", alpha=alpha)
        if shade:
            n = min(len(val), len(train))
            gap = ax.fill_between(epochs[:n], train[:n], val[:n], color=color or PALETTE["neutral"],
                                  alpha=0.18 * alpha, hatch="//" if color is None else None, linewidth=0,
                                  label=f"{prefix}gap" if not label else None)
        if mark_best and (monitor in data or monitor.removeprefix("val_") in data):
            epoch = best_epoch(data, monitor)
            if epoch <= len(val):
                (best,) = ax.plot([epoch], [val[epoch - 1]], marker="*", markersize=15, color=val_color,
                                  markeredgecolor="black", linestyle="none", alpha=alpha,
                                  label=f"{prefix}best epoch ({epoch})")
    epoch_axis(ax, len(train))
    return HistoryArtists(train_line, val_line, gap, best)


def plot_history(history: Any, metrics: Sequence[str] | None = None, title: str = "",
                 monitor: str = "val_loss", figsize: tuple[float, float] | None = None) -> Any:
    """One run's learning curves: a panel per metric (default: loss and accuracy, those present).

    Training is dashed with circles, validation solid with triangles; the shaded band is the
    generalization gap; the star marks the best epoch by ``monitor``. Returns the Figure.
    Introduced in lesson 09.
    """
    from dlcourse.viz.figure import CourseFigure  # noqa: PLC0415 - matplotlib only when drawing

    data = as_dict(history)
    if metrics is None:
        metrics = [m for m in ("loss", "accuracy") if m in data] or [next(k for k in data if not k.startswith("val_"))]
    fig = CourseFigure(figsize=figsize or (5.0 * len(metrics), 3.8), layout="constrained")
    axes = fig.subplots(1, len(metrics), squeeze=False)[0]
    for ax, metric in zip(axes, metrics):
        draw_history(ax, data, metric, monitor=monitor)
        ax.set_title(f"{_metric_label(metric).capitalize()} per epoch")
        ax.set_xlabel("epoch")
        ax.set_ylabel(_metric_label(metric) + (" (fraction correct)" if "acc" in metric else ""))
        ax.grid(True, color="#dddddd", linewidth=0.6)
        finish(ax)
    if title:
        fig.suptitle(title)
    return fig


def compare_histories(histories: Mapping[str, Any], metric: str = "accuracy", title: str = "",
                      layout: str = "grid", monitor: str = "val_loss", ncols: int = 3,
                      figsize: tuple[float, float] | None = None) -> Any:
    """Several runs on one figure, e.g. ``compare_histories({"no regularization": h0, "L2": h1})``.

    ``layout="grid"``: one small panel per run with shared axes, each with training and
    validation ``metric``, the gap shaded and the best epoch starred — the gaps compare at a glance.
    ``layout="overlay"``: one panel with every run's validation curve (colour, marker and dash
    differ per run) and its training curve thin and dotted. Returns the Figure.
    Introduced in lesson 09.
    """
    from dlcourse.viz.figure import CourseFigure  # noqa: PLC0415

    if not histories:
        raise ValueError("give at least one history: compare_histories({'name': history, ...})")
    runs = {name: as_dict(h) for name, h in histories.items()}
    ylabel = _metric_label(metric) + (" (fraction correct)" if "acc" in metric else "")
    if layout == "overlay":
        fig = CourseFigure(figsize=figsize or (7.5, 4.2), layout="constrained")
        ax = fig.add_subplot()
        styles = ("-", "--", "-.", ":")
        longest = 1
        for index, (name, data) in enumerate(runs.items()):
            color = CLASS_COLORS[index % len(CLASS_COLORS)] if index < len(CLASS_COLORS) else \
                list(_EXTRA_COLORS)[index % len(_EXTRA_COLORS)]
            marker = CLASS_MARKERS[index % len(CLASS_MARKERS)] if index < 4 else ("v", "P", "X", "h")[index % 4]
            series = data.get("val_" + metric) or data[metric]
            epochs = range(1, len(series) + 1)
            longest = max(longest, len(series))
            ax.plot(epochs, series, color=color, marker=marker, markersize=5, linewidth=2.0,
                    linestyle=styles[index % len(styles)], label=name)
            if "val_" + metric in data:
                ax.plot(range(1, len(data[metric]) + 1), data[metric], color=color, linewidth=1.0,
                        linestyle=":", alpha=0.8)
        epoch_axis(ax, longest)
        ax.set_title(title or f"Validation {_metric_label(metric)} (thin dotted: training)")
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.grid(True, color="#dddddd", linewidth=0.6)
        finish(ax, outside=True)
        return fig
    if layout != "grid":
        raise ValueError(f"layout must be 'grid' or 'overlay', got {layout!r}")
    count = len(runs)
    cols = min(ncols, count)
    rows = math.ceil(count / cols)
    fig = CourseFigure(figsize=figsize or (3.6 * cols, 3.0 * rows + 0.6), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False, sharex=True, sharey=True)
    for ax, (name, data) in zip(axes.flat, runs.items()):
        draw_history(ax, data, metric, monitor=monitor)
        final_gap = _final_gap(data, metric)
        ax.set_title(name + (f" (gap {final_gap:+.2f})" if final_gap is not None else ""), fontsize=10)
        ax.grid(True, color="#dddddd", linewidth=0.6)
    longest = max(len(d[metric]) for d in runs.values())
    for ax in axes.flat[:count]:
        epoch_axis(ax, longest)
    for ax in axes.flat[count:]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("epoch")
    for ax in axes[:, 0]:
        ax.set_ylabel(ylabel)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    labels = [label.split(" (")[0] if label.startswith("best epoch") else label for label in labels]
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), frameon=False)
    fig.suptitle(title or f"Training vs validation {_metric_label(metric)}, one panel per run")
    return fig


_EXTRA_COLORS = (PALETTE["accent"], PALETTE["hint"], PALETTE["line"], PALETTE["neutral"])


def _final_gap(data: Mapping[str, list[float]], metric: str) -> float | None:
    """The last epoch's gap, signed so that overfitting is positive: train − val for accuracy,
    val − train for a loss."""
    val = data.get("val_" + metric)
    if not val or not data.get(metric):
        return None
    gap = data[metric][-1] - val[-1]
    return gap if _higher_is_better(metric) else -gap


@dataclass
class GapRow:
    """One run's line in a :class:`GapTable`."""

    name: str
    train: float
    validation: float
    epochs: int
    train_loss: float | None = None
    validation_loss: float | None = None

    @property
    def gap(self) -> float:
        """Training minus validation accuracy: how much better the model does on what it has seen."""
        return self.train - self.validation

    @property
    def loss_gap(self) -> float | None:
        """Validation minus training loss (None when the losses were not given)."""
        if self.train_loss is None or self.validation_loss is None:
            return None
        return self.validation_loss - self.train_loss


class GapTable:
    """Runs compared by training accuracy, validation accuracy, their gap and epochs trained.

    Shows as an HTML table in a notebook and as aligned text elsewhere; ``rows`` holds the
    numbers and ``closed(baseline, name)`` the share of the baseline's gap a run closes.
    """

    def __init__(self, rows: Sequence[GapRow]) -> None:
        self.rows = list(rows)

    def __getitem__(self, name: str) -> GapRow:
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(name)

    def closed(self, baseline: str, name: str, loss: bool = False) -> float:
        """The fraction of ``baseline``'s gap that run ``name`` closes (1.0: no gap left).

        ``loss=True`` uses the loss gap instead of the accuracy gap.
        """
        base = self[baseline].loss_gap if loss else self[baseline].gap
        run = self[name].loss_gap if loss else self[name].gap
        if base is None or run is None or base == 0:
            return float("nan")
        return 1.0 - run / base

    @property
    def _with_loss(self) -> bool:
        return all(row.loss_gap is not None for row in self.rows)

    def _header(self) -> list[str]:
        return ["run", "train acc", "val acc", "gap"] + (["train loss", "val loss", "loss gap"] if self._with_loss
                                                          else []) + ["epochs"]

    def _cells(self) -> list[list[str]]:
        out = []
        for row in self.rows:
            cells = [row.name, f"{row.train:.3f}", f"{row.validation:.3f}", f"{row.gap:+.3f}"]
            if self._with_loss:
                cells += [f"{row.train_loss:.3f}", f"{row.validation_loss:.3f}", f"{row.loss_gap:+.3f}"]
            out.append(cells + [str(row.epochs)])
        return out

    def __str__(self) -> str:
        header = self._header()
        cells = self._cells()
        widths = [max(len(r[i]) for r in [header] + cells) for i in range(len(header))]
        lines = ["  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths)))]
        for r in cells:
            lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        names = {"train acc": "train accuracy", "val acc": "validation accuracy", "gap": "gap (train − val)",
                 "loss gap": "loss gap (val − train)"}
        head = "".join(f"<th style='text-align:{'left' if i == 0 else 'right'}'>{names.get(h, h)}</th>"
                       for i, h in enumerate(self._header()))
        body = "".join("<tr>" + "".join(f"<td style='text-align:{'left' if i == 0 else 'right'}'>"
                                        f"{html.escape(c)}</td>" for i, c in enumerate(r)) + "</tr>"
                       for r in self._cells())
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def gap_table(results: Mapping[str, Mapping[str, float]]) -> GapTable:
    """A :class:`GapTable` from ``{name: {"train": acc, "validation": acc, "epochs": n}}``.

    Optional ``"train_loss"`` and ``"validation_loss"`` add loss columns. Measure everything
    after training, on the final model: the accuracy ``fit`` logs for training is averaged over
    the epoch, with dropout switched on, and its loss includes any weight penalty.
    Introduced in lesson 10.
    """
    rows = []
    for name, r in results.items():
        losses = [float(r[k]) if r.get(k) is not None else None for k in ("train_loss", "validation_loss")]
        rows.append(GapRow(str(name), float(r["train"]), float(r["validation"]), int(r["epochs"]), *losses))
    return GapTable(rows)
