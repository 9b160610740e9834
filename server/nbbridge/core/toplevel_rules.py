"""Statements a cell's top level allows in IPython but a step function (or Python) does not.

A mixin of the cell visitor (:mod:`.flow`): ``return``, ``yield``, ``nonlocal`` and ``break``
outside a loop are syntax errors Python reports only when compiling a function body, and
top-level ``await`` runs in IPython but not in the exported step; each becomes a problem with
its line.
"""

from __future__ import annotations

import ast

__all__ = ["TopLevelRules"]


class TopLevelRules(ast.NodeVisitor):
    problems: list[tuple[str, str, int]]
    _loop_depth: int

    def _line(self, node: ast.AST) -> int:
        raise NotImplementedError  # provided by the cell visitor

    def _problem(self, node: ast.AST, message: str) -> None:
        self.problems.append(("syntax-error", f"syntax error: {message}", self._line(node)))

    def _await_problem(self, node: ast.AST, what: str) -> None:
        message = (
            f"{what} at the top level of a cell runs in IPython, but an exported step is a plain "
            "function, where it is a syntax error; put the code in an async function and run it "
            "with asyncio.run(...)"
        )
        self.problems.append(("top-level-await", message, self._line(node)))

    def visit_Await(self, node: ast.Await) -> None:
        self._await_problem(node, "`await`")
        self.generic_visit(node)

    def visit_Yield(self, node: ast.Yield | ast.YieldFrom) -> None:
        self._problem(node, "'yield' outside function")
        self.generic_visit(node)

    visit_YieldFrom = visit_Yield  # type: ignore[assignment]

    def visit_Global(self, node: ast.Global) -> None:
        """``global`` at the top level of a cell changes nothing."""

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self._problem(node, "nonlocal declaration not allowed at module level")

    def visit_Return(self, node: ast.Return) -> None:
        self._problem(node, "'return' outside function")
        self.generic_visit(node)

    def visit_Break(self, node: ast.Break | ast.Continue) -> None:
        if not self._loop_depth:
            keyword = "break" if isinstance(node, ast.Break) else "continue"
            self._problem(node, f"'{keyword}' outside loop")

    visit_Continue = visit_Break  # type: ignore[assignment]
