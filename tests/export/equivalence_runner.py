"""Run a notebook two ways and compare: its cells in one namespace, and its exported package.

The notebook side executes every code cell that is not ``skip`` or ``test``, in notebook order,
in one namespace (as "Run All" does), recording what each cell prints and, at the end of each
step's last cell, a deep copy of the namespace. The package side renders the package (the same
generator as a full export, without black and ruff, which do not change what code does), imports
it from a temporary folder under a fresh name and calls ``run_steps()``, deep-copying each step's
returned values as the step ends (a later step may change them in place).

:func:`differences` lists every way the package behaves differently from the notebook; an empty
list is the promise kept. A refused export (``PipelineRejected``/``ExportError``) is also a kept
promise, reported as such.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import copy
import importlib
import inspect
import io
import itertools
import sys
import tempfile
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbbridge.core import analyze_detailed
from nbbridge.core.export import ExportError
from nbbridge.core.export.exporter import render_package

__all__ = ["NotebookRun", "PackageRun", "Refused", "differences", "run_notebook", "run_package"]

_counter = itertools.count()
_MISSING = object()


class NotebookFailed(Exception):
    """The notebook itself raised: not a valid example for the comparison."""


@dataclass
class NotebookRun:
    """What running the notebook did: printed text per cell, namespace at each step's end."""

    printed: dict[str, str]  # cell id -> stdout
    at_step_end: dict[str, dict[str, Any]]  # step -> deep copy of the namespace
    at_test: dict[str, dict[str, Any]]  # test cell id -> deep copy of the namespace there


@dataclass
class PackageRun:
    """What running the package did: printed text and returned values per step, in run order."""

    order: list[str]
    printed: dict[str, str]
    returned: dict[str, dict[str, Any]]
    error: str | None = None
    sources: dict[str, str] = field(default_factory=dict)
    # step -> copies of every output produced so far, as that step ended: (step, name) -> value
    history: dict[str, dict[tuple[str, str], Any]] = field(default_factory=dict)


@dataclass
class Refused:
    """The export refused the notebook."""

    message: str
    codes: set[str]


def _code_cells(nb: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in nb["cells"] if c.get("cell_type") == "code"]


def _tags(cell: dict[str, Any]) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _snapshot(namespace: dict[str, Any]) -> dict[str, Any]:
    snap: dict[str, Any] = {}
    for name, value in namespace.items():
        if name.startswith("__") and name != "__doc__" or isinstance(value, types.ModuleType):
            continue
        try:
            snap[name] = copy.deepcopy(value)
        except Exception:  # noqa: BLE001 - an uncopyable value is compared as it is
            snap[name] = value
    return snap


def _display(*objects: Any) -> None:
    """IPython's display shows a rich output, never on stdout."""


# What IPython's namespace adds to a kernel's (the part these notebooks may touch).
_IPYTHON_NAMES: dict[str, Any] = {
    "display": _display,
    "get_ipython": lambda: None,
    "__doc__": "Automatically created module for IPython interactive environment",
}


def _run_cell(source: str, label: str, namespace: dict[str, Any]) -> None:
    """Run one cell as IPython does: each top-level statement compiled as a module of its own
    (so a string statement sets ``__doc__``), a trailing expression evaluated for display
    (nothing on stdout), top-level ``await`` included."""
    body = ast.parse(source).body
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    for index, node in enumerate(body):
        if index == len(body) - 1 and isinstance(node, ast.Expr):
            code = compile(ast.Expression(node.value), label, "eval", flags=flags)
        else:
            code = compile(ast.Module([node], type_ignores=[]), label, "exec", flags=flags)
        result = eval(code, namespace)  # noqa: S307 - the test's own generated notebook
        if inspect.iscoroutine(result):
            result = asyncio.run(result)


