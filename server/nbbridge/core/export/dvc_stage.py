"""Run one pipeline step as a DVC stage (written by ``nbbridge export --target dvc``).

``python dvc_stage.py run STEP [--function F] [--input NAME=UPSTREAM ...] [--param NAME ...]
[--returns A,B] [--metrics M]`` loads each input from the pickle file its upstream stage wrote,
reads the step's parameters from params.yaml, calls the step function of the exported package
and pickles what it returns for the stages downstream (its metrics also go to a JSON file that
``dvc metrics show`` reads).

``python dvc_stage.py code STEP[=F] ...`` writes one hash per step of the code that step runs:
its own function in steps.py plus everything else in steps.py and lib.py. Each stage depends on
its own hash, so an edit to one step function re-runs that stage only (and the stages whose
inputs then change), while an edit to shared code re-runs them all.

nbbridge ships this file as a template: the export replaces the package name below.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import hashlib
import importlib
import json
import math
import numbers
import pickle
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PACKAGE = "__nbbridge_package__"
SOURCE = HERE / "src" / PACKAGE
STAGES = HERE / ".nbbridge" / "stages"
CODE = HERE / ".nbbridge" / "code"
PICKLE_PROTOCOL = 5  # fixed, so the same values give the same bytes on any Python >= 3.8


def output_path(step: str, name: str) -> Path:
    """Where the stage of ``step`` keeps its output ``name`` (a DVC output)."""
    return STAGES / step / f"{name}.pkl"


def _package_module(module: str) -> Any:
    # The exported source folder first: the stages run this export's code, installed or not.
    src = str(HERE / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    return importlib.import_module(f"{PACKAGE}.{module}")


def _read_params() -> dict[str, Any]:
    text = (HERE / "params.yaml").read_text(encoding="utf-8")
    try:
        import yaml
    except ImportError:
        try:
            from ruamel.yaml import YAML
        except ImportError:
            sys.exit("dvc_stage.py: reading params.yaml needs PyYAML (pip install pyyaml)")
        return dict(YAML(typ="safe").load(text) or {})
    return dict(yaml.safe_load(text) or {})


def _coerce(name: str, kind: Any, value: Any) -> Any:
    """A params.yaml value as the type the Params dataclass declares (YAML has no tuples)."""
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind is tuple and isinstance(value, list):
        return tuple(value)
    if isinstance(kind, type) and kind is not object and not isinstance(value, kind):
        sys.exit(f"params.yaml: {name} should be a {kind.__name__}, got {value!r}")
    return value


def _parameters(names: list[str]) -> dict[str, Any]:
    if not names:
        return {}
    values = _read_params()
    missing = [name for name in names if name not in values]
    if missing:
        sys.exit(f"params.yaml: no value for {', '.join(missing)}")
    kinds = {f.name: f.type for f in dataclasses.fields(_package_module("params").Params)}
    return {name: _coerce(name, kinds.get(name, object), values[name]) for name in names}


def _metric(value: Any) -> Any:
    """A value ``dvc metrics show`` can print (numpy scalars become plain numbers), else None."""
    if isinstance(value, bool | str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and math.isfinite(float(value)):
        return float(value)
    return None


def _save(step: str, name: str, value: Any) -> None:
    path = output_path(step, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = pickle.dumps(value, protocol=PICKLE_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        sys.exit(f"step {step}: its output {name!r} cannot be pickled for DVC ({exc})")
    path.write_bytes(data)


def run_step(
    step: str,
    function: str,
    inputs: list[str],
    params: list[str],
    returns: list[str],
    metrics: list[str],
) -> None:
    """Run one step: inputs from the upstream stages' files, outputs to this stage's files."""
    arguments: dict[str, Any] = {}
    for spec in inputs:
        name, _, upstream = spec.partition("=")
        arguments[name] = pickle.loads(output_path(upstream, name).read_bytes())
    arguments.update(_parameters(params))
    result = getattr(_package_module("steps"), function)(**arguments)
    if not returns:
        values: dict[str, Any] = {}
    elif len(returns) == 1:
        values = {returns[0]: result}
    else:
        values = dict(zip(returns, result, strict=True))
    for name, value in values.items():
        _save(step, name, value)
    if metrics:
        found = {name: _metric(values.get(name)) for name in metrics}
        report = {name: value for name, value in found.items() if value is not None}
        path = STAGES / step / "metrics.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _dump(node: ast.AST) -> str:
    # The syntax tree, not the text: reformatting or a comment changes no hash.
    return ast.dump(node, include_attributes=False)


def _is_docstring_or_all(node: ast.stmt) -> bool:
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return isinstance(node.value.value, str)
    if isinstance(node, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
    return False


def code_hashes(functions: dict[str, str]) -> dict[str, str]:
    """Step → hash of its function in steps.py and of everything the steps share."""
    steps_tree = ast.parse((SOURCE / "steps.py").read_text(encoding="utf-8"))
    shared: list[str] = []
    lib = SOURCE / "lib.py"
    if lib.exists():
        shared.append(_dump(ast.parse(lib.read_text(encoding="utf-8"))))
    own: dict[str, str] = {}
    wanted = set(functions.values())
    for node in steps_tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in wanted:
            own[node.name] = _dump(node)
        elif not _is_docstring_or_all(node):
            shared.append(_dump(node))
    common = "\n".join(shared)
    return {
        step: hashlib.sha256(f"{common}\n{own.get(function, 'missing')}".encode()).hexdigest()
        for step, function in functions.items()
    }


def write_code_hashes(specs: list[str]) -> None:
    """Write ``.nbbridge/code/STEP.sha256`` for each ``STEP`` or ``STEP=FUNCTION``."""
    functions = {}
    for spec in specs:
        step, _, function = spec.partition("=")
        functions[step] = function or step
    CODE.mkdir(parents=True, exist_ok=True)
    for step, digest in code_hashes(functions).items():
        (CODE / f"{step}.sha256").write_text(digest + "\n", encoding="utf-8")


def _names(text: str) -> list[str]:
    return [name for name in text.split(",") if name]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dvc_stage.py", description="Run DVC stages.")
    commands = parser.add_subparsers(dest="command", required=True)
    code = commands.add_parser("code", help="write each step's code hash")
    code.add_argument("steps", nargs="+", metavar="STEP[=FUNCTION]")
    one = commands.add_parser("run", help="run one step")
    one.add_argument("step")
    one.add_argument("--function", help="the step's function in steps.py (default: STEP)")
    one.add_argument("--input", action="append", default=[], metavar="NAME=UPSTREAM")
    one.add_argument("--param", action="append", default=[], metavar="NAME")
    one.add_argument("--returns", default="", metavar="A,B")
    one.add_argument("--metrics", default="", metavar="A,B")
    args = parser.parse_args(argv)
    if args.command == "code":
        write_code_hashes(args.steps)
        return 0
    run_step(
        args.step,
        args.function or args.step,
        args.input,
        args.param,
        _names(args.returns),
        _names(args.metrics),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
