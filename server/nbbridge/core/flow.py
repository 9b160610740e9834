"""Def/use of one cell's top-level code, in execution order, flow-sensitively.

The result (:class:`CellFacts`) says which names the cell reads before binding them ("open"
reads), which it binds for sure (``must``) or maybe (``may``: in a branch, a loop, a ``try``),
which it deletes, which it changes in place, and the functions/classes it defines with the
globals they carry. Reads made by calling a function defined in the same cell are expanded
here; functions from other cells are expanded by the dataflow pass, which is why each open read
keeps a snapshot of what was bound at that point.
"""

from __future__ import annotations

import ast

from .docstrings import DOC, docstring_statements
from .facts import CellFacts, Read
from .flow_control import ControlFlow, FlowState
from .mutation import alias_roots, call_mutates, is_display_call, iteration_roots, root_name
from .scopes import FuncInfo, analyze_class, analyze_function, target_names
from .toplevel_rules import TopLevelRules

__all__ = ["CellFacts", "Read", "cell_facts"]

IMPORT, VALUE, FUNCTION, CLASS = "import", "value", "function", "class"


def cell_facts(tree: ast.Module, line_offset: int = 0) -> CellFacts:
    """Analyse ``tree``; lines in the result are its line numbers plus ``line_offset``."""
    visitor = _Flow(line_offset)
    docstrings = docstring_statements(tree.body)
    for statement in tree.body:
        if docstrings and statement is docstrings[0]:
            docstrings.pop(0)
            visitor._bind(DOC, VALUE)  # IPython stores it as the module docstring
            continue
        if is_display_call(statement):
            # A display(...) line is dropped from the export (it prints nothing on stdout in
            # the notebook either): its arguments are read, IPython's display is not needed.
            for argument in statement.value.args:  # type: ignore[attr-defined]
                visitor.visit(argument)
            continue
        visitor.visit(statement)
    state = visitor.state
    kinds = {n: k for n, k in state.kinds.items() if n in state.may}
    functions = {n: f for n, f in state.funcs.items() if n in state.may}
    imports = frozenset(n for n, k in kinds.items() if k == IMPORT)
    return CellFacts(
        reads=tuple(visitor.reads),
        must=frozenset(state.must),
        may=frozenset(state.may),
        deleted=frozenset(state.deleted),
        unbound=frozenset(state.undone - state.deleted - state.must),
        kinds=kinds,
        functions=functions,
        mutated=visitor.mutated,
        star_imports=tuple(visitor.star_imports),
        problems=tuple(visitor.problems),
        imports=imports,
        values=frozenset(kinds) - imports,
        plain=frozenset(kinds) - frozenset(functions),
        local=frozenset(visitor.local_names),
        aliases={n: r for n, r in visitor._aliases.items() if n in state.may} or None,
        global_writers=tuple(visitor.global_writers),
        hoisted=frozenset(visitor.hoisted),
    )


