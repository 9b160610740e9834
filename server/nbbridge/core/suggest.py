"""Suggest steps for a notebook from its headings, checked by the analysis.

The notebook is split where its headings are, at the heading level that gives a sensible number
of steps; each step is named from its heading's text. Every proposal is analysed: where a split
brings an error the notebook did not have (a value one step would have to hand to the next and
cannot, a closure over another step's values, ...), the two steps are merged and the merge is
reported, until the proposal analyses with no error of its own. Nothing is written here:
:func:`suggest_steps` returns the proposal and :func:`tagged_copy` the notebook JSON with it.

Step tags the notebook already has are kept (their steps neither renamed nor merged); cells with
a role (parameters, export, test, skip) never start a suggested step; imports and definitions at
the top stay shared setup.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any

from .analysis import Analyzer
from .headings import Heading, notebook_headings, step_name, unique_name
from .model import Pipeline, Problem
from .problems import make_problem
from .structure import STEP, build_structure
from .tags import parse_tags

__all__ = ["SuggestedStep", "Suggestion", "suggest_steps", "tagged_copy"]

SETUP_NAME = "setup"
MIN_TARGET, MAX_TARGET = 3, 12
CELLS_PER_STEP = 6  # what a step of a well-split notebook holds, roughly


@dataclass(frozen=True, slots=True)
class SuggestedStep:
    """A step of the proposal, as the analysis of the tagged notebook sees it."""

    name: str
    cell_ids: tuple[str, ...]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    heading: str | None  # the heading it was named from (None: a step the notebook had)
    new: bool  # Apply writes its step: tag (False: the notebook tags it already)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A proposal: its steps, the tags Apply writes, problems (merges first), the analysis."""

    steps: tuple[SuggestedStep, ...]
    tags: tuple[tuple[str, str], ...]  # (cell id, tag): step:NAME, or export, added to that cell
    problems: tuple[Problem, ...]
    level: int | None  # the heading level split at; None when there was nothing to split
    pipeline: Pipeline


@dataclass(slots=True)
class _Boundary:
    index: int  # the cell that starts the step
    cell_id: str
    name: str
    heading: str | None
    user: bool  # the notebook's own step tag
    section: int = -1  # the heading's cell (-1: above every heading); merges drop sections


@dataclass(slots=True)
class _Cells:
    """What the proposal needs to know about each code cell of the notebook."""

    ids: dict[int, str] = field(default_factory=dict)
    eligible: list[int] = field(default_factory=list)  # may start a step (plain code)
    definitions: set[int] = field(default_factory=set)  # imports and definitions only
    user_starts: dict[int, str] = field(default_factory=dict)  # index → its step name
    auto_library: set[int] = field(default_factory=set)  # library code while untagged


def suggest_steps(
    nb: dict[str, Any], notebook: str = "", analyzer: Analyzer | None = None
) -> Suggestion:
    """Propose steps for a checked notebook (see :func:`read_notebook`); never modifies it."""
    analyzer = analyzer or Analyzer()
    cells = nb.get("cells") or []
    base = analyzer.analyze(nb, notebook)
    base_errors = _error_keys(base)
    info = _cell_info(nb, analyzer, base)
    headings = notebook_headings(cells)
    level = _choose_level(headings, info)
    notes: list[Problem] = []
    if level is None:
        notes.append(_no_split_note(headings, bool(info.user_starts)))
    library: set[int] = set()  # definitions kept library code with an export tag
    dropped: set[int] = set()  # sections merged into the step above
    position = {cell_id: index for index, cell_id in info.ids.items()}
    while True:
        boundaries = _plan(headings, level, info, library, dropped)
        pipeline = analyzer.analyze(_with_tags(nb, boundaries, library), notebook)
        fresh = [p for p in pipeline.problems if p.severity == "error"]
        fresh = [p for p in fresh if (p.code, p.cell_id) not in base_errors]
        if not fresh:
            break
        where = position.get(fresh[0].cell_id or "")
        if where in info.auto_library and where not in library:
            # Library code while the notebook had no step tags, step code once it has: keep
            # it library code, as the analysis saw it before.
            library.add(where)
            notes.append(_library_note(fresh[0]))
            continue
        merged = _merge_for(fresh[0], boundaries, position)
        if merged is None:
            break  # only the notebook's own step tags are left: its errors are its own
        dropped.add(merged[1])
        notes.append(merged[0])
    return _suggestion(pipeline, boundaries, library, info, notes, level)


