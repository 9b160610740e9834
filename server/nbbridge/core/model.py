"""The pipeline model: the JSON contract between the analysis, the CLI, the REST API and the UI.

These pydantic models are the single declaration of the contract. Their JSON Schema is written
to ``js/schema/api/`` (``python -m nbbridge.schema``, or ``make schema``) and the TypeScript
types of the front end are generated from it, so no shape is typed twice by hand.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Edge",
    "LibraryItem",
    "Parameter",
    "Pipeline",
    "Problem",
    "Severity",
    "Step",
]

Severity = Literal["error", "warning"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Parameter(_Model):
    """A literal assignment of the ``parameters`` cell: a typed pipeline parameter."""

    name: str
    type: str = Field(
        description="Python type name inferred from the literal: int, float, str, ..."
    )
    default: Any = Field(description="The literal value, as JSON")
    cell_id: str


class Step(_Model):
    """A pipeline step: a ``step:NAME`` cell and the untagged cells that continue it."""

    name: str
    cell_ids: list[str]
    inputs: list[str] = Field(
        description="Names read from outside the step: upstream outputs, parameters"
    )
    outputs: list[str] = Field(description="Names this step defines that a later step reads")
    after: list[str] = Field(
        description="Explicit ordering edges from after: tags or %%step --after"
    )
    data: list[str] = Field(
        default_factory=list,
        description="Data files the step reads (paths as written; parameters at their default)",
    )


class Edge(_Model):
    """A dependency between two steps; ``names`` is empty for an after:-only edge."""

    source: str
    target: str
    names: list[str]


class LibraryItem(_Model):
    """Library code (``export`` cells, setup definitions): names it defines, by cell."""

    cell_id: str
    names: list[str]


class Problem(_Model):
    """Something the analysis found wrong or doubtful, located at a cell (and line, 1-based)."""

    severity: Severity
    code: str = Field(description="Stable machine-readable code, e.g. undefined-name, cycle")
    message: str
    cell_id: str | None = None
    line: int | None = None


class Pipeline(_Model):
    """A notebook seen as a pipeline."""

    notebook: str
    parameters: list[Parameter]
    steps: list[Step]
    edges: list[Edge]
    order: list[str] = Field(
        description="Step names in topological order, ties broken by notebook order"
    )
    library: list[LibraryItem]
    problems: list[Problem]

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)
