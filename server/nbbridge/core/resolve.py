"""From resolved reads to the pipeline's shape: inputs, outputs, edges, order, problems.

Data edges come from reads resolved to an earlier step; ``after:`` edges are added on top
(one edge per pair, names empty when only ``after:`` links them). The order is topological
with ties broken by notebook order. Problems found here: undefined names, deleted names,
unknown ``after:`` targets, cycles, star imports, names defined by two unordered steps and
names imported two ways where one step sees both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import portability, reordering
from .dataflow import (
    DELETED,
    IMPORT,
    LIBRARY_NAME,
    PARAM,
    STEP_VALUE,
    Binder,
    Dataflow,
    ReadSite,
    ScopeState,
)
from .graph import find_cycles, reachability, topological_order
from .import_meanings import plan_imports
from .model import Problem
from .problems import make_problem
from .star_cells import nested_star_lines
from .structure import BUILTIN_NAMES, SKIP, Structure
from .undefined import undefined_problems

__all__ = ["Shape", "resolve"]


@dataclass(eq=False)
class Shape:
    """Inputs/outputs per step, edges, order and the problems found."""

    inputs: dict[str, list[str]]
    outputs: dict[str, list[str]]
    sources: dict[str, dict[str, str | None]]
    edges: dict[tuple[str, str], list[str]]
    order: list[str]
    # test cell id → name it reads → the step providing it (None: parameter, import, library)
    test_reads: dict[str, dict[str, str | None]]
    problems: list[Problem] = field(default_factory=list)
    # Per step: names it binds that may be unbound when it ends (bound on some paths only,
    # with no earlier value handed in, or deleted); the exported step can return them only if
    # a later step needs them (else: not a result).
    maybe: dict[str, list[str]] = field(default_factory=dict)
    # Per step: names a top-level import binds that the step also binds otherwise; exported,
    # those imports stay in the step function (hoisted, the local name would hide them).
    unhoisted: dict[str, frozenset[str]] = field(default_factory=dict)
    # Per cell: names imported with another meaning than the hoisted one, whose imports stay
    # in the cell's code, and imports put first in a step's (or test cell's) code because it
    # reads such a name from an earlier cell (see :mod:`.import_meanings`).
    import_keep: dict[str, frozenset[str]] = field(default_factory=dict)
    import_prepend: dict[str, tuple[str, ...]] = field(default_factory=dict)


def resolve(
    structure: Structure,
    flow: Dataflow,
    extra_outputs: dict[str, list[str]],
    parameters: set[str] | frozenset[str] = frozenset(),
) -> Shape:
    """Turn the dataflow pass into the pipeline's shape; ``parameters`` are the names the
    parameters cells give literal values (the only ones the package's Params can hold)."""
    names = [plan.name for plan in structure.steps]
    shape = Shape(
        inputs={n: [] for n in names},
        outputs={n: [] for n in names},
        sources={n: {} for n in names},
        edges={},
        order=[],
        test_reads={},
    )
    # What later steps and test cells read of each step (metrics are added below, unless they
    # may be unbound when their step ends).
    wanted: dict[str, set[str]] = {n: set() for n in names}
    undefined: list[tuple[ScopeState, str, ReadSite, Binder | None]] = []
    maybe_reads: dict[tuple[str, str], list[tuple[ScopeState, ReadSite]]] = {}
    for state in flow.steps.values():
        for name, binder in state.sources.items():
            _resolve_read(shape, state, name, binder, wanted, undefined, flow, maybe_reads)
    for step, metrics in extra_outputs.items():
        state = flow.steps[step]
        for name in metrics:
            if name in state.may and name not in state.must and state.last_cell is not None:
                binder = state.binder(STEP_VALUE, False, state.last_cell)
                _passthrough(shape, binder, name, wanted, flow)
    for name, binder in flow.tests.sources.items():
        site = flow.tests.reads[name]
        if binder is None:
            if site.hard and name not in BUILTIN_NAMES:
                undefined.append((flow.tests, name, site, None))
        elif binder.kind == DELETED:
            undefined.append((flow.tests, name, site, binder))
        elif binder.kind == PARAM and name not in parameters:
            shape.problems.append(_not_literal(flow.tests, name, site, binder))
    for cell_id, sources in flow.test_cells.items():
        reads = shape.test_reads[cell_id] = {}
        for name, binder in sources.items():
            if binder is None or binder.kind == DELETED:
                continue  # a builtin, a name of earlier test cells, or reported above
            if binder.kind == STEP_VALUE and binder.scope is not None:
                reads[name] = binder.scope.name
                wanted[binder.scope.name].add(name)
                _passthrough(shape, binder, name, wanted, flow)
            else:
                reads[name] = None
    shape.problems += portability.test_mid_step_problems(shape.test_reads, flow, structure)
    for state in flow.steps.values():
        for name, binder in state.sources.items():
            if binder is not None and binder.kind == PARAM and name not in parameters:
                shape.problems.append(_not_literal(state, name, state.reads[name], binder))
    for step, state in flow.steps.items():
        shape.unhoisted[step] = frozenset(state.local_names(state.hoisted))
        if shape.unhoisted[step]:
            shape.problems += _star_names_made_local(state, shape.unhoisted[step])
        shape.maybe[step] = [
            n
            for n in state.kinds
            if n not in state.must
            and not (n in state.may and n in state.reads and n not in state.undone)
        ]
        # A metric that may be unbound is not returned (a warning below says so); one a later
        # step reads is returned all the same, and the maybe-unbound check above covers it.
        wanted[step].update(set(extra_outputs.get(step, ())).difference(shape.maybe[step]))
        shape.outputs[step] = [n for n in state.kinds if n in wanted[step] and n in state.may]
    shape.problems += _maybe_unbound_problems(maybe_reads, flow)
    for step, metrics in extra_outputs.items():
        for name in sorted(set(metrics).intersection(shape.maybe[step])):
            cell = flow.steps[step].last_cell
            message = (
                f"metric {name!r} is bound by step {step!r} only on some paths (a branch, loop "
                "or try) and has no earlier value, so the exported pipeline does not return it; "
                f"bind {name} on every path to make it a result"
            )
            shape.problems.append(
                make_problem("warning", "maybe-unbound", message, cell.cell_id if cell else None)
            )
    _after_edges(shape, structure, names)
    successors = _successors(shape, names)
    acyclic = _order(shape, structure, names, successors)
    shape.problems += undefined_problems(undefined, flow, structure)
    _star_import_problems(shape, flow)
    shape.problems += flow.problems
    shape.problems += portability.shadow_problems(flow)
    imports = plan_imports(structure)
    shape.problems += imports.problems
    shape.import_keep, shape.import_prepend = imports.keep, imports.prepend
    if acyclic:
        # Inside a cycle "no order between two steps" means nothing; the cycle is reported.
        _ambiguity_problems(shape, flow, names, successors)
        shape.problems += reordering.reorder_problems(flow, shape.order, shape.sources, structure)
        shape.problems += reordering.test_reorder_problems(
            shape.test_reads, flow, shape.order, structure
        )
    return shape


def _successors(shape: Shape, names: list[str]) -> list[set[int]]:
    position = {name: i for i, name in enumerate(names)}
    successors: list[set[int]] = [set() for _ in names]
    for source, target in shape.edges:
        successors[position[source]].add(position[target])
    return successors


def _resolve_read(
    shape: Shape,
    state: ScopeState,
    name: str,
    binder: Binder | None,
    wanted: dict[str, set[str]],
    undefined: list[tuple[ScopeState, str, ReadSite, Binder | None]],
    flow: Dataflow,
    maybe_reads: dict[tuple[str, str], list[tuple[ScopeState, ReadSite]]] | None = None,
) -> None:
    site = state.reads[name]
    if binder is None:
        if site.hard and name not in BUILTIN_NAMES:
            undefined.append((state, name, site, None))
        return
    if binder.kind in (IMPORT, LIBRARY_NAME):
        return
    if binder.kind == DELETED:
        undefined.append((state, name, site, binder))
        return
    shape.inputs[state.name].append(name)
    if binder.kind == PARAM:
        shape.sources[state.name][name] = None
        return
    assert binder.scope is not None
    source = binder.scope.name
    shape.sources[state.name][name] = source
    shape.edges.setdefault((source, state.name), []).append(name)
    wanted[source].add(name)
    _passthrough(shape, binder, name, wanted, flow)
    # A producer that reads the name hands on the earlier value when it binds none, unless
    # it may have deleted that value.
    handed_on = name in binder.scope.reads and name not in binder.scope.undone
    if not binder.must and not handed_on and maybe_reads is not None:
        maybe_reads.setdefault((source, name), []).append((state, site))


def _not_literal(state: ScopeState, name: str, site: ReadSite, binder: Binder) -> Problem:
    where = f"step {state.name!r}" if state.publish else "a test cell"
    message = (
        f"{where} reads {name!r}, which the parameters cell (cell {binder.cell.cell_id}) "
        "computes instead of assigning a literal; the exported Params holds literal values "
        f"only; compute {name} in a step, or give it a literal value"
    )
    return make_problem("error", "parameter-not-literal", message, site.cell.cell_id, site.line)


def _maybe_unbound_problems(
    maybe_reads: dict[tuple[str, str], list[tuple[ScopeState, ReadSite]]], flow: Dataflow
) -> list[Problem]:
    """A step binding a name only on some paths, with no earlier value to fall back on, and
    read by later steps only on some paths: in the notebook nothing fails when neither path
    runs; the exported step would fail returning the unbound name."""
    problems = []
    for (source, name), readers in maybe_reads.items():
        producer = flow.steps[source]
        earlier = producer.entry.get(name)
        fallback = earlier is not None and earlier.kind in (IMPORT, LIBRARY_NAME)
        if not fallback and any(site.hard and _surely_read(state, name) for state, site in readers):
            continue  # a sure read: the notebook itself needed the value
        state, site = readers[0]
        had = (
            "otherwise it keeps the library's or an import's value, which a step cannot hand on"
            if fallback
            else f"and {state.name!r} reads it only on some paths too"
        )
        message = (
            f"{name!r} is bound by step {source!r} only on some paths (in a branch, loop or "
            f"try), {had}; the exported {source!r} would fail returning it when it is not "
            f"bound; bind {name} on every path (e.g. {name} = None before the branch)"
        )
        problems.append(
            make_problem("error", "maybe-unbound", message, site.cell.cell_id, site.line)
        )
    return problems


def _surely_read(state: ScopeState, name: str) -> bool:
    """Whether a step reads ``name`` whenever it runs (not only in a branch, loop or call)."""
    return any(
        read.name == name and read.sure
        for cell in state.cells
        if cell.parse.facts is not None
        for read in cell.parse.facts.reads
    )


def _passthrough(
    shape: Shape, binder: Binder, name: str, wanted: dict[str, set[str]], flow: Dataflow
) -> None:
    """A step that only maybe binds ``name`` also takes the earlier value as an input."""
    state = binder.scope
    if binder.must or state is None or name in state.passthrough:
        return
    state.passthrough.add(name)
    earlier = state.entry.get(name)
    if earlier is None or earlier.kind not in (STEP_VALUE, PARAM) or name in state.reads:
        return  # nothing to hand on, or the step already reads it
    state.reads[name] = ReadSite(binder.cell, binder.cell.parse.line_offset + 1, False, None)
    state.sources[name] = earlier
    _resolve_read(shape, state, name, earlier, wanted, [], flow)


def _after_edges(shape: Shape, structure: Structure, names: list[str]) -> None:
    known = set(names)
    for plan in structure.steps:
        for target, cell_id in plan.after:
            if target not in known:
                hint = f"; steps are: {', '.join(names)}" if names else ""
                message = (
                    f"step {plan.name!r} is tagged after:{target}, but there is no step "
                    f"{target!r}{hint}"
                )
                shape.problems.append(make_problem("error", "unknown-after", message, cell_id))
                continue
            shape.edges.setdefault((target, plan.name), [])


def _order(
    shape: Shape, structure: Structure, names: list[str], successors: list[set[int]]
) -> bool:
    order, left_over = topological_order(len(names), successors)
    shape.order = [names[i] for i in order + left_over]
    if not left_over:
        return True
    after_cells = {(t, p.name): c for p in structure.steps for t, c in p.after}
    for cycle in find_cycles(len(names), successors):
        path = [names[i] for i in cycle]
        links = []
        cell_id = None
        for source, target in zip(path, path[1:], strict=False):
            data = shape.edges.get((source, target)) or []
            if (source, target) in after_cells:
                cell_id = cell_id or after_cells[(source, target)]
                links.append(f"{target} is tagged after:{source}")
            if data:
                links.append(f"{target} reads {', '.join(data)} from {source}")
        message = (
            f"steps {' → '.join(path)} form a cycle ({'; '.join(links)}); remove one of these "
            "after: tags"
        )
        shape.problems.append(make_problem("error", "cycle", message, cell_id))
    return False


def _star_import_problems(shape: Shape, flow: Dataflow) -> None:
    """Star imports whose names could not be read (the resolvable ones bind their names)."""
    for unit in flow.star_import_cells:
        if unit.role == SKIP or unit.parse.facts is None:
            continue
        nested = nested_star_lines(unit.parse)
        for module, line in unit.parse.facts.star_imports:
            if line in nested:
                message = (
                    f"`from {module} import *` inside a block: exported, the block is in a step "
                    "function, where Python refuses `import *`; move it to the top level of the "
                    f"cell, or import the names you use (from {module} import a, b)"
                )
                severity = "error"
            else:
                message = (
                    f"`from {module} import *`: nbbridge cannot read which names {module} "
                    "defines (not found from the notebook's folder, no Python source, or a "
                    "computed __all__); names used but defined nowhere in the notebook are taken "
                    f"to come from it; import the names you use (from {module} import a, b) to "
                    "be sure"
                )
                severity = "warning"
            shape.problems.append(
                make_problem(severity, "star-import", message, unit.cell_id, line)
            )


def _star_names_made_local(state: ScopeState, local: frozenset[str]) -> list[Problem]:
    """A step binding a name its star import binds: the import would have to stay in the step
    function (as other imports do then), where Python refuses `import *`."""
    problems = []
    for unit in state.cells:
        facts = unit.parse.facts
        for name in sorted(local.intersection(facts.star_bound) if facts else ()):
            message = (
                f"step {state.name!r} binds {name!r}, which its star import in this cell binds "
                "too; exported, the name is local to the step function, where `import *` cannot "
                f"go; import it by name (from ... import {name}) or use another name"
            )
            problems.append(make_problem("error", "star-import", message, unit.cell_id))
    return problems


def _ambiguity_problems(
    shape: Shape, flow: Dataflow, names: list[str], successors: list[set[int]]
) -> None:
    position = {name: i for i, name in enumerate(names)}
    reach = reachability([position[n] for n in shape.order], successors)
    wanted = {n for sources in shape.sources.values() for n, s in sources.items() if s}
    definers: dict[str, list[int]] = {}
    for step, state in flow.steps.items():
        for name in wanted.intersection(state.kinds):
            if state.kinds[name] != "import":
                definers.setdefault(name, []).append(position[step])
    for reader, state in flow.steps.items():
        for name, source in shape.sources[reader].items():
            if source is None or len(definers.get(name, ())) < 2:
                continue
            chosen, limit = position[source], position[reader]
            for other in definers[name]:
                if other in (chosen, limit) or other > limit:
                    continue
                if reach[other] >> chosen & 1 or reach[chosen] >> other & 1:
                    continue
                rival, site = names[other], state.reads[name]
                message = (
                    f"{name!r} is defined by steps {rival!r} and {source!r}, which have no "
                    f"order between them; step {reader!r} reads it from {source!r} (the later "
                    f"one in the notebook); add after:{rival} to step {source!r} or rename one"
                )
                shape.problems.append(
                    make_problem(
                        "warning", "ambiguous-definition", message, site.cell.cell_id, site.line
                    )
                )
