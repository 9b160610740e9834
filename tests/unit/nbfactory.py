"""Small builders for test notebooks (nbformat.v4 helpers, deterministic cell ids)."""

from __future__ import annotations

from typing import Any

from nbformat import v4

from nbbridge.core import Analyzer, Pipeline, Problem, load_notebook_json

__all__ = ["code", "edges_of", "find_step", "md", "notebook", "problems_of", "run", "step_cells"]


def code(source: str, *tags: str, cell_id: str | None = None) -> dict[str, Any]:
    """A code cell with ``tags`` in its metadata."""
    cell = v4.new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    if cell_id is not None:
        cell["id"] = cell_id
    else:
        del cell["id"]  # given c<index> by notebook()
    return cell


def md(text: str) -> dict[str, Any]:
    """A markdown cell."""
    cell = v4.new_markdown_cell(text)
    del cell["id"]
    return cell


def notebook(*cells: dict[str, Any]) -> dict[str, Any]:
    """A checked notebook; cells without an id get ``c<index>``."""
    nb = v4.new_notebook()
    for index, cell in enumerate(cells):
        cell = dict(cell)
        cell.setdefault("id", f"c{index}")
        nb.cells.append(cell)
    return load_notebook_json(nb)


def run(*cells: dict[str, Any]) -> Pipeline:
    """Analyse a notebook made of ``cells`` with a fresh analyzer."""
    return Analyzer().analyze(notebook(*cells), "test.ipynb")


def problems_of(pipeline: Pipeline, code_: str) -> list[Problem]:
    """The problems with the given code."""
    return [p for p in pipeline.problems if p.code == code_]


def find_step(pipeline: Pipeline, name: str):
    """The step called ``name`` (AssertionError if missing)."""
    for step in pipeline.steps:
        if step.name == name:
            return step
    raise AssertionError(f"no step {name!r} in {[s.name for s in pipeline.steps]}")


def step_cells(pipeline: Pipeline) -> dict[str, list[str]]:
    """Step name → its cell ids."""
    return {step.name: step.cell_ids for step in pipeline.steps}


def edges_of(pipeline: Pipeline) -> set[tuple[str, str, tuple[str, ...]]]:
    """Edges as comparable tuples."""
    return {(e.source, e.target, tuple(e.names)) for e in pipeline.edges}
