"""Resuming the dataflow pass after an edit, from the step before the first changed cell.

The pass (:mod:`.dataflow`) walks the cells in notebook order; what it holds when a step starts
depends only on the cells before it. So the analyzer keeps its last pass, which records where
each step started (a :class:`Checkpoint`) and what each write to its name tables replaced.
After an edit, the cells before the first changed one are the same objects with the same
roles; the pass's tables are wound back to the last step start before that cell, the steps from
there on get fresh states, and the walk goes on from there. Anything else that could make the
walk differ (after: reorderings and test cells inside steps, whose alias tracking is not wound
back; a change to what library functions read) makes it start over.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import portability
from .scope_state import ABSENT, ScopeState
from .structure import CellUnit, Structure

if TYPE_CHECKING:
    from .dataflow import _Pass

__all__ = ["Checkpoint", "checkpoint", "resume"]


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The pass as a step started: sizes of what only grows, and the test cells' state."""

    unit: int  # position in structure.units of the step's first cell
    step: int  # the step's position in structure.steps
    log: int
    problems: int
    test_cells: int
    star_cells: int
    tests: ScopeState
    tests_version: int


def checkpoint(run: _Pass, position: int, state: ScopeState) -> Checkpoint:
    """Where the pass stands as ``state``'s first cell (``structure.units[position]``) comes."""
    tests = run.tests
    last = run.checkpoints[-1] if run.checkpoints else None
    if last is None or last.tests_version != run.tests_version:
        tests = _copy_state(tests)  # test cells ran since: keep their state as it is now
    else:
        tests = last.tests
    return Checkpoint(
        position,
        state.position,
        len(run.log),
        len(run.problems),
        len(run.test_cells),
        len(run.star_cells),
        tests,
        run.tests_version,
    )


def _copy_state(state: ScopeState) -> ScopeState:
    copied = copy.copy(state)
    for name in (
        "must",
        "may",
        "kinds",
        "reads",
        "sources",
        "entry",
        "passthrough",
        "deleted",
        "undone",
        "published",
        "module_reads",
        "cells",
        "local",
        "hoisted",
        "changed",
        "_binders",
    ):
        setattr(copied, name, copy.copy(getattr(state, name)))
    copied.cell_changes = {k: set(v) for k, v in state.cell_changes.items()}
    return copied


def _key(unit: CellUnit) -> tuple[Any, ...]:
    # The parse object is cached by source: the same object means the same source.
    return (unit.index, unit.cell_id, id(unit.parse), unit.role, unit.step)


def resume(run: _Pass, structure: Structure) -> _Pass | None:
    """``run`` (the last pass) wound back to fit ``structure``, with ``run.resume_at`` where
    its walk goes on; ``None`` when it must start over."""
    if run.track_aliases or portability.reorders_or_splits(structure):
        return None
    if portability.library_globals(structure) != (run.library_reads, run.library_assigns):
        return None
    old, new = run.structure.units, structure.units
    same = 0
    for before, now in zip(old, new, strict=False):
        if _key(before) != _key(now):
            break
        same += 1
    # The last step start at or before the first changed cell (every cell before it the same).
    points = [p for p in run.checkpoints if p.unit <= same and p.unit < len(new)]
    if not points:
        return None
    point = points[-1]
    if len(run.log) - point.log > 4 * point.log:
        return None  # winding back most of the walk costs more than walking it again
    old_names = [plan.name for plan in run.structure.steps[: point.step]]
    if [plan.name for plan in structure.steps[: point.step]] != old_names:
        return None
    _rewind(run, point)
    # The unchanged cells keep their objects: states and bindings refer to them.
    keep = {id(now): before for before, now in zip(old[:same], new[:same], strict=True)}
    structure.units[:same] = old[:same]
    for plan in structure.steps:
        plan.cells = [keep.get(id(unit), unit) for unit in plan.cells]
    states = {name: run.states[name] for name in old_names}
    for name, state in states.items():
        reads, sources = run.ends[name]
        _truncate(state.reads, reads)
        _truncate(state.sources, sources)
        state.passthrough.clear()
    for position, plan in enumerate(structure.steps[point.step :], point.step):
        states[plan.name] = ScopeState(plan.name, position)
    run.states = states
    run.structure = structure
    run.tests = _copy_state(point.tests)
    run.tests.position = len(structure.steps)
    run.checkpoints = [p for p in run.checkpoints if p.unit < point.unit]
    run.resume_at = point.unit
    return run


def _rewind(run: _Pass, point: Checkpoint) -> None:
    for target, name, before in reversed(run.log[point.log :]):
        if before is ABSENT:
            target.pop(name, None)
        else:
            target[name] = before
    del run.log[point.log :]
    del run.problems[point.problems :]
    run._reported = {(p.code, p.cell_id or "", p.message) for p in run.problems}
    _truncate(run.test_cells, point.test_cells)
    del run.star_cells[point.star_cells :]
    run._pending = None
    run.tests_version = point.tests_version


def _truncate(table: dict[str, Any], size: int) -> None:
    """Drop the entries added after the first ``size`` (dicts keep insertion order)."""
    for name in list(table)[size:]:
        del table[name]
