"""Notebook → cells with roles, grouped into steps (DESIGN.md §2).

Each code cell becomes a step cell, library code, the parameters cell, a test cell or a skipped
cell, from its tags, its ``%%step`` line and its nbdev directives. Step cells are grouped: a
``step:NAME`` cell starts a step and untagged cells continue it. Cells before the first step
that hold only imports and definitions are library code (unless their functions read a global
that is not library code); other code there forms the step ``setup``, or ``main`` when the
notebook has no step tags at all.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .cellparse import CellParse
from .docstrings import DOC
from .model import Problem
from .notebook_io import cell_source
from .problems import make_problem
from .tags import (
    ROLE_LIBRARY,
    ROLE_METRICS,
    ROLE_PARAMETERS,
    ROLE_SKIP,
    ROLE_TEST,
    is_valid_step_name,
    parse_tags,
)

__all__ = ["BUILTIN_NAMES", "CellUnit", "StepPlan", "Structure", "build_structure"]

STEP, LIBRARY, PARAMETERS, TEST, SKIP = "step", "library", "parameters", "test", "skip"
SETUP_STEP, MAIN_STEP = "setup", "main"

# Names a notebook can read without defining them: Python's builtins and IPython's extras.
BUILTIN_NAMES = frozenset(dir(builtins)) | {"display", "get_ipython", "In", "Out", "exit", "quit"}


@dataclass(eq=False, slots=True)
class CellUnit:
    """One code cell taking part in the analysis."""

    index: int
    cell_id: str
    parse: CellParse
    role: str
    step: str | None = None
    metrics: bool = False
    auto_library: bool = False


@dataclass(eq=False)
class StepPlan:
    """A step: its name, its cells in notebook order, its after: names with their cells."""

    name: str
    cells: list[CellUnit] = field(default_factory=list)
    after: list[tuple[str, str]] = field(default_factory=list)

    @property
    def first_cell(self) -> CellUnit:
        return self.cells[0]


@dataclass(eq=False)
class Structure:
    """The notebook's cells by role, and its steps in notebook order."""

    units: list[CellUnit]
    steps: list[StepPlan]
    problems: list[Problem]
    default_exp: str | None


def build_structure(nb: dict[str, Any], parse: Callable[[str], CellParse]) -> Structure:
    """Give every code cell a role and group step cells into steps."""
    problems: list[Problem] = []
    units: list[CellUnit] = []
    default_exp: str | None = None
    step_names: dict[int, list[str]] = {}
    after_tags: dict[int, list[str]] = {}
    cells = nb.get("cells") if isinstance(nb.get("cells"), list) else []
    hidden_setup: list[CellUnit] = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        cell_id = cell.get("id")
        if not isinstance(cell_id, str):
            cell_id = f"cell-{index}"
        metadata = cell.get("metadata")
        raw_tags = metadata.get("tags") if isinstance(metadata, dict) else None
        source = cell.get("source")
        parsed = parse(source if isinstance(source, str) else cell_source(cell))
        marks = parsed.marks
        if not raw_tags and marks.plain:
            # The common case, kept cheap: an untagged cell continuing the current step.
            if not parsed.empty:
                units.append(CellUnit(index, cell_id, parsed, STEP))
                if parsed.problems:
                    problems.extend(_cell_problems(parsed, cell_id))
            continue
        tags = parse_tags(raw_tags)
        default_exp = marks.default_exp or default_exp
        roles = set(tags.roles)
        if marks.library:
            roles.add(ROLE_LIBRARY)
        names = list(tags.steps)
        if marks.has_step_magic and marks.step is not None and marks.step not in names:
            names.append(marks.step)
        explicit = bool(tags.roles or tags.steps or marks.has_step_magic)
        # nbdev's `#| hide` leaves a cell out unless something says it belongs to the pipeline.
        hidden = marks.hidden and not marks.library and not explicit
        if ROLE_SKIP in roles or marks.no_eval or hidden:
            units.append(CellUnit(index, cell_id, parsed, SKIP))
            if hidden and ROLE_SKIP not in roles and not marks.no_eval and parsed.definitions_only:
                hidden_setup.append(units[-1])
            continue
        if parsed.empty and not explicit and not marks.library:
            continue  # a blank cell changes nothing
        role = _primary_role(roles, names, tags.after or marks.after, cell_id, problems)
        units.append(CellUnit(index, cell_id, parsed, role, metrics=ROLE_METRICS in roles))
        problems.extend(_cell_problems(parsed, cell_id))
        if role == STEP:
            step_names[index] = names
            after_tags[index] = list(dict.fromkeys((*tags.after, *marks.after)))
    if hidden_setup:
        _keep_needed_hidden_cells(units, hidden_setup, problems)
    _mark_auto_library(units, step_names, after_tags, problems)
    steps = _group_steps(units, step_names, after_tags, problems)
    return Structure(units, steps, problems, default_exp)


