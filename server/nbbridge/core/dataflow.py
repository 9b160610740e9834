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
from typing import Any

from . import closures, dataflow_resume, portability
from .docstrings import DOC
from .facts import CellFacts
from .flow import Read
from .model import Problem
from .scope_state import (
    ABSENT,
    DELETED,
    IMPORT,
    LIBRARY_NAME,
    PARAM,
    STEP_VALUE,
    AliasMap,
    Binder,
    ReadSite,
    ScopeState,
    StepFunction,
)
from .scopes import FuncInfo
from .structure import BUILTIN_NAMES, LIBRARY, PARAMETERS, SKIP, STEP, TEST, CellUnit, Structure

__all__ = [
    "DELETED",
    "IMPORT",
    "LIBRARY_NAME",
    "PARAM",
    "STEP_VALUE",
    "Binder",
    "Dataflow",
    "ReadSite",
    "ScopeState",
    "run_dataflow",
]


@dataclass(eq=False)
class Dataflow:
    """Result of the pass: per-step states, the test cells' state, names of skipped cells."""

    steps: dict[str, ScopeState]
    tests: ScopeState
    skipped_binders: dict[str, CellUnit]
    star_import_cells: list[CellUnit]
    problems: list[Problem] = field(default_factory=list)
    # Per test cell: what each name it reads from outside the test cells was bound to there.
    test_cells: dict[str, dict[str, Binder | None]] = field(default_factory=dict)
    # The pass itself, with its checkpoints: the next analysis may resume it.
    resumable: _Pass | None = None


def run_dataflow(structure: Structure, previous: Dataflow | None = None) -> Dataflow:
    """Walk the cells in notebook order and resolve every step's reads; with ``previous``
    (the last pass of this analyzer) resume it from the step before the first changed cell
    when it can (see :mod:`.dataflow_resume`)."""
    if previous is not None and previous.resumable is not None:
        resumed = dataflow_resume.resume(previous.resumable, structure)
        if resumed is not None:
            return resumed.run(resumed.resume_at)
    return _Pass(structure).run()


