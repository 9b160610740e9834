"""One cell's source, understood once: marks, Python tree, problems, def/use facts.

A :class:`CellParse` depends only on the source text, so the analyzer caches it by source and
re-analysing a notebook after one edit parses one cell. What depends on the cell's role
(parameters, metrics, the export split) is derived from it on demand and memoised on it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cached_property

from .data_inputs import DataRead, data_reads
from .docstrings import bind_docstrings
from .flow import CellFacts, cell_facts
from .ipython_syntax import to_python
from .mutation import is_display_call, is_display_only
from .tags import SourceMarks, parse_source_marks

__all__ = ["CellParse", "CellProblem", "ExportSplit", "parse_cell"]

_DEFINITIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True, slots=True)
class CellProblem:
    """A problem inside one cell; ``line`` is 1-based in the cell's source."""

    severity: str
    code: str
    message: str
    line: int | None


@dataclass(frozen=True, slots=True)
class ExportSplit:
    """A cell's code as export needs it: hoistable imports, the rest, the display tail."""

    imports: tuple[str, ...]
    body: str
    display_only: str | None


@dataclass(eq=False)
class CellParse:
    """The source-only analysis of one cell.

    No syntax tree is kept: thousands of cached trees would make every garbage collection walk
    hundreds of thousands of nodes. What later stages need is computed here once; the rare
    callers needing a tree (parameters, export) re-parse :attr:`code` with :meth:`syntax_tree`.
    """

    source: str
    marks: SourceMarks
    ok: bool  # the cell parsed (it may still hold warnings or magic errors)
    line_offset: int  # line in the cell = line in ``code`` + line_offset (when not transformed)
    transformed: bool  # IPython syntax was rewritten: ``code`` is regenerated Python
    code: str  # the cell as plain Python (the body as written when not transformed)
    problems: tuple[CellProblem, ...]
    facts: CellFacts | None
    empty: bool = False  # parsed, and not a single statement (blank, comments only)
    definitions_only: bool = False  # imports, def/class, docstrings, UPPER_CASE literals
    assigned_names: tuple[str, ...] = ()  # top-level assigned (or printed) names: metrics
    data_reads: tuple[DataRead, ...] = ()  # files the cell reads (see data_inputs)

    def syntax_tree(self) -> ast.Module | None:
        """A fresh tree of :attr:`code` (``None`` when the cell does not parse)."""
        return ast.parse(self.code) if self.ok else None

    @cached_property
    def export_split(self) -> ExportSplit:
        """Imports to hoist, the remaining body, and a trailing display-only expression.

        ``display(...)`` lines showing values are dropped too: IPython's display writes nothing
        on stdout in the notebook, and the package has no IPython to display with.
        """
        return self.split_keeping(frozenset())

    def split_keeping(self, names: frozenset[str], doc: bool = False) -> ExportSplit:
        """:attr:`export_split`, but imports binding one of ``names`` stay in the body (the
        step binds those names locally too, so a hoisted import would be hidden). With
        ``doc``, top-level strings that set ``__doc__`` in IPython become assignments to it."""
        code = self.code
        tree = self.syntax_tree()
        if tree is None:
            return ExportSplit((), code, None)
        if doc and (bound := bind_docstrings(code, tree)) is not code:
            code, tree = bound, ast.parse(bound)
        statements = tree.body
        imports = [
            s
            for s in statements
            if isinstance(s, (ast.Import, ast.ImportFrom)) and not names.intersection(_bound(s))
        ]
        last = statements[-1] if statements else None
        tail = last if isinstance(last, ast.Expr) and is_display_only(last.value) else None
        displays = [s for s in statements if is_display_call(s)]
        dropped = [*imports, *displays, *([tail] if tail is not None else [])]
        kept = [s for s in statements if not any(s is d for d in dropped)]
        body = _remove_statements(code, statements, dropped, kept)
        shown = ast.get_source_segment(code, tail) if tail is not None else None
        return ExportSplit(tuple(ast.unparse(s) for s in imports), body, shown)


