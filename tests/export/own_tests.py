"""What the package's own generated tests say, right after export, on a generated notebook.

The golden values come from running the notebook cell by cell (as :mod:`equivalence_runner`
does, in place of ``export --execute``'s kernel): each step's returned values fingerprinted as
the step ends and what its cells printed, with the project's own fingerprint function. The
package is written with its generated ``tests/`` and pytest runs them in a subprocess, as an
engineer would; they must pass.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from equivalence_runner import run_notebook
from notebook_forms import LOCAL_MODULES

from nbbridge.core import analyze_detailed
from nbbridge.core.export.dependencies import resolve_dependencies
from nbbridge.core.export.exporter import render_package
from nbbridge.core.export.fingerprint import fingerprint
from nbbridge.core.export.gen_code import imported_modules
from nbbridge.core.export.gen_tests import golden_json, tests_module
from nbbridge.core.export.plan import make_plan
from nbbridge.core.export.printing import prints_pandas

__all__ = ["run_own_tests"]


def run_own_tests(nb: dict[str, Any], folder: Path, package: str = "owntests") -> tuple[int, str]:
    """Write the package of ``nb`` (golden tests included) to ``folder`` and run its tests:
    (pytest's exit code, its output)."""
    notebook = run_notebook(nb)
    analysis = analyze_detailed(nb, "notebook.ipynb")
    files = dict(render_package(nb, "notebook.ipynb", package).files)
    plan = make_plan(analysis, package)
    golden: dict[str, dict[str, object]] = {}
    stdout: dict[str, str] = {}
    for sp in plan.steps:
        values = notebook.at_step_end.get(sp.step.name, {})
        golden[sp.step.name] = {name: fingerprint(values[name]) for name in sp.returns}
        stdout[sp.step.name] = "".join(notebook.printed.get(c.cell_id, "") for c in sp.step.cells)
    deps = resolve_dependencies(imported_modules(analysis.imports), own=[package])
    files["tests/test_pipeline.py"] = tests_module(plan, True, prints_pandas(deps.requirements))
    files["tests/golden.json"] = golden_json(golden, stdout)
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    modules = next(p for p in sys.path if (Path(p) / f"{next(iter(LOCAL_MODULES))}.py").exists())
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(folder / "src"), modules]))
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
    )
    return ran.returncode, ran.stdout + ran.stderr
