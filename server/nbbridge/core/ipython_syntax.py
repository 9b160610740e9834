"""IPython syntax → plain Python, with every magic kept, dropped or refused (see magic_rules).

Valid Python is parsed as is: IPython's input transformer leaves it unchanged, and skipping the
transformer for such cells makes analysis several times faster. Only cells that do not parse go
through ``TransformerManager().transform_cell``, which turns ``%time x = f()``, ``!pip ...``,
``x = !ls`` and ``obj?`` into ``get_ipython()`` calls; those calls are then rewritten: wrapped
code is spliced back in (so its names count), the rest is removed.

Line numbers in the returned tree are relative to the text given; ``leading_lines`` says how
many blank lines IPython removed first, so callers can map back to the cell.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

from IPython.core.inputtransformer2 import TransformerManager

from .magic_rules import (
    DROP,
    UNSUPPORTED,
    WRAP,
    classify_cell_magic,
    classify_line_magic,
    classify_shell,
)

__all__ = ["PythonCode", "SyntaxProblem", "to_python"]

_MAGIC_METHODS = {"run_line_magic", "run_cell_magic", "system", "getoutput", "magic"}


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """A syntax error or a magic decision; ``line`` is relative to the text given."""

    severity: str
    code: str
    message: str
    line: int


@dataclass(slots=True)
class PythonCode:
    """The result of turning one cell body into Python."""

    tree: ast.Module | None
    leading_lines: int = 0
    transformed: bool = False
    problems: list[SyntaxProblem] = field(default_factory=list)


@lru_cache(maxsize=1)
def _transformer() -> TransformerManager:
    return TransformerManager()


def to_python(text: str) -> PythonCode:
    """Parse ``text`` as IPython input; never raises."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as error:
        first_error = error
    else:
        if "get_ipython" not in text:
            return PythonCode(tree)
        return _rewrite(tree, 0)  # explicit get_ipython().run_line_magic(...) calls
    try:
        with warnings.catch_warnings():
            # IPython warns about odd line endings (\r, \x0b) it then handles anyway.
            warnings.simplefilter("ignore")
            transformed = _transformer().transform_cell(text)
    except Exception:  # IPython raises various errors on malformed input; report the parse error
        return PythonCode(None, problems=[_syntax_problem(first_error, 0)])
    leading = _leading_blank_lines(text)
    try:
        tree = ast.parse(transformed)
    except (SyntaxError, ValueError) as error:
        if transformed.strip() == text.strip():
            return PythonCode(None, problems=[_syntax_problem(first_error, 0)])
        return PythonCode(None, leading, problems=[_syntax_problem(error, leading)])
    return _rewrite(tree, leading)


def _rewrite(tree: ast.Module, leading: int) -> PythonCode:
    rewriter = _MagicRewriter()
    tree = rewriter.visit(tree)
    ast.fix_missing_locations(tree)
    problems = [
        SyntaxProblem(p.severity, p.code, p.message, p.line + leading) for p in rewriter.problems
    ]
    return PythonCode(tree, leading, transformed=True, problems=problems)


def _syntax_problem(error: Exception, offset: int) -> SyntaxProblem:
    if isinstance(error, SyntaxError):
        line = (error.lineno or 1) + offset
        message = f"syntax error: {error.msg}"
        if error.text and error.text.strip():
            message += f": {error.text.strip()[:80]}"
    else:
        line, message = 1 + offset, f"syntax error: {error}"
    return SyntaxProblem("error", "syntax-error", message, line)


def _leading_blank_lines(text: str) -> int:
    count = 0
    for line in text.split("\n"):
        if line.strip():
            break
        count += 1
    return count


