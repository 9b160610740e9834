"""``from module import *`` resolved statically: the names it binds, read from the module's source.

The module is found the way ``import`` would find it — importlib's path finder over the
notebook's folder and ``sys.path`` — but never imported: its source is parsed. The names are its
``__all__`` when that is a literal (``__all__ = [...]``, ``+=``, ``.extend``, ``.append``), else
its public top-level names (those not starting with ``_``, its own star imports followed).
Results are cached per module file, keyed by its path, size and modification time, so a new
version of the module is read again. ``None`` means the names cannot be known (no source, an
extension module, a computed ``__all__``, a relative import outside a package).
"""

from __future__ import annotations

import ast
import os
import sys
import threading
from importlib.machinery import PathFinder
from typing import Any

__all__ = ["StarNames", "star_names"]

StarNames = frozenset[str] | None
_MAX_DEPTH = 8  # star imports followed inside modules without __all__

_lock = threading.Lock()
_cache: dict[tuple[str, int, int], StarNames] = {}
_sources: dict[tuple[str, tuple[str, ...], tuple[str, ...]], str] = {}


def star_names(module: str, folders: tuple[str, ...] = ()) -> StarNames:
    """The names ``from module import *`` binds; ``folders`` are searched before sys.path
    (the notebook's folder: the kernel runs there)."""
    if module.startswith("."):
        return None  # a notebook is not part of a package
    path = _source_of(module, folders)
    if path is None:
        return None
    return _names_in_file(module, path, folders, 0)


def _source_of(module: str, folders: tuple[str, ...]) -> str | None:
    key = (module, folders, tuple(sys.path))
    found = _sources.get(key)
    if found is not None and os.path.isfile(found):
        return found
    found = _find_source(module, folders)
    if found is not None:
        with _lock:
            _sources[key] = found
    return found


def _find_source(module: str, folders: tuple[str, ...]) -> str | None:
    search: list[str] = [*folders, *(p or os.getcwd() for p in sys.path)]
    spec: Any = None
    parts = module.split(".")
    for depth in range(len(parts)):
        name = ".".join(parts[: depth + 1])
        try:
            spec = PathFinder.find_spec(name, search)
        except (ImportError, ValueError, OSError):
            return None
        if spec is None:
            return None
        if depth < len(parts) - 1:
            if not spec.submodule_search_locations:
                return None
            search = list(spec.submodule_search_locations)
    origin = getattr(spec, "origin", None)
    if not origin or not origin.endswith(".py") or not os.path.isfile(origin):
        return None  # an extension module, a namespace package: no source to read
    return origin


def _names_in_file(module: str, path: str, folders: tuple[str, ...], depth: int) -> StarNames:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (path, stat.st_size, stat.st_mtime_ns)
    with _lock:
        if key in _cache:
            return _cache[key]
    names = _read(module, path, folders, depth)
    with _lock:
        _cache[key] = names
    return names


def _read(module: str, path: str, folders: tuple[str, ...], depth: int) -> StarNames:
    try:
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    declared = _literal_all(tree)
    if declared is not False:
        return declared  # a literal __all__ (or None: a computed one)
    collector = _TopLevel()
    for statement in tree.body:
        collector.visit(statement)
    names = {n for n in collector.names if not n.startswith("_")}
    for level, target in collector.stars:
        if depth >= _MAX_DEPTH:
            return None
        absolute = _absolute(module, path, level, target)
        found = None
        if absolute is not None:
            source = _source_of(absolute, folders)
            found = _names_in_file(absolute, source, folders, depth + 1) if source else None
        if found is None:
            return None
        names |= found
    return frozenset(names)


def _absolute(module: str, path: str, level: int, target: str) -> str | None:
    if not level:
        return target
    package = module if os.path.basename(path) == "__init__.py" else module.rpartition(".")[0]
    for _ in range(level - 1):
        package = package.rpartition(".")[0]
    if not package:
        return None
    return f"{package}.{target}" if target else package


def _literal_all(tree: ast.Module) -> frozenset[str] | None | bool:
    """The module's literal ``__all__``; ``None`` if computed; ``False`` if it has none."""
    names: list[str] | None = None
    for statement in ast.walk(tree):
        if isinstance(statement, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if not any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                continue
            value = _strings(statement.value)
            if value is None:
                return None
            names = value if names is None or isinstance(statement, ast.Assign) else names + value
        elif isinstance(statement, ast.Call) and _is_all_method(statement.func):
            if names is None or len(statement.args) != 1:
                return None
            method = statement.func.attr  # type: ignore[attr-defined]
            argument = statement.args[0]
            value = _strings(ast.List([argument])) if method == "append" else _strings(argument)
            if value is None:
                return None
            names += value
    return False if names is None else frozenset(names)


def _is_all_method(func: ast.expr) -> bool:
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id == "__all__"
        and func.attr in ("append", "extend")
    )


def _strings(node: ast.expr | None) -> list[str] | None:
    if isinstance(node, ast.List | ast.Tuple) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return [e.value for e in node.elts]  # type: ignore[attr-defined]
    return None


class _TopLevel(ast.NodeVisitor):
    """Names a module's top level binds (inside if/try/with/for too, not in functions)."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.stars: list[tuple[int, str]] = []

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.names.add(node.name)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.names.add(node.name)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        """Its parameters are its own."""

    def _comprehension(self, node: ast.AST) -> None:
        """Comprehension targets are local to it (a walrus inside is rare at module level)."""

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store):
            self.names.add(node.id)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.names.add(alias.asname or alias.name.split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name == "*":
                self.stars.append((node.level or 0, node.module or ""))
            else:
                self.names.add(alias.asname or alias.name)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.names.add(node.name)
        self.generic_visit(node)
