"""A small AST-based mutant generator for the reference answers of the exercises.

A mutant is the reference with one plausible mistake: a flipped sign or operator, swapped
operands, an off-by-one range or constant, ``mean`` for ``sum`` (and back), a swapped axis, a
dropped ``.T``, a term or factor left out, an argument ignored (fixed to its value in the first
case, or to its default), one loop statement dropped or done twice, the returned items swapped,
or a constant returned (each case's expected output, the worked example's among them).

:func:`mutants` yields ``(description, function)`` pairs; descriptions are stable (the line,
relative to the function, and the original and mutated code), so that equivalent mutants can be
listed by description. Used by ``tests/test_mutation.py``.

With ``objects=True`` (for answers that build a Keras model or callback) a mutant may also
change a setting given as text (an activation, a loss, a metric, a monitored quantity), swap a
class for its usual confusion (``Adam`` → ``SGD``, ``L2`` → ``L1``), leave out a keyword
argument, or leave out or repeat one item of a list (a layer).
"""

from __future__ import annotations

import ast
import copy
import inspect
import textwrap
from typing import Any, Callable, Iterator

_OPERATOR_SWAPS = {ast.Add: [ast.Sub], ast.Sub: [ast.Add], ast.Mult: [ast.Div, ast.Add], ast.Div: [ast.Mult],
                   ast.FloorDiv: [ast.Div], ast.Pow: [ast.Mult], ast.MatMult: [ast.Mult], ast.Mod: [ast.FloorDiv]}
_NON_COMMUTATIVE = (ast.Sub, ast.Div, ast.MatMult, ast.Pow, ast.FloorDiv, ast.Mod)
_COMPARE_SWAPS = {ast.Gt: [ast.GtE, ast.Lt], ast.GtE: [ast.Gt, ast.LtE], ast.Lt: [ast.LtE, ast.Gt],
                  ast.LtE: [ast.Lt, ast.GtE], ast.Eq: [ast.NotEq], ast.NotEq: [ast.Eq]}
_NAME_SWAPS = {"mean": ["sum"], "sum": ["mean"], "max": ["min"], "min": ["max"], "argmax": ["argmin"],
               "argmin": ["argmax"], "maximum": ["minimum"], "minimum": ["maximum"], "zeros": ["ones"],
               "zeros_like": ["ones_like"], "sqrt": ["square"], "square": ["sqrt"],
               "exp": ["log"], "log": ["log10"]}
_STRING_SWAPS = {"relu": ["sigmoid", "linear"], "softmax": ["linear", "sigmoid"],
                 "sparse_categorical_crossentropy": ["categorical_crossentropy", "mean_squared_error"],
                 "accuracy": ["mse"], "val_loss": ["loss", "val_accuracy"]}
_CLASS_SWAPS = {"Adam": ["SGD"], "L2": ["L1"]}
_DROPPABLE_CALLS = {"exp", "log", "sqrt", "square", "abs", "tanh", "clip", "float", "int", "astype", "sum", "mean"}


def _source_tree(function: Callable[..., Any]) -> ast.FunctionDef:
    source = textwrap.dedent(inspect.getsource(function))
    tree = ast.parse(source)
    node = tree.body[0]
    if not isinstance(node, ast.FunctionDef):
        raise TypeError(f"{function.__name__} is not a plain function")
    node.decorator_list = []
    ds = node.body[0]
    if isinstance(ds, ast.Expr) and isinstance(getattr(ds, "value", None), ast.Constant) \
            and isinstance(ds.value.value, str) and len(node.body) > 1:
        node.body = node.body[1:]  # the docstring is not code to mutate
    return node


