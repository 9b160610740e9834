"""Control flow at a cell's top level: what is bound for sure, and what only maybe.

Branches (``if``, ``match``, ``try``) are analysed from copies of the state and merged: a name
is surely bound after them only if every path binds it. Loop bodies may run zero times, and
names bound anywhere in a loop body may already be bound on a later iteration.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .scopes import FuncInfo

__all__ = ["ControlFlow", "FlowState"]

VALUE = "value"


class FlowState:
    """What is bound at one point of a cell: surely, maybe, with kinds and functions."""

    __slots__ = ("must", "may", "kinds", "funcs", "deleted", "undone")

    def __init__(self) -> None:
        self.must: set[str] = set()
        self.may: set[str] = set()
        self.kinds: dict[str, str] = {}
        self.funcs: dict[str, FuncInfo] = {}
        self.deleted: set[str] = set()
        # Deleted on some path and not surely bound again since: maybe unbound here, whatever
        # an earlier cell bound (`del x` in a branch, or `del x` then `if c: x = 1`).
        self.undone: set[str] = set()

    def copy(self) -> FlowState:
        """An independent copy, for one branch."""
        other = FlowState()
        other.must, other.may = set(self.must), set(self.may)
        other.kinds, other.funcs = dict(self.kinds), dict(self.funcs)
        other.deleted = set(self.deleted)
        other.undone = set(self.undone)
        return other

    @staticmethod
    def merge(states: list[FlowState]) -> FlowState:
        """The state after branches: surely bound only if bound on every path."""
        merged = states[0].copy()
        for other in states[1:]:
            merged.must &= other.must
            merged.may |= other.may
            merged.kinds.update(other.kinds)
            merged.funcs.update(other.funcs)
            merged.deleted &= other.deleted
            merged.undone |= other.undone
        return merged


class ControlFlow(ast.NodeVisitor):
    """Statement handlers for branches and loops; the subclass supplies the events."""

    state: FlowState
    _snapshot: object
    _loop_depth: int
    # Inside a compound statement's body (its imports are not hoisted), and inside a part that
    # may not run (a branch, a loop body, a try): reads there are not sure to happen.
    _nested: int = 0
    _conditional: int = 0

    def _bind(self, name: str, kind: str, must: bool = True, info: FuncInfo | None = None) -> None:
        raise NotImplementedError  # provided by the cell visitor

    def _assign_target(self, target: ast.expr) -> None:
        self.visit(target)

    def _block(self, statements: list[ast.stmt], conditional: bool = True) -> None:
        self._nested += 1
        self._conditional += conditional
        for statement in statements:
            self.visit(statement)
        self._conditional -= conditional
        self._nested -= 1

    def visit_If(self, node: ast.If) -> None:
        self.visit(node.test)
        before = self.state
        self.state = before.copy()
        self._block(node.body)
        after_body = self.state
        self.state = before.copy()
        self._block(node.orelse)
        self.state = FlowState.merge([after_body, self.state])

    def _loop(self, body: list[ast.stmt], orelse: list[ast.stmt], bind: ast.expr | None) -> None:
        before = self.state
        self.state = before.copy()
        # Names bound anywhere in the body may already be bound on a later iteration.
        self.state.may |= _bound_in(body)
        self._snapshot = None
        if bind is not None:
            self._assign_target(bind)
        self._loop_depth += 1
        self._block(body)
        self._loop_depth -= 1
        self.state = FlowState.merge([before, self.state])
        self._block(orelse)

    def visit_While(self, node: ast.While) -> None:
        self.visit(node.test)
        self._loop(node.body, node.orelse, None)

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self.visit(item.optional_vars)
        # The body runs, but a context manager may swallow an exception raised in it
        # (`contextlib.suppress`, `pytest.raises`): what the body binds after that point is
        # bound only maybe, as after a `try` whose handler does nothing.
        before = self.state
        self.state = before.copy()
        self._block(node.body, conditional=False)
        self.state = FlowState.merge([self.state, _partly(before, self.state)])

    visit_AsyncWith = visit_With  # type: ignore[assignment]

    def visit_Try(self, node: ast.Try) -> None:
        before = self.state
        self.state = before.copy()
        self._block(node.body)
        after_body = self.state
        self._block(node.orelse)
        outcomes = [self.state]
        for handler in node.handlers:
            # A handler may start after any part of the body ran.
            self.state = _partly(before, after_body)
            if handler.type is not None:
                self.visit(handler.type)
            if handler.name:
                self._bind(handler.name, VALUE)
            self._block(handler.body)
            if handler.name:
                # Python deletes the `except ... as name` variable when the handler ends.
                self.state.must.discard(handler.name)
                self.state.may.discard(handler.name)
                self._snapshot = None
            outcomes.append(self.state)
        self.state = FlowState.merge(outcomes)
        self._block(node.finalbody, conditional=False)

    visit_TryStar = visit_Try  # type: ignore[assignment]

    def visit_Match(self, node: ast.Match) -> None:
        self.visit(node.subject)
        before = self.state
        outcomes = []
        irrefutable = False
        for case in node.cases:
            self.state = before.copy()
            self.visit(case.pattern)
            if case.guard is not None:
                self.visit(case.guard)
            self._block(case.body)
            outcomes.append(self.state)
            pattern = case.pattern
            if isinstance(pattern, ast.MatchAs) and pattern.pattern is None and case.guard is None:
                irrefutable = True
        if not irrefutable:
            outcomes.append(before)
        self.state = FlowState.merge(outcomes)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        self.generic_visit(node)
        if node.name:
            self._bind(node.name, VALUE)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self._bind(node.name, VALUE)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        self.generic_visit(node)
        if node.rest:
            self._bind(node.rest, VALUE)


def _bound_in(body: list[ast.stmt]) -> set[str]:
    names: set[str] = set()
    for statement in body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _partly(before: FlowState, after: FlowState) -> FlowState:
    """The state where a block that led from ``before`` to ``after`` may have stopped part-way
    (an exception): what it binds is maybe bound, what it deletes maybe unbound."""
    state = before.copy()
    state.may |= after.may
    state.kinds.update(after.kinds)
    state.funcs.update(after.funcs)
    state.undone |= after.undone
    return state
