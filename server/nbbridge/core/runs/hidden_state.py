"""State a step leaves outside its outputs, which later steps may depend on.

Two kinds are handled so that a cached run cannot differ from a full one:

* side effects on imported modules, found in the step's code: configuration and seeding calls
  (``sklearn.set_config(...)``, ``np.random.seed(...)``, ``random.seed(...)``,
  ``pd.set_option(...)``, ``matplotlib.use(...)``, ``warnings.filterwarnings(...)``), writes to a
  module's attributes or items (``os.environ["X"] = ...``, ``matplotlib.rcParams[...] = ...``,
  ``module.attr = ...``) and in-place changes of them (``os.environ.update(...)``,
  ``sys.path.append(...)``). Such a step runs even when it is cached, and its key enters the key
  of every later step (what it set may change what they compute).
* the global random states of :mod:`random` and of numpy's legacy generator: captured at each
  step's end, stored with its outputs, restored when the step is skipped. Once a step has seeded
  a generator, the generator's state at a later step's start enters that step's key.
"""

from __future__ import annotations

import ast
import hashlib
import pickle
import random
import sys
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Effects",
    "capture_random_state",
    "find_effects",
    "random_digests",
    "restore_random_state",
]

# Calls that set process-wide state, by the last name of the function called.
_SETTERS = {
    "seed",
    "set_config",
    "set_option",
    "set_options",
    "set_printoptions",
    "reset_option",
    "use",
    "rc",
    "rcdefaults",
    "seterr",
    "setrecursionlimit",
    "filterwarnings",
    "simplefilter",
    "resetwarnings",
    "basicConfig",
    "putenv",
    "unsetenv",
    "chdir",
    "manual_seed",
    "set_seed",
    "set_random_seed",
    "set_default_dtype",
    "set_style",
    "set_theme",
    "set_context",
    "set_palette",
    "setLevel",
    "addHandler",
    "set_global_policy",
    "enable_x64",
}
_MUTATORS = {
    "update",
    "setdefault",
    "pop",
    "popitem",
    "clear",
    "append",
    "extend",
    "insert",
    "remove",
    "__setitem__",
    "__delitem__",
}
_SEEDERS = {("random", "seed"): "random", ("numpy.random", "seed"): "numpy"}


@dataclass(frozen=True)
class Effects:
    """What a step's code does to imported modules (each as the code that does it) and the
    generators it seeds."""

    reasons: tuple[str, ...] = ()
    seeds: frozenset[str] = frozenset()


def _imported(statements: list[str]) -> dict[str, str]:
    """Name → the module (or ``module.attr``) an import binds it to."""
    bound: dict[str, str] = {}
    for statement in statements:
        for node in ast.walk(ast.parse(statement)):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        bound[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        bound[top] = top
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return bound


def _dotted(node: ast.expr) -> list[str] | None:
    """``a.b.c`` as ["a", "b", "c"]; subscripts are looked through (``os.environ["X"]``)."""
    parts: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Name):
            parts.append(node.id)
            return parts[::-1]
        else:
            return None


def find_effects(code: str, imports: list[str]) -> Effects:
    """The side effects of ``code`` (a step's function or body) on modules it imports."""
    tree = ast.parse(code)
    bound = _imported(imports + [ast.unparse(n) for n in ast.walk(tree) if _is_import(n)])
    local = _locally_bound(tree) - {n for n in bound if _imported_in(tree, n)}
    reasons: list[str] = []
    seeds: set[str] = set()

    def module_path(parts: list[str] | None) -> str | None:
        if not parts or parts[0] not in bound or parts[0] in local:
            return None
        return ".".join([bound[parts[0]], *parts[1:]])

    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = list(node.targets)
        for target in targets:
            if isinstance(target, ast.Attribute | ast.Subscript):
                path = module_path(_dotted(target))
                if path is not None:
                    reasons.append(f"{ast.unparse(target)} is set")
        if isinstance(node, ast.Call):
            parts = _dotted(node.func)
            path = module_path(parts)
            if path is None or parts is None:
                continue
            last = path.rsplit(".", 1)[-1]
            owner = path.rsplit(".", 1)[0] if "." in path else ""
            if last in _SETTERS or (last in _MUTATORS and len(parts) >= 3):
                reasons.append(f"{ast.unparse(node.func)}(...)")
                seeded = _SEEDERS.get((owner, last))
                if seeded:
                    seeds.add(seeded)
    return Effects(tuple(dict.fromkeys(reasons)), frozenset(seeds))


def _is_import(node: ast.AST) -> bool:
    return isinstance(node, ast.Import | ast.ImportFrom)


def _imported_in(tree: ast.AST, name: str) -> bool:
    for node in ast.walk(tree):
        if _is_import(node):
            for alias in node.names:  # type: ignore[attr-defined]
                if (alias.asname or alias.name.split(".")[0]) == name:
                    return True
    return False


def _locally_bound(tree: ast.AST) -> set[str]:
    """Names the code binds other than by import (a local ``os = ...`` is not the module)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


def capture_random_state() -> dict[str, Any]:
    """The global random states now: ``random``'s always, numpy's when numpy is loaded."""
    state: dict[str, Any] = {"random": random.getstate()}
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        # Kept as plain Python (the key array as a list), so reading a cached state back does
        # not import numpy on a run that skips every step.
        kind, keys, position, has_gauss, gauss = numpy.random.get_state()
        state["numpy"] = (kind, keys.tolist(), int(position), int(has_gauss), float(gauss))
    return state


def restore_random_state(state: dict[str, Any]) -> None:
    """Put back what :func:`capture_random_state` took (numpy's only if it was taken)."""
    if "random" in state:
        random.setstate(state["random"])
    if "numpy" in state:
        import numpy

        kind, keys, position, has_gauss, gauss = state["numpy"]
        keys = numpy.array(keys, dtype=numpy.uint32)
        numpy.random.set_state((kind, keys, position, has_gauss, gauss))


def random_digests(state: dict[str, Any], generators: frozenset[str] | set[str]) -> dict[str, str]:
    """Digests of the seeded ``generators``' states in ``state`` (for a step's key)."""
    found = {}
    for name in sorted(generators):
        if name in state:
            data = pickle.dumps(state[name], protocol=4)
            found[name] = hashlib.blake2b(data, digest_size=16).hexdigest()
        else:
            found[name] = "not-loaded"
    return found