def _expression_alternatives(node: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    """Mutated copies of one expression node (not of its children)."""
    if isinstance(node, ast.BinOp):
        for op in _OPERATOR_SWAPS.get(type(node.op), []):
            yield "operator", ast.BinOp(node.left, op(), node.right)
        if isinstance(node.op, _NON_COMMUTATIVE):
            yield "swapped operands", ast.BinOp(node.right, node.op, node.left)
        yield "left operand only", node.left
        yield "right operand only", node.right
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
        yield "sign dropped", node.operand
    elif isinstance(node, ast.Compare) and len(node.ops) == 1:
        for op in _COMPARE_SWAPS.get(type(node.ops[0]), []):
            yield "comparison", ast.Compare(node.left, [op()], node.comparators)
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float) and not isinstance(node.value, bool):
        value = node.value
        options = [value + 1, value - 1] if isinstance(value, int) else [value * 2, value / 2, -value, 0.0, 1.0]
        for new in options:
            if new != value:
                yield "constant", ast.Constant(new)
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        yield "constant", ast.Constant(not node.value)
    elif isinstance(node, ast.Attribute) and node.attr == "T":
        yield "transpose dropped", node.value
    elif isinstance(node, ast.Call):
        yield from _call_alternatives(node)
    elif isinstance(node, ast.Tuple) and isinstance(node.ctx, ast.Load) and len(node.elts) >= 2:
        for i in range(len(node.elts) - 1):
            elts = list(node.elts)
            elts[i], elts[i + 1] = elts[i + 1], elts[i]
            yield "swapped items", ast.Tuple(elts, ast.Load())


