"""Messages for names used but not defined where they are used.

Each message says where the name *is* defined, when it is: later in the same cell, in a later
step, in a later import (a warning: the exported package hoists imports, the notebook run top
to bottom fails), only in a skipped or test cell, or deleted by an earlier step.
"""

from __future__ import annotations

from .dataflow import Binder, Dataflow, ReadSite, ScopeState
from .model import Problem
from .problems import make_problem
from .structure import LIBRARY, PARAMETERS, SKIP, TEST, CellUnit, Structure

__all__ = ["undefined_problems"]

Undefined = tuple[ScopeState, str, ReadSite, Binder | None]


def undefined_problems(
    undefined: list[Undefined], flow: Dataflow, structure: Structure
) -> list[Problem]:
    """One ``undefined-name`` problem per (scope, name), located at the first read."""
    if not undefined:
        return []
    binders = _binding_cells(structure)
    problems = []
    for state, name, site, binder in undefined:
        star = _star_before(flow, site) if binder is None and name not in binders else None
        if star is not None:
            # Defined nowhere: it may come from a star import whose names are unknown.
            unit, module = star
            message = (
                f"{name!r} is used in {_where(state)} but defined nowhere in the notebook; it is "
                f"taken to come from `from {module} import *` (cell {unit.cell_id}), whose names "
                "nbbridge cannot read"
            )
            problems.append(
                make_problem("warning", "undefined-name", message, site.cell.cell_id, site.line)
            )
            continue
        severity, message = _message(state, name, site, binder, binders.get(name, []))
        problems.append(
            make_problem(severity, "undefined-name", message, site.cell.cell_id, site.line)
        )
    return problems


def _where(state: ScopeState) -> str:
    return f"step {state.name!r}" if state.publish else "a test cell"


def _star_before(flow: Dataflow, site: ReadSite) -> tuple[CellUnit, str] | None:
    """The first star import with unknown names above the read (or earlier in its cell)."""
    for unit in flow.star_import_cells:
        facts = unit.parse.facts
        if unit.role == SKIP or facts is None or unit.index > site.cell.index:
            continue
        for module, line in facts.star_imports:
            if unit.index < site.cell.index or line < site.line:
                return unit, module
    return None


def _binding_cells(structure: Structure) -> dict[str, list[CellUnit]]:
    """Every cell binding each name, in notebook order (built only when needed)."""
    found: dict[str, list[CellUnit]] = {}
    for unit in structure.units:
        if unit.parse.facts is not None:
            for name in unit.parse.facts.kinds:
                found.setdefault(name, []).append(unit)
    return found


def _message(
    state: ScopeState, name: str, site: ReadSite, binder: Binder | None, cells: list[CellUnit]
) -> tuple[str, str]:
    where = f"step {state.name!r}" if state.publish else "a test cell"
    what = f"{name!r} (read by {site.via}, used here)" if site.via else repr(name)
    if binder is not None:
        by = f"step {binder.scope.name!r}" if binder.scope is not None else "an earlier cell"
        return "error", f"{what} is used in {where} after {by} deleted it (del {name})"
    if site.cell in cells:
        return "error", f"{what} is used in {where} before this cell defines it"
    for unit in cells:
        if unit.index <= site.cell.index or unit.role in (SKIP, TEST):
            continue
        if unit.parse.facts is not None and unit.parse.facts.kinds[name] == "import":
            return "warning", _too_late(what, where, unit, "imports")
        if unit.role == LIBRARY:
            return "warning", _too_late(what, where, unit, "defines")
        owner = "the parameters cell" if unit.role == PARAMETERS else f"step {unit.step!r}"
        return "error", (
            f"{what} is used in {where} before it is defined in {owner} (cell {unit.cell_id})"
        )
    for unit in cells:
        if unit.role in (SKIP, TEST):
            kind = "left out of the pipeline (skip)" if unit.role == SKIP else "a test cell"
            return "error", (
                f"{what} is used in {where} but is defined only in cell {unit.cell_id}, which "
                f"is {kind}"
            )
    return "error", f"{what} is used in {where} but is not defined anywhere in the notebook"


def _too_late(what: str, where: str, unit: CellUnit, verb: str) -> str:
    return (
        f"{what} is used in {where} before cell {unit.cell_id} {verb} it; the exported package "
        "works, but the notebook fails when run top to bottom"
    )