class _Flow(TopLevelRules, ControlFlow):
    def __init__(self, line_offset: int) -> None:
        self.offset = line_offset
        self._state = FlowState()
        self.reads: list[Read] = []
        self._seen: set[str] = set()
        # Frozen copies of (must, may) shared by consecutive reads until the state changes.
        self._snapshot: tuple[frozenset[str], frozenset[str]] | None = None
        self.mutated: dict[str, int] = {}
        self.star_imports: list[tuple[str, int]] = []
        self.problems: list[tuple[str, str, int]] = []
        self._comprehension_targets: list[set[str]] = []
        # Names that refer to (part of) another object: `m` in `for m in models`, `a` in
        # `a = df` or `a = rows[0]`. Changing `m` in place changes `models` too.
        self._aliases: dict[str, frozenset[str]] = {}
        self._loop_roots: frozenset[str] = frozenset()
        self._expanding: set[str] = set()
        self._loop_depth = 0
        self.local_names: set[str] = set()
        self.global_writers: list[tuple[str, FuncInfo]] = []
        self.hoisted: set[str] = set()

    @property
    def state(self) -> FlowState:
        return self._state

    @state.setter
    def state(self, value: FlowState) -> None:
        self._state = value
        self._snapshot = None

    # --- primitive events ------------------------------------------------------------------

    def _line(self, node: ast.AST) -> int:
        return getattr(node, "lineno", 1) + self.offset

    def _read(self, name: str, line: int, via: str | None = None) -> None:
        for targets in self._comprehension_targets:
            if name in targets:
                return
        state = self.state
        if name not in state.must and name not in self._seen:
            self._seen.add(name)
            if self._snapshot is None:
                self._snapshot = (frozenset(state.must), frozenset(state.may))
            must, may = self._snapshot
            sure = not self._conditional and via is None
            self.reads.append(Read(name, line, name in state.may, must, may, via, sure))
        info = state.funcs.get(name)
        if info is not None and name not in self._expanding:
            self._expand(name, info, line)

    def _expand(self, name: str, info: FuncInfo, line: int) -> None:
        """Reading a function or class name: treat it as called here (it may be, later)."""
        self._expanding.add(name)
        for free in info.free:
            self._read(free, line, via=name)
        for changed in info.mutates:
            self._read(changed, line, via=name)
            self._mutate(changed, line)
        for assigned in sorted(info.assigns):
            self._bind(assigned, VALUE, must=True)
        self._expanding.discard(name)

    def _bind(self, name: str, kind: str, must: bool = True, info: FuncInfo | None = None) -> None:
        state = self.state
        self._snapshot = None
        self._aliases.pop(name, None)
        if kind != IMPORT:
            self.local_names.add(name)
        else:
            self.hoisted.add(name)
        state.may.add(name)
        if must:
            state.must.add(name)
            state.undone.discard(name)
        state.kinds[name] = kind
        state.deleted.discard(name)
        if info is not None:
            state.funcs[name] = info
        else:
            state.funcs.pop(name, None)

    def _mutate(self, name: str, line: int) -> None:
        for targets in self._comprehension_targets:
            if name in targets:
                return
        for root in self._aliases.get(name, ()):
            self._mutate_one(root, line)
        self._mutate_one(name, line)

    def _mutate_one(self, name: str, line: int) -> None:
        state = self.state
        if name in state.may and state.kinds.get(name) == IMPORT:
            return  # `np.random.seed(0)` after `import numpy as np` in this cell: not data
        if name not in state.must:
            self.mutated.setdefault(name, line)

    # --- expressions -----------------------------------------------------------------------

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self._read(node.id, self._line(node))
        elif isinstance(node.ctx, ast.Store):
            self._bind(node.id, VALUE, must=not self._comprehension_targets)

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self.visit(node.test)
        self._conditional += 1
        self.visit(node.body)
        self.visit(node.orelse)
        self._conditional -= 1

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        self.visit(node.values[0])
        self._conditional += 1  # `a and b`: b is evaluated only when a is true
        for value in node.values[1:]:
            self.visit(value)
        self._conditional -= 1

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        # A walrus binds in the cell's scope, even inside a comprehension (then only maybe).
        self._bind(node.target.id, VALUE, must=not self._comprehension_targets)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if not isinstance(node.ctx, ast.Load):
            root = root_name(node)
            if root is not None:
                self._read(root.id, self._line(root))
                self._mutate(root.id, self._line(root))
        self.generic_visit(node)

    visit_Subscript = visit_Attribute  # type: ignore[assignment]

    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        root = call_mutates(node)
        if root is not None:
            self._mutate(root.id, self._line(root))

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._arguments(node.args)
        self._expand("<lambda>", analyze_function(node), self._line(node))

    def _comprehension(self, node: ast.expr, parts: list[ast.expr]) -> None:
        generators: list[ast.comprehension] = node.generators  # type: ignore[attr-defined]
        self.visit(generators[0].iter)
        targets: set[str] = set()
        for generator in generators:
            targets.update(target_names(generator.target))
        self._comprehension_targets.append(targets)
        self._conditional += 1  # the rest runs once per element, maybe never
        for index, generator in enumerate(generators):
            if index:
                self.visit(generator.iter)
            for condition in generator.ifs:
                self.visit(condition)
        for part in parts:
            self.visit(part)
        self._conditional -= 1
        self._comprehension_targets.pop()

    def visit_ListComp(self, node: ast.ListComp) -> None:
        self._comprehension(node, [node.elt])

    visit_SetComp = visit_ListComp  # type: ignore[assignment]
    visit_GeneratorExp = visit_ListComp  # type: ignore[assignment]

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self._comprehension(node, [node.key, node.value])

    # --- definitions -----------------------------------------------------------------------

    def _arguments(self, args: ast.arguments) -> None:
        for default in (*args.defaults, *(d for d in args.kw_defaults if d is not None)):
            self.visit(default)
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if arg is not None and arg.annotation is not None:
                self.visit(arg.annotation)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self._arguments(node.args)
        if node.returns is not None:
            self.visit(node.returns)
        info = analyze_function(node).shifted(self.offset)
        if info.assigns:
            self.global_writers.append((node.name, info))
        self._bind(node.name, FUNCTION, info=info)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for expr in (*node.decorator_list, *node.bases, *(k.value for k in node.keywords)):
            self.visit(expr)
        at_definition, methods = analyze_class(node)
        for name, line in at_definition.items():
            self._read(name, line + self.offset)
        info = methods.shifted(self.offset)
        if info.assigns:
            self.global_writers.append((node.name, info))
        self._bind(node.name, CLASS, info=info)

    # --- statements ------------------------------------------------------------------------

    def visit_Assign(self, node: ast.Assign) -> None:
        value = node.value
        if isinstance(value, ast.Lambda) and all(isinstance(t, ast.Name) for t in node.targets):
            self._arguments(value.args)
            info = analyze_function(value).shifted(self.offset)
            for target in node.targets:
                self._bind(target.id, FUNCTION, info=info)  # type: ignore[attr-defined]
            return
        self.visit(value)
        for target in node.targets:
            self.visit(target)
        roots = alias_roots(value, self._aliases)
        named = [target.id for target in node.targets if isinstance(target, ast.Name)]
        if roots or len(named) > 1:
            for name in named:
                # `a = b = []`: one object under both names; `box = box` (a name among its
                # own roots) keeps whatever the name referred to before.
                self._aliases[name] = roots | frozenset(named)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        if isinstance(node, ast.AsyncFor):
            self._await_problem(node, "`async for`")
        self.visit(node.iter)
        self._loop_roots = iteration_roots(node.iter, self._aliases)
        self._loop(node.body, node.orelse, node.target)

    visit_AsyncFor = visit_For  # type: ignore[assignment]

    def _assign_target(self, target: ast.expr) -> None:
        self.visit(target)
        roots, self._loop_roots = self._loop_roots, frozenset()
        if roots:
            for name in target_names(target):
                if name not in roots:
                    self._aliases[name] = roots

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        target = node.target
        if isinstance(target, ast.Name):
            self._read(target.id, self._line(target))
            self.visit(node.value)
            # `xs += [1]` extends a list in place: the object (and its aliases) changes.
            self._mutate(target.id, self._line(target))
            self._bind(target.id, VALUE)
        else:
            self.visit(target)
            self.visit(node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
        self.visit(node.annotation)
        if isinstance(node.target, ast.Name):
            if node.value is not None:
                self._bind(node.target.id, VALUE)
        else:
            self.visit(node.target)

    def _import_kind(self) -> str:
        # Only top-level imports are hoisted to the module; one inside an if/try/with block
        # stays in the step function and binds a local value like an assignment.
        return IMPORT if not self._nested else VALUE

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._bind(alias.asname or alias.name.split(".")[0], self._import_kind())

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name == "*":
                module = "." * (node.level or 0) + (node.module or "")
                self.star_imports.append((module, self._line(node)))
            else:
                self._bind(alias.asname or alias.name, self._import_kind())

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            for name_node in _deleted_names(target):
                self._read(name_node.id, self._line(name_node))
                self.local_names.add(name_node.id)
                state = self.state
                self._snapshot = None
                state.must.discard(name_node.id)
                state.may.discard(name_node.id)
                state.funcs.pop(name_node.id, None)
                state.deleted.add(name_node.id)
                state.undone.add(name_node.id)
            if not isinstance(target, (ast.Name, ast.Tuple, ast.List)):
                self.visit(target)

    def visit_AsyncWith(self, node: ast.AsyncWith) -> None:
        self._await_problem(node, "`async with`")
        self.visit_With(node)


def _deleted_names(target: ast.expr) -> list[ast.Name]:
    if isinstance(target, ast.Name):
        return [target]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _deleted_names(element)]
    return []
