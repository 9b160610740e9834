"""Which mutable objects a value holds: to tell when two outputs share one object.

In a full run, two names may refer to one object (``view = xs``, or a step handing on a list
it changed in place); loaded from two cache entries they would be two objects, and a change
through one would no longer show through the other. The runner uses :func:`reachable` to store
outputs that share objects as one bundle, and to run a step again, rather than load it, when
its outputs share objects with another step's values that the same run also uses.

The walk looks into lists, tuples, dicts, sets, instances' ``__dict__`` and functions' closures; arrays and frames
count as one object (with the array they view, if any). Past ``limit`` objects it stops and
answers :data:`UNKNOWN`, which callers treat as "may share".
"""

from __future__ import annotations

import types
from typing import Any

__all__ = ["UNKNOWN", "reachable", "shares"]

_ATOMS = (int, float, complex, str, bytes, bool, type(None), range)
UNKNOWN = frozenset({-1})


def reachable(value: Any, limit: int = 100_000) -> frozenset[int]:
    """ids of the mutable objects ``value`` is or holds (UNKNOWN past ``limit`` objects)."""
    found: set[int] = set()
    walked: set[int] = set()
    stack = [value]
    count = 0
    while stack:
        item = stack.pop()
        if isinstance(item, (*_ATOMS, type, types.ModuleType)):
            continue
        ident = id(item)
        if ident in found or ident in walked:
            continue
        walked.add(ident)
        count += 1
        if count > limit:
            return UNKNOWN
        if not isinstance(item, tuple | frozenset | types.FunctionType | types.MethodType):
            found.add(ident)  # immutable containers are walked (they may hold lists), not kept
        if isinstance(item, types.FunctionType | types.MethodType):
            # a closure holds the objects it closed over (a step's function over its input)
            function = getattr(item, "__func__", item)
            stack.extend(c.cell_contents for c in function.__closure__ or () if _filled(c))
            stack.extend(function.__defaults__ or ())
            stack.extend((function.__kwdefaults__ or {}).values())
            if isinstance(item, types.MethodType):
                stack.append(item.__self__)
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif type(item).__module__.split(".")[0] in ("numpy", "pandas"):
            base = getattr(item, "base", None)
            if base is not None and not callable(base):
                stack.append(base)
        else:
            attributes = getattr(item, "__dict__", None)
            if isinstance(attributes, dict):
                stack.extend(attributes.values())
    return frozenset(found)


def _filled(cell: types.CellType) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises
    except ValueError:
        return False
    return True


def shares(left: frozenset[int], right: frozenset[int]) -> bool:
    """Whether two :func:`reachable` sets may hold a common object."""
    if left is UNKNOWN or right is UNKNOWN:
        return bool(left) and bool(right)
    return not left.isdisjoint(right)
