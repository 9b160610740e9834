"""Map the modules a notebook imports to the distributions that provide them.

Names come from the installed metadata (``importlib.metadata.packages_distributions``), never from
a guess: ``sklearn`` is provided by ``scikit-learn`` because its installed RECORD says so. A module
no installed distribution provides is reported, not invented.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata

__all__ = ["Dependencies", "resolve_dependencies"]


@dataclass(frozen=True)
class Dependencies:
    requirements: list[str] = field(default_factory=list)  # PEP 508, sorted, e.g. "pandas>=2.3"
    unresolved: list[str] = field(default_factory=list)  # top-level modules nothing provides


@cache
def _module_to_distributions() -> dict[str, tuple[str, ...]]:
    return {mod: tuple(dists) for mod, dists in metadata.packages_distributions().items()}


def _lower_bound(distribution: str) -> str:
    """``>=MAJOR.MINOR`` of the installed version: what the notebook ran with, patch-tolerant."""
    version = metadata.version(distribution)
    parts = version.split(".")
    floor = ".".join(parts[:2]) if len(parts) >= 2 and parts[1].isdigit() else version
    return f"{distribution}>={floor}"


def resolve_dependencies(modules: Iterable[str], own: Iterable[str] = ()) -> Dependencies:
    """Requirements for the top-level ``modules``; stdlib and the package's ``own`` names skipped."""
    skip = set(own) | set(sys.stdlib_module_names) | {"__future__"}
    providers = _module_to_distributions()
    requirements: dict[str, str] = {}
    unresolved: list[str] = []
    for module in sorted({m.split(".")[0] for m in modules} - skip):
        dists = providers.get(module)
        if not dists:
            unresolved.append(module)
            continue
        # Several distributions may ship one module (namespace packages); the first is canonical.
        name = dists[0]
        requirements[name.lower()] = _lower_bound(name)
    return Dependencies(sorted(requirements.values(), key=str.lower), unresolved)
