"""A cell's star imports with the names they bind (nbdev's house style: ``from fastcore.utils
import *``), so the dataflow treats them like any import.

A cell's parse is cached by its source alone; what a star import binds depends on the module
installed (or beside the notebook), so it is added here at each analysis, from
:func:`~.star_imports.star_names` (cached per module file). Only top-level star imports are
resolved: one inside a block could not be kept in a step function (Python refuses ``import *``
there). Those whose names cannot be known stay in ``facts.star_imports``; the problems say so.
"""

from __future__ import annotations

import ast
import dataclasses
import os
from collections.abc import Callable

from .cellparse import CellParse, is_definition
from .star_imports import star_names

__all__ = ["nested_star_lines", "star_aware", "with_star_names"]


def nested_star_lines(parse: CellParse) -> set[int]:
    """Cell lines of star imports not at the cell's top level."""
    tree = parse.syntax_tree()
    if tree is None:
        return set()
    top = {id(s) for s in tree.body}
    return {
        node.lineno + parse.line_offset
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and any(a.name == "*" for a in node.names)
        and id(node) not in top
    }


def with_star_names(parse: CellParse, folders: tuple[str, ...]) -> CellParse:
    """``parse`` with the names its resolvable top-level star imports bind as imports."""
    facts = parse.facts
    if facts is None or not facts.star_imports:
        return parse
    nested = nested_star_lines(parse)
    bound: dict[str, int] = {}  # name → line of the star import binding it
    unknown: list[tuple[str, int]] = []
    for module, line in facts.star_imports:
        names = None if line in nested else star_names(module, folders)
        if names is None:
            unknown.append((module, line))
            continue
        for name in names:
            bound.setdefault(name, line)
    # What the cell binds itself is taken to win (its bindings mostly follow its imports).
    new = {n: line for n, line in bound.items() if n not in facts.kinds and n not in facts.deleted}
    if not new and len(unknown) == len(facts.star_imports):
        return parse
    names = frozenset(new)
    kinds = dict(facts.kinds)
    kinds.update(dict.fromkeys(sorted(names), "import"))
    reads = tuple(r for r in facts.reads if not (r.name in new and r.line > new[r.name]))
    resolved = dataclasses.replace(
        facts,
        reads=reads,
        must=facts.must | names,
        may=facts.may | names,
        kinds=kinds,
        imports=facts.imports | names,
        plain=facts.plain | names,  # a function of that name defined earlier is rebound
        hoisted=facts.hoisted | names,
        star_imports=tuple(unknown),
        star_bound=names,
    )
    tree = parse.syntax_tree()
    definitions = tree is not None and not unknown and all(map(is_definition, tree.body))
    return dataclasses.replace(parse, facts=resolved, definitions_only=definitions)


def star_aware(
    parse: Callable[[str], CellParse], notebook: str, folder: str | None
) -> Callable[[str], CellParse]:
    """``parse`` resolving star imports against the notebook's folder (``folder``, else the
    folder of ``notebook`` when that names a file, else the working folder)."""
    folders: list[tuple[str, ...]] = []

    def parsed(source: str) -> CellParse:
        found = parse(source)
        if found.facts is None or not found.facts.star_imports:
            return found
        if not folders:
            folders.append((_folder(notebook, folder),))
        return with_star_names(found, folders[0])

    return parsed


def _folder(notebook: str, folder: str | None) -> str:
    if folder:
        return os.path.abspath(folder)
    if notebook and os.path.isfile(notebook):
        return os.path.dirname(os.path.abspath(notebook))
    return os.getcwd()
