"""The package's code: ``steps.py``, ``lib.py``, ``pipeline.py`` and ``__init__.py``.

Text is produced plainly here; black and ruff (import sorting, unused imports) finish it in the
staging folder, so this module only has to be correct, not pretty.
"""

from __future__ import annotations

import ast

from .escaping import docstring_text
from .plan import ExportPlan, StepPlan
from .source_text import indent_code

__all__ = [
    "imported_modules",
    "imported_names",
    "init_module",
    "lib_module",
    "pipeline_module",
    "steps_module",
]

_ANNOTATION = {"None": "object"}


def imported_names(statements: tuple[str, ...] | list[str]) -> set[str]:
    """Names bound by import statements (``import a.b`` binds ``a``)."""
    names: set[str] = set()
    for statement in statements:
        for node in ast.walk(ast.parse(statement)):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for alias in node.names:
                    names.add(alias.asname or alias.name.split(".")[0])
    return names


def imported_modules(statements: tuple[str, ...] | list[str]) -> set[str]:
    """Absolute modules the import statements load (relative imports are the package's own)."""
    modules: set[str] = set()
    for statement in statements:
        for node in ast.walk(ast.parse(statement)):
            if isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module)
    return modules


def _imports_block(plan: ExportPlan, with_lib: bool) -> str:
    lines = sorted(set(plan.analysis.imports))
    own = [n for n in plan.library_names if n not in imported_names(lines)]
    if with_lib and own:
        lines.append(f"from .lib import {', '.join(own)}")
    return "\n".join(lines)


def lib_module(plan: ExportPlan) -> str:
    """``export`` cells and setup definitions, verbatim, with the notebook's imports."""
    cells = [c.body.rstrip() for c in plan.analysis.library if c.body.strip()]
    header = f'"""Library code of {docstring_text(plan.analysis.pipeline.notebook)}: exported cells, verbatim."""'
    body = "\n\n\n".join(cells)
    return f"{header}\n\n{_imports_block(plan, with_lib=False)}\n\n{body}\n"


def _signature(sp: StepPlan, parameter_types: dict[str, str]) -> str:
    args = []
    for name in sp.step.inputs:
        kind = parameter_types.get(name) if sp.arguments[name].startswith("params.") else None
        args.append(f"{name}: {_ANNOTATION.get(kind, kind)}" if kind else name)
    return f"def {sp.function}({', '.join(args)}):"


def _step_function(sp: StepPlan, parameter_types: dict[str, str]) -> str:
    cells = ", ".join(c.cell_id for c in sp.step.cells)
    doc = f'"""Step ``{sp.step.name}`` (cells {cells})."""'
    body = sp.step.code.strip("\n")
    lines = [_signature(sp, parameter_types), f"    {doc}"]
    if body.strip():
        lines.append(indent_code(body))
    if len(sp.returns) == 1:
        lines.append(f"    return {sp.returns[0]}")
    elif sp.returns:
        lines.append(f"    return {', '.join(sp.returns)}")
    return "\n".join(lines)


def steps_module(plan: ExportPlan) -> str:
    """One function per step: inputs are its parameters, outputs its return value."""
    notebook = plan.analysis.pipeline.notebook
    functions = "\n\n\n".join(_step_function(sp, plan.parameter_types) for sp in plan.steps)
    names = ", ".join(f'"{sp.function}"' for sp in plan.steps)
    return (
        f'"""Pipeline steps of {docstring_text(notebook)}: one function per step, in pipeline order."""\n\n'
        f"{_imports_block(plan, with_lib=True)}\n\n__all__ = [{names}]\n\n\n{functions}\n"
    )


def _call(sp: StepPlan) -> str:
    arguments = ", ".join(f"{name}={sp.arguments[name]}" for name in sp.step.inputs)
    call = f"steps.{sp.function}({arguments})"
    targets = [sp.binds[name] for name in sp.returns]
    record = ", ".join(f'"{name}": {sp.binds[name]}' for name in sp.returns)
    step = sp.step.name
    notify = f"    if on_step is not None:\n        on_step({step!r}, outputs[{step!r}])"
    if not targets:
        return f"    {call}\n    outputs[{step!r}] = {{}}\n{notify}"
    return f"    {', '.join(targets)} = {call}\n    outputs[{step!r}] = {{{record}}}\n{notify}"


def _mutable_parameters(plan: ExportPlan) -> bool:
    return any(kind in ("list", "dict") for kind in plan.parameter_types.values())


def pipeline_module(plan: ExportPlan) -> str:
    calls = "\n".join(_call(sp) for sp in plan.steps)
    # A step may change a list or dict parameter in place, as the notebook may: each run works
    # on its own copy, so running twice with one Params gives the same result twice.
    copy_import, copy_params = "", ""
    if _mutable_parameters(plan):
        copy_import = "import copy\n"
        copy_params = "\n    params = copy.deepcopy(params)  # steps may change list/dict values"
    return f'''"""Run the steps of {docstring_text(plan.analysis.pipeline.notebook)} in pipeline order."""

{copy_import}from collections.abc import Callable
from typing import Any

from . import steps
from .params import Params

__all__ = ["run", "run_steps"]


def run_steps(
    params: Params | None = None,
    on_step: Callable[[str, dict[str, Any]], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Run every step; return each step's outputs by step name, then output name.

    ``on_step(name, outputs)`` is called as each step ends, before a later step can mutate them.
    """
    params = Params() if params is None else params{copy_params}
    outputs: dict[str, dict[str, Any]] = {{}}
{calls}
    return outputs


def run(params: Params | None = None) -> dict[str, Any]:
    """Run the pipeline; return every step output and metric by name (a later step's wins)."""
    merged: dict[str, Any] = {{}}
    for values in run_steps(params).values():
        merged.update(values)
    return merged
'''


def init_module(plan: ExportPlan) -> str:
    functions = [sp.function for sp in plan.steps]
    exported = ", ".join(f'"{n}"' for n in ["Params", "run", "run_steps", *functions])
    # A notebook of parameters, library and test cells only has no step to import.
    steps = f"from .steps import {', '.join(functions)}\n" if functions else ""
    return f'''"""{plan.package}: the pipeline of {docstring_text(plan.analysis.pipeline.notebook)}, exported by nbbridge."""

from .params import Params
from .pipeline import run, run_steps
{steps}
__all__ = [{exported}]
'''
