"""A static scan of a student's answer cells for code that tampers instead of answering.

It flags, without running anything: using the course's own implementation
(``reference(...)``, importing ``dlcourse.nn`` or any other ``dlcourse`` module), ``runpy``,
starting processes (``subprocess``, ``os.system``, ``os.fork``, ``os.setsid``), ``getattr`` on a
module, opening the course's notebooks, assigning to attributes of imported modules
(``np.allclose = ...``), ``setattr``/``delattr`` on modules, ``sys.modules``, ``exec``,
``eval``, ``compile``, ``__import__``, ``importlib``, importing the checker
(``dlcourse.exercises``), redefining ``check``/``hint``/``progress``, reaching into the kernel
(``get_ipython``, IPython magics, input history), stack and memory tricks (``inspect``,
``sys._getframe``, ``gc``, ``ctypes``), ending the process (``sys.exit``, ``os._exit``) and
touching ``builtins``. A flag is a prompt for the instructor to look, not a verdict: the score
comes from the answers' outputs, judged outside the sandbox, and the sandbox records at run time
where each answer object comes from and which files and processes the code reached for, so
aliases made without ``import`` are caught there. See the threat model in ``docs/instructor.md``.
"""

from __future__ import annotations

import ast

__all__ = ["scan_source", "scan_sources"]

_CHECKER_NAMES = {"check", "hint", "progress"}
_DANGEROUS_CALLS = {
    "exec": "exec", "eval": "eval", "compile": "compile", "__import__": "__import__",
    "setattr": "setattr", "delattr": "setattr", "get_ipython": "ipython", "globals": "globals",
    "vars": "globals", "exit": "exit", "quit": "exit", "breakpoint": "ipython",
    "reference": "uses-course-code", "getattr": "getattr", "open": "files",
}
_DANGEROUS_MODULES = {"importlib": "importlib", "ctypes": "ctypes", "gc": "gc", "inspect": "inspect",
                      "builtins": "builtins", "IPython": "ipython", "signal": "signal",
                      "threading": "threads", "multiprocessing": "subprocess", "subprocess": "subprocess",
                      "runpy": "runpy", "pty": "subprocess", "socket": "network", "shutil": "files"}
_DANGEROUS_ATTRIBUTES = {("sys", "modules"): "sys.modules", ("sys", "exit"): "exit", ("os", "_exit"): "exit",
                         ("sys", "_getframe"): "inspect", ("sys", "settrace"): "inspect",
                         ("sys", "setprofile"): "inspect", ("sys", "stdout"): "stdout", ("os", "kill"): "exit",
                         ("os", "abort"): "exit", ("sys", "displayhook"): "stdout",
                         ("sys", "excepthook"): "stdout", ("os", "system"): "subprocess",
                         ("os", "fork"): "subprocess", ("os", "forkpty"): "subprocess", ("os", "popen"): "subprocess",
                         ("os", "setsid"): "subprocess", ("os", "posix_spawn"): "subprocess",
                         ("os", "execv"): "subprocess", ("os", "execl"): "subprocess", ("os", "spawnv"): "subprocess",
                         ("os", "killpg"): "exit", ("os", "remove"): "files", ("os", "unlink"): "files",
                         ("os", "rename"): "files", ("os", "replace"): "files"}
_HISTORY_NAMES = {"_ih", "_oh", "In", "Out", "__builtins__", "_i", "_ii", "_iii"}


