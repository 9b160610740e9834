"""``after:`` tags that run steps out of notebook order, where that changes what a step sees.

A step the tags move before or after another step that changes a value in place (``xs.append``,
through an alias too) sees that value as it is at its new place: the notebook's step saw it as
it was at its old one. Data edges never do this (a step reading a name runs after the step that
binds it), so only in-place changes matter. When in doubt the export refuses (DESIGN.md §3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import Problem
from .problems import make_problem
from .structure import Structure

if TYPE_CHECKING:
    from .dataflow import Dataflow

__all__ = ["reorder_problems", "test_reorder_problems"]


def _in_notebook_order(order: list[str], structure: Structure) -> bool:
    return order == [plan.name for plan in structure.steps]


def _maybe_same_object(position: dict[str, int], source: str | None, changer: str) -> bool:
    """Whether ``changer`` may change in place the object a reader got from step ``source``
    (``None``: a parameter): it may unless that binding comes after the change.

    ``changed`` follows aliases (``view = xs; view.append(1)`` changes ``xs``) by the names
    they had when aliased, which may have been bound again since; so a binding between the two
    steps does not prove another object, and the check stays on the safe side.
    """
    return (-1 if source is None else position[source]) < position[changer]


def reorder_problems(
    flow: Dataflow,
    order: list[str],
    sources: dict[str, dict[str, str | None]],
    structure: Structure,
) -> list[Problem]:
    """A step that ``after:`` tags run on the other side of a step that changes in place a
    value the first step reads: later (it would see the change the notebook's did not) or
    earlier (it would miss the change the notebook's saw)."""
    if _in_notebook_order(order, structure):
        return []
    names = [plan.name for plan in structure.steps]
    position = {name: i for i, name in enumerate(names)}
    ran = {name: i for i, name in enumerate(order)}
    problems = []
    for reader, state in flow.steps.items():
        for other, changer in flow.steps.items():
            before_in_notebook = position[reader] < position[other]
            if other == reader or before_in_notebook == (ran[reader] < ran[other]):
                continue  # the same relative order in both
            for name in sorted(changer.changed.intersection(sources[reader])):
                if not _maybe_same_object(position, sources[reader][name], other):
                    continue
                site = state.reads[name]
                if before_in_notebook:
                    how = (
                        f"runs after step {other!r} (after: tags), but comes before it in the "
                        f"notebook; {other!r} changes {name!r} in place, so the exported "
                        f"{reader!r} would see the change the notebook's did not; move the "
                        f"cells of {reader!r} below {other!r}, or copy {name} in {other!r}"
                    )
                else:
                    how = (
                        f"runs before step {other!r} (after: tags), but comes after it in the "
                        f"notebook; {other!r} changes {name!r} in place, so the exported "
                        f"{reader!r} would miss the change the notebook's saw; drop the after: "
                        f"tag that moves {reader!r} or {other!r}, or move the cells"
                    )
                problems.append(
                    make_problem(
                        "error",
                        "after-reorder",
                        f"step {reader!r} {how}",
                        site.cell.cell_id,
                        site.line,
                    )
                )
    return problems


def test_reorder_problems(
    test_reads: dict[str, dict[str, str | None]],
    flow: Dataflow,
    order: list[str],
    structure: Structure,
) -> list[Problem]:
    """A step standing below a test cell that ``after:`` tags run before a step standing above
    it, and that changes in place a value the test reads from a step: the notebook's test saw
    the value before that change, the exported one (taken once every step above it has run)
    would see it after."""
    if _in_notebook_order(order, structure):
        return []
    names = [plan.name for plan in structure.steps]
    position = {name: i for i, name in enumerate(names)}
    ran = {name: i for i, name in enumerate(order)}
    index = {unit.cell_id: unit.index for unit in structure.units}
    problems = []
    for cell_id, reads in test_reads.items():
        at = index[cell_id]
        above = [plan.name for plan in structure.steps if plan.cells[0].index < at]
        if not above:
            continue
        taken = max(ran[name] for name in above)
        for plan in structure.steps:
            if plan.cells[0].index < at or ran[plan.name] > taken:
                continue
            changed = flow.steps[plan.name].changed
            for name in sorted(n for n, step in reads.items() if step is not None):
                if name not in changed:
                    continue
                if not _maybe_same_object(position, reads[name], plan.name):
                    continue
                message = (
                    f"this test cell reads {name!r} from step {reads[name]!r}; step "
                    f"{plan.name!r}, below it in the notebook, runs earlier (after: tags) and "
                    f"changes {name!r} in place, so the exported test would see the change the "
                    f"notebook's did not; move the test cell below step {plan.name!r}, or copy "
                    f"{name} in {plan.name!r}"
                )
                problems.append(make_problem("error", "test-reorder", message, cell_id))
    return problems