def _keep_needed_hidden_cells(
    units: list[CellUnit], hidden: list[CellUnit], problems: list[Problem]
) -> None:
    """An nbdev ``#| hide`` cell of imports and definitions that pipeline code reads (the test
    helpers an nbdev notebook imports out of the docs' sight): the notebook runs it, so the
    pipeline keeps it, as setup code."""
    read: set[str] = set()
    for unit in units:
        facts = unit.parse.facts
        if facts is None or unit.role == SKIP:
            continue
        read.update(r.name for r in facts.reads)
        for info in facts.functions.values():
            read.update(info.free)
    for unit in hidden:
        facts = unit.parse.facts
        if facts is not None and not read.isdisjoint(facts.may):
            unit.role = STEP
            problems.extend(_cell_problems(unit.parse, unit.cell_id))


def _cell_problems(parsed: CellParse, cell_id: str) -> list[Problem]:
    return [make_problem(p.severity, p.code, p.message, cell_id, p.line) for p in parsed.problems]


def _primary_role(
    roles: set[str], names: list[str], after: tuple[str, ...], cell_id: str, problems: list[Problem]
) -> str:
    chosen = [r for r in (ROLE_PARAMETERS, ROLE_TEST, ROLE_LIBRARY) if r in roles]
    if not chosen:
        return STEP
    role = chosen[0]
    ignored = [*chosen[1:]]
    ignored += [f"step:{n}" for n in names] + [f"after:{a}" for a in after]
    if ROLE_METRICS in roles:
        ignored.append(ROLE_METRICS)
    if ignored:
        label = {ROLE_PARAMETERS: "parameters", ROLE_TEST: "test", ROLE_LIBRARY: "export"}[role]
        problems.append(
            make_problem(
                "warning",
                "conflicting-tags",
                f"this cell is a {label} cell, so its {', '.join(ignored)} "
                f"{'tag is' if len(ignored) == 1 else 'tags are'} ignored",
                cell_id,
            )
        )
    return {ROLE_PARAMETERS: PARAMETERS, ROLE_TEST: TEST, ROLE_LIBRARY: LIBRARY}[role]


def _mark_auto_library(
    units: list[CellUnit],
    step_names: dict[int, list[str]],
    after_tags: dict[int, list[str]],
    problems: list[Problem],
) -> None:
    """Cells before the first step holding only definitions become library code.

    A definition that reads a global which is not library code, an import or a builtin cannot
    live in the library module, so such a cell stays step code; repeated until stable because
    demoting one cell can orphan another's reference.
    """
    first_step = min((i for i, n in step_names.items() if n), default=None)
    candidates = [
        u
        for u in units
        if u.role == STEP
        and (first_step is None or u.index < first_step)
        and not step_names.get(u.index)
        and u.parse.definitions_only
        and not u.metrics
        and not after_tags.get(u.index)
    ]
    documented = [u for u in candidates if u.parse.facts and DOC in u.parse.facts.kinds]
    if documented and _read_docstring(units):
        # The library module has a docstring of its own: a cell whose string a later cell
        # reads as __doc__ stays step code, which hands the value on.
        candidates = [u for u in candidates if u not in documented]
    imports = _import_names(units)
    explicit = [u for u in units if u.role == LIBRARY]
    needed = {id(u): set(_needed_lines(u.parse)) for u in candidates}
    changed = bool(candidates)
    while changed:
        library = {n for u in (*explicit, *candidates) for n in _bound(u.parse)}
        known = library | imports | BUILTIN_NAMES
        kept = [u for u in candidates if not (needed[id(u)] - known)]
        changed = len(kept) != len(candidates)
        candidates = kept
    for unit in candidates:
        unit.role, unit.auto_library = LIBRARY, True
    if any(u.parse.facts and u.parse.facts.star_imports for u in units if u.role == LIBRARY):
        return  # names may come from the star import; the star-import error says so
    library = {n for u in units if u.role == LIBRARY for n in _bound(u.parse)}
    known = library | imports | BUILTIN_NAMES
    for unit in explicit:
        for name, line in sorted(_needed_lines(unit.parse).items(), key=lambda item: item[1]):
            if name not in known:
                problems.append(
                    make_problem(
                        "error",
                        "library-global",
                        f"library code reads the global {name!r}, which is not library code, "
                        "an import or a builtin; the exported library module would not have "
                        "it (pass it as an argument, or tag the cell as a step)",
                        unit.cell_id,
                        line,
                    )
                )


