"""Run a notebook as a notebook and through the runner, and list how they differ.

The notebook side is the export's differential runner (:func:`equivalence_runner.run_notebook`:
its cells in one namespace, as "Run All" does). The runner side runs (b) cold, (c) again with
every step cached, (d) after editing one step (a line printing a marker appended to its last
cell; the edited notebook is run as a notebook too). Each time every step must print what its
cells printed, and hand on the values the notebook held when the step ended: for a step that
ran, as the runner saw them; for a cached step, as its cache entry gives them back.
"""

from __future__ import annotations

import copy
import io
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from equivalence_runner import NotebookRun, Refused, run_notebook, same

from nbbridge.core import analyze_detailed
from nbbridge.core.runs.cache import StepCache
from nbbridge.core.runs.params import resolve_parameters
from nbbridge.core.runs.plan import RunPlan, RunRefused, plan_notebook
from nbbridge.core.runs.result import RunResult
from nbbridge.core.runs.runner import run_pipeline

__all__ = ["Observed", "differences_three_ways", "edited", "run_once"]

_MISSING = object()


def _copy(values: dict[str, Any]) -> dict[str, Any]:
    copied = {}
    for name, value in values.items():
        try:
            copied[name] = copy.deepcopy(value)
        except Exception:  # noqa: BLE001 - compared as it is
            copied[name] = value
    return copied


@dataclass
class Observed:
    result: RunResult
    stdout: str
    values: dict[str, dict[str, Any]] = field(default_factory=dict)  # step -> outputs at its end

    def status(self) -> dict[str, str]:
        return {s.name: s.status for s in self.result.steps}


class _Watch:
    def __init__(self) -> None:
        self.values: dict[str, dict[str, Any]] = {}

    def step_started(self, name: str) -> None:
        pass

    def step_finished(self, result: Any) -> None:
        pass

    def warning(self, text: str) -> None:
        pass

    def step_outputs(self, name: str, values: dict[str, Any]) -> None:
        self.values[name] = _copy(values)


def run_once(plan: RunPlan, cache: StepCache, given: tuple[tuple[str, str], ...] = ()) -> Observed:
    """One run of ``plan``; the values of cached steps are read back from their entries."""
    watch, out = _Watch(), io.StringIO()
    params = resolve_parameters(plan.parameters, given)
    result = run_pipeline(plan, params, cache, events=watch, out=out)
    values = dict(watch.values)
    for step in result.steps:
        if step.status == "cached" and step.cache_key:
            meta = cache.meta(step.cache_key)
            assert meta is not None, f"step {step.name} cached without an entry"
            values[step.name] = cache.load(step.cache_key, meta)
    return Observed(result, out.getvalue(), values)


def compare(nb: dict[str, Any], notebook: NotebookRun, observed: Observed, when: str) -> list[str]:
    """Every way the run differs from the notebook (``when`` labels the messages)."""
    found: list[str] = []
    if observed.result.status != "FINISHED":
        error = observed.result.error
        found.append(f"{when}: the run ended {observed.result.status}: {error and error.traceback}")
        return found
    analysis = analyze_detailed(nb, "notebook.ipynb")
    by_name = {s.name: s for s in observed.result.steps}
    expected_total = ""
    for step in analysis.steps:
        expected = "".join(notebook.printed.get(c.cell_id, "") for c in step.cells)
        expected_total += expected
        got = by_name[step.name].stdout
        if got != expected:
            found.append(f"{when}: step {step.name} printed {got!r}, the notebook {expected!r}")
        namespace = notebook.at_step_end.get(step.name, {})
        for name, value in observed.values.get(step.name, {}).items():
            if isinstance(value, types.ModuleType):
                continue  # the notebook's snapshots leave modules out
            held = namespace.get(name, _MISSING)
            if held is _MISSING:
                found.append(f"{when}: step {step.name} handed on {name}, unbound in the notebook")
            elif not same(value, held):
                found.append(
                    f"{when}: step {step.name} handed on {name}={value!r}, the notebook {held!r}"
                )
    if observed.stdout != expected_total:
        found.append(
            f"{when}: the run printed {observed.stdout!r}, the notebook {expected_total!r}"
        )
    return found


def edited(nb: dict[str, Any], step: str) -> dict[str, Any]:
    """``nb`` with a line printing a marker appended to the last cell of ``step``."""
    changed = copy.deepcopy(nb)
    last = analyze_detailed(nb, "notebook.ipynb").step(step).cells[-1].cell_id
    for cell in changed["cells"]:
        if cell.get("id") == last:
            cell["source"] = cell["source"].rstrip("\n") + f"\nprint('edited {step}')"
    return changed


def _descendants(plan: RunPlan, name: str) -> set[str]:
    found = {name}
    for step in plan.steps:
        if any(p in found for _, p in step.arguments if p):
            found.add(step.name)
    return found


def differences_three_ways(
    nb: dict[str, Any], folder: Path, edit: str | int | None = None
) -> list[str] | Refused:
    """Cold, cached and edited runs against the notebook; [] when they agree, or Refused."""
    notebook = run_notebook(nb)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        plan = plan_notebook(nb, "notebook.ipynb", folder)
    except RunRefused as exc:
        return Refused(exc.message, {p.code for p in exc.problems})
    cache = StepCache(folder / "cache")
    cold = run_once(plan, cache)
    found = compare(nb, notebook, cold, "cold")
    if any(s != "ran" for s in cold.status().values()):
        found.append(f"cold: not every step ran: {cold.status()}")
    warm = run_once(plan_notebook(nb, "notebook.ipynb", folder), cache)
    found += compare(nb, notebook, warm, "cached")
    stored = {w.split(":")[0] for w in cold.result.warnings if "cannot be cached" in w}
    for step in plan.steps:
        expected = "ran" if step.effects.reasons or f"step {step.name}" in stored else "cached"
        if warm.status()[step.name] != expected:
            found.append(f"cached: step {step.name} {warm.status()[step.name]}, not {expected}")
    names = [s.name for s in plan.steps]
    # the step to edit: by name, by position (wrapping round), else the middle one
    if isinstance(edit, int):
        target = names[edit % len(names)] if names else None
    else:
        target = edit if edit is not None else (names[len(names) // 2] if names else None)
    if target is None:
        return found
    changed = edited(nb, target)
    notebook2 = run_notebook(changed)
    plan2 = plan_notebook(changed, "notebook.ipynb", folder)
    after = run_once(plan2, cache)
    found += compare(changed, notebook2, after, f"edited {target}")
    if after.status()[target] != "ran":
        found.append(f"edited {target}: the edited step was {after.status()[target]}")
    hidden = False
    for step in plan2.steps:
        hidden = hidden or bool(step.effects.reasons)
        if step.name == target:
            break
        # steps before the edit, feeding nothing from it, stay cached (unless hidden state)
        if (
            not hidden
            and step.name not in _descendants(plan2, target)
            and f"step {step.name}" not in stored
        ) and after.status()[step.name] != "cached":
            found.append(f"edited {target}: step {step.name} {after.status()[step.name]}")
    return found
