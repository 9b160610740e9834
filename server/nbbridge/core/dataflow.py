"""Dataflow between steps: which step each read comes from, in notebook order.

One pass over the cells in notebook order keeps, for every name, its latest binding (a step's
value, a parameter, library code, an import, a deletion). A step's open read resolves to the
binding current when the step started (the nearest earlier definition), exactly as running the
notebook top to bottom would. Reads of a function or class also read the globals it carries,
resolved at the reading cell. A step that only *maybe* binds a name (in a branch or loop) and
hands it on also takes the earlier value as an input, so the exported step sees it either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .flow import Read
from .scopes import FuncInfo
from .structure import BUILTIN_NAMES, LIBRARY, PARAMETERS, SKIP, STEP, TEST, CellUnit, Structure

__all__ = ["Binder", "Dataflow", "ReadSite", "ScopeState", "run_dataflow"]

STEP_VALUE, PARAM, LIBRARY_NAME, IMPORT, DELETED = "step", "param", "library", "import", "deleted"


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
    published: set[str] = field(default_factory=set)
    last_cell: CellUnit | None = None
    _binders: dict[tuple[str, bool], Binder] = field(default_factory=dict)

    def binder(self, kind: str, must: bool, cell: CellUnit) -> Binder:
        """This scope's shared binder of a kind (one object per kind, not per name or cell)."""
        found = self._binders.get((kind, must))
        if found is None:
            found = self._binders[(kind, must)] = Binder(kind, cell, self, must)
        return found


@dataclass(eq=False)
class Dataflow:
    """Result of the pass: per-step states, the test cells' state, names of skipped cells."""

    steps: dict[str, ScopeState]
    tests: ScopeState
    skipped_binders: dict[str, CellUnit]
    star_import_cells: list[CellUnit]


def run_dataflow(structure: Structure) -> Dataflow:
    """Walk the cells in notebook order and resolve every step's reads."""
    return _Pass(structure).run()


