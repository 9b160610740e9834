"""What a run executes: the pipeline's steps as the functions the export writes.

:func:`plan_notebook` reuses the export's plan and code generation (``make_plan``,
``steps_module``, ``lib_module``), without black or ruff, which change no behaviour and cost a
second; the steps module is compiled under a private package name when first needed, so a run
that finds every step cached never imports the notebook's libraries. An exported package folder
gives the same :class:`RunPlan` (see :mod:`.package_plan`).
"""

from __future__ import annotations

import ast
import linecache
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..detail import Analysis
from ..model import Problem
from ..text import clip
from .hidden_state import Effects, find_effects
from .keys import code_digest, versions
from .linemap import StepLines, map_step_lines
from .params import ParameterSpec

__all__ = ["RunPlan", "RunRefused", "RunStep", "notebook_plan", "plan_notebook", "step_parts"]


class RunRefused(Exception):
    """The notebook cannot run as a pipeline (analysis errors); the message names the cells."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


@dataclass(frozen=True)
class RunStep:
    name: str
    function: str
    cell_ids: tuple[str, ...]
    # (input name, the step providing it; None: a parameter), in the function's argument order
    arguments: tuple[tuple[str, str | None], ...]
    returns: tuple[str, ...]
    code: str  # the generated function's source
    imports: tuple[str, ...]  # the module-level import statements it reads
    modules: tuple[str, ...]  # every module it imports (for the versions in its key)
    library: str | None  # digest of the library code, when the step reads a library name
    effects: Effects
    metrics: tuple[str, ...]
    lines: StepLines | None = None
    versions: tuple[str, ...] = ()  # python==X, dist==Y of what it imports (see keys.versions)


@dataclass
class RunPlan:
    label: str  # the notebook or package, as the user named it
    folder: Path  # where the steps run (a notebook's own folder, as its kernel would)
    steps: tuple[RunStep, ...]
    parameters: tuple[ParameterSpec, ...]
    load_module: Callable[[], types.ModuleType]
    filename: str  # the steps module's file name in tracebacks
    # a notebook's generated code (package, steps, lib), kept so the plan can be stored
    sources: dict[str, str] = field(default_factory=dict)
    _module: types.ModuleType | None = field(default=None, repr=False)

    def module(self) -> types.ModuleType:
        """The steps module, compiled and imported once (it imports the notebook's libraries)."""
        if self._module is None:
            self._module = self.load_module()
        return self._module

    def step(self, name: str) -> RunStep:
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(name)


def _names_read(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def _bound_by(statement: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(statement)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                names.add(alias.asname or alias.name.split(".")[0])
    return names


def _modules_of(statements: list[str]) -> set[str]:
    found = set()
    for statement in statements:
        for node in ast.walk(ast.parse(statement)):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module)
    return found


def step_parts(
    function: ast.FunctionDef, code: str, imports: list[str], library: dict[str, str]
) -> tuple[tuple[str, ...], tuple[str, ...], str | None, Effects]:
    """(import statements read, modules imported, library digest or None, effects) of a step.

    ``library``: library name → the code defining it (its cell); a step reading one is keyed
    on the whole library and takes on the effects of the code it calls there.
    """
    read = _names_read(function)
    used = tuple(s for s in imports if _bound_by(s) & read)
    inner = [
        ast.unparse(n) for n in ast.walk(function) if isinstance(n, ast.Import | ast.ImportFrom)
    ]
    modules = _modules_of([*used, *inner])
    lib_code = [library[n] for n in sorted(read & set(library))]
    digest = None
    effects = find_effects(code, list(used))
    if lib_code:
        digest = code_digest("\n\n".join(sorted(set(library.values()))))
        modules |= _modules_of(imports)
        for text in dict.fromkeys(lib_code):
            found = find_effects(text, list(imports))
            effects = Effects(effects.reasons + found.reasons, effects.seeds | found.seeds)
    return used, tuple(sorted(modules)), digest, effects


def _register_source(filename: str, text: str) -> None:
    """Let tracebacks and ``inspect`` show lines of code that has no file."""
    linecache.cache[filename] = (len(text), None, text.splitlines(keepends=True), filename)


def _synthetic_package(name: str, lib: str, steps: str, filename: str) -> types.ModuleType:
    package = f"__nbbridge_run__{name}"
    for stale in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        del sys.modules[stale]
    root = types.ModuleType(package)
    root.__path__ = []  # a package: ``from .lib import ...`` in steps resolves below it
    sys.modules[package] = root
    modules = {}
    for short, text, file in (("lib", lib, filename + ":lib"), ("steps", steps, filename)):
        module = types.ModuleType(f"{package}.{short}")
        module.__package__ = package
        module.__file__ = file
        sys.modules[module.__name__] = module
        _register_source(file, text)
        exec(compile(text, file, "exec"), module.__dict__)  # noqa: S102 - the user's own pipeline
        setattr(root, short, module)
        modules[short] = module
    return modules["steps"]


def _refusal(analysis: Analysis) -> RunRefused | None:
    errors = [p for p in analysis.pipeline.problems if p.severity == "error"]
    if not errors:
        return None
    found = [
        f"cell {p.cell_id or '?'}" + (f", line {p.line}" if p.line else "") + f": {p.message}"
        for p in errors
    ]
    # one line (a refusal is one message, exit 2), however many problems
    more = f"; and {len(found) - 5} more (nbbridge check lists them)" if len(found) > 5 else ""
    text = "; ".join(clip(f, 300) for f in found[:5]) + more
    return RunRefused(f"the notebook cannot run as a pipeline: {text}", errors)


def _parameter_value(kind: str, default: Any) -> Any:
    return tuple(default) if kind == "tuple" and isinstance(default, list) else default


def plan_notebook(nb: dict[str, Any], label: str, folder: Path) -> RunPlan:
    """The run plan of a checked notebook; RunRefused when its analysis has errors."""
    from ..analysis import analyze_detailed
    from ..export.gen_code import imported_modules, imported_names, lib_module, steps_module
    from ..export.naming import default_package_name, unclashing_name
    from ..export.plan import make_plan
    from ..notebook_io import cell_source

    analysis = analyze_detailed(nb, label, str(folder))
    refused = _refusal(analysis)
    if refused is not None:
        raise refused
    imported = {m.split(".")[0] for m in imported_modules(analysis.imports)}
    package = analysis.default_exp or unclashing_name(default_package_name(label), imported)
    plan = make_plan(analysis, package)
    steps_text, lib_text = steps_module(plan), lib_module(plan)
    tree = ast.parse(steps_text)
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    imports = sorted(set(analysis.imports))
    hoisted = imported_names(imports)
    library = {
        name: cell.code
        for cell in analysis.library
        for name in cell.defines
        if name not in hoisted  # an import in a setup cell is not library code
    }
    sources = {c.get("id", ""): cell_source(c) for c in nb.get("cells", [])}
    steps = []
    for sp in plan.steps:
        node = functions[sp.function]
        code = ast.get_source_segment(steps_text, node) or ""
        used, modules, lib_digest, effects = step_parts(node, code, imports, library)
        bodies = [(c.cell_id, c.body) for c in sp.step.cells if c.body.strip()]
        joined = sp.step.code
        leading = len(joined) - len(joined.lstrip("\n"))
        lines = map_step_lines(node.lineno + 2, bodies, sources, joined[:leading].count("\n"))
        steps.append(
            RunStep(
                name=sp.step.name,
                function=sp.function,
                cell_ids=tuple(c.cell_id for c in sp.step.cells),
                arguments=tuple((i, sp.step.sources[i]) for i in sp.step.inputs),
                returns=sp.returns,
                code=code,
                imports=used,
                modules=modules,
                library=lib_digest,
                effects=effects,
                metrics=tuple(m.name for m in analysis.metrics if m.step == sp.step.name),
                lines=lines,
                versions=tuple(versions(modules)),
            )
        )
    parameters = tuple(
        ParameterSpec(p.name, p.type, _parameter_value(p.type, p.default))
        for p in analysis.pipeline.parameters
    )
    sources = {"package": package, "steps": steps_text, "lib": lib_text}
    return notebook_plan(label, folder, tuple(steps), parameters, sources)


def notebook_plan(
    label: str,
    folder: Path,
    steps: tuple[RunStep, ...],
    parameters: tuple[ParameterSpec, ...],
    sources: dict[str, str],
) -> RunPlan:
    """A plan whose steps module is compiled from generated ``sources`` when first needed."""
    filename = f"<nbbridge steps of {label}>"

    def load() -> types.ModuleType:
        return _synthetic_package(sources["package"], sources["lib"], sources["steps"], filename)

    return RunPlan(label, folder, steps, parameters, load, filename, sources)
