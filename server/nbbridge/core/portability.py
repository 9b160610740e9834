"""Code that runs in the notebook's one namespace but would run differently once exported.

The package puts each step in a function, library code in a module, and hoists imports to the
top of its modules. Most notebook code means the same there; this module finds what does not,
so the export refuses it with a precise message instead of emitting a package that behaves
differently (DESIGN.md §3: when unsure, refuse):

* a step reads a builtin, import or library name and also binds it: in a function that name is
  local everywhere, so the read fails (``SCALE += 1``, ``print(n); list = ...``);
* a step rebinds a name library functions read, or changes a library value in place (the
  library module is shared by every run), or reads a name a library function sets with
  ``global`` (steps import library names once);
* a function defined in a step uses ``global``, or is called where one of its globals is bound
  differently than in its own step (in the package it is a closure over its step's values);
* IPython-only names (``display``, ``get_ipython``, ``In``, ``Out``), ``__name__``, and
  ``__doc__`` where no step or untagged cell sets it (see :mod:`.docstrings`);
* a test cell between two cells of a step reading a value the rest of the step changes (the
  exported test sees the step's outputs as the step ends).

Reorderings by ``after:`` tags are checked in :mod:`.reordering`, names imported two ways in
:mod:`.import_meanings`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import Problem
from .problems import make_problem
from .structure import LIBRARY, TEST, CellUnit, Structure

if TYPE_CHECKING:
    from .dataflow import Dataflow, ScopeState
    from .flow import Read
    from .scopes import FuncInfo

__all__ = [
    "NOTEBOOK_ONLY",
    "function_global",
    "global_in_function",
    "library_assigned",
    "library_changed",
    "library_globals",
    "library_shadowed",
    "notebook_only",
    "reorders_or_splits",
    "shadow_problems",
    "test_mid_step_problems",
]

_WHY_NOTEBOOK_ONLY = {
    "display": "is IPython's display function, which the exported package does not have (a "
    "`display(x)` line of its own is left out; here it is used inside other code); use "
    "print(...) or import it: from IPython.display import display",
    "get_ipython": "exists only inside IPython; the exported package would raise NameError",
    "In": "is IPython's input history, which the exported package does not have",
    "Out": "is IPython's output history, which the exported package does not have",
    "__name__": "is '__main__' in the notebook but the module's name in the exported package, "
    'so code guarded by `if __name__ == "__main__":` would not run; remove the check',
    "__doc__": "is set by no cell before it, so in the notebook it is IPython's own text "
    "('Automatically created module for IPython interactive environment'), in the exported "
    "package the steps module's docstring; start a cell with the string __doc__ should hold "
    "(a string statement at a cell's top level sets it), or stop using __doc__",
}
_WHY_LIBRARY_DOC = (
    "is the string library cell {cell} starts with (IPython stores it as __doc__), but the "
    "exported library module keeps a docstring of its own; put that string in an untagged or "
    "step cell instead"
)
NOTEBOOK_ONLY = frozenset(_WHY_NOTEBOOK_ONLY)


def _where(state: ScopeState) -> str:
    return f"step {state.name!r}" if state.publish else "a test cell"


def library_globals(structure: Structure) -> tuple[dict[str, str], dict[str, str]]:
    """Globals library functions read or change (name → a function), and those they assign
    with ``global`` (name → the function)."""
    reads: dict[str, str] = {}
    assigns: dict[str, str] = {}
    for unit in structure.units:
        facts = unit.parse.facts
        if unit.role != LIBRARY or facts is None:
            continue
        for function, info in facts.functions.items():
            for name in (*info.free, *info.mutates):
                reads.setdefault(name, function)
            for name in info.assigns:
                assigns.setdefault(name, function)
    return reads, assigns


def notebook_only(
    state: ScopeState, unit: CellUnit, name: str, line: int, library: CellUnit | None = None
) -> Problem:
    """``library``: the library cell binding the name (only ``__doc__`` can be one)."""
    why = _WHY_NOTEBOOK_ONLY[name]
    if library is not None:
        why = _WHY_LIBRARY_DOC.format(cell=library.cell_id)
    message = f"{name!r} used in {_where(state)} {why}"
    return make_problem("error", "notebook-only-name", message, unit.cell_id, line)


def library_shadowed(
    state: ScopeState, unit: CellUnit, library_reads: dict[str, str]
) -> list[Problem]:
    """A step binding a name library functions read: in the notebook they then see the step's
    value, in the package they keep the library module's."""
    facts = unit.parse.facts
    assert facts is not None
    problems = []
    for name in sorted(facts.local.intersection(library_reads)):
        message = (
            f"{_where(state)} assigns {name!r}, which the library function "
            f"{library_reads[name]}() reads; in the notebook that function then sees this "
            "value, in the exported package it keeps the library module's; rename the step's "
            f"variable, or pass {name} to {library_reads[name]}() as an argument"
        )
        problems.append(make_problem("error", "library-shadowed", message, unit.cell_id))
    return problems


