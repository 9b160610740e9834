"""The dataflow pass's state: bindings of names, and each step's running def/use state."""

from __future__ import annotations

from dataclasses import dataclass, field

from .scopes import FuncInfo
from .structure import CellUnit

__all__ = [
    "ABSENT",
    "DELETED",
    "IMPORT",
    "LIBRARY_NAME",
    "MODULE_LEVEL",
    "PARAM",
    "STEP_VALUE",
    "AliasMap",
    "Binder",
    "ReadSite",
    "ScopeState",
    "StepFunction",
]

STEP_VALUE, PARAM, LIBRARY_NAME, IMPORT, DELETED = "step", "param", "library", "import", "deleted"
ABSENT = object()  # in the pass's log of writes: the name had no entry before
# A closure's view of a global held by the exported steps module itself (an import, a library
# name, a builtin): the same wherever the function is called.
MODULE_LEVEL = "module"


@dataclass(eq=False, slots=True)
class Binder:
    """The latest binding of a name: who made it and whether it surely happened."""

    kind: str
    cell: CellUnit
    scope: ScopeState | None = None
    must: bool = True


@dataclass(frozen=True, slots=True)
class ReadSite:
    """Where a scope first reads a name from outside itself."""

    cell: CellUnit
    line: int
    hard: bool
    via: str | None


@dataclass(eq=False)
class ScopeState:
    """The running def/use state of one step (or of all test cells together)."""

    name: str
    position: int
    publish: bool = True
    must: set[str] = field(default_factory=set)
    may: set[str] = field(default_factory=set)
    kinds: dict[str, str] = field(default_factory=dict)
    reads: dict[str, ReadSite] = field(default_factory=dict)
    sources: dict[str, Binder | None] = field(default_factory=dict)
    entry: dict[str, Binder | None] = field(default_factory=dict)
    passthrough: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)
    # Names a cell may have deleted (on some path) and no later cell surely bound again: the
    # value the step was handed may be gone at its end.
    undone: set[str] = field(default_factory=set)
    published: set[str] = field(default_factory=set)
    last_cell: CellUnit | None = None
    # For the checks of what a step function would do differently from the notebook:
    # builtins, imports and library names read before the step binds them (first site each),
    # the step's cells, the names its code makes local, its top-level imports, and (only when
    # the notebook has after: reorderings or test cells inside steps) the names it changes in
    # place, per cell too (through calls and aliases included).
    module_reads: dict[str, tuple[CellUnit, int]] = field(default_factory=dict)
    cells: list[CellUnit] = field(default_factory=list)
    local: set[str] = field(default_factory=set)
    hoisted: dict[str, CellUnit] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)
    cell_changes: dict[str, set[str]] = field(default_factory=dict)
    _binders: dict[tuple[str, bool], Binder] = field(default_factory=dict)

    def local_names(self, among: set[str] | dict[str, object]) -> set[str]:
        """Those of ``among`` the step's code makes local (binds other than by a hoisted
        import, or deletes) in any of its cells."""
        return self.local.intersection(among) if among else set()

    def binder(self, kind: str, must: bool, cell: CellUnit) -> Binder:
        """This scope's shared binder of a kind (one object per kind, not per name or cell)."""
        found = self._binders.get((kind, must))
        if found is None:
            found = self._binders[(kind, must)] = Binder(kind, cell, self, must)
        return found


@dataclass(eq=False, slots=True)
class StepFunction:
    """A function (or class) defined by a cell: library code, or a step's, with what each
    global it reads was bound to where it was defined (for names the step did not bind)."""

    info: FuncInfo
    library: bool
    scope: ScopeState | None = None
    views: dict[str, object] = field(default_factory=dict)


class AliasMap:
    """Names referring to (part of) another name's object across cells (`view = df`), with
    the reverse index, so a change in place can be spread to every name sharing the object."""

    def __init__(self) -> None:
        self.roots: dict[str, frozenset[str]] = {}
        self.holders: dict[str, set[str]] = {}

    def forget(self, name: str) -> None:
        for root in self.roots.pop(name, ()):
            held = self.holders.get(root)
            if held is not None:
                held.discard(name)

    def bind(self, name: str, roots: frozenset[str]) -> None:
        # Roots first: `box = box` keeps what box referred to.
        further = [self.roots.get(r, frozenset()) for r in roots]
        self.forget(name)
        self.roots[name] = full = roots.union(*further) - {name}
        for root in full:
            self.holders.setdefault(root, set()).add(name)

    def spread(self, changed: dict[str, int]) -> set[str]:
        """``changed`` plus their roots (`xs` after `view = xs; view.append(1)`) and the names
        holding any of those (`view` after `xs.append(1)`)."""
        found = set(changed)
        if not self.roots:
            return found
        for name in changed:
            found.update(self.roots.get(name, ()))
        for name in list(found):
            found.update(self.holders.get(name, ()))
        return found