def _object_alternatives(node: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    """The mutations of an answer that builds an object: settings given as text, classes, keyword
    arguments, list items."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        for new in _STRING_SWAPS.get(node.value, []):
            yield "setting", ast.Constant(new)
    elif isinstance(node, ast.Attribute) and node.attr in _CLASS_SWAPS:
        for new in _CLASS_SWAPS[node.attr]:
            yield "class swapped", ast.Attribute(node.value, new, node.ctx)
    elif isinstance(node, ast.Call):
        for index, keyword in enumerate(node.keywords):
            call = copy.deepcopy(node)
            del call.keywords[index]
            yield "keyword left out", call
    elif isinstance(node, ast.List) and isinstance(node.ctx, ast.Load):
        for index in range(len(node.elts)):
            yield "item left out", ast.List(node.elts[:index] + node.elts[index + 1:], ast.Load())
            yield "item repeated", ast.List(node.elts[:index + 1] + node.elts[index:], ast.Load())


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _call_alternatives(node: ast.Call) -> Iterator[tuple[str, ast.AST]]:
    name = _call_name(node)
    for new in _NAME_SWAPS.get(name, []):
        call = copy.deepcopy(node)
        if isinstance(call.func, ast.Attribute):
            call.func.attr = new
        else:
            call.func.id = new
        yield "function swapped", call
    for i in range(len(node.args) - 1):
        if name != "range":
            call = copy.deepcopy(node)
            call.args[i], call.args[i + 1] = call.args[i + 1], call.args[i]
            yield "swapped arguments", call
    if name in _DROPPABLE_CALLS:
        if node.args:
            yield "call dropped", node.args[0]
        elif isinstance(node.func, ast.Attribute):
            yield "call dropped", node.func.value
    if name == "range":
        args = node.args
        last = len(args) - 1 if len(args) < 3 else 1
        for delta in (1, -1):
            call = copy.deepcopy(node)
            call.args[last] = ast.BinOp(call.args[last], ast.Add() if delta > 0 else ast.Sub(), ast.Constant(1))
            yield "range end off by one", call
        if len(args) >= 2:
            call = copy.deepcopy(node)
            call.args[0] = ast.BinOp(call.args[0], ast.Add(), ast.Constant(1))
            yield "range start off by one", call
    for index, keyword in enumerate(node.keywords):
        if keyword.arg in ("axis", "keepdims"):
            call = copy.deepcopy(node)
            del call.keywords[index]
            yield f"{keyword.arg} left out", call
        if keyword.arg == "axis" and isinstance(keyword.value, (ast.Constant, ast.UnaryOp)):
            for new in (0, 1, -1):
                call = copy.deepcopy(node)
                call.keywords[index].value = ast.Constant(new)
                if ast.unparse(call) != ast.unparse(node):
                    yield "axis swapped", call


def _statement_lists(tree: ast.AST) -> Iterator[tuple[ast.AST, str, list[ast.stmt], bool]]:
    for node in ast.walk(tree):
        for name in ("body", "orelse"):
            body = getattr(node, name, None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                yield node, name, body, isinstance(node, (ast.For, ast.While))


class _Replace(ast.NodeTransformer):
    def __init__(self, target: int, replacement: ast.AST):
        self.target, self.replacement, self.count = target, replacement, -1

    def generic_visit(self, node: ast.AST) -> ast.AST:
        self.count += 1
        if self.count == self.target:
            return copy.deepcopy(self.replacement)
        return super().generic_visit(node)


def _compile(tree: ast.FunctionDef, function: Callable[..., Any], extra: dict[str, Any] | None = None) -> Callable:
    module = ast.Module([tree], type_ignores=[])
    ast.fix_missing_locations(module)
    namespace = dict(function.__globals__)
    namespace.update(extra or {})
    exec(compile(module, f"<mutant of {function.__name__}>", "exec"), namespace)  # noqa: S102 - test tooling
    return namespace[tree.name]


def _line(tree: ast.FunctionDef, node: ast.AST) -> int:
    return getattr(node, "lineno", tree.lineno) - tree.lineno


def mutants(function: Callable[..., Any], first_case_args: dict[str, Any],
            constants: list[Any], objects: bool = False) -> Iterator[tuple[str, Callable[..., Any]]]:
    """Every mutant of ``function``. ``first_case_args`` maps argument names to their values in the
    first case (an "ignored" argument is fixed to it); ``constants`` are outputs to return as-is;
    ``objects`` adds the mutations of an answer that builds a Keras object (see the module's doc)."""
    original = _source_tree(function)
    nodes = list(_walk(original))
    in_body = {id(n) for statement in original.body for n in _walk(statement)}  # not the signature
    for index, node in enumerate(nodes):
        if id(node) not in in_body:
            continue
        alternatives = list(_expression_alternatives(node))
        if objects:
            alternatives += list(_object_alternatives(node))
        for kind, replacement in alternatives:
            tree = _Replace(index, replacement).visit(copy.deepcopy(original))
            text = f"line {_line(original, node)}: {kind}: `{ast.unparse(node)}` → `{ast.unparse(replacement)}`"
            yield text, _compile(tree, function)
    # Statements: one dropped or done twice (in a loop: one step of it).
    for s_index, (owner, field, body, in_loop) in enumerate(list(_statement_lists(original))):
        for position, statement in enumerate(body):
            if isinstance(statement, ast.Return) or (len(body) == 1 and not in_loop):
                continue
            for kind in ("dropped", "done twice") if in_loop or isinstance(statement, ast.AugAssign) else ("dropped",):
                tree = copy.deepcopy(original)
                target_body = getattr(list(_statement_lists(tree))[s_index][0], field)
                if kind == "dropped":
                    del target_body[position]
                    if not target_body:
                        target_body.append(ast.Pass())
                else:
                    target_body.insert(position, copy.deepcopy(target_body[position]))
                where = "loop statement" if in_loop else "statement"
                yield (f"line {_line(original, statement)}: {where} {kind}: `{ast.unparse(statement)}`",
                       _compile(tree, function))
    # Arguments ignored: fixed to the first case's value, or to the default.
    signature = inspect.signature(function)
    for name, parameter in signature.parameters.items():
        fixes = []
        if name in first_case_args:
            fixes.append(("its value in the first case", first_case_args[name]))
        if parameter.default is not inspect.Parameter.empty:
            fixes.append(("its default", parameter.default))
        for why, value in fixes:
            tree = copy.deepcopy(original)
            tree.body.insert(0, ast.parse(f"{name} = __fixed__").body[0])
            yield f"argument `{name}` ignored (always {why})", _compile(tree, function, {"__fixed__": value})
    for index, value in enumerate(constants):
        yield f"returns case {index + 1}'s expected output for every input", _constant(value)


def _walk(tree: ast.AST) -> Iterator[ast.AST]:
    """Nodes in the order :class:`_Replace` counts them (pre-order, as NodeTransformer visits)."""
    yield tree
    for _, value in ast.iter_fields(tree):
        if isinstance(value, list):
            for item in value:
                if isinstance(item, ast.AST):
                    yield from _walk(item)
        elif isinstance(value, ast.AST):
            yield from _walk(value)


def _constant(value: Any) -> Callable[..., Any]:
    def constant(*args: Any, **kwargs: Any) -> Any:
        return copy.deepcopy(value)

    return constant
