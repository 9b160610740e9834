"""What the exported package will hold, decided once from the analysis, before any text is made.

The plan fixes the names the generated code uses: each step's function name (renamed when it
would shadow a name the code reads), what each step returns (names later steps read, its
metrics, and names the ``test`` cells read), and the variable that carries each output in
``pipeline.run`` (suffixed with the step when two steps produce the same name, so a consumer can
never receive the other step's value whatever the order).
"""

from __future__ import annotations

import ast
import functools
import keyword
from dataclasses import dataclass

from ..detail import Analysis, StepCode

__all__ = ["ExportPlan", "StepPlan", "make_plan"]


# Names the package itself exports or imports beside the step functions.
_PACKAGE_NAMES = {"Params", "run", "run_steps", "steps", "lib", "params", "pipeline"}
# Names pipeline.run_steps uses itself: an output variable there must not take one of them.
_RUN_STEPS_NAMES = {"Any", "Callable", "Params", "copy", "on_step", "outputs", "params", "steps"}


@dataclass(frozen=True)
class StepPlan:
    step: StepCode
    function: str
    returns: tuple[str, ...]
    # input name -> the variable in pipeline.run holding it, or "params.NAME" for a parameter
    arguments: dict[str, str]
    # output name -> the variable in pipeline.run that receives it
    binds: dict[str, str]


@dataclass(frozen=True)
class ExportPlan:
    analysis: Analysis
    package: str
    steps: tuple[StepPlan, ...]  # in the pipeline's order
    library_names: tuple[str, ...]
    parameter_types: dict[str, str]
    # test cell id -> {name read: the run's output key, or "params.NAME"}
    test_reads: dict[str, dict[str, str]]


def _names_in(*codes: str) -> set[str]:
    """Every identifier the code reads or binds (string contents don't count)."""
    found: set[str] = set()
    for code in codes:
        found |= _names_in_one(code)
    return found


@functools.lru_cache(maxsize=8192)
def _names_in_one(code: str) -> frozenset[str]:
    # Per cell and cached: a re-export from the server parses only the cells that changed.
    found: set[str] = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(node.name)
        elif isinstance(node, ast.alias):
            found.add(node.asname or node.name.split(".")[0])
    return frozenset(found)


def _function_names(analysis: Analysis) -> dict[str, str]:
    """Step name → function name: ``NAME_step`` (or ``NAME_step2``...) where NAME is read or
    bound by the code, is a keyword or a dunder name; never two steps with one function."""
    code = [c.body for s in analysis.steps for c in s.cells] + [c.code for c in analysis.library]
    code += list(analysis.imports) + [t.cell.code for t in analysis.tests]
    used = _names_in(*code) | _PACKAGE_NAMES
    steps = {s.name for s in analysis.steps}
    names: dict[str, str] = {}
    for step in analysis.steps:
        name = step.name
        if name in used or keyword.iskeyword(name) or (name[:2] == "__" and name[-2:] == "__"):
            name, number = f"{step.name}_step", 2
            while name in used or name in steps or name in names.values():
                name, number = f"{step.name}_step{number}", number + 1
        names[step.name] = name
    return names


def _results_of_sink(step: StepCode) -> list[str]:
    """Values a step nothing reads from defines: the pipeline's results, returned and tested.

    Without them a notebook exported as one ``main`` step would return nothing and its golden
    tests could not fail. Imports, functions, classes and ``_private`` names are left out.
    """
    code = "\n".join(cell.code for cell in step.cells)
    not_values = {name for cell in step.cells for name in _imports_and_definitions(cell.code)}
    # Bound on some paths only: returning one the step did not bind would fail.
    not_values.update(step.maybe)
    names = [n for cell in step.cells for n in cell.defines]
    seen: list[str] = []
    for name in names:
        if name not in seen and name not in not_values and not name.startswith("_"):
            seen.append(name)
    return [n for n in seen if n in _names_in(code)]


def _imports_and_definitions(code: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(node.name)
        elif isinstance(node, ast.alias):
            found.add(node.asname or node.name.split(".")[0])
    return found


def _returns(analysis: Analysis) -> dict[str, list[str]]:
    returns = {s.name: list(s.outputs) for s in analysis.steps}
    consumed = {edge.source for edge in analysis.pipeline.edges if edge.names}
    for step in analysis.steps:
        if step.name not in consumed:
            returns[step.name] += [n for n in _results_of_sink(step) if n not in returns[step.name]]
    maybe = {s.name: set(s.maybe) for s in analysis.steps}
    for metric in analysis.metrics:
        if metric.name not in returns[metric.step] and metric.name not in maybe[metric.step]:
            returns[metric.step].append(metric.name)
    for test in analysis.tests:
        for name, step in sorted(test.reads.items()):
            if step is not None and name not in returns[step]:
                returns[step].append(name)
    return returns


def make_plan(analysis: Analysis, package: str) -> ExportPlan:
    """Decide names and data flow of the export; the analysis must have no errors."""
    functions = _function_names(analysis)
    returns = _returns(analysis)
    producers: dict[str, int] = {}
    for names in returns.values():
        for name in names:
            producers[name] = producers.get(name, 0) + 1

    def variable(name: str, step: str) -> str:
        if producers[name] == 1 and name not in _RUN_STEPS_NAMES:
            return name
        return f"{name}__{step}"

    by_name = {s.name: s for s in analysis.steps}
    params = {p.name: p.type for p in analysis.pipeline.parameters}
    plans = []
    for name in analysis.pipeline.order:
        step = by_name[name]
        arguments = {
            inp: f"params.{inp}" if src is None else variable(inp, src)
            for inp, src in step.sources.items()
        }
        plans.append(
            StepPlan(
                step=step,
                function=functions[name],
                returns=tuple(returns[name]),
                arguments=arguments,
                binds={out: variable(out, name) for out in returns[name]},
            )
        )
    test_reads = {
        test.cell.cell_id: {
            name: (
                (f"params.{name}" if name in params else None) if step is None else f"{step}.{name}"
            )
            for name, step in sorted(test.reads.items())
        }
        for test in analysis.tests
    }
    library = sorted({n for item in analysis.pipeline.library for n in item.names})
    return ExportPlan(
        analysis=analysis,
        package=package,
        steps=tuple(plans),
        library_names=tuple(library),
        parameter_types=params,
        test_reads={k: {n: v for n, v in r.items() if v} for k, r in test_reads.items()},
    )
