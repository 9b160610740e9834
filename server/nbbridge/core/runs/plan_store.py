"""Run plans kept on disk, so that re-running an unchanged notebook skips its analysis.

A no-op ``nbbridge run`` has to answer in a fraction of ``dvc repro``'s time; parsing the
notebook with nbformat and analysing it would cost most of that. The plan (the generated code
and each step's key ingredients) is stored under ``.nbbridge/cache/plans/`` by a digest of the
notebook's bytes, the Python files beside it (star imports read them), the environment (the
folders on ``sys.path`` change when anything is installed) and nbbridge's version and sources.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from .hidden_state import Effects
from .linemap import CellLine, StepLines
from .params import ParameterSpec
from .plan import RunPlan, RunStep, notebook_plan

__all__ = ["load_plan", "plan_digest", "save_plan"]

FORMAT = 1


def plan_digest(notebook: Path, raw: bytes) -> str:
    """What the plan of ``notebook`` (whose bytes are ``raw``) depends on, hashed."""
    from ..._version import __version__

    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{FORMAT}\0{__version__}\0{sys.version}\0{notebook.resolve()}\0".encode())
    digest.update(raw)
    folder = notebook.resolve().parent
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name.endswith(".py"):
                info = entry.stat()
                digest.update(f"{entry.name}\0{info.st_mtime_ns}\0{info.st_size}\0".encode())
    # nbbridge's own code: an editable install changes without a new version number
    for name, stamp in _own_sources():
        digest.update(f"{name}\0{stamp}\0".encode())
    for place in sys.path:
        try:
            digest.update(f"{place}\0{os.stat(place or '.').st_mtime_ns}\0".encode())
        except OSError:
            digest.update(f"{place}\0-\0".encode())
    return digest.hexdigest()


def _own_sources() -> list[tuple[str, int]]:
    package = Path(__file__).resolve().parents[2]  # server/nbbridge
    found = []
    for folder, _dirs, files in os.walk(package):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                found.append((path, os.stat(path).st_mtime_ns))
    return sorted(found)


def _step_json(step: RunStep) -> dict[str, Any]:
    lines = None
    if step.lines is not None:
        lines = {
            "first": step.lines.first_cell,
            "map": {str(n): [c.cell_id, c.line, c.text] for n, c in step.lines.lines.items()},
        }
    return {
        "name": step.name,
        "function": step.function,
        "cell_ids": list(step.cell_ids),
        "arguments": [list(a) for a in step.arguments],
        "returns": list(step.returns),
        "code": step.code,
        "imports": list(step.imports),
        "modules": list(step.modules),
        "library": step.library,
        "effects": {"reasons": list(step.effects.reasons), "seeds": sorted(step.effects.seeds)},
        "metrics": list(step.metrics),
        "lines": lines,
        "versions": list(step.versions),
    }


def _step(data: dict[str, Any]) -> RunStep:
    lines = data["lines"]
    step_lines = None
    if lines is not None:
        mapped = {int(n): CellLine(c, line, text) for n, (c, line, text) in lines["map"].items()}
        step_lines = StepLines(mapped, lines["first"])
    return RunStep(
        name=data["name"],
        function=data["function"],
        cell_ids=tuple(data["cell_ids"]),
        arguments=tuple((a, p) for a, p in data["arguments"]),
        returns=tuple(data["returns"]),
        code=data["code"],
        imports=tuple(data["imports"]),
        modules=tuple(data["modules"]),
        library=data["library"],
        effects=Effects(tuple(data["effects"]["reasons"]), frozenset(data["effects"]["seeds"])),
        metrics=tuple(data["metrics"]),
        lines=step_lines,
        versions=tuple(data["versions"]),
    )


def save_plan(folder: Path, digest: str, plan: RunPlan) -> None:
    """Store a notebook's plan (atomically; a failure only costs speed next time)."""
    if not plan.sources:
        return
    body = {
        "format": FORMAT,
        "label": plan.label,
        "folder": str(plan.folder),
        "steps": [_step_json(s) for s in plan.steps],
        "parameters": [[p.name, p.type, p.default] for p in plan.parameters],
        "sources": plan.sources,
    }
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f"{digest}.{os.getpid()}.tmp"
        temporary.write_text(json.dumps(body), encoding="utf-8")
        os.replace(temporary, folder / f"{digest}.json")
    except (OSError, TypeError, ValueError):
        pass


def load_plan(folder: Path, digest: str, label: str) -> RunPlan | None:
    """The stored plan, or None (none stored, or not readable: it is made again)."""
    try:
        body = json.loads((folder / f"{digest}.json").read_text(encoding="utf-8"))
        if body.get("format") != FORMAT:
            return None
        steps = tuple(_step(s) for s in body["steps"])
        parameters = tuple(
            ParameterSpec(name, kind, tuple(value) if kind == "tuple" else value)
            for name, kind, value in body["parameters"]
        )
        return notebook_plan(label, Path(body["folder"]), steps, parameters, body["sources"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