class _Pass:
    def __init__(self, structure: Structure) -> None:
        self.structure = structure
        self.binders: dict[str, Binder] = {}
        self.functions: dict[str, StepFunction] = {}
        self.problems: list[Problem] = []
        self.test_cells: dict[str, dict[str, Binder | None]] = {}
        # Names referring to (part of) another name's object, across cells: `xs = ys`.
        self.aliases = AliasMap()
        # Aliases across cells matter only to the checks of after: reorderings and of test
        # cells standing inside a step: tracked only when the notebook has either.
        self.track_aliases = portability.reorders_or_splits(structure)
        self._reported: set[tuple[str, str, str]] = set()
        # Globals library functions read, and those they assign with `global`.
        self.library_reads, self.library_assigns = portability.library_globals(structure)
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
        # For resuming (see :mod:`.dataflow_resume`): what each write to binders, functions and
        # skipped replaced, and a checkpoint where each step starts.
        self.log: list[tuple[dict[str, Any], str, object]] = []
        self.checkpoints: list[dataflow_resume.Checkpoint] = []
        self.resume_at = 0
        self.tests_version = 0
        self.ends: dict[str, tuple[int, int]] = {}

    def run(self, start: int = 0) -> Dataflow:
        units, log = self.structure.units, self.log
        for position in range(start, len(units)):
            unit = units[position]
            facts = unit.parse.facts
            if facts is None:
                continue
            if unit.role == SKIP:
                for name in facts.may:
                    if name not in self.skipped:
                        log.append((self.skipped, name, ABSENT))
                        self.skipped[name] = unit
                continue
            state = self.states.get(unit.step) if unit.role == STEP else None  # type: ignore[arg-type]
            if self._pending is not None and self._pending is not state:
                self._flush()
            if state is not None and not state.cells:  # a step starts: a place to resume from
                self.checkpoints.append(dataflow_resume.checkpoint(self, position, state))
            if facts.star_imports:
                self.star_cells.append(unit)
            if state is not None:
                self._scope_cell(state, unit)
                self._pending = state
            elif unit.role == TEST:
                self.tests_version += 1
                earlier = set(self.tests.must)
                self._scope_cell(self.tests, unit)
                self.test_cells[unit.cell_id] = self._test_sources(unit, earlier)
            elif unit.role in (LIBRARY, PARAMETERS):
                self._definitions_cell(unit)
        if self._pending is not None:
            self._flush()
        # What the states read when the pass ends (resolve adds pass-through reads later).
        self.ends = {name: (len(s.reads), len(s.sources)) for name, s in self.states.items()}
        return Dataflow(
            self.states,
            self.tests,
            self.skipped,
            self.star_cells,
            self.problems,
            self.test_cells,
            self,
        )

    def _test_sources(self, unit: CellUnit, earlier: set[str]) -> dict[str, Binder | None]:
        """Each test cell becomes its own test: it reads the values current where it stands
        (names bound by earlier test cells excepted: the test repeats those cells)."""
        facts = unit.parse.facts
        assert facts is not None
        return {
            read.name: self.binders.get(read.name)
            for read in facts.reads
            if read.name not in earlier and read.name not in read.must
        }

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
        local = state.local_names(state.hoisted)
        log = self.log
        for name in state.published:
            log.append((binders, name, binders.get(name, ABSENT)))
            if name not in may:
                binders[name] = deleted
            elif kinds[name] == "import" and name not in local:
                binders[name] = imported
            else:
                binders[name] = sure if name in must else maybe

    # --- library and parameters: names defined for everyone -------------------------------

    def _definitions_cell(self, unit: CellUnit) -> None:
        facts = unit.parse.facts
        assert facts is not None
        own_kind = LIBRARY_NAME if unit.role == LIBRARY else PARAM
        binders, functions, log = self.binders, self.functions, self.log
        for name, cell_kind in facts.kinds.items():  # binding order: deterministic output
            kind = IMPORT if cell_kind == "import" else own_kind
            log.append((binders, name, binders.get(name, ABSENT)))
            binders[name] = Binder(kind, unit)
            self.aliases.forget(name)
            info = facts.functions.get(name)
            log.append((functions, name, functions.get(name, ABSENT)))
            if info is not None and unit.role == LIBRARY:
                functions[name] = StepFunction(info, True)
            else:
                functions.pop(name, None)
        for name in sorted(facts.deleted):
            log.append((binders, name, binders.get(name, ABSENT)))
            binders[name] = Binder(DELETED, unit)
            log.append((functions, name, functions.get(name, ABSENT)))
            functions.pop(name, None)

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
            if found is not None and not found.library:
                # Library code resolves its globals in the library module, not here.
                self._expand(state, unit, read, found, {read.name}, mutated, assigned)
        state.last_cell = unit
        state.cells.append(unit)
        for name, info in facts.global_writers:
            self._report([portability.global_in_function(unit, name, info)])
        if facts.hoisted:
            for name in facts.hoisted:
                state.hoisted.setdefault(name, unit)
        local = facts.local
        if local:
            state.local.update(local)
            reads = self.library_reads
            if reads and state.publish and not reads.keys().isdisjoint(local):
                self._report(portability.library_shadowed(state, unit, reads))
        kinds = facts.kinds
        if kinds:  # the hot path, inlined: three C-level updates
            state.may.update(kinds)
            state.must.update(facts.must)
            state.kinds.update(kinds)  # keeps first-binding order: outputs are listed in it
        if state.undone:
            state.undone.difference_update(facts.must)
        if facts.unbound:
            # Maybe deleted: whatever an earlier cell bound, the name may be gone at the end.
            state.must.difference_update(facts.unbound)
            state.undone.update(facts.unbound)
        if assigned:
            for name in sorted(assigned):
                self._bind(state, unit, name, "value", True)
        for name in mutated:
            if name in facts.may:
                continue  # bound by this very cell
            kind = self._kind_of(state, name)
            if kind == IMPORT:
                continue  # a module: `np.random.seed(0)`
            if kind == LIBRARY_NAME and state.publish:
                self._report([portability.library_changed(state, unit, name, mutated[name])])
            self._bind(state, unit, name, state.kinds.get(name, "value"), True)
        if self.track_aliases:
            self._track_changes(state, unit, facts, mutated, assigned)
        if facts.deleted:
            # Last: a name changed in place and then deleted by the cell is gone at its end.
            for name in sorted(facts.deleted):
                self._delete(state, unit, name)
        if not state.publish:
            return  # test cells' definitions stay among the test cells
        log = self.log
        for name, info in facts.functions.items():
            log.append((functions, name, functions.get(name, ABSENT)))
            functions[name] = self._step_function(state, unit, name, info)
        if functions:
            for name in (*facts.plain, *facts.deleted):
                if name in functions:
                    log.append((functions, name, functions.pop(name)))

    def _track_changes(
        self,
        state: ScopeState,
        unit: CellUnit,
        facts: CellFacts,
        mutated: dict[str, int],
        assigned: set[str],
    ) -> None:
        """What the cell changes in place, aliases included (for the after: and test-cell
        checks), and the aliases it leaves."""
        aliases = self.aliases
        if mutated or assigned:
            in_place = aliases.spread(mutated)
            state.changed.update(in_place)
            if state.publish:
                state.cell_changes[unit.cell_id] = in_place | assigned
        if not state.publish:
            return
        new = facts.aliases or {}
        for name in (*facts.kinds, *facts.deleted):
            if name in aliases.roots and name not in new:
                aliases.forget(name)
        for name, roots in new.items():
            aliases.bind(name, roots)  # reads the old roots first: `box = box`

    def _expand(
        self,
        state: ScopeState,
        unit: CellUnit,
        read: Read,
        function: StepFunction,
        seen: set[str],
        mutated: dict[str, int],
        assigned: set[str],
    ) -> None:
        """Reading a function defined in another cell reads the globals it carries, here."""
        via, info = read.name, function.info
        for name in (*info.free, *info.mutates):
            if function.scope is not None and function.scope is not state:
                problem = closures.check_call(self.binders, state, unit, read, function, name)
                if problem is not None:
                    self._report([problem])
            if name in read.must:
                continue
            self._note_read(state, unit, name, read.line, name in read.may, via)
            found = self.functions.get(name)
            if found is not None and not found.library and name not in seen:
                seen.add(name)
                self._expand(state, unit, read, found, seen, mutated, assigned)
        for name in info.mutates:
            mutated.setdefault(name, read.line)
        assigned.update(info.assigns)

    def _step_function(
        self, state: ScopeState, unit: CellUnit, name: str, info: FuncInfo
    ) -> StepFunction:
        """A function a step defines becomes a closure inside the step function: the globals
        it reads that the step does not bind must reach the step as inputs."""
        views: dict[str, object] = {}
        for free, line in (*info.free.items(), *info.mutates.items()):
            if free in state.may or free == name or free in views:
                continue
            views[free] = closures.view(self.binders, state, free)
            self._note_read(state, unit, free, line, True, name, closure=True)
        return StepFunction(info, False, state, views)

    def _note_read(
        self,
        state: ScopeState,
        unit: CellUnit,
        name: str,
        line: int,
        maybe: bool,
        via: str | None,
        closure: bool = False,
    ) -> None:
        if name in state.must or name in state.reads:
            return
        binder = self.binders.get(name)
        if binder is not None and binder.scope is state:
            binder = state.entry.get(name)
        # Fast paths: most reads are of builtins, imports and library code, which are not inputs.
        if binder is None:
            if name in BUILTIN_NAMES:
                if not closure and name not in state.module_reads:
                    self._module_read(state, unit, name, line)
                return
        elif binder.kind is IMPORT or binder.kind is LIBRARY_NAME:
            if not closure and name not in state.module_reads:
                self._module_read(state, unit, name, line, binder)
                if binder.kind is LIBRARY_NAME and name in self.library_assigns:
                    self._report([portability.library_assigned(state, unit, name, line)])
            return
        state.reads[name] = ReadSite(unit, line, not maybe and name not in state.may, via)
        state.sources[name] = binder

    def _module_read(
        self, state: ScopeState, unit: CellUnit, name: str, line: int, by: Binder | None = None
    ) -> None:
        if name not in state.module_reads:
            state.module_reads[name] = (unit, line)
            if name not in portability.NOTEBOOK_ONLY:
                return
            if by is None:  # IPython's own (an import of it is fine)
                self._report([portability.notebook_only(state, unit, name, line)])
            elif by.kind is LIBRARY_NAME and name == DOC:
                self._report([portability.notebook_only(state, unit, name, line, by.cell)])

    def _report(self, problems: list[Problem]) -> None:
        """Keep one problem per (code, cell, message): a name read in a loop reports once."""
        for problem in problems:
            key = (problem.code, problem.cell_id or "", problem.message)
            if key not in self._reported:
                self._reported.add(key)
                self.problems.append(problem)

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
        state.undone.add(name)  # whatever the step was handed as `name` is gone
