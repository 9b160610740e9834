"""nbbridge.core stays pure: no server, widget, kernel or messaging imports, static or dynamic."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import nbbridge.core

FORBIDDEN = ("tornado", "jupyter_server", "ipywidgets", "ipykernel", "zmq")
CORE_DIR = Path(nbbridge.core.__file__).resolve().parent


def _core_modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.walk_packages([str(CORE_DIR)], prefix="nbbridge.core.")
        if not info.name.rsplit(".", 1)[-1].startswith("__")
    )


def test_core_has_the_modules_this_test_expects():
    modules = _core_modules()
    assert "nbbridge.core.analysis" in modules and "nbbridge.core.flow" in modules


def test_importing_every_core_module_loads_nothing_forbidden():
    script = (
        "import importlib, json, sys\n"
        "for name in json.loads(sys.argv[1]):\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    modules = ["nbbridge.core", *_core_modules()]
    result = subprocess.run(
        [sys.executable, "-c", script, json.dumps(modules)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = json.loads(result.stdout)
    assert "nbbridge.core.analysis" in loaded
    bad = [m for m in loaded if m.split(".")[0] in FORBIDDEN]
    assert bad == []


def test_no_forbidden_import_statement_in_core_sources():
    offenders = []
    for path in sorted(CORE_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, (ast.Name, ast.Attribute))
                and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names = [str(node.args[0].value)]
            for name in names:
                if name.split(".")[0] in FORBIDDEN or name.startswith("IPython.kernel"):
                    offenders.append(f"{path.relative_to(CORE_DIR)}:{node.lineno}: {name}")
    assert offenders == []


def test_ipython_use_is_limited_to_the_input_transformer():
    users = {}
    for path in sorted(CORE_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("IPython"):
                users[path.name] = node.module
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("IPython"):
                        users[path.name] = alias.name
    assert set(users.values()) <= {"IPython.core.inputtransformer2"}