class _Pass:
    def __init__(self, structure: Structure) -> None:
        self.structure = structure
        self.binders: dict[str, Binder] = {}
        self.functions: dict[str, tuple[FuncInfo, bool]] = {}
        self.skipped: dict[str, CellUnit] = {}
        self.star_cells: list[CellUnit] = []
        self.states = {
            plan.name: ScopeState(plan.name, position)
            for position, plan in enumerate(structure.steps)
        }
        self.tests = ScopeState("<tests>", len(structure.steps), publish=False)
        # A step's bindings are published when another cell needs them, not after each cell:
        # inside the step its own state answers, and publishing once per step is much cheaper.
        self._pending: ScopeState | None = None

    def run(self) -> Dataflow:
        for unit in self.structure.units:
            facts = unit.parse.facts
            if facts is None:
                continue
            if unit.role == SKIP:
                for name in facts.may:
                    self.skipped.setdefault(name, unit)
                continue
            if facts.star_imports:
                self.star_cells.append(unit)
            state = self.states.get(unit.step) if unit.role == STEP else None  # type: ignore[arg-type]
            if self._pending is not None and self._pending is not state:
                self._flush()
            if state is not None:
                self._scope_cell(state, unit)
                self._pending = state
            elif unit.role == TEST:
                self._scope_cell(self.tests, unit)
            elif unit.role in (LIBRARY, PARAMETERS):
                self._definitions_cell(unit)
        if self._pending is not None:
            self._flush()
        return Dataflow(self.states, self.tests, self.skipped, self.star_cells)

    def _flush(self) -> None:
        """Publish the pending step's bindings (and remember what each name had before)."""
        state = self._pending
        assert state is not None
        self._pending = None
        binders, entry, kinds, must = self.binders, state.entry, state.kinds, state.must
        names = [n for n in (*kinds, *state.deleted) if n not in state.published]
        for name in names:
            if name not in entry:
                current = binders.get(name)
                entry[name] = current if current is None or current.scope is not state else None
        state.published.update(names)
        cell = state.last_cell
        assert cell is not None
        sure, maybe = state.binder(STEP_VALUE, True, cell), state.binder(STEP_VALUE, False, cell)
        imported, deleted = state.binder(IMPORT, True, cell), state.binder(DELETED, True, cell)
        may = state.may
        for name in state.published:
            if name not in may:
                binders[name] = deleted
            elif kinds[name] == "import":
                binders[name] = imported
            else:
                binders[name] = sure if name in must else maybe

    # --- library and parameters: names defined for everyone -------------------------------

    def _definitions_cell(self, unit: CellUnit) -> None:
        facts = unit.parse.facts
        assert facts is not None
        own_kind = LIBRARY_NAME if unit.role == LIBRARY else PARAM
        for name, cell_kind in facts.kinds.items():  # binding order: deterministic output
            kind = IMPORT if cell_kind == "import" else own_kind
            self.binders[name] = Binder(kind, unit)
            info = facts.functions.get(name)
            if info is not None and unit.role == LIBRARY:
                self.functions[name] = (info, True)
            else:
                self.functions.pop(name, None)
        for name in sorted(facts.deleted):
            self.binders[name] = Binder(DELETED, unit)
            self.functions.pop(name, None)

    # --- steps and tests -------------------------------------------------------------------

    def _scope_cell(self, state: ScopeState, unit: CellUnit) -> None:
        facts = unit.parse.facts
        assert facts is not None
        mutated = dict(facts.mutated) if facts.mutated else {}
        assigned: set[str] = set()
        functions, note_read = self.functions, self._note_read
        for read in facts.reads:
            note_read(state, unit, read.name, read.line, read.maybe, read.via)
            found = functions.get(read.name)
            if found is not None and not found[1]:
                # Library code resolves its globals in the library module, not here.
                self._expand(state, unit, read, found[0], {read.name}, mutated, assigned)
        state.last_cell = unit
        kinds = facts.kinds
        if kinds:  # the hot path, inlined: three C-level updates
            state.may.update(kinds)
            state.must.update(facts.must)
            state.kinds.update(kinds)  # keeps first-binding order: outputs are listed in it
        if facts.deleted:
            for name in sorted(facts.deleted):
                self._delete(state, unit, name)
        if assigned:
            for name in sorted(assigned):
                self._bind(state, unit, name, "value", True)
        for name in mutated:
            if name in facts.may or self._kind_of(state, name) == IMPORT:
                continue  # bound by this very cell, or a module: `np.random.seed(0)`
            self._bind(state, unit, name, state.kinds.get(name, "value"), True)
        if not state.publish:
            return  # test cells' definitions stay among the test cells
        for name, info in facts.functions.items():
            functions[name] = (info, False)
        if functions:
            for name in facts.plain:
                functions.pop(name, None)
            for name in facts.deleted:
                functions.pop(name, None)

    def _expand(
        self,
        state: ScopeState,
        unit: CellUnit,
        read: Read,
        info: FuncInfo,
        seen: set[str],
        mutated: dict[str, int],
        assigned: set[str],
    ) -> None:
        """Reading a function defined in another cell reads the globals it carries, here."""
        via = read.name
        for name in (*info.free, *info.mutates):
            if name in read.must:
                continue
            self._note_read(state, unit, name, read.line, name in read.may, via)
            found = self.functions.get(name)
            if found is not None and not found[1] and name not in seen:
                seen.add(name)
                self._expand(state, unit, read, found[0], seen, mutated, assigned)
        for name in info.mutates:
            mutated.setdefault(name, read.line)
        assigned.update(info.assigns)

    def _note_read(
        self, state: ScopeState, unit: CellUnit, name: str, line: int, maybe: bool, via: str | None
    ) -> None:
        if name in state.must or name in state.reads:
            return
        binder = self.binders.get(name)
        if binder is not None and binder.scope is state:
            binder = state.entry.get(name)
        # Fast paths: most reads are of builtins, imports and library code, which are not inputs.
        if binder is None:
            if name in BUILTIN_NAMES:
                return
        elif binder.kind is IMPORT or binder.kind is LIBRARY_NAME:
            return
        state.reads[name] = ReadSite(unit, line, not maybe and name not in state.may, via)
        state.sources[name] = binder

    def _kind_of(self, state: ScopeState, name: str) -> str | None:
        if name in state.may:
            return state.kinds.get(name)
        binder = self.binders.get(name)
        if binder is not None and binder.scope is state:
            binder = state.entry.get(name)
        return binder.kind if binder is not None else None

    def _bind(self, state: ScopeState, unit: CellUnit, name: str, kind: str, must: bool) -> None:
        state.may.add(name)
        if must:
            state.must.add(name)
        state.kinds[name] = kind

    def _delete(self, state: ScopeState, unit: CellUnit, name: str) -> None:
        state.must.discard(name)
        state.may.discard(name)
        state.deleted.add(name)
