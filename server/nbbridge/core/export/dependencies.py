"""Map the modules a notebook imports to the distributions that provide them.

Names come from the installed metadata (``importlib.metadata.packages_distributions``), never from
a guess: ``sklearn`` is provided by ``scikit-learn`` because its installed RECORD says so. A module
no installed distribution provides is reported, not invented.

Reading every installed distribution's metadata costs ~0.5 s in a big environment, so the map is
kept on disk, keyed by the names and times of the metadata folders on ``sys.path``: installing,
upgrading or removing anything changes the key.
"""

from __future__ import annotations

import hashlib
import json
import os
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


def _environment_key() -> str:
    """A digest of the distribution metadata folders importlib.metadata would read."""
    digest = hashlib.sha256(sys.version.encode())
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as found:
                names = sorted(
                    (e.name, e.stat().st_mtime_ns)
                    for e in found
                    if e.name.endswith((".dist-info", ".egg-info"))
                )
        except OSError:
            continue
        digest.update(f"{entry}\0{names!r}\0".encode())
    return digest.hexdigest()


def _cache_file(key: str) -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "nbbridge", "distributions", f"{key}.json")


@cache
def _module_to_distributions() -> dict[str, tuple[str, ...]]:
    path = _cache_file(_environment_key())
    try:
        with open(path, encoding="utf-8") as stored:
            return {mod: tuple(dists) for mod, dists in json.load(stored).items()}
    except (OSError, ValueError):
        pass
    found = {mod: tuple(dists) for mod, dists in metadata.packages_distributions().items()}
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "w", encoding="utf-8") as out:
            json.dump(found, out, sort_keys=True)
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only home only costs speed
    return found


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
