"""What the analysis knows of one cell's top-level code: its reads and bindings.

:class:`CellFacts` is computed once per cell source (see :mod:`.flow`) and cached with the
cell; the dataflow pass between cells reads nothing else of a cell.
"""

from __future__ import annotations

from dataclasses import dataclass

from .scopes import FuncInfo

__all__ = ["CellFacts", "Read"]


@dataclass(frozen=True, slots=True)
class Read:
    """A read of ``name`` not definitely preceded by a binding in the same cell."""

    name: str
    line: int
    maybe: bool
    must: frozenset[str]
    may: frozenset[str]
    via: str | None = None
    # Read whenever the cell runs: not in a branch, loop, try, comprehension or function call.
    sure: bool = False


@dataclass(frozen=True, slots=True)
class CellFacts:
    """Everything the dataflow pass needs to know about one cell's top-level code."""

    reads: tuple[Read, ...]
    must: frozenset[str]
    may: frozenset[str]
    deleted: frozenset[str]
    kinds: dict[str, str]
    functions: dict[str, FuncInfo]
    mutated: dict[str, int]
    star_imports: tuple[tuple[str, int], ...]
    problems: tuple[tuple[str, str, int], ...]
    # Derived sets, computed once here so the dataflow pass can use bulk set operations.
    imports: frozenset[str] = frozenset()
    values: frozenset[str] = frozenset()
    plain: frozenset[str] = frozenset()
    # Names a function holding this code would make local: bound (except by a hoisted,
    # top-level import) or deleted anywhere in the cell.
    local: frozenset[str] = frozenset()
    # Names left referring to (part of) another object at the cell's end: `view = df`.
    aliases: dict[str, frozenset[str]] | None = None
    # Every function or class the cell defines (even one redefined later) that assigns
    # globals with `global`.
    global_writers: tuple[tuple[str, FuncInfo], ...] = ()
    # Names bound by a top-level import (the export hoists it), even if rebound afterwards.
    hoisted: frozenset[str] = frozenset()
    # Names a `del` may have unbound at the cell's end (deleted on some path and not bound
    # again there); the surely deleted ones are in `deleted`.
    unbound: frozenset[str] = frozenset()
    # Names the cell's star imports bind (read from the modules: see :mod:`.star_cells`).
    star_bound: frozenset[str] = frozenset()
