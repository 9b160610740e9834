"""The detailed analysis result: everything export needs beyond the JSON pipeline.

:class:`Analysis` carries the :class:`~nbbridge.core.model.Pipeline` plus, per step, the Python
code of its cells (magics rewritten, imports split off for hoisting, a display-only trailing
expression set apart), the library cells, the parameter and test cells and the metrics.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Pipeline

__all__ = ["Analysis", "CellCode", "Metric", "StepCode", "TestCode"]


@dataclass(frozen=True, slots=True)
class CellCode:
    """One code cell as plain Python, split the way export uses it."""

    cell_id: str
    index: int
    role: str
    step: str | None
    code: str
    imports: tuple[str, ...]
    body: str
    display_only: str | None
    defines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StepCode:
    """A step with its cells' code; ``sources`` maps each input to the step giving it
    (``None`` for a parameter)."""

    name: str
    cells: tuple[CellCode, ...]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    sources: dict[str, str | None]
    after: tuple[str, ...]
    metrics: tuple[str, ...]
    # Names the step binds that may be unbound when it ends (bound on some paths only with no
    # earlier value handed in, or deleted): returned only when a later step reads them (an
    # unbound one would make the step fail at its return).
    maybe: tuple[str, ...] = ()

    @property
    def code(self) -> str:
        """The step's body: its cells' code without hoisted imports and display-only tails."""
        return "\n\n".join(cell.body for cell in self.cells if cell.body.strip())


@dataclass(frozen=True, slots=True)
class TestCode:
    """A ``test`` cell and, for each name it reads, the step providing it (``None``: a
    parameter, library code or an import)."""

    cell: CellCode
    reads: dict[str, str | None]


@dataclass(frozen=True, slots=True)
class Metric:
    """A name the ``metrics`` cell assigns (or prints, Kale-style) and the step holding it."""

    name: str
    step: str
    cell_id: str


@dataclass(frozen=True, slots=True)
class Analysis:
    """The full result of analysing a notebook; ``pipeline`` is the JSON contract."""

    pipeline: Pipeline
    steps: tuple[StepCode, ...]
    library: tuple[CellCode, ...]
    parameter_cells: tuple[CellCode, ...]
    tests: tuple[TestCode, ...]
    metrics: tuple[Metric, ...]
    imports: tuple[str, ...]
    skipped: tuple[CellCode, ...]
    default_exp: str | None

    def step(self, name: str) -> StepCode:
        """The step called ``name``; ``KeyError`` if there is none."""
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(name)
