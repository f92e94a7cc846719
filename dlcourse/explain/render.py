"""Show a walk-through: HTML tables and a network diagram (JupyterLab), or plain text (terminal).

Introduced in lesson 03. Both forms are built from the same list of :class:`Section` objects
(a title, the formula, tables of already formatted numbers, notes), so the text a terminal
prints and the tables a notebook shows always say the same thing. Numbers are formatted with
the walk-through's ``precision`` (decimals) by :func:`dlcourse.viz.network.format_number`.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from dlcourse.viz.network import format_number

if TYPE_CHECKING:  # pragma: no cover
    from dlcourse.explain.walkthrough import BackwardPass, ForwardPass, LayerForward

__all__ = ["Section", "Table", "backward_diagram", "backward_html", "backward_sections", "backward_text",
           "forward_diagram", "forward_html", "forward_sections", "forward_text"]

MAX_TERMS = 8  # a sum with more terms is shortened to its first few and "…"
MAX_ROWS = 60  # a table with more rows shows its first ones and says how many were left out
MAX_COLUMNS = 16  # inputs shown in the input table

_LOSS_FORMULAS = {
    "binary_crossentropy": "-[y·log(a) + (1 - y)·log(1 - a)], averaged over the outputs",
    "mean_squared_error": "(a - y)², averaged over the outputs",
    "categorical_crossentropy": "-Σ y·log(a) over the classes",
    "sparse_categorical_crossentropy": "-log(a of the true class)",
}


_LOSS_SLOPES = {
    "binary_crossentropy": "dL/da = (-y/a + (1 - y)/(1 - a)) / (m · outputs)",
    "mean_squared_error": "dL/da = 2(a - y) / (m · outputs)",
    "categorical_crossentropy": "dL/da: -y/a / m, adjusted because Keras first rescales each row of a to sum to 1",
    "sparse_categorical_crossentropy": "dL/da = -1/a for the true class (0 for the others) / m, adjusted because "
                                       "Keras first rescales each row of a to sum to 1",
}


@dataclass
class Table:
    """Column headings and rows of already formatted cells."""

    columns: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    """One step of a walk-through: a title, its formula, tables and notes."""

    title: str
    formula: str = ""
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- numbers -------------------------------------------------------------------------------------

def _n(value: Any, precision: int) -> str:
    return format_number(value, precision)


def _factor(value: Any, precision: int) -> str:
    """A number as a factor in a product: negative numbers in brackets, ``(-0.2)``."""
    text = _n(value, precision)
    return f"({text})" if text.startswith("-") else text


def _vector(values: np.ndarray, precision: int) -> str:
    values = np.asarray(values).reshape(-1)
    if values.size == 1:
        return _n(values[0], precision)
    return "[" + ", ".join(_n(v, precision) for v in values) + "]"


def _sum_of_products(left: Sequence[float], right: Sequence[float], precision: int, extra: str = "") -> str:
    """``1×0.5 + 0×(-0.2) + 1×0.3`` (+ ``extra``), shortened when there are many terms."""
    terms = [f"{_factor(a, precision)}×{_factor(b, precision)}" for a, b in zip(left, right)]
    if len(terms) > MAX_TERMS:
        terms = terms[:3] + [f"… ({len(terms)} products)"]
    text = " + ".join(terms)
    return f"{text} + {extra}" if extra else text


def _sum_of(values: Sequence[float], precision: int) -> str:
    terms = [_factor(v, precision) for v in values]
    if len(terms) > MAX_TERMS:
        terms = terms[:3] + [f"… ({len(terms)} terms)"]
    return " + ".join(terms)


def _samples(count: int, limit: int) -> list[int]:
    return list(range(min(count, limit)))


def _shape_text(walk: "ForwardPass") -> str:
    parts = [f"{walk.sizes[0]} inputs"] + [f"{layer.units} {layer.activation}" for layer in walk.layers]
    m = len(walk.x)
    return " → ".join(parts) + f" · {m} sample{'s' if m != 1 else ''}"


def _a(index: int) -> str:
    return "X" if index == 0 else f"A{index}"


def _row_limit(total: int, notes: list[str], where: str) -> int:
    """How many of ``total`` rows to write (:data:`MAX_ROWS` at most); a note says where the rest are."""
    if total > MAX_ROWS:
        notes.append(f"Only the first {MAX_ROWS} of {total} rows are shown; all values are in {where}.")
    return min(total, MAX_ROWS)


def _shortened(count: int, limit: int) -> list[str]:
    if count <= limit:
        return []
    return [f"Only the first {limit} of {count} samples are written out; the arrays hold all of them."]


# --- forward ----------------------------------------------------------------------------------

def _layer_forward_section(walk: "ForwardPass", step: "LayerForward") -> Section:
    p = walk.precision
    l = step.index
    below = walk.input_names if l == 1 else walk.layers[l - 2].unit_names
    samples = _samples(len(walk.x), walk.max_samples)
    batch = len(walk.x) > 1
    columns = (["sample"] if batch else []) + ["unit", "weighted sum z = Σ input × weight + bias", "z",
                                               f"a = {step.activation}(z)"]
    rows: list[list[str]] = []
    notes: list[str] = []
    limit = _row_limit(len(samples) * step.units, notes, f".layers[{l - 1}].z and .a")
    for s in samples:
        for j, name in enumerate(step.unit_names):
            if len(rows) == limit:
                break
            total = _sum_of_products(step.inputs[s], step.kernel[:, j], p, _factor(step.bias[j], p))
            rows.append(([str(s + 1)] if batch else []) + [name, total, _n(step.z[s, j], p), _n(step.a[s, j], p)])
    role = "output layer" if step.role == "output" else "hidden layer"
    formula = f"Z{l} = {_a(l - 1)} @ W{l} + b{l},   A{l} = {step.activation}(Z{l})"
    notes.insert(0, f"W{l} has shape {step.kernel.shape} (inputs, units): column j holds the weights into "
                    f"unit j (inputs: {', '.join(below[:MAX_TERMS])}{', …' if len(below) > MAX_TERMS else ''}).")
    if step.activation == "softmax":
        notes.append("softmax uses all the z of a sample together: a_j = e^(z_j) / Σ_k e^(z_k).")
    return Section(f"Layer {l} · {role} · {step.activation}", formula, [Table(columns, rows)],
                   notes + _shortened(len(walk.x), walk.max_samples))


def _loss_section(walk: "ForwardPass") -> Section:
    assert walk.loss is not None
    loss, p = walk.loss, walk.precision
    out = walk.layers[-1]
    rows = []
    for s in _samples(len(walk.x), walk.max_samples):
        rows.append([str(s + 1), _vector(loss.y[s], p), _vector(out.a[s], p), _n(loss.per_sample[s], p)])
    notes = [f"L = mean of the {len(loss.per_sample)} terms = {_n(float(np.mean(loss.per_sample)), p)}"]
    if loss.penalty:
        notes.append(f"plus regularization penalties {_n(loss.penalty, p)}: L = {_n(loss.value, p)}")
    if loss.from_logits:
        notes.append("Like Keras on TensorFlow after a sigmoid or softmax output, the engine computes this "
                     "cross-entropy from the output layer's z (as from_logits=True does): the same value as "
                     "from a, and exact where a rounds to 0 or 1 and a clipped probability would cap it.")
    formula = f"term per sample = {_LOSS_FORMULAS.get(loss.name, loss.name)}"
    return Section(f"Loss · {loss.name} = {_n(loss.value, p)}", formula,
                   [Table(["sample", "target y", "prediction a", "loss term"], rows)],
                   notes + _shortened(len(walk.x), walk.max_samples))


def forward_sections(walk: "ForwardPass") -> list[Section]:
    """The sections of a forward walk-through: the inputs, each layer, the output (and the loss)."""
    p = walk.precision
    samples = _samples(len(walk.x), walk.max_samples)
    batch = len(walk.x) > 1
    shown = min(walk.sizes[0], MAX_COLUMNS)
    more = ["…"] if walk.sizes[0] > shown else []
    inputs = Table((["sample"] if batch else []) + list(walk.input_names[:shown]) + more,
                   [([str(s + 1)] if batch else []) + [_n(v, p) for v in walk.x[s, :shown]] + more for s in samples])
    notes = _shortened(len(walk.x), walk.max_samples)
    if more:
        notes.append(f"Only the first {shown} of {walk.sizes[0]} inputs are shown; all of them are in .x.")
    sections = [Section(f"Forward pass · {_shape_text(walk)}", "X: one sample per row, one input per column",
                        [inputs], notes)]
    sections += [_layer_forward_section(walk, step) for step in walk.layers]
    last = walk.layers[-1]
    out_rows = [([str(s + 1)] if batch else []) + [_n(v, p) for v in last.a[s]] for s in samples]
    sections.append(Section(f"Output A{last.index}", "", [Table((["sample"] if batch else []) + list(last.unit_names),
                                                                out_rows)]))
    if walk.loss is not None:
        sections.append(_loss_section(walk))
    return sections


# --- backward ---------------------------------------------------------------------------------

def _slope_name(activation: str) -> str:
    return {"sigmoid": "σ'(z) = a(1 - a)", "tanh": "tanh'(z) = 1 - a²", "relu": "relu'(z) = 1 if z > 0 else 0",
            "linear": "linear'(z) = 1"}.get(activation, f"{activation}'(z)")


def _layer_backward_sections(back: "BackwardPass", index: int) -> list[Section]:
    walk = back.forward
    p = walk.precision
    step, grads = walk.layers[index], back.layers[index]
    l = step.index
    batch = len(walk.x) > 1
    samples = _samples(len(walk.x), walk.max_samples)
    below = walk.input_names if l == 1 else walk.layers[l - 2].unit_names
    role = "output layer" if step.role == "output" else "hidden layer"

    # dL/dA and dL/dZ, per sample and unit
    if step.role == "output":
        where = "from the loss"
        formula_a = f"dL/dA{l}: the loss' slope with respect to the predictions"
    else:
        where = f"dL/dZ{l + 1} @ W{l + 1}ᵀ"
        formula_a = f"dL/dA{l} = dL/dZ{l + 1} @ W{l + 1}ᵀ (each unit collects the gradients of the units it feeds)"
    columns = (["sample"] if batch else []) + ["unit", f"dL/dA ({where})", _slope_name(step.activation), "dL/dZ"]
    rows: list[list[str]] = []
    notes: list[str] = []
    limit = _row_limit(len(samples) * step.units, notes, f".layers[{l - 1}].grad_a and .grad_z")
    upper = back.layers[index + 1] if step.role != "output" else None
    upper_kernel = walk.layers[index + 1].kernel if step.role != "output" else None
    for s in samples:
        for j, name in enumerate(step.unit_names):
            if len(rows) == limit:
                break
            grad_a = _n(grads.grad_a[s, j], p)
            if upper is not None:
                grad_a = f"{_sum_of_products(upper.grad_z[s], upper_kernel[j], p)} = {grad_a}"
            if grads.slope is None:
                slope, grad_z = "—", _n(grads.grad_z[s, j], p)
            else:
                slope = _n(grads.slope[s, j], p)
                grad_z = _n(grads.grad_z[s, j], p)
                if not (step.role == "output" and walk.loss is not None and walk.loss.from_logits):
                    grad_z = f"{_factor(grads.grad_a[s, j], p)}×{_factor(grads.slope[s, j], p)} = {grad_z}"
            rows.append(([str(s + 1)] if batch else []) + [name, grad_a, slope, grad_z])
    if step.role == "output" and walk.loss is not None and walk.loss.name in _LOSS_SLOPES:
        notes.append(f"For {walk.loss.name}: {_LOSS_SLOPES[walk.loss.name]}, with m = {len(walk.x)} samples.")
    formula_z = f"dL/dZ{l} = dL/dA{l} ⊙ {step.activation}'(Z{l})  (element by element)"
    if step.activation == "softmax":
        formula_z = f"dL/dZ{l} = A{l} ⊙ (dL/dA{l} - Σ_k dL/dA{l}_k · A{l}_k)  (softmax mixes its units)"
    if step.role == "output" and walk.loss is not None and walk.loss.from_logits:
        m = len(walk.x)
        simple = "(a - y) / m" if walk.loss.name != "binary_crossentropy" or step.units == 1 else \
            "(a - y) / (m · outputs)"
        notes.append(f"Keras on TensorFlow and the engine take this loss from z, so dL/dZ{l} comes out as the "
                     f"simple {simple} with m = {m}, even where a rounds to 0 or 1; it equals "
                     f"dL/dA{l} ⊙ {step.activation}'(Z{l}) (up to rounding).")
    first = Section(f"Layer {l} · {role} · {step.activation} · gradients of A and Z", f"{formula_a};   {formula_z}",
                    [Table(columns, rows)], notes + _shortened(len(walk.x), walk.max_samples))

    # dL/dW and dL/db
    lr = back.learning_rate
    w_columns = ["weight", "value", f"dL/dW = Σ over samples of input × dL/dZ"] + (["new value"] if lr else [])
    w_rows: list[list[str]] = []
    w_notes: list[str] = []
    limit = _row_limit(step.kernel.size + step.units, w_notes, f".layers[{l - 1}].grad_kernel and .grad_bias")
    for i, src in enumerate(below):
        for j, dst in enumerate(step.unit_names):
            if len(w_rows) == limit:
                break
            total = _n(grads.grad_kernel[i, j], p)
            if len(walk.x) <= walk.max_samples:
                total = f"{_sum_of_products(step.inputs[:, i], grads.grad_z[:, j], p)} = {total}"
            row = [f"{src} → {dst}", _n(step.kernel[i, j], p), total]
            if lr:
                row.append(f"{_n(step.kernel[i, j], p)} - {_n(lr, p)}×{_factor(grads.grad_kernel[i, j], p)} "
                           f"= {_n(grads.new_kernel[i, j], p)}")
            w_rows.append(row)
    for j, dst in enumerate(step.unit_names):
        if len(w_rows) == limit:
            break
        total = _n(grads.grad_bias[j], p)
        if len(walk.x) <= walk.max_samples and len(walk.x) > 1:
            total = f"{_sum_of(grads.grad_z[:, j], p)} = {total}"
        row = [f"bias of {dst}", _n(step.bias[j], p), total]
        if lr:
            row.append(f"{_n(step.bias[j], p)} - {_n(lr, p)}×{_factor(grads.grad_bias[j], p)} "
                       f"= {_n(grads.new_bias[j], p)}")
        w_rows.append(row)
    formula_w = f"dL/dW{l} = {_a(l - 1)}ᵀ @ dL/dZ{l}  (shape {step.kernel.shape}, like W{l});   " \
                f"dL/db{l} = dL/dZ{l} summed over the samples"
    if lr:
        formula_w += f";   new W = W - learning_rate × dL/dW  (learning_rate = {_n(lr, p)})"
    if walk.loss is not None and walk.loss.penalty:
        w_notes.append("The gradients include the regularization penalties' slopes.")
    second = Section(f"Layer {l} · gradients of the weights", formula_w, [Table(w_columns, w_rows)], w_notes)
    return [first, second]


def backward_sections(back: "BackwardPass") -> list[Section]:
    """The sections of a backward walk-through: the loss, then each layer from the output down."""
    walk = back.forward
    p = walk.precision
    head = f"Backward pass · {_shape_text(walk)} · loss {walk.loss.name if walk.loss else '?'}"
    if back.learning_rate is not None:
        head += f" · learning rate {_n(back.learning_rate, p)}"
    sections = [Section(head, "From the loss back to the first layer, by the chain rule: each layer turns dL/dA "
                              "into dL/dZ, dL/dW, dL/db and the dL/dA of the layer below.")]
    sections.append(_loss_section(walk))
    for index in reversed(range(len(walk.layers))):
        sections += _layer_backward_sections(back, index)
    return sections


# --- text -------------------------------------------------------------------------------------

def _text_table(table: Table) -> list[str]:
    widths = [max(len(c), *(len(r[k]) for r in table.rows)) if table.rows else len(c)
              for k, c in enumerate(table.columns)]
    lines = ["  " + "  ".join(c.ljust(w) for c, w in zip(table.columns, widths)).rstrip(),
             "  " + "  ".join("-" * w for w in widths)]
    lines += ["  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in table.rows]
    return lines


def _text(sections: list[Section]) -> str:
    lines: list[str] = []
    for section in sections:
        lines.append(section.title)
        lines.append("=" * len(section.title) if not lines[:-1] else "-" * len(section.title))
        if section.formula:
            lines.append(section.formula)
        for table in section.tables:
            lines += _text_table(table)
        lines += [f"  note: {note}" for note in section.notes]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def forward_text(walk: "ForwardPass") -> str:
    """The forward walk-through as plain text."""
    return _text(forward_sections(walk))


def backward_text(back: "BackwardPass") -> str:
    """The backward walk-through as plain text."""
    return _text(backward_sections(back))


# --- HTML -------------------------------------------------------------------------------------

_STYLE = ("<style>.dlc-walk table{border-collapse:collapse;margin:4px 0 10px 0;font-size:13px}"
          ".dlc-walk th,.dlc-walk td{border:1px solid #ccc;padding:2px 8px;text-align:left;"
          "font-family:monospace;white-space:nowrap}.dlc-walk th{background:#f2f2f2}"
          ".dlc-walk h4{margin:14px 0 4px 0}.dlc-walk .f{font-family:monospace;margin:2px 0 4px 0}"
          ".dlc-walk .n{color:#555;margin:2px 0}</style>")


def _html_table(table: Table) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in table.rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html(sections: list[Section], diagram: Any | None, caption: str) -> str:
    parts = [_STYLE, '<div class="dlc-walk">']
    for number, section in enumerate(sections):
        level = "h3" if number == 0 else "h4"
        parts.append(f"<{level}>{html.escape(section.title)}</{level}>")
        if section.formula:
            parts.append(f'<div class="f">{html.escape(section.formula)}</div>')
        parts += [_html_table(t) for t in section.tables]
        parts += [f'<div class="n">{html.escape(note)}</div>' for note in section.notes]
        if number == 0 and diagram is not None:
            parts.append(_image(diagram, caption))
    parts.append("</div>")
    return "".join(parts)


def _image(plot: Any, caption: str) -> str:
    from dlcourse.viz.figure import png_bytes  # noqa: PLC0415

    data = base64.b64encode(png_bytes(plot.fig)).decode("ascii")
    return (f'<figure style="margin:6px 0"><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}"/>'
            f'<figcaption class="n">{html.escape(caption)}</figcaption></figure>')


_MAX_DIAGRAM_UNITS = 12


def _drawable(walk: "ForwardPass") -> bool:
    return max(walk.sizes) <= _MAX_DIAGRAM_UNITS


def forward_html(walk: "ForwardPass") -> str:
    """The forward walk-through as HTML: tables, with the network diagram of the first sample."""
    diagram = forward_diagram(walk, 0) if _drawable(walk) else None
    caption = ("Sample 1: the weights on the lines (blue solid positive, vermillion dashed negative, width = size), "
               "the inputs and activations in the neurons, each bias under its neuron.")
    return _html(forward_sections(walk), diagram, caption)


def backward_html(back: "BackwardPass") -> str:
    """The backward walk-through as HTML: tables, with a diagram of the gradients."""
    diagram = backward_diagram(back, None) if _drawable(back.forward) else None
    caption = ("The gradients dL/dW on the lines (blue solid positive, vermillion dashed negative, width = size) "
               "and, in the neurons, dL/dZ summed over the batch, which is dL/db.")
    return _html(backward_sections(back), diagram, caption)


def forward_diagram(walk: "ForwardPass", sample: int = 0) -> Any:
    """A :class:`~dlcourse.viz.network.NetworkPlot` of one sample's forward pass."""
    from dlcourse.viz.network import plot_network  # noqa: PLC0415

    values = [walk.x[sample]] + [layer.a[sample] for layer in walk.layers]
    out = walk.layers[-1].a[sample]
    title = f"Forward pass, sample {sample + 1}: output {_vector(out, walk.precision)}"
    plot = plot_network([layer.kernel for layer in walk.layers], [layer.bias for layer in walk.layers],
                        input_names=walk.input_names, unit_names=[layer.unit_names for layer in walk.layers],
                        activations=[layer.activation for layer in walk.layers], values=values,
                        precision=walk.precision, title=title)
    return plot


def backward_diagram(back: "BackwardPass", sample: int | None = None) -> Any:
    """A :class:`~dlcourse.viz.network.NetworkPlot` of the gradients: dL/dW on the lines and
    dL/dZ in the neurons (one sample's, or summed over the batch, which is dL/db)."""
    from dlcourse.viz.network import plot_network  # noqa: PLC0415

    walk = back.forward
    if sample is None:
        grad_z = [layer.grad_z.sum(axis=0) for layer in back.layers]
        which = "summed over the batch (= dL/db)"
    else:
        grad_z = [layer.grad_z[sample] for layer in back.layers]
        which = f"of sample {sample + 1}"
    values = [[""] * walk.sizes[0]] + grad_z
    return plot_network([layer.grad_kernel for layer in back.layers], None,
                        input_names=walk.input_names, unit_names=[layer.unit_names for layer in walk.layers],
                        activations=[layer.activation for layer in walk.layers], values=values,
                        precision=walk.precision, edge_name="gradient dL/dW",
                        title=f"Gradients: dL/dW on the lines, dL/dZ {which} in the neurons")
