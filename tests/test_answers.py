"""The answers written twice agree: the solution notebooks' Keras and Playground answer cells, and
the references in ``dlcourse/exercises/lessonNN.py``.

Plain NumPy answers are generated from the solution notebooks into ``dlcourse/exercises/answers/``
(one source). The answers that build a Keras model or a Playground configuration are not: they
need TensorFlow or the lesson's own helpers (lesson 10's ``compiled``), so each exercise keeps a
reference of its own, which the checks, ``reference()`` and the lesson's later cells use. This
file runs every such answer cell as the notebook does (with the imports, helper functions and
``keras = import_keras()`` of the cells before it) and proves that it makes the same thing as the
package's reference: the same description (layers, units, activations, regularizers, dropout,
loss, optimizer, learning rate, metrics), the same Keras layer and compile configuration, the same
callback settings, the same Playground settings. Changing one without the other fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from dlcourse.exercises.core import all_exercises, get_exercise
from dlcourse.exercises.notebooks import ANSWER, cell_role, read, tag_cells

REPO = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO / "course" / "solutions"
#: The exercises whose reference is written in the package as well as in the notebook.
TWICE = ["08.build_model", "09.build_relu_model", "10.build_l2_model", "10.build_dropout_model",
         "10.early_stopping", "11.xor_few_neurons", "11.spiral", "11.cure_overfitting", "11.choose_optimizer"]


def _free_names(tree: ast.AST) -> set[str]:
    bound = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    bound |= {node.arg for node in ast.walk(tree) if isinstance(node, ast.arg)}
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)} - bound


def notebook_answer(name: str) -> Any:
    """What the solution notebook's answer cell of exercise ``name`` binds to the exercise's target.

    Runs the imports of the cells before it, and the function definitions and assignments of
    the names the answer needs (never a training cell), then the answer cell itself.
    """
    exercise = get_exercise(name)
    notebook = next(SOLUTIONS.glob(f"{exercise.lesson}_*.ipynb"))
    nb = read(notebook)
    tag_cells(nb)
    cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    index = next(i for i, cell in enumerate(cells) if cell_role(cell) == (ANSWER, name))
    answer = ast.parse(cells[index].source)
    before = [node for cell in cells[:index] for node in ast.parse(cell.source).body]
    needed = _free_names(answer)
    chosen: list[ast.stmt] = []
    for node in reversed(before):  # the last definition of a name wins, as in the notebook
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            chosen.append(node)
        elif isinstance(node, ast.FunctionDef) and node.name in needed:
            chosen.append(node)
            needed |= _free_names(node)
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in needed for t in node.targets):
            chosen.append(node)
            needed |= _free_names(node.value)
    namespace: dict[str, Any] = {}
    exec(compile(ast.Module(body=list(reversed(chosen)), type_ignores=[]), str(notebook), "exec"), namespace)  # noqa: S102
    exec(compile(answer, str(notebook), "exec"), namespace)  # noqa: S102
    return namespace[exercise.target]


def test_every_reference_not_generated_from_a_notebook_is_compared_here():
    written_twice = sorted(e.name for e in all_exercises()
                           if not e.reference.__module__.startswith("dlcourse.exercises.answers."))
    assert written_twice == sorted(TWICE)


def _without_instance_details(value: Any) -> Any:
    """A description without what differs between two builds of the same model: layer names,
    the randomly initialized weights and the outputs they give."""
    if isinstance(value, dict):
        return {k: _without_instance_details(v) for k, v in value.items() if k not in ("name", "weights", "probe")}
    if isinstance(value, list):
        return [_without_instance_details(v) for v in value]
    return value


def _layer_configs(model: Any) -> list[dict[str, Any]]:
    return [{k: v for k, v in layer.get_config().items() if k != "name"} for layer in model.layers]


def _compile_config(model: Any) -> dict[str, Any]:
    config = model.get_compile_config()
    config["optimizer"]["config"].pop("name")  # adam, adam_1, ...: a counter, not a setting
    return config


@pytest.mark.parametrize("name", ["08.build_model", "09.build_relu_model", "10.build_l2_model",
                                  "10.build_dropout_model"])
def test_the_notebook_builds_the_packages_model(name):
    exercise = get_exercise(name)
    ours, theirs = notebook_answer(name), exercise.reference
    assert _without_instance_details(exercise.describe(ours)) == _without_instance_details(exercise.describe(theirs))
    mine, reference = ours(), theirs()
    assert _layer_configs(mine) == _layer_configs(reference)
    assert _compile_config(mine) == _compile_config(reference)


def test_the_notebook_configures_the_packages_early_stopping():
    exercise = get_exercise("10.early_stopping")
    ours, theirs = notebook_answer("10.early_stopping"), exercise.reference()
    assert exercise.describe(ours) == exercise.describe(theirs)
    settings = ("monitor", "patience", "min_delta", "mode", "baseline", "restore_best_weights", "start_from_epoch")
    assert {s: getattr(ours, s) for s in settings} == {s: getattr(theirs, s) for s in settings}


@pytest.mark.parametrize("name", ["11.xor_few_neurons", "11.spiral", "11.cure_overfitting", "11.choose_optimizer"])
def test_the_notebook_chooses_the_packages_playground_settings(name):
    exercise = get_exercise(name)
    assert notebook_answer(name).to_dict() == exercise.reference().to_dict()


def test_the_comparison_tells_two_models_apart():
    """The description compared above is not blind: the L2 and the dropout networks differ in it."""
    l2, dropout = get_exercise("10.build_l2_model"), get_exercise("10.build_dropout_model")
    assert _without_instance_details(l2.describe(l2.reference)) != \
        _without_instance_details(dropout.describe(dropout.reference))
