"""Notebook → :class:`Pipeline`: the public entry points of the analysis.

:class:`Analyzer` keeps a cache of parsed cells keyed by their source, so analysing a notebook
again after one edit parses one cell; the rest of the work (roles, dataflow, order) is linear
in the number of cells. :func:`analyze` uses a module-level analyzer.
"""

from __future__ import annotations

import threading
from typing import Any

from .cellparse import CellParse, parse_cell
from .data_inputs import resolve_reads
from .dataflow import Dataflow, run_dataflow
from .detail import Analysis, CellCode, Metric, StepCode, TestCode
from .docstrings import DOC
from .model import Edge, LibraryItem, Parameter, Pipeline, Problem, Step
from .parameters import extract_parameters
from .problems import make_problem
from .resolve import Shape, resolve
from .star_cells import star_aware
from .structure import LIBRARY, PARAMETERS, SKIP, TEST, CellUnit, Structure, build_structure

__all__ = ["Analyzer", "analyze", "analyze_detailed"]


class Analyzer:
    """Analyses notebooks, caching each cell's parse by its source text.

    The key is the source itself (a dict keyed by the string hashes it): everything cached
    (IPython rewriting, syntax problems, def/use facts, ``%%step`` and nbdev directives)
    depends on the source alone. Tags are read afresh at every analysis; that is cheap, so
    retagging a cell costs no parse. Keep one analyzer alive (the server does) so re-analysing
    after an edit parses only the edited cell.

    The cache is bounded by count (``max_cells``) and by size (``max_bytes`` of source text,
    which a parse holds about once more in rewritten code and names): the oldest entries go
    first, and a cell larger than a quarter of the budget is parsed but never kept, so a few
    huge cells cannot pin memory. ``parsed`` counts cache misses (cells actually parsed),
    which tests use to check caching; ``cached_bytes`` is the source text held.
    """

    def __init__(self, max_cells: int = 20_000, max_bytes: int = 64 * 1024 * 1024) -> None:
        self._cache: dict[str, CellParse] = {}
        self._max_cells = max_cells
        self._max_bytes = max_bytes
        self._lock = threading.Lock()
        self.parsed = 0
        # The last dataflow pass: the next analysis resumes it from the step before the first
        # changed cell (see dataflow_resume), so re-analysing after an edit redoes what follows.
        self._flow: Dataflow | None = None
        self.resume = True  # False: every analysis walks the whole notebook (benchmarks)
        self.cached_bytes = 0

    def parse(self, source: str) -> CellParse:
        """The cached parse of one cell source."""
        found = self._cache.get(source)
        if found is not None:
            return found
        parsed = parse_cell(source)
        size = len(source)
        with self._lock:
            self.parsed += 1
            if size > self._max_bytes // 4 or source in self._cache:
                return parsed
            if len(self._cache) >= self._max_cells:
                self._evict(self._max_cells // 4 or 1)
            while self._cache and self.cached_bytes + size > self._max_bytes:
                self._evict(max(1, len(self._cache) // 8))
            self._cache[source] = parsed
            self.cached_bytes += size
        return parsed

    def _evict(self, count: int) -> None:
        """Drop the ``count`` oldest entries (dicts keep insertion order); caller holds the lock."""
        for key in list(self._cache)[:count]:
            del self._cache[key]
            self.cached_bytes -= len(key)

    def analyze(
        self, nb: dict[str, Any], notebook: str = "", folder: str | None = None
    ) -> Pipeline:
        """The notebook as a pipeline (see DESIGN.md §2–3); ``folder``: the notebook's, where
        star imports of its local modules are resolved (else ``notebook``'s, else the cwd)."""
        return self._run(nb, notebook, folder)[0]

    def analyze_detailed(
        self, nb: dict[str, Any], notebook: str = "", folder: str | None = None
    ) -> Analysis:
        """The pipeline plus the per-step code and roles export needs; ``folder`` is the
        notebook's (star imports of its local modules are resolved there)."""
        pipeline, structure, shape, metrics = self._run(nb, notebook, folder)
        return _detail(pipeline, structure, shape, metrics)

    def _run(
        self, nb: dict[str, Any], notebook: str, folder: str | None = None
    ) -> tuple[Pipeline, Structure, Shape, list[Metric]]:
        structure = build_structure(nb, star_aware(self.parse, notebook, folder))
        problems = list(structure.problems)
        parameters: dict[str, Parameter] = {}
        for unit in structure.units:
            if unit.role == PARAMETERS:
                found, cell_problems = extract_parameters(unit.parse)
                for value in found:
                    parameters.pop(value.name, None)
                    parameters[value.name] = Parameter.model_construct(
                        name=value.name,
                        type=value.type,
                        default=value.default,
                        cell_id=unit.cell_id,
                    )
                problems += [
                    make_problem(p.severity, p.code, p.message, unit.cell_id, p.line)
                    for p in cell_problems
                ]
        metrics = _metrics(structure)
        extra: dict[str, list[str]] = {}
        for metric in metrics:
            extra.setdefault(metric.step, []).append(metric.name)
        with self._lock:
            previous, self._flow = self._flow, None  # one analysis at a time resumes it
        flow = run_dataflow(structure, previous if self.resume else None)
        shape = resolve(structure, flow, extra, frozenset(parameters))
        self._flow = flow
        problems += shape.problems
        # The parts are built without re-validation: the analysis makes them from valid values.
        pipeline = Pipeline.model_construct(
            notebook=notebook,
            parameters=list(parameters.values()),
            steps=[
                Step.model_construct(
                    name=plan.name,
                    cell_ids=[cell.cell_id for cell in plan.cells],
                    inputs=shape.inputs[plan.name],
                    outputs=shape.outputs[plan.name],
                    after=list(dict.fromkeys(name for name, _ in plan.after)),
                    data=resolve_reads(
                        (read for cell in plan.cells for read in cell.parse.data_reads),
                        {name: p.default for name, p in parameters.items()},
                    ),
                )
                for plan in structure.steps
            ],
            edges=[
                Edge.model_construct(source=source, target=target, names=names)
                for (source, target), names in _sorted_edges(shape, structure)
            ],
            order=shape.order,
            library=[
                LibraryItem.model_construct(
                    cell_id=unit.cell_id,
                    names=[
                        n
                        for n in unit.parse.facts.kinds
                        if n != DOC and n not in unit.parse.facts.star_bound
                    ],
                )
                for unit in structure.units
                if unit.role == LIBRARY and unit.parse.facts is not None and unit.parse.facts.kinds
            ],
            problems=_sorted_problems(problems, structure),
        )
        return pipeline, structure, shape, metrics


_default = Analyzer()


def analyze(nb: dict[str, Any], notebook: str = "", folder: str | None = None) -> Pipeline:
    """Analyse a checked notebook (see :func:`read_notebook`) with the shared analyzer."""
    return _default.analyze(nb, notebook, folder)


def analyze_detailed(nb: dict[str, Any], notebook: str = "", folder: str | None = None) -> Analysis:
    """Like :func:`analyze`, with the per-step code export needs."""
    return _default.analyze_detailed(nb, notebook, folder)


def _metrics(structure: Structure) -> list[Metric]:
    metrics: list[Metric] = []
    for unit in structure.units:
        if unit.metrics and unit.step is not None:
            metrics.extend(
                Metric(name, unit.step, unit.cell_id) for name in unit.parse.assigned_names
            )
    return metrics


def _sorted_edges(shape: Shape, structure: Structure) -> list[tuple[tuple[str, str], list[str]]]:
    position = {plan.name: i for i, plan in enumerate(structure.steps)}
    return sorted(
        shape.edges.items(), key=lambda item: (position[item[0][1]], position[item[0][0]])
    )


def _sorted_problems(problems: list[Problem], structure: Structure) -> list[Problem]:
    position = {unit.cell_id: unit.index for unit in structure.units}
    return sorted(problems, key=lambda p: (position.get(p.cell_id or "", -1), p.line or 0, p.code))


def _cell_code(
    unit: CellUnit,
    keep: frozenset[str] = frozenset(),
    doc: bool = False,
    first: tuple[str, ...] | None = None,
) -> CellCode:
    """``first``: imports the cell's code starts with (see :mod:`.import_meanings`)."""
    parse = unit.parse
    # The library module keeps its own docstring (a step reading the library's __doc__ is
    # refused); elsewhere a string that set __doc__ in the notebook sets it in the package.
    doc = doc and unit.role != LIBRARY
    split = parse.split_keeping(keep, doc) if keep or doc else parse.export_split
    body = "\n".join((*first, split.body)) if first else split.body
    facts = parse.facts
    # What a star import binds is not the cell's own definition (nor a result of its step).
    defines = tuple(n for n in facts.kinds if n not in facts.star_bound) if facts else ()
    return CellCode(
        cell_id=unit.cell_id,
        index=unit.index,
        role=unit.role,
        step=unit.step,
        code=parse.code,
        imports=split.imports,
        body=body,
        display_only=split.display_only,
        defines=defines,
    )


def _detail(
    pipeline: Pipeline, structure: Structure, shape: Shape, metrics: list[Metric]
) -> Analysis:
    # Strings binding __doc__ are written as assignments only where the notebook uses it.
    doc = any(DOC in unit.parse.code for unit in structure.units if unit.role != SKIP)
    cells = {}
    for unit in structure.units:
        keep = shape.unhoisted.get(unit.step or "", frozenset())
        keep |= shape.import_keep.get(unit.cell_id, frozenset())
        cells[unit.cell_id] = _cell_code(unit, keep, doc, shape.import_prepend.get(unit.cell_id))
    by_name = {step.name: step for step in pipeline.steps}
    steps = []
    for name in pipeline.order:
        plan = next(p for p in structure.steps if p.name == name)
        step = by_name[name]
        steps.append(
            StepCode(
                name=name,
                cells=tuple(cells[c.cell_id] for c in plan.cells),
                inputs=tuple(step.inputs),
                outputs=tuple(step.outputs),
                sources=dict(shape.sources[name]),
                after=tuple(step.after),
                metrics=tuple(m.name for m in metrics if m.step == name),
                maybe=tuple(shape.maybe.get(name, ())),
            )
        )
    tests = []
    for unit in structure.units:
        if unit.role == TEST and unit.parse.facts is not None:
            tests.append(TestCode(cells[unit.cell_id], dict(shape.test_reads[unit.cell_id])))
    imports: dict[str, None] = {}
    for unit in structure.units:
        if unit.role != SKIP:
            imports.update(dict.fromkeys(cells[unit.cell_id].imports))
    return Analysis(
        pipeline=pipeline,
        steps=tuple(steps),
        library=tuple(cells[u.cell_id] for u in structure.units if u.role == LIBRARY),
        parameter_cells=tuple(cells[u.cell_id] for u in structure.units if u.role == PARAMETERS),
        tests=tuple(tests),
        metrics=tuple(metrics),
        imports=tuple(imports),
        skipped=tuple(cells[u.cell_id] for u in structure.units if u.role == SKIP),
        default_exp=structure.default_exp,
    )
