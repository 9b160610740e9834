"""String statements at a cell's top level: in IPython they set the notebook's ``__doc__``.

IPython compiles each top-level statement of a cell as a module of its own, and Python stores a
module's leading string as ``__doc__``; so every top-level string statement binds ``__doc__``,
except one ending the cell, which IPython runs interactively (it is displayed, not stored). A
jupytext conversion of a gallery script starts with such a cell (the script's docstring, then
``print(__doc__)`` and imports). In a step function the same string would be a plain
expression, so the export writes the binding out: ``__doc__ = '...'``.
"""

from __future__ import annotations

import ast

__all__ = ["DOC", "bind_docstrings", "docstring_statements"]

DOC = "__doc__"


def docstring_statements(body: list[ast.stmt]) -> list[ast.Expr]:
    """The top-level statements of a cell that bind ``__doc__`` when IPython runs it."""
    found = [
        s
        for s in body
        if isinstance(s, ast.Expr)
        and isinstance(s.value, ast.Constant)
        and isinstance(s.value.value, str)
    ]
    if found and body[-1] is found[-1]:
        found.pop()  # the cell's last expression is displayed, not stored
    return found


def bind_docstrings(code: str, tree: ast.Module) -> str:
    """``code`` with each statement of :func:`docstring_statements` turned into an assignment
    to ``__doc__`` (line numbers unchanged)."""
    statements = docstring_statements(tree.body)
    if not statements:
        return code
    lines = code.split("\n")
    for statement in reversed(statements):  # right to left: earlier offsets stay valid
        index = statement.lineno - 1
        raw = lines[index].encode("utf-8")
        # ast offsets count UTF-8 bytes
        head = raw[: statement.col_offset].decode("utf-8")
        lines[index] = f"{head}{DOC} = {lines[index][len(head):]}"
    return "\n".join(lines)
