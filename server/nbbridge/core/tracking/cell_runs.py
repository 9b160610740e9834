"""What a ``%%track`` cell logs and shows, decided without a kernel: its metrics and params by
name, each metric's direction, and the change against the previous and the best run.

- Metrics: the numeric names the cell binds at its top level (module scope: inside ``if``,
  ``with``, ``try`` and loop bodies too, never a loop's own variable or a function's locals).
- Params: the names the notebook's ``parameters`` cell assigns (papermill's convention).
- Direction: higher is better, unless the name says loss, error, mse, mae, rmse or time.
"""

from __future__ import annotations

import ast
import json
import math
import numbers
from pathlib import Path
from typing import Any

__all__ = [
    "MINIMIZED_WORDS",
    "bound_names",
    "compare_metrics",
    "direction",
    "metric_value",
    "parameter_names",
]

MINIMIZED_WORDS = ("loss", "error", "mse", "mae", "rmse", "time")
_SCOPED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _targets(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Tuple | ast.List):
        return [name for element in node.elts for name in _targets(element)]
    if isinstance(node, ast.Starred):
        return _targets(node.value)
    return []


def bound_names(code: str) -> list[str]:
    """Names bound by assignment at the cell's top level, in order, once each."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    found: list[str] = []
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop(0)
        if isinstance(node, _SCOPED):
            continue
        if isinstance(node, ast.Assign):
            found += [n for target in node.targets for n in _targets(target)]
        elif isinstance(node, ast.AugAssign | ast.AnnAssign) and (
            not isinstance(node, ast.AnnAssign) or node.value is not None
        ):
            found += _targets(node.target)
        for field in ("body", "orelse", "finalbody", "handlers"):
            pending += [c for c in getattr(node, field, []) if isinstance(c, ast.stmt)]
        if isinstance(node, ast.Try | ast.TryStar):
            pending += [s for h in node.handlers for s in h.body]
        if isinstance(node, ast.Match):
            pending += [s for case in node.cases for s in case.body]
    return list(dict.fromkeys(found))


def metric_value(value: Any) -> float | None:
    """``value`` as a metric: a finite real number (numpy's too), never a bool."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def direction(name: str, minimize: frozenset[str] = frozenset()) -> str:
    """``min`` when lower is better for metric ``name``, else ``max``."""
    if name in minimize:
        return "min"
    lowered = name.lower()
    return "min" if any(word in lowered for word in MINIMIZED_WORDS) else "max"


def parameter_names(notebook: Path) -> list[str]:
    """The names the notebook's ``parameters`` cell assigns (none when it has no such cell)."""
    try:
        data = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    cells = data.get("cells") if isinstance(data, dict) else None
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        tags = (cell.get("metadata") or {}).get("tags") or []
        if "parameters" not in tags:
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        return bound_names(source)
    return []


def compare_metrics(
    current: dict[str, float],
    earlier: list[tuple[str, dict[str, float]]],
    minimize: frozenset[str] = frozenset(),
) -> dict[str, dict[str, Any]]:
    """Per metric: its value, direction, the previous run's value and the best earlier one
    (``earlier`` is (run id, metrics) newest first), the changes, and whether it is a new best."""
    rows: dict[str, dict[str, Any]] = {}
    for name, value in sorted(current.items()):
        way = direction(name, minimize)
        row: dict[str, Any] = {"value": value, "direction": way}
        previous = next(((rid, m[name]) for rid, m in earlier if name in m), None)
        if previous is not None:
            row.update(previous_run=previous[0], previous=previous[1])
            row["delta_previous"] = value - previous[1]
        candidates = [(m[name], rid) for rid, m in earlier if name in m]
        if candidates:
            best_value, best_run = (min if way == "min" else max)(candidates)
            row.update(best=best_value, best_run=best_run, delta_best=value - best_value)
            row["is_best"] = value <= best_value if way == "min" else value >= best_value
        else:
            row["is_best"] = True
        rows[name] = row
    return rows
