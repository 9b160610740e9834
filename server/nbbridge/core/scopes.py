"""Free names of functions, lambdas and classes: what they read from the notebook's globals.

A function body is not run where it is defined, so its reads happen where it is called. This
module computes, for one ``def``/``lambda``/``class``, the global names its body reads (with
the line of the first read), the globals it assigns through ``global`` and the globals it
changes in place (``xs.append`` on a global ``xs``). Python's scope rules are followed:
assignments anywhere in a function make the name local, comprehension targets are local to the
comprehension while a walrus inside one binds in the function, nested functions and classes
pass their free names outwards, and a class body's names are not visible to its methods.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .mutation import call_mutates, root_name

__all__ = ["FuncInfo", "analyze_class", "analyze_function", "target_names"]


@dataclass(frozen=True, slots=True)
class FuncInfo:
    """What calling (or instantiating) a definition reads and writes among the globals."""

    free: dict[str, int]
    assigns: frozenset[str] = frozenset()
    mutates: dict[str, int] = field(default_factory=dict)
    is_class: bool = False
    line: int = 0

    def shifted(self, offset: int) -> FuncInfo:
        """The same, with every line moved by ``offset`` (a cell's lines, not its code's)."""
        if not offset:
            return self
        return FuncInfo(
            {n: line + offset for n, line in self.free.items()},
            self.assigns,
            {n: line + offset for n, line in self.mutates.items()},
            self.is_class,
            self.line + offset,
        )


def target_names(target: ast.expr) -> list[str]:
    """Names bound by an assignment target (``a, (b, *c)`` → a, b, c); not attributes."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        names: list[str] = []
        for element in target.elts:
            names.extend(target_names(element))
        return names
    if isinstance(target, ast.Starred):
        return target_names(target.value)
    return []