def _magic_call(node: ast.AST) -> tuple[str, list[str]] | None:
    """``(method, string arguments)`` if ``node`` is ``get_ipython().method("...", ...)``."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    owner = node.func.value
    if not (
        isinstance(owner, ast.Call)
        and isinstance(owner.func, ast.Name)
        and owner.func.id == "get_ipython"
        and node.func.attr in _MAGIC_METHODS
    ):
        return None
    arguments = [a.value for a in node.args if isinstance(a, ast.Constant)]
    if len(arguments) != len(node.args) or not all(isinstance(a, str) for a in arguments):
        return None
    return node.func.attr, arguments


class _MagicRewriter(ast.NodeTransformer):
    """Replaces ``get_ipython()`` calls by the code they wrap, or removes them."""

    def __init__(self) -> None:
        self.problems: list[SyntaxProblem] = []

    def _decide(self, method: str, arguments: list[str], line: int) -> tuple[str, str, str]:
        """``(action, wrapped code, display form)`` after recording any problem."""
        if method in {"system", "getoutput"}:
            command = arguments[0] if arguments else ""
            shown = f"!{command}"
            action, why = classify_shell(command)
            if method == "getoutput" and action == DROP:
                action, why = UNSUPPORTED, "captures shell output the exported package would lack"
            code = ""
        elif method == "run_cell_magic" and len(arguments) >= 3:
            name, argument, code = arguments[0], arguments[1], arguments[2]
            shown = f"%%{name} {argument}".rstrip()
            action, why = classify_cell_magic(name)
        elif len(arguments) >= 2:
            name, code = arguments[0], arguments[1]
            shown = f"%{name} {code}".rstrip()
            action, why = classify_line_magic(name, code)
        else:
            shown, action, why, code = "get_ipython()", UNSUPPORTED, "is not understood", ""
        if action == DROP:
            message = f"`{shown}` {why}; it is left out of the pipeline"
            self.problems.append(SyntaxProblem("warning", "magic-dropped", message, line))
        elif action == UNSUPPORTED:
            message = f"`{shown}` {why}; the pipeline cannot include it (tag the cell skip?)"
            self.problems.append(SyntaxProblem("error", "magic-unsupported", message, line))
        return action, code, shown

    def visit_Expr(self, node: ast.Expr) -> ast.AST | list[ast.stmt] | None:
        found = _magic_call(node.value)
        if found is None:
            return self.generic_visit(node)
        method, arguments = found
        action, code, _ = self._decide(method, arguments, node.lineno)
        if action != WRAP or not code.strip():
            return None
        body_line = node.lineno if method == "run_line_magic" else node.lineno + 1
        statements = self._wrapped_statements(code, body_line) or []
        if method == "run_cell_magic" and arguments[0] == "capture":
            # `%%capture out` binds `out` to the captured output.
            names = [w for w in arguments[1].split() if not w.startswith("-")]
            if names and names[0].isidentifier():
                target = ast.Name(id=names[0], ctx=ast.Store())
                binding = ast.Assign(targets=[target], value=ast.Constant(value=None))
                statements.insert(0, ast.copy_location(binding, node))
        return statements or None

    def visit_Call(self, node: ast.Call) -> ast.AST:
        found = _magic_call(node)
        if found is None:
            return self.generic_visit(node)
        method, arguments = found
        action, code, _ = self._decide(method, arguments, node.lineno)
        if action == WRAP and method == "run_line_magic":
            try:
                expression = ast.parse(code.strip(), mode="eval").body
            except SyntaxError:
                expression = None
            if expression is not None:
                ast.increment_lineno(expression, node.lineno - 1)
                return expression
        return ast.copy_location(ast.Constant(value=None), node)

    def _wrapped_statements(self, code: str, first_line: int) -> list[ast.stmt] | None:
        inner = to_python(code)
        offset = first_line - 1
        for problem in inner.problems:
            self.problems.append(
                SyntaxProblem(
                    problem.severity, problem.code, problem.message, problem.line + offset
                )
            )
        if inner.tree is None:
            return None
        ast.increment_lineno(inner.tree, offset + inner.leading_lines)
        return inner.tree.body or None

    def generic_visit(self, node: ast.AST) -> ast.AST:
        # Keep blocks non-empty when all their statements were magics that got removed.
        super().generic_visit(node)
        if not isinstance(node, ast.Module):
            block = getattr(node, "body", None)
            if isinstance(block, list) and not block:
                block.append(ast.copy_location(ast.Pass(), node))
        return node
