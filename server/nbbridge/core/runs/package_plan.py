"""The run plan of an exported package folder: the same :class:`~.plan.RunPlan` a notebook gives.

The data flow is read back from the package's own ``pipeline.py`` (``run_steps`` calls each
step function with keyword arguments and records its outputs in ``outputs["STEP"]``), the
parameters from ``params.py``; the code, as the key sees it, is each function of ``steps.py``
(formatting does not count, so a package and its notebook key their steps alike). The package
is imported from its ``src/`` folder as it is, so modules an engineer added still resolve.
"""

from __future__ import annotations

import ast
import importlib
import re
import sys
import types
from pathlib import Path
from typing import Any

from .keys import versions
from .params import ParameterSpec
from .plan import RunPlan, RunRefused, RunStep, step_parts

__all__ = ["find_package", "plan_package"]

_CELLS = re.compile(r"\(cells? ([^)]*)\)")
_TYPES = {"int", "float", "str", "bool", "list", "dict", "tuple"}


def find_package(folder: Path) -> tuple[Path, str] | None:
    """(src folder, package name) of an exported package folder, or None if it is not one."""
    src = folder / "src"
    try:
        found = [
            p.name
            for p in sorted(src.iterdir())
            if (p / "pipeline.py").is_file() and (p / "steps.py").is_file()
        ]
    except OSError:
        return None
    return (src, found[0]) if len(found) == 1 else None


def _not_ours(what: str) -> RunRefused:
    return RunRefused(f"{what}: not as nbbridge exports it; export the notebook again")


def _calls(
    pipeline: ast.Module,
) -> list[tuple[str, dict[str, ast.expr], list[str], str, list[str]]]:
    """(function, keyword arguments, target variables, step name, output names) per call."""
    run_steps = next(
        (n for n in pipeline.body if isinstance(n, ast.FunctionDef) and n.name == "run_steps"), None
    )
    if run_steps is None:
        raise _not_ours("pipeline.py has no run_steps")
    found = []
    pending: tuple[str, dict[str, ast.expr], list[str]] | None = None
    for node in run_steps.body:
        value = node.value if isinstance(node, ast.Assign | ast.Expr) else None
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and isinstance(value.func.value, ast.Name)
            and value.func.value.id == "steps"
        ):
            targets: list[str] = []
            if isinstance(node, ast.Assign):
                target = node.targets[0]
                elements = target.elts if isinstance(target, ast.Tuple) else [target]
                targets = [e.id for e in elements if isinstance(e, ast.Name)]
            keywords = {k.arg: k.value for k in value.keywords if k.arg}
            pending = (value.func.attr, keywords, targets)
            continue
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Subscript)
            and isinstance(node.value, ast.Dict)
            and pending is not None
        ):
            step = node.targets[0].slice
            if not (isinstance(step, ast.Constant) and isinstance(step.value, str)):
                raise _not_ours("pipeline.py")
            names = [k.value for k in node.value.keys if isinstance(k, ast.Constant)]
            found.append((*pending, step.value, [str(n) for n in names]))
            pending = None
    return found


def _parameters(params: ast.Module) -> tuple[ParameterSpec, ...]:
    found = []
    for node in ast.walk(params):
        if isinstance(node, ast.ClassDef) and node.name == "Params":
            for item in node.body:
                if not (isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)):
                    continue
                kind = ast.unparse(item.annotation)
                value: Any = item.value
                if (
                    isinstance(value, ast.Call) and value.keywords
                ):  # field(default_factory=lambda: X)
                    factory = value.keywords[0].value
                    value = factory.body if isinstance(factory, ast.Lambda) else factory
                try:
                    default = ast.literal_eval(value) if value is not None else None
                except ValueError:
                    raise _not_ours(f"params.py: {item.target.id}") from None
                found.append(
                    ParameterSpec(item.target.id, kind if kind in _TYPES else "None", default)
                )
    return tuple(found)


def plan_package(folder: Path, label: str) -> RunPlan:
    """The run plan of the exported package in ``folder``; RunRefused if it is not one."""
    located = find_package(folder)
    if located is None:
        raise RunRefused(f"{label}: not an exported package (no src/PKG/pipeline.py and steps.py)")
    src, package = located
    base = src / package
    try:
        texts = {
            n: (base / f"{n}.py").read_text(encoding="utf-8")
            for n in ("pipeline", "steps", "params")
        }
        lib_path = base / "lib.py"
        lib_text = lib_path.read_text(encoding="utf-8") if lib_path.exists() else ""
        trees = {n: ast.parse(t) for n, t in texts.items()}
    except (OSError, SyntaxError, ValueError) as exc:
        raise RunRefused(f"{label}: cannot read the package ({type(exc).__name__})") from None
    functions = {n.name: n for n in trees["steps"].body if isinstance(n, ast.FunctionDef)}
    imports = [
        ast.unparse(n)
        for n in trees["steps"].body
        if isinstance(n, ast.Import) or (isinstance(n, ast.ImportFrom) and not n.level)
    ]
    library_names = {
        alias.asname or alias.name
        for n in trees["steps"].body
        if isinstance(n, ast.ImportFrom) and n.level == 1 and n.module == "lib"
        for alias in n.names
    }
    library = dict.fromkeys(library_names, lib_text)
    owner: dict[str, tuple[str, str]] = {}  # pipeline variable -> (step, output)
    steps = []
    for function, keywords, targets, name, outputs in _calls(trees["pipeline"]):
        node = functions.get(function)
        if node is None:
            raise _not_ours(f"pipeline.py calls steps.{function}")
        arguments = []
        for argument, value in keywords.items():
            if isinstance(value, ast.Attribute) and ast.unparse(value.value) == "params":
                arguments.append((argument, None))
            elif isinstance(value, ast.Name) and value.id in owner:
                provider, output = owner[value.id]
                if output != argument:
                    raise _not_ours(f"pipeline.py passes {output} as {argument}")
                arguments.append((argument, provider))
            else:
                raise _not_ours(f"pipeline.py: the argument {argument} of steps.{function}")
        for variable, output in zip(targets, outputs, strict=False):
            owner[variable] = (name, output)
        code = ast.get_source_segment(texts["steps"], node) or ""
        used, modules, lib_digest, effects = step_parts(node, code, imports, library)
        doc = ast.get_docstring(node) or ""
        cells = _CELLS.search(doc)
        steps.append(
            RunStep(
                name=name,
                function=function,
                cell_ids=tuple(c.strip() for c in cells[1].split(",")) if cells else (),
                arguments=tuple(arguments),
                returns=tuple(outputs),
                code=code,
                imports=used,
                modules=modules,
                library=lib_digest,
                effects=effects,
                metrics=(),
                versions=tuple(versions(modules)),
            )
        )
    filename = str(base / "steps.py")

    def load() -> types.ModuleType:
        for stale in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[stale]
        sys.path.insert(0, str(src))
        try:
            return importlib.import_module(f"{package}.steps")
        finally:
            sys.path.remove(str(src))

    return RunPlan(
        label=label,
        folder=folder.resolve(),
        steps=tuple(steps),
        parameters=_parameters(trees["params"]),
        load_module=load,
        filename=filename,
    )
