"""Functions a step defines, called from another step: exported, each is a closure inside its
own step function, so it must see every global it reads bound as it was in that step.

The dataflow pass records, for each such function, what its free globals were bound to where it
was defined (:func:`view`), and checks each call from another step against it
(:func:`check_call`); a mismatch is a ``function-global`` problem at the call.
"""

from __future__ import annotations

from . import portability
from .facts import Read
from .model import Problem
from .scope_state import IMPORT, LIBRARY_NAME, MODULE_LEVEL, Binder, ScopeState, StepFunction
from .structure import CellUnit

__all__ = ["check_call", "view"]


def view(binders: dict[str, Binder], state: ScopeState, name: str) -> object:
    """What ``name`` is bound to as seen from ``state``, comparable between steps: the step
    holding its value, ``(kind, cell)`` for a parameter, or :data:`MODULE_LEVEL` for what the
    exported steps module itself holds (imports, library names, builtins)."""
    binder = binders.get(name)
    if binder is not None and binder.scope is state:
        binder = state.entry.get(name)
    if binder is None or binder.kind is IMPORT or binder.kind is LIBRARY_NAME:
        return MODULE_LEVEL
    if binder.scope is not None:
        return binder.scope
    return (binder.kind, binder.cell.cell_id)


def check_call(
    binders: dict[str, Binder],
    state: ScopeState,
    unit: CellUnit,
    read: Read,
    function: StepFunction,
    name: str,
) -> Problem | None:
    """A step calling another step's function, which reads global ``name``: the problem if,
    exported, the closure would see ``name`` bound otherwise than the call does."""
    owner = function.scope
    assert owner is not None
    if name in owner.may and owner.kinds.get(name) != IMPORT:
        expected: object = owner  # the closure sees its step's local
    else:
        expected = function.views.get(name, MODULE_LEVEL)
    facts = unit.parse.facts
    assert facts is not None
    # A cell binding the name anywhere may call the function again after binding it (only the
    # first read of a name in a cell is seen here), so that counts too.
    if name in facts.local:
        actual: object = state
    elif name in read.must or name in read.may or name in state.may:
        kind = facts.kinds.get(name) if name in facts.kinds else state.kinds.get(name)
        actual = MODULE_LEVEL if kind == IMPORT else state  # hoisted, or this step's own
    else:
        actual = view(binders, state, name)
    if actual != expected:  # steps compare by identity, parameters by (kind, cell)
        return portability.function_global(state, unit, read, owner.name, name)
    return None