def library_changed(state: ScopeState, unit: CellUnit, name: str, line: int) -> Problem:
    message = (
        f"{_where(state)} changes the library value {name!r} in place; the exported library "
        "module is shared by every run of the pipeline, so a second run would start from the "
        f"changed value; copy it first ({name} = copy.deepcopy({name})) or build it in a step"
    )
    return make_problem("error", "library-changed", message, unit.cell_id, line)


def library_assigned(state: ScopeState, unit: CellUnit, name: str, line: int) -> Problem:
    message = (
        f"{_where(state)} reads {name!r}, which a library function assigns with `global`; "
        "the exported steps import library values once, so they would not see the new value; "
        "have the function return it instead"
    )
    return make_problem("error", "library-global-assigned", message, unit.cell_id, line)


def global_in_function(unit: CellUnit, name: str, info: FuncInfo) -> Problem:
    kind = "class" if info.is_class else "function"
    names = ", ".join(sorted(info.assigns))
    message = (
        f"{kind} {name} assigns the notebook global(s) {names} (`global`); exported, it is "
        "defined inside its step's function, where `global` would mean the steps module, not "
        f"the values the pipeline passes; return the value instead ({names} = {name}(...)), or "
        "move it to an `export` cell"
    )
    return make_problem("error", "global-in-function", message, unit.cell_id, info.line)


def function_global(
    state: ScopeState, unit: CellUnit, read: Read, owner: str, name: str
) -> Problem:
    message = (
        f"{read.name}() (defined in step {owner!r}) reads the global {name!r}, which is bound "
        f"differently where {_where(state)} calls it; exported, {read.name}() is a closure "
        f"inside step {owner!r} and would see that step's {name}; pass {name} to "
        f"{read.name}() as an argument"
    )
    return make_problem("error", "function-global", message, unit.cell_id, read.line)


def shadow_problems(flow: Dataflow) -> list[Problem]:
    """A step that reads a builtin, import or library name and binds it too: in the step's
    function the name is local from the start, so the read fails."""
    problems = []
    for state in flow.steps.values():
        for name in sorted(state.local_names(state.module_reads)):
            unit, line = state.module_reads[name]
            message = (
                f"step {state.name!r} reads {name!r} from outside (a builtin, an import or "
                f"library code) and also assigns or deletes it; in the exported step function "
                f"{name} is then a local variable, read before it is assigned; use another "
                "name for the step's value"
            )
            problems.append(make_problem("error", "shadowed-global", message, unit.cell_id, line))
    return problems


def test_mid_step_problems(
    test_reads: dict[str, dict[str, str | None]], flow: Dataflow, structure: Structure
) -> list[Problem]:
    """A test cell standing between cells of a step, reading a value a later cell of that step
    binds, deletes or changes: the exported test sees the values as that step ends."""
    index = {unit.cell_id: unit.index for unit in structure.units}
    problems = []
    for cell_id, reads in test_reads.items():
        at = index[cell_id]
        around = [
            plan for plan in structure.steps if plan.cells[0].index < at < plan.cells[-1].index
        ]
        if not around:
            continue
        plan = around[0]
        changes = flow.steps[plan.name].cell_changes
        for name in reads:
            later = [
                u
                for u in plan.cells
                if u.index > at
                and u.parse.facts is not None
                and (
                    name in u.parse.facts.kinds
                    or name in u.parse.facts.deleted
                    or name in changes.get(u.cell_id, ())
                )
            ]
            if later:
                message = (
                    f"this test cell reads {name!r} between cells of step {plan.name!r}, and "
                    f"cell {later[0].cell_id} of that step changes it afterwards; the exported "
                    "test sees the values as the step ends; move the test cell below cell "
                    f"{later[0].cell_id}"
                )
                problems.append(make_problem("error", "test-mid-step", message, cell_id))
    return problems


def reorders_or_splits(structure: Structure) -> bool:
    """Whether an after: tag names a later step (so steps may run out of notebook order), or a
    test cell stands between a step's cells."""
    position = {plan.name: i for i, plan in enumerate(structure.steps)}
    for i, plan in enumerate(structure.steps):
        if any(position.get(target, -1) > i for target, _ in plan.after):
            return True
    tests = [unit.index for unit in structure.units if unit.role == TEST]
    return any(
        plan.cells[0].index < index < plan.cells[-1].index
        for plan in structure.steps
        for index in tests
    )
