"""The parameters cell (papermill's convention): literal assignments → typed parameters.

``n_estimators = 100`` gives a parameter of type ``int`` with default ``100``. Anything that is
not a literal assignment (``path = os.path.join(...)``, ``print(x)``) cannot become a typed
parameter: it is reported (``parameters-not-literal``) and its names still count as defined.
"""

from __future__ import annotations

import ast
import json
import math
from dataclasses import dataclass
from typing import Any

from .cellparse import CellParse, CellProblem

__all__ = ["ParameterValue", "extract_parameters"]

_TYPE_NAMES = {
    bool: "bool",
    int: "int",
    float: "float",
    str: "str",
    list: "list",
    dict: "dict",
    tuple: "tuple",
    type(None): "None",
}


@dataclass(frozen=True, slots=True)
class ParameterValue:
    """A parameter found in a parameters cell; ``default`` is JSON data."""

    name: str
    type: str
    default: Any
    line: int


def extract_parameters(parse: CellParse) -> tuple[list[ParameterValue], list[CellProblem]]:
    """Typed parameters of one parameters cell, and problems for what is not a literal."""
    tree = parse.syntax_tree()
    if tree is None:
        return [], []
    # Lines of a regenerated (magic-rewritten) cell do not map back; point at its first line.
    offset = parse.line_offset if not parse.transformed else None
    found: list[ParameterValue] = []
    problems: list[CellProblem] = []
    for statement in tree.body:
        line = statement.lineno + offset if offset is not None else parse.line_offset + 1
        if isinstance(statement, (ast.Import, ast.ImportFrom, ast.Pass)):
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # a docstring or a bare string: harmless
        pairs = _literal_pairs(statement)
        if pairs is None:
            snippet = ast.unparse(statement).split("\n")[0][:60]
            problems.append(
                CellProblem(
                    "warning",
                    "parameters-not-literal",
                    f"`{snippet}` in the parameters cell is not a literal assignment "
                    "(a number, string, bool, None, list, tuple or dict), so it cannot be a "
                    "typed parameter; its names are still defined for the pipeline",
                    line,
                )
            )
            continue
        for name, value in pairs:
            found.append(ParameterValue(name, _TYPE_NAMES[type(value)], _to_json(value), line))
    return found, problems


def _literal_pairs(statement: ast.stmt) -> list[tuple[str, Any]] | None:
    if isinstance(statement, ast.Assign):
        targets, value_node = statement.targets, statement.value
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        targets, value_node = [statement.target], statement.value
    else:
        return None
    value = _literal(value_node)
    if value is _NOT_LITERAL:
        return None
    pairs: list[tuple[str, Any]] = []
    for target in targets:
        if isinstance(target, ast.Name):
            pairs.append((target.id, value))
        elif isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (tuple, list)):
            if len(target.elts) != len(value) or not all(
                isinstance(e, ast.Name) for e in target.elts
            ):
                return None
            pairs.extend((e.id, v) for e, v in zip(target.elts, value, strict=True))  # type: ignore[attr-defined]
        else:
            return None
    return pairs


_NOT_LITERAL = object()


def _literal(node: ast.expr) -> Any:
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _NOT_LITERAL
    return value if _json_safe(value) else _NOT_LITERAL


def _json_safe(value: Any) -> bool:
    if value is None or isinstance(value, (bool, int, str)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, (list, tuple)):
        return all(_json_safe(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_safe(v) for k, v in value.items())
    return False  # sets, bytes, complex numbers have no JSON form


def _to_json(value: Any) -> Any:
    return json.loads(json.dumps(value))
