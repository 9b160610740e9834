"""Plain-text views of a Pipeline: the CLI's default output and the magics' text/plain fallback.

Pure string building (no rich, no terminal queries), so the same table shows in a terminal, a
notebook's plain-text output and a test's assertion.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from .model import Pipeline, Problem

__all__ = ["render_pipeline", "render_problems", "render_table"]

# Long cell-id lists would push the other columns off screen; the JSON output has them all.
_MAX_CELL_IDS = 4


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A left-aligned text table with a header rule; columns as wide as their widest entry."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(value))

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out.extend(line(row) for row in rows)
    return "\n".join(out)


def _names(names: Sequence[str]) -> str:
    return ", ".join(names) if names else "-"


def _cells(cell_ids: Sequence[str]) -> str:
    if len(cell_ids) <= _MAX_CELL_IDS:
        return ", ".join(cell_ids)
    shown = ", ".join(cell_ids[: _MAX_CELL_IDS - 1])
    return f"{shown} (+{len(cell_ids) - _MAX_CELL_IDS + 1} more)"


def _where(problem: Problem) -> str:
    if problem.cell_id is None:
        return "-"
    if problem.line is None:
        return f"cell {problem.cell_id}"
    return f"cell {problem.cell_id}, line {problem.line}"


def render_problems(pipeline: Pipeline) -> str:
    """One line per problem: ``error   undefined-name  cell ab12, line 3: message``."""
    if not pipeline.problems:
        return "No problems."
    rows = [[p.severity, p.code, _where(p), p.message] for p in pipeline.problems]
    return render_table(["severity", "code", "where", "message"], rows)


def render_pipeline(pipeline: Pipeline) -> str:
    """The whole pipeline as text: steps in order, parameters, edges, library and problems."""
    by_name = {step.name: step for step in pipeline.steps}
    ordered = [by_name[name] for name in pipeline.order if name in by_name]
    # Steps left out of the order (a cycle) are still shown, after the ordered ones.
    ordered += [step for step in pipeline.steps if step.name not in pipeline.order]

    title = f"Pipeline of {pipeline.notebook}" if pipeline.notebook else "Pipeline"
    errors = sum(p.severity == "error" for p in pipeline.problems)
    warnings = len(pipeline.problems) - errors
    summary = (
        f"{len(ordered)} step(s), {len(pipeline.parameters)} parameter(s), "
        f"{errors} error(s), {warnings} warning(s)"
    )
    parts = [f"{title}: {summary}", ""]

    parts.append("Steps")
    if ordered:
        rows = [
            [
                str(i),
                step.name,
                f"{_names(step.inputs)} -> {_names(step.outputs)}",
                _names(step.after),
                _cells(step.cell_ids),
            ]
            for i, step in enumerate(ordered, 1)
        ]
        parts.append(render_table(["#", "step", "inputs -> outputs", "after", "cells"], rows))
    else:
        parts.append("(no steps)")

    if pipeline.parameters:
        rows = [
            [p.name, p.type, json.dumps(p.default, default=repr), p.cell_id]
            for p in pipeline.parameters
        ]
        parts += ["", "Parameters", render_table(["name", "type", "default", "cell"], rows)]

    if pipeline.edges:
        rows = [
            [e.source, e.target, _names(e.names) if e.names else "(after)"] for e in pipeline.edges
        ]
        parts += ["", "Edges", render_table(["from", "to", "names"], rows)]

    if pipeline.library:
        rows = [[item.cell_id, _names(item.names)] for item in pipeline.library]
        parts += ["", "Library", render_table(["cell", "names"], rows)]

    parts += ["", "Problems", render_problems(pipeline)]
    return "\n".join(parts)