def run_notebook(nb: dict[str, Any]) -> NotebookRun:
    """Execute the pipeline cells in notebook order; raise NotebookFailed if a cell raises."""
    analysis = analyze_detailed(nb, "notebook.ipynb")
    last_cell = {step.cells[-1].cell_id: step.name for step in analysis.steps if step.cells}
    namespace: dict[str, Any] = {"__name__": "__main__", **_IPYTHON_NAMES}
    printed: dict[str, str] = {}
    at_end: dict[str, dict[str, Any]] = {}
    at_test: dict[str, dict[str, Any]] = {}
    with _as_in_a_kernel():
        _run_cells(nb, namespace, last_cell, printed, at_end, at_test)
    return NotebookRun(printed, at_end, at_test)


@contextlib.contextmanager
def _as_in_a_kernel() -> Any:
    """pandas as a Jupyter kernel has it: up to 20 columns shown (pandas' config_init picks 0,
    "fit the terminal", when it cannot see a kernel, as in this test process)."""
    import pandas

    with pandas.option_context("display.max_columns", 20):
        yield


def _run_cells(
    nb: dict[str, Any],
    namespace: dict[str, Any],
    last_cell: dict[str, str],
    printed: dict[str, str],
    at_end: dict[str, dict[str, Any]],
    at_test: dict[str, dict[str, Any]],
) -> None:
    for cell in _code_cells(nb):
        tags = _tags(cell)
        if "test" in tags:
            at_test[cell["id"]] = _snapshot(namespace)  # what the test cell would see
            continue
        if "skip" in tags:
            continue
        buffer = io.StringIO()
        try:
            with contextlib.redirect_stdout(buffer):
                _run_cell(cell["source"], f"<cell {cell['id']}>", namespace)
        except Exception as exc:
            raise NotebookFailed(f"cell {cell['id']}: {type(exc).__name__}: {exc}") from exc
        printed[cell["id"]] = buffer.getvalue()
        step = last_cell.get(cell["id"])
        if step is not None:
            at_end[step] = _snapshot(namespace)


def _render(nb: dict[str, Any], package: str) -> dict[str, str] | Refused:
    try:
        return render_package(nb, "notebook.ipynb", package).files
    except ExportError as exc:
        codes = {p.code for p in getattr(exc, "problems", [])}
        return Refused(str(exc), codes)


def run_package(nb: dict[str, Any], runs: int = 1) -> PackageRun | Refused:
    """Render the package, import it fresh and run it ``runs`` times; the last run is returned
    (a package whose second run differs from its first keeps state between runs)."""
    package = f"eqpkg{next(_counter)}"
    files = _render(nb, package)
    if isinstance(files, Refused):
        return files
    sources = {Path(p).name: t for p, t in files.items() if p.startswith(f"src/{package}/")}
    with tempfile.TemporaryDirectory(prefix="nbbridge-eq-") as tmp:
        folder = Path(tmp) / package
        folder.mkdir()
        for name, text in sources.items():
            (folder / name).write_text(text, encoding="utf-8")
        sys.path.insert(0, tmp)
        try:
            module = importlib.import_module(package)
            result = PackageRun([], {}, {}, sources=sources)
            params = module.Params()  # one object for every run, as the generated tests do
            for _ in range(runs):
                result = _run_once(module, params, sources)
        except Exception:  # noqa: BLE001 - import errors are differences too
            result = PackageRun([], {}, {}, traceback.format_exc(limit=-3), sources)
        finally:
            sys.path.remove(tmp)
            for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
                del sys.modules[name]
    return result