def _read_docstring(units: list[CellUnit]) -> bool:
    """Whether a cell reads ``__doc__`` before binding it (directly or in a function)."""
    for unit in units:
        facts = unit.parse.facts
        if facts is None or unit.role == SKIP:
            continue
        if any(read.name == DOC for read in facts.reads):
            return True
        if any(DOC in info.free for info in facts.functions.values()):
            return True
    return False


def _import_names(units: list[CellUnit]) -> set[str]:
    names: set[str] = set()
    for unit in units:
        facts = unit.parse.facts
        if unit.role != SKIP and facts is not None and facts.imports:
            names.update(facts.imports)
    return names


def _bound(parse: CellParse) -> set[str]:
    return set(parse.facts.may) if parse.facts is not None else set()


def _needed_lines(parse: CellParse) -> dict[str, int]:
    facts = parse.facts
    if facts is None:
        return {}
    needed = {r.name: r.line for r in facts.reads}
    for info in facts.functions.values():
        for name, line in (*info.free.items(), *info.mutates.items()):
            needed.setdefault(name, line)
    own = set(facts.may)
    return {n: line for n, line in needed.items() if n not in own}


def _group_steps(
    units: list[CellUnit],
    step_names: dict[int, list[str]],
    after_tags: dict[int, list[str]],
    problems: list[Problem],
) -> list[StepPlan]:
    any_step = any(step_names.get(u.index) for u in units if u.role == STEP)
    implicit = SETUP_STEP if any_step else MAIN_STEP
    steps: dict[str, StepPlan] = {}
    current: StepPlan | None = None
    for unit in units:
        if unit.role != STEP:
            continue
        names = step_names.get(unit.index) or []
        target = current
        if names:
            target = _step_for(unit, names, current, steps, problems)
        if target is None:
            target = steps.get(implicit)
            if target is None:
                target = steps[implicit] = StepPlan(implicit)
        else:
            current = target
        target.cells.append(unit)
        unit.step = target.name
        for name in after_tags.get(unit.index, ()):
            target.after.append((name, unit.cell_id))
    return list(steps.values())


def _step_for(
    unit: CellUnit,
    names: list[str],
    current: StepPlan | None,
    steps: dict[str, StepPlan],
    problems: list[Problem],
) -> StepPlan | None:
    """The step a step-tagged cell belongs to; problems for bad or repeated names."""
    name = names[0]
    if len(names) > 1:
        problems.append(
            make_problem(
                "error",
                "conflicting-tags",
                f"this cell names several steps ({', '.join(names)}); a cell belongs to one "
                f"step, {name!r} is used",
                unit.cell_id,
            )
        )
    if not name:
        problems.append(
            make_problem(
                "error", "invalid-step-name", "empty step name in a step: tag", unit.cell_id
            )
        )
        return current
    if not is_valid_step_name(name):
        problems.append(
            make_problem(
                "error",
                "invalid-step-name",
                f"invalid step name {name!r}: a step name is a lowercase Python identifier "
                f"such as {_suggest(name)!r}",
                unit.cell_id,
            )
        )
    if current is not None and current.name == name:
        return current
    if name in steps:
        problems.append(
            make_problem(
                "error",
                "duplicate-step",
                f"step {name!r} is already defined by cell {steps[name].first_cell.cell_id}; "
                "the cells of a step must follow each other (rename this step, or move the "
                "cell next to the others); this cell is kept in the current step",
                unit.cell_id,
            )
        )
        return current
    step = steps[name] = StepPlan(name)
    return step


def _suggest(name: str) -> str:
    cleaned = "".join(c if c.isalnum() else "_" for c in name.strip().lower()).strip("_")
    if not cleaned or cleaned[0].isdigit():
        cleaned = "step_" + cleaned
    return cleaned if is_valid_step_name(cleaned) else cleaned + "_step"