def parse_cell(source: str) -> CellParse:
    """Parse one cell's source; never raises."""
    marks = parse_source_marks(source)
    try:
        return _parse_body(source, marks)
    except (RecursionError, MemoryError):
        # Python's own parser and compiler give up on such code too.
        message = "syntax error: code nested too deeply to analyse; split it into several lines"
        problem = CellProblem("error", "syntax-error", message, marks.body_line_offset + 1)
        return CellParse(source, marks, False, 0, False, marks.body, (problem,), None)


def _parse_body(source: str, marks: SourceMarks) -> CellParse:
    python = to_python(marks.body)
    tree = python.tree
    offset = marks.body_line_offset + python.leading_lines
    problems = [CellProblem(m.severity, m.code, m.message, m.line) for m in marks.problems]
    for problem in python.problems:
        line = problem.line + marks.body_line_offset
        problems.append(CellProblem(problem.severity, problem.code, problem.message, line))
    if tree is None:
        return CellParse(source, marks, False, offset, False, marks.body, tuple(problems), None)
    facts = cell_facts(tree, offset)
    for code, message, line in facts.problems:
        problems.append(CellProblem("error", code, message, line))
    return CellParse(
        source=source,
        marks=marks,
        ok=True,
        line_offset=offset,
        transformed=python.transformed,
        code=ast.unparse(tree) if python.transformed else marks.body,
        problems=tuple(problems),
        facts=facts,
        empty=not tree.body,
        definitions_only=not facts.star_imports and all(map(_is_definition, tree.body)),
        assigned_names=_assigned_names(tree),
        data_reads=data_reads(tree),
    )


def _assigned_names(tree: ast.Module) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for statement in tree.body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets = list(statement.targets)
        elif isinstance(statement, (ast.AugAssign, ast.AnnAssign)):
            targets = [statement.target]
        elif isinstance(statement, ast.Expr):
            targets = _shown_names(statement.value)
        for target in targets:
            for node in ast.walk(target):
                if isinstance(node, ast.Name):
                    names[node.id] = None
    return tuple(names)


def _is_definition(statement: ast.stmt) -> bool:
    if isinstance(statement, (*_DEFINITIONS, ast.Pass)):
        return True
    if isinstance(statement, ast.Expr):
        return isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str)
    if isinstance(statement, (ast.Assign, ast.AnnAssign)):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        if statement.value is None or not all(_constant_name(t) for t in targets):
            return False
        try:
            ast.literal_eval(statement.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return False
        return True
    return False


is_definition = _is_definition  # imports, def/class, docstrings, UPPER_CASE literals


def _constant_name(target: ast.expr) -> bool:
    """``MAX_ROWS`` or ``__all__``: names that say "constant" by convention."""
    if not isinstance(target, ast.Name):
        return False
    name = target.id
    return (name.isupper() and any(c.isalpha() for c in name)) or name == "__all__"


def _shown_names(value: ast.expr) -> list[ast.expr]:
    """Kale's metrics cells print names: ``print(acc)`` or a bare ``acc`` names a metric."""
    if isinstance(value, ast.Name):
        return [value]
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id == "print"
    ):
        return [a for a in value.args if isinstance(a, ast.Name)]
    return []


def _remove_statements(
    code: str, statements: list[ast.stmt], dropped: list[ast.stmt], kept: list[ast.stmt]
) -> str:
    if not dropped:
        return _strip_directives(code)
    kept_lines = {n for s in kept for n in range(s.lineno, (s.end_lineno or s.lineno) + 1)}
    dropped_lines = {n for s in dropped for n in range(s.lineno, (s.end_lineno or s.lineno) + 1)}
    if kept_lines & dropped_lines:
        # Statements share a line (`import os; x = 1`): regenerate instead of cutting lines.
        return "\n".join(ast.unparse(s) for s in kept)
    lines = code.split("\n")
    remaining = [line for n, line in enumerate(lines, 1) if n not in dropped_lines]
    return _strip_directives("\n".join(remaining)).strip("\n")


def _strip_directives(code: str) -> str:
    lines = code.split("\n")
    start = 0
    while start < len(lines) and (
        not lines[start].strip() or lines[start].lstrip().startswith("#|")
    ):
        start += 1
    return "\n".join(lines[start:])


def _bound(statement: ast.Import | ast.ImportFrom) -> set[str]:
    return {(a.asname or a.name).split(".")[0] for a in statement.names}