def _run_once(module: types.ModuleType, params: Any, sources: dict[str, str]) -> PackageRun:
    result = PackageRun([], {}, {}, sources=sources)
    buffer = io.StringIO()
    live: dict[str, dict[str, Any]] = {}

    def on_step(step: str, values: dict[str, Any]) -> None:
        result.order.append(step)
        result.printed[step] = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        result.returned[step] = _snapshot(values)
        live[step] = values
        everything = {f"{s}\0{n}": v for s, outs in live.items() for n, v in outs.items()}
        copied = _snapshot(everything)
        result.history[step] = {tuple(k.split("\0")): v for k, v in copied.items()}  # type: ignore[misc]

    # Printed as `python -m PKG` prints: through the entry point's own context, if it has one.
    entry = importlib.import_module(f"{module.__name__}.__main__")
    printing = getattr(entry, "_as_in_jupyter", contextlib.nullcontext)
    try:
        with contextlib.redirect_stdout(buffer), printing():
            module.run_steps(params, on_step=on_step)
    except Exception:  # noqa: BLE001 - a crash is a difference, reported with its traceback
        result.error = traceback.format_exc(limit=-3)
    return result


def same(left: Any, right: Any, depth: int = 0) -> bool:
    """Equality that also compares functions and class instances by what they are."""
    if depth > 20:
        return True
    if isinstance(left, types.FunctionType) or isinstance(right, types.FunctionType):
        return type(left) is type(right) and left.__name__ == right.__name__
    if isinstance(left, type) or isinstance(right, type):
        return (
            isinstance(left, type) and isinstance(right, type) and left.__name__ == right.__name__
        )
    if type(left).__name__ != type(right).__name__:
        return False
    if isinstance(left, (list, tuple)):
        return len(left) == len(right) and all(
            same(a, b, depth + 1) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(same(left[k], right[k], depth + 1) for k in left)
    if type(left).__module__.startswith("pandas"):
        return bool(left.equals(right))  # frames and series: == compares element-wise
    if hasattr(left, "__dict__") and type(left).__module__ != "builtins":
        return same(vars(left), vars(right), depth + 1)
    try:
        return bool(left == right)
    except Exception:  # noqa: BLE001
        return repr(left) == repr(right)


def differences(nb: dict[str, Any], runs: int = 1) -> list[str] | Refused:
    """How the exported package differs from the notebook (``[]``: it does not), or Refused."""
    notebook = run_notebook(nb)
    package = run_package(nb, runs)
    if isinstance(package, Refused):
        return package
    found: list[str] = []
    if package.error:
        found.append(f"the package raised:\n{package.error}")
    analysis = analyze_detailed(nb, "notebook.ipynb")
    for step in analysis.steps:
        if step.name not in package.printed:
            if not package.error:
                found.append(f"step {step.name} did not run")
            continue
        expected = "".join(notebook.printed.get(c.cell_id, "") for c in step.cells)
        if package.printed[step.name] != expected:
            found.append(
                f"step {step.name} printed {package.printed[step.name]!r}, the notebook "
                f"{expected!r}"
            )
        namespace = notebook.at_step_end.get(step.name, {})
        for name, value in package.returned[step.name].items():
            expected_value = namespace.get(name, _MISSING)
            if expected_value is _MISSING:
                found.append(f"step {step.name} returned {name}, unbound in the notebook")
            elif not same(value, expected_value):
                found.append(
                    f"step {step.name} returned {name}={value!r}, the notebook has "
                    f"{expected_value!r}"
                )
    final = package.history[package.order[-1]] if package.order else {}
    for test in analysis.tests:
        # The exported test takes its values once every step above it has run (the last of
        # them in pipeline order: analysis.steps is in that order).
        above = [s.name for s in analysis.steps if any(c.index < test.cell.index for c in s.cells)]
        where = package.history.get(above[-1], final) if above else final
        for name, step in test.reads.items():
            if step is None or step not in package.returned:
                continue
            seen = notebook.at_test[test.cell.cell_id].get(name, _MISSING)
            given = where.get((step, name), final.get((step, name), _MISSING))
            if given is _MISSING or seen is _MISSING or not same(given, seen):
                found.append(
                    f"test cell {test.cell.cell_id} would get {name}={given!r} from step "
                    f"{step}, the notebook's test cell saw {seen!r}"
                )
    if found:
        found.append("--- steps.py ---\n" + package.sources.get("steps.py", ""))
        found.append("--- pipeline.py ---\n" + package.sources.get("pipeline.py", ""))
    return found