def _ipython_to_python(source: str) -> tuple[str, bool]:
    """Turn IPython syntax (``%magic``, ``!shell``) into Python; returns (code, used_magics)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager  # noqa: PLC0415
    except ImportError:
        return source, False
    code = TransformerManager().transform_cell(source)
    return code, "get_ipython()" in code and "get_ipython" not in source


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.value if not isinstance(node, ast.Call) else node.func
    return node.id if isinstance(node, ast.Name) else None


class _Scanner(ast.NodeVisitor):
    def __init__(self) -> None:
        self.modules: dict[str, str] = {"np": "numpy", "numpy": "numpy", "sys": "sys", "os": "os",
                                        "math": "math", "dlcourse": "dlcourse"}
        self.flags: list[str] = []

    def flag(self, code: str, node: ast.AST, detail: str) -> None:
        text = f"{code}: {detail} (line {getattr(node, 'lineno', '?')})"
        if text not in self.flags:
            self.flags.append(text)

    # imports
    def _import(self, module: str, alias: str | None, node: ast.AST) -> None:
        top = module.split(".")[0]
        if module.startswith("dlcourse.exercises") or module == "dlcourse" and alias in _CHECKER_NAMES:
            self.flag("imports-checker", node, f"imports {module}")
        elif top == "dlcourse":
            self.flag("uses-course-code", node, f"imports {module}")
        if top in _DANGEROUS_MODULES:
            self.flag(_DANGEROUS_MODULES[top], node, f"imports {module}")
        if alias:
            self.modules[alias] = module
            if alias in _CHECKER_NAMES:
                self.flag("redefines-check", node, f"binds the name {alias!r}")

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._import(alias.name, alias.asname or alias.name.split(".")[0], node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        for alias in node.names:
            full = f"{module}.{alias.name}"
            if module.startswith("dlcourse.exercises") or full.startswith("dlcourse.exercises"):
                self.flag("imports-checker", node, f"imports {full}")
            elif module.split(".")[0] == "dlcourse":
                self.flag("uses-course-code", node, f"imports {full}")
            if module.split(".")[0] in _DANGEROUS_MODULES:
                self.flag(_DANGEROUS_MODULES[module.split(".")[0]], node, f"imports {full}")
            if (module, alias.name) in {("sys", "modules"), ("os", "_exit"), ("sys", "exit")}:
                self.flag(_DANGEROUS_ATTRIBUTES[(module, alias.name)], node, f"imports {full}")
            bound = alias.asname or alias.name
            if bound in _CHECKER_NAMES:
                self.flag("redefines-check", node, f"binds the name {bound!r}")
            if bound == "*":
                self.flag("import-star", node, f"from {module} import *")

    # definitions and assignments
    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if node.name in _CHECKER_NAMES:
            self.flag("redefines-check", node, f"defines {node.name}()")
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if node.name in _CHECKER_NAMES:
            self.flag("redefines-check", node, f"defines class {node.name}")
        self.generic_visit(node)

    def _target(self, target: ast.AST, node: ast.AST) -> None:
        if isinstance(target, ast.Name) and target.id in _CHECKER_NAMES:
            self.flag("redefines-check", node, f"assigns to {target.id}")
        elif isinstance(target, (ast.Attribute, ast.Subscript)):
            root = _root_name(target)
            if root in self.modules:
                self.flag("patches-module", node, f"assigns to {ast.unparse(target)}")
        elif isinstance(target, (ast.Tuple, ast.List)):
            for item in target.elts:
                self._target(item, node)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._target(target, node)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._target(node.target, node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._target(node.target, node)
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._target(target, node)
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        for name in node.names:
            if name in _CHECKER_NAMES:
                self.flag("redefines-check", node, f"declares global {name}")

    # uses
    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id in _DANGEROUS_CALLS:
            code = _DANGEROUS_CALLS[node.func.id]
            first = node.args[0] if node.args else None
            if code in ("setattr", "getattr"):
                worth = first is None or _root_name(first) in self.modules or not isinstance(first, ast.Name) \
                    if code == "setattr" else first is not None and _root_name(first) in self.modules
            elif code == "files":  # open() is fine, unless it names the course's files
                worth = "solutions" in ast.unparse(node) or ".ipynb" in ast.unparse(node)
            else:
                worth = True
            if worth:
                self.flag(code, node, f"calls {node.func.id}()")
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.value, ast.Name):
            module = self.modules.get(node.value.id, node.value.id)
            key = (module.split(".")[0], node.attr)
            if key in _DANGEROUS_ATTRIBUTES:
                self.flag(_DANGEROUS_ATTRIBUTES[key], node, f"uses {node.value.id}.{node.attr}")
            if module.startswith("dlcourse") and node.attr == "exercises":
                self.flag("imports-checker", node, f"uses {node.value.id}.exercises")
        if node.attr.startswith("__") and node.attr.endswith("__") and node.attr in {
                "__globals__", "__code__", "__builtins__", "__dict__", "__closure__", "__class__",
                "__subclasses__", "__bases__", "__mro__"}:
            self.flag("introspection", node, f"uses .{node.attr}")
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in _HISTORY_NAMES:
            self.flag("ipython", node, f"uses {node.id}")
        self.generic_visit(node)


def scan_source(source: str) -> list[str]:
    """Flags for one cell's source, e.g. ``["patches-module: assigns to np.allclose (line 3)"]``."""
    code, magics = _ipython_to_python(source)
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        return [f"syntax-error: line {exc.lineno}: {exc.msg}"]
    scanner = _Scanner()
    if magics:
        scanner.flags.append("ipython: uses IPython magics or shell commands")
    scanner.visit(tree)
    return scanner.flags


def scan_sources(sources: dict[str, str]) -> list[str]:
    """Flags for several cells, each prefixed with the exercise whose cell it is."""
    return [f"{name}: {flag}" for name, source in sources.items() for flag in scan_source(source)]