def analyze_function(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> FuncInfo:
    """Globals read/assigned/changed by calling ``node`` (its decorators and defaults excluded)."""
    scope = _Scope()
    args = node.args
    for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
        if arg is not None:
            scope.bound.add(arg.arg)
    if isinstance(node, ast.Lambda):
        scope.visit(node.body)
    else:
        for statement in node.body:
            scope.visit(statement)
    return scope.result(line=node.lineno)


def analyze_class(node: ast.ClassDef) -> tuple[dict[str, int], FuncInfo]:
    """Split a class into what its body reads when defined, and what its methods carry.

    Returns ``(reads_at_definition, methods_info)``; decorators, bases and keywords are not
    included (the caller reads them in the enclosing scope).
    """
    body = _Scope(class_body=True)
    for statement in node.body:
        body.visit(statement)
    at_definition = {n: line for n, line in body.loads.items() if n not in body.bound}
    methods = FuncInfo(
        free=dict(body.method_free),
        assigns=frozenset(body.nested_assigns),
        mutates=dict(body.method_mutates),
        is_class=True,
        line=node.lineno,
    )
    return at_definition, methods


class _Scope(ast.NodeVisitor):
    """Collects bindings and loads of one function (or class body) scope."""

    def __init__(self, class_body: bool = False) -> None:
        self.class_body = class_body
        self.bound: set[str] = set()
        self.declared_global: set[str] = set()
        self.declared_nonlocal: set[str] = set()
        self.loads: dict[str, int] = {}
        self.mutated: dict[str, int] = {}
        self.nested_assigns: set[str] = set()
        # In a class body, methods close over the enclosing scope, not over the class's names.
        self.method_free: dict[str, int] = {}
        self.method_mutates: dict[str, int] = {}
        self._comprehension_targets: list[set[str]] = []

    def result(self, line: int) -> FuncInfo:
        local = self.bound - self.declared_global
        hidden = local | self.declared_nonlocal
        free = {n: ln for n, ln in self.loads.items() if n not in hidden}
        mutates = {n: ln for n, ln in self.mutated.items() if n not in hidden}
        assigns = (self.bound & self.declared_global) | self.nested_assigns
        return FuncInfo(free, frozenset(assigns), mutates, line=line)

    # --- names -----------------------------------------------------------------------------

    def _load(self, name: str, line: int) -> None:
        for targets in self._comprehension_targets:
            if name in targets:
                return
        if name not in self.loads:
            self.loads[name] = line

    def _mutate(self, node: ast.Name) -> None:
        for targets in self._comprehension_targets:
            if node.id in targets:
                return
        self.mutated.setdefault(node.id, node.lineno)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self._load(node.id, node.lineno)
        else:
            self.bound.add(node.id)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name):
            self._load(node.target.id, node.target.lineno)
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        self.declared_global.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.declared_nonlocal.update(node.names)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.bound.add(alias.asname or alias.name.split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name != "*":
                self.bound.add(alias.asname or alias.name)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.bound.add(node.name)
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name:
            self.bound.add(node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self.bound.add(node.name)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest:
            self.bound.add(node.rest)
        self.generic_visit(node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        # A walrus binds in the enclosing function even inside a comprehension.
        self.bound.add(node.target.id)

    # --- in-place changes ------------------------------------------------------------------

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if not isinstance(node.ctx, ast.Load):
            root = root_name(node)
            if root is not None:
                self._mutate(root)
        self.generic_visit(node)

    visit_Subscript = visit_Attribute  # type: ignore[assignment]

    def visit_Call(self, node: ast.Call) -> None:
        root = call_mutates(node)
        if root is not None:
            self._mutate(root)
        self.generic_visit(node)

    # --- nested scopes ---------------------------------------------------------------------

    def _nested(self, info: FuncInfo) -> None:
        target_free = self.method_free if self.class_body else None
        for name, line in info.free.items():
            if target_free is not None:
                target_free.setdefault(name, line)
            else:
                self._load(name, line)
        for name, line in info.mutates.items():
            if self.class_body:
                self.method_mutates.setdefault(name, line)
            else:
                self.mutated.setdefault(name, line)
        self.nested_assigns |= info.assigns

    def _definition_header(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for expr in node.decorator_list:
            self.visit(expr)
        self._arguments(node.args)
        if node.returns is not None:
            self.visit(node.returns)

    def _arguments(self, args: ast.arguments) -> None:
        for default in (*args.defaults, *(d for d in args.kw_defaults if d is not None)):
            self.visit(default)
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if arg is not None and arg.annotation is not None:
                self.visit(arg.annotation)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._definition_header(node)
        self.bound.add(node.name)
        self._nested(analyze_function(node))

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._arguments(node.args)
        info = analyze_function(node)
        # Conservatively, a lambda is taken as called where it is written (map, sorted, apply).
        for name, line in info.free.items():
            self._load(name, line)
        for name, line in info.mutates.items():
            self.mutated.setdefault(name, line)
        self.nested_assigns |= info.assigns

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for expr in (*node.decorator_list, *node.bases, *(k.value for k in node.keywords)):
            self.visit(expr)
        self.bound.add(node.name)
        at_definition, methods = analyze_class(node)
        for name, line in at_definition.items():
            self._load(name, line)
        for name, line in methods.free.items():
            self._load(name, line)
        for name, line in methods.mutates.items():
            self.mutated.setdefault(name, line)
        self.nested_assigns |= methods.assigns

    def _comprehension(self, node: ast.expr, parts: list[ast.expr]) -> None:
        generators: list[ast.comprehension] = node.generators  # type: ignore[attr-defined]
        self.visit(generators[0].iter)  # evaluated in the enclosing scope
        targets: set[str] = set()
        for generator in generators:
            targets.update(target_names(generator.target))
        self._comprehension_targets.append(targets)
        for index, generator in enumerate(generators):
            if index:
                self.visit(generator.iter)
            for condition in generator.ifs:
                self.visit(condition)
        for part in parts:
            self.visit(part)
        self._comprehension_targets.pop()

    def visit_ListComp(self, node: ast.ListComp) -> None:
        self._comprehension(node, [node.elt])

    visit_SetComp = visit_ListComp  # type: ignore[assignment]
    visit_GeneratorExp = visit_ListComp  # type: ignore[assignment]

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self._comprehension(node, [node.key, node.value])
