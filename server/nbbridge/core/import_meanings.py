"""One name imported with different meanings in different cells (``from time import time``
here, ``import time`` later): each cell sees the binding current where it stands.

The export hoists imports to the top of its modules, where a name holds one thing. When a name
is imported two ways, one meaning stays hoisted (the library cells' one, else the first in the
notebook) and every step (or test cell) that sees another keeps its own import in its function
and, if it reads the name from an earlier cell, imports it there first — so each step imports
what its names referred to at that point of the notebook. Refused (``import-conflict``), with the
cell: a step (or test cell) that itself sees both meanings, library cells importing the name two
ways or defining it, and a function reading the name (it looks it up where it is called, which
a closure in the package would not).
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field

from .model import Problem
from .problems import make_problem
from .structure import LIBRARY, PARAMETERS, SKIP, STEP, TEST, CellUnit, Structure

__all__ = ["ImportPlan", "plan_imports"]

Meaning = tuple[object, ...]


@dataclass
class ImportPlan:
    """Per cell id: names whose imports stay in the cell's code, and import statements put at
    the start of its code (the meaning an earlier cell left); problems found."""

    keep: dict[str, frozenset[str]] = field(default_factory=dict)
    prepend: dict[str, tuple[str, ...]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


@functools.lru_cache(maxsize=4096)
def _meanings(statement: str) -> dict[str, tuple[Meaning, str]]:
    """Name → (what it means, a statement importing just that) for one import statement."""
    found: dict[str, tuple[Meaning, str]] = {}
    node = ast.parse(statement).body[0]
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                found[alias.asname] = (
                    ("module", alias.name),
                    f"import {alias.name} as {alias.asname}",
                )
            else:
                root = alias.name.split(".")[0]
                found[root] = (("module", root), f"import {alias.name}")
    elif isinstance(node, ast.ImportFrom):
        module = "." * (node.level or 0) + (node.module or "")
        for alias in node.names:
            name = alias.asname or alias.name
            text = f"from {module} import {alias.name}" + (
                f" as {alias.asname}" if alias.asname else ""
            )
            found[name] = (("from", module, alias.name), text)
    return found


def _describe(meaning: Meaning) -> str:
    if meaning[0] == "module":
        return f"`import {meaning[1]}`"
    if meaning[0] == "from":
        return f"`from {meaning[1]} import {meaning[2]}`"
    return "library code"


def _cell_imports(unit: CellUnit) -> dict[str, tuple[Meaning, str]]:
    found: dict[str, tuple[Meaning, str]] = {}
    for statement in unit.parse.export_split.imports:
        found.update(_meanings(statement))
    return found


def _conflicts(structure: Structure) -> dict[str, list[tuple[CellUnit, Meaning]]]:
    """Names bound with more than one meaning by hoistable imports (or by library code)."""
    binders: dict[str, list[CellUnit]] = {}
    for unit in structure.units:
        facts = unit.parse.facts
        if facts is None or unit.role == SKIP:
            continue
        # A star import's names are left out: `from fastcore.utils import *` binds the `os`
        # that `import os` binds (the module's own import of it), as nbdev notebooks rely on.
        for name in facts.hoisted - facts.star_bound if facts.star_bound else facts.hoisted:
            binders.setdefault(name, []).append(unit)
        if unit.role == LIBRARY:
            for name in facts.local:
                binders.setdefault(name, []).append(unit)
    conflicts = {}
    for name, units in binders.items():
        if len(units) < 2:
            continue  # the common case: imported once
        seen = []
        for unit in units:
            meaning = _cell_imports(unit).get(name, (("library",), ""))[0]
            seen.append((unit, meaning))
        if len({m for _, m in seen}) > 1:
            conflicts[name] = seen
    return conflicts


def _problem(name: str, unit: CellUnit, seen: list[tuple[CellUnit, Meaning]], why: str) -> Problem:
    meanings = " and ".join(sorted({_describe(m) for _, m in seen}))
    message = (
        f"{name!r} is bound by {meanings} in different cells; {why}; import one of them under "
        "another name (import ... as ...)"
    )
    return make_problem("error", "import-conflict", message, unit.cell_id)


def plan_imports(structure: Structure) -> ImportPlan:
    """Where imports of a name with several meanings stay local, or refuse."""
    plan = ImportPlan()
    conflicts = _conflicts(structure)
    if not conflicts:
        return plan
    keep: dict[str, set[str]] = {}
    prepend: dict[str, dict[str, str]] = {}
    for name, seen in conflicts.items():
        problem = _plan_name(structure, name, seen, keep, prepend)
        if problem is not None:
            plan.problems.append(problem)
    plan.keep = {cell: frozenset(names) for cell, names in keep.items()}
    plan.prepend = {cell: tuple(sorted(texts.values())) for cell, texts in prepend.items()}
    return plan


def _plan_name(
    structure: Structure,
    name: str,
    seen: list[tuple[CellUnit, Meaning]],
    keep: dict[str, set[str]],
    prepend: dict[str, dict[str, str]],
) -> Problem | None:
    library = [(u, m) for u, m in seen if u.role in (LIBRARY, PARAMETERS)]
    for unit, meaning in seen:
        if meaning == ("library",):
            return _problem(name, unit, seen, "the library module would have to hold both")
    if len({m for _, m in library}) > 1:
        return _problem(name, library[1][0], seen, "library cells share one module")
    hoisted = library[0][1] if library else seen[0][1]
    # Walk the notebook: the meaning current at each cell, and what each scope sees of it.
    current: tuple[Meaning, str, str | None] | None = None  # meaning, statement, scope
    outside: dict[str, dict[Meaning, str]] = {}  # scope → meanings it reads from earlier cells
    own: dict[str, list[tuple[CellUnit, Meaning]]] = {}  # scope → its cells importing the name
    starts: dict[str, CellUnit] = {}  # scope → the cell its code starts with
    for unit in structure.units:
        facts = unit.parse.facts
        if facts is None or unit.role == SKIP:
            continue
        if any(name in info.free or name in info.mutates for info in facts.functions.values()):
            why = "a function reading it looks it up where it is called, which a closure in the package would not"
            return _problem(name, unit, seen, why)
        imported = _cell_imports(unit).get(name)
        scope = unit.step if unit.role == STEP else (unit.cell_id if unit.role == TEST else None)
        if scope is not None:
            starts.setdefault(scope, unit)
            reads = any(r.name == name and name not in r.must for r in facts.reads)
            if reads and current is not None and current[2] != scope:
                outside.setdefault(scope, {})[current[0]] = current[1]
            if imported is not None:
                own.setdefault(scope, []).append((unit, imported[0]))
        if imported is not None and unit.role != TEST:
            current = (*imported, scope)  # test cells' bindings stay among the test cells
        elif name in facts.may or name in facts.deleted:
            current = None  # rebound as a value (the usual dataflow takes over) or deleted
    for scope in {*outside, *own}:
        read = outside.get(scope, {})
        if len(read) > 1:
            why = "one step reads it from earlier cells with both meanings"
            return _problem(name, starts[scope], seen, why)
        meanings = {*read, *(m for _, m in own.get(scope, []))}
        if meanings <= {hoisted}:
            continue  # the hoisted import is what this step sees
        # The name is local in this step's function: every binding of it there is its own,
        # in notebook order, as the cells ran.
        for unit, _ in own.get(scope, []):
            keep.setdefault(unit.cell_id, set()).add(name)
        for text in read.values():
            prepend.setdefault(starts[scope].cell_id, {})[name] = text
    return None