def tagged_copy(raw: dict[str, Any], nb: dict[str, Any], suggestion: Suggestion) -> dict[str, Any]:
    """The notebook JSON ``raw`` (as stored: any nbformat 4 minor, sources as lists or strings)
    with the suggestion's tags added; ``nb`` is its checked form the suggestion was made
    from (cells in the same order). Everything else is kept as it was."""
    index_of = {cell.get("id"): i for i, cell in enumerate(nb.get("cells") or [])}
    out = copy.deepcopy(raw)
    raw_cells = out.get("cells")
    if not isinstance(raw_cells, list) or len(raw_cells) != len(nb.get("cells") or []):
        raise ValueError("the stored notebook and its checked form do not have the same cells")
    for cell_id, tag in suggestion.tags:
        cell = raw_cells[index_of[cell_id]]
        metadata = cell.setdefault("metadata", {})
        metadata["tags"] = _added(metadata.get("tags"), tag)
    return out


def _added(tags: object, tag: str) -> list[str]:
    """The tag list with ``tag`` added: a step tag first, a role last (never twice)."""
    kept = [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []
    if tag in kept:
        return kept
    return [tag, *kept] if tag.startswith("step:") else [*kept, tag]


def _error_keys(pipeline: Pipeline) -> set[tuple[str, str | None]]:
    return {(p.code, p.cell_id) for p in pipeline.problems if p.severity == "error"}


def _cell_info(nb: dict[str, Any], analyzer: Analyzer, base: Pipeline) -> _Cells:
    info = _Cells()
    structure = build_structure(nb, analyzer.parse)
    for unit in structure.units:
        info.ids[unit.index] = unit.cell_id
        if unit.auto_library:
            info.auto_library.add(unit.index)
        if unit.role != STEP and not unit.auto_library:
            continue
        info.eligible.append(unit.index)
        if unit.parse.definitions_only:
            info.definitions.add(unit.index)
    step_of = {cell_id: step.name for step in base.steps for cell_id in step.cell_ids}
    cells = nb.get("cells") or []
    for index in info.eligible:
        cell = cells[index]
        tags = parse_tags((cell.get("metadata") or {}).get("tags"))
        marks = analyzer.parse(cell.get("source") or "").marks
        if tags.steps or marks.has_step_magic:
            own = tags.steps[0] if tags.steps else marks.step or ""
            info.user_starts[index] = step_of.get(info.ids[index], own)
    return info


def _sections(
    headings: list[Heading], level: int, info: _Cells, library: set[int]
) -> list[_Boundary]:
    """The step starts when splitting at headings of ``level`` and above (names unset);
    ``library`` cells never start a step."""
    cuts = [h for h in headings if h.level <= level]
    boundaries: list[_Boundary] = []
    started = False  # a step has begun (step code seen): definitions no longer stay setup
    section: Heading | None = None
    opened = True  # the current section still needs its first cell
    cut = 0
    for index in info.eligible:
        if index in library:
            continue
        # A markdown heading governs the cells after it; a gallery heading its own cell on.
        while cut < len(cuts) and cuts[cut].cell_index <= index:
            section, opened, cut = cuts[cut], True, cut + 1
        if index in info.user_starts:
            boundaries.append(
                _Boundary(index, info.ids[index], info.user_starts[index], None, True)
            )
            started, opened = True, False
            continue
        if not started and index in info.definitions:
            continue  # imports and definitions at the top: shared setup, not a step
        if opened:
            text = section.text if section is not None else None
            key = section.cell_index if section is not None else -1
            boundaries.append(_Boundary(index, info.ids[index], "", text, False, key))
            opened = False
        started = True
    return boundaries


def _choose_level(headings: list[Heading], info: _Cells) -> int | None:
    """The heading level whose split gives the most sensible number of steps."""
    target = min(MAX_TARGET, max(MIN_TARGET, round(len(info.eligible) / CELLS_PER_STEP)))
    best: tuple[float, int] | None = None
    for level in sorted({h.level for h in headings}):
        boundaries = _sections(headings, level, info, set())
        new = [b for b in boundaries if not b.user]
        if len(boundaries) < 2 or not new:
            continue
        score = abs(math.log(len(boundaries) / target))
        if best is None or score < best[0]:
            best = (score, level)
    return None if best is None else best[1]


def _plan(
    headings: list[Heading],
    level: int | None,
    info: _Cells,
    library: set[int],
    dropped: set[int],
) -> list[_Boundary]:
    """The named boundaries at ``level`` (only the notebook's own when None), without the
    ``dropped`` sections and with ``library`` cells left out of every step."""
    if level is None:
        return [b for b in _sections([], 1, info, library) if b.user]
    boundaries = _sections(headings, level, info, library)
    boundaries = [b for b in boundaries if b.user or b.section not in dropped]
    _name(boundaries, info)
    return boundaries


def _name(boundaries: list[_Boundary], info: _Cells) -> None:
    taken = {b.name for b in boundaries if b.user}
    for boundary in boundaries:
        if not boundary.user:
            base = step_name(boundary.heading) if boundary.heading else SETUP_NAME
            boundary.name = unique_name(base, taken)


def _new_tags(boundaries: list[_Boundary], library: set[int]) -> dict[int, str]:
    """Cell index → the tag the proposal adds there, in notebook order."""
    tags = {b.index: f"step:{b.name}" for b in boundaries if not b.user}
    tags.update(dict.fromkeys(library, "export"))
    return dict(sorted(tags.items()))


def _with_tags(
    nb: dict[str, Any], boundaries: list[_Boundary], library: set[int]
) -> dict[str, Any]:
    """The checked notebook with the proposal's tags (cells shared, not copied)."""
    cells = list(nb.get("cells") or [])
    for index, tag in _new_tags(boundaries, library).items():
        cell = dict(cells[index])
        metadata = dict(cell.get("metadata") or {})
        metadata["tags"] = _added(metadata.get("tags"), tag)
        cell["metadata"] = metadata
        cells[index] = cell
    return {**nb, "cells": cells}


def _merge_for(
    problem: Problem, boundaries: list[_Boundary], position: dict[str, int]
) -> tuple[Problem, int] | None:
    """The section whose boundary most likely caused ``problem`` (to drop), and a note."""
    where = position.get(problem.cell_id or "")
    owner = None
    if where is not None:
        owner = max((i for i, b in enumerate(boundaries) if b.index <= where), default=None)
    candidates: list[int] = []
    if owner is not None:
        candidates += [owner] if owner > 0 else []
        candidates += list(range(owner + 1, len(boundaries)))
        candidates += list(range(owner - 1, -1, -1))
        candidates += [owner] if owner == 0 else []
    else:
        candidates += list(range(len(boundaries) - 1, -1, -1))
    for i in candidates:
        boundary = boundaries[i]
        if boundary.user:
            continue
        into = boundaries[i - 1].name if i > 0 else None
        joined = f"joins {into!r}" if into else "is left to the notebook's first step"
        note = make_problem(
            "warning",
            "suggest-merged",
            f"{boundary.name!r} {joined}: as a step of its own, {_lower(problem.message)}",
            boundary.cell_id,
        )
        return note, boundary.section
    return None


def _lower(message: str) -> str:
    return message[:1].lower() + message[1:]


def _library_note(problem: Problem) -> Problem:
    return make_problem(
        "warning",
        "suggest-library",
        "kept as library code (an export tag), as it is while the notebook has no step tags: "
        f"as step code, {_lower(problem.message)}",
        problem.cell_id,
    )


def _no_split_note(headings: list[Heading], tagged: bool) -> Problem:
    if tagged:
        message = (
            "nothing to add: the headings fall where the notebook's steps already start (or "
            "above no code); the notebook's own step tags are kept as they are"
        )
    elif not headings:
        message = (
            "no headings to split on: add markdown headings (## Load, ## Train, ...) above the "
            "cells that start each step, or tag them by hand"
        )
    else:
        message = (
            "the headings do not split the code into two or more steps (they sit above the "
            "same cells); add headings between the code cells, or tag them by hand"
        )
    return make_problem("warning", "suggest-no-split", message, None)


def _suggestion(
    pipeline: Pipeline,
    boundaries: list[_Boundary],
    library: set[int],
    info: _Cells,
    notes: list[Problem],
    level: int | None,
) -> Suggestion:
    by_cell = {b.cell_id: b for b in boundaries}
    steps = []
    for step in pipeline.steps:
        boundary = by_cell.get(step.cell_ids[0]) if step.cell_ids else None
        new = boundary is not None and not boundary.user
        steps.append(
            SuggestedStep(
                name=step.name,
                cell_ids=tuple(step.cell_ids),
                inputs=tuple(step.inputs),
                outputs=tuple(step.outputs),
                heading=boundary.heading if boundary is not None else None,
                new=new,
            )
        )
    tags = tuple((info.ids[i], tag) for i, tag in _new_tags(boundaries, library).items())
    return Suggestion(tuple(steps), tags, (*notes, *pipeline.problems), level, pipeline)
