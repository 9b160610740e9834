"""Notebook → package: analyse, plan, generate, format, lint, then write safely.

Nothing reaches the target folder unless every step succeeded: a notebook the analysis rejects
raises :class:`PipelineRejected` (its problems, with cells), generated code that ruff would flag
raises :class:`ExportError`, hand-edited files raise :class:`HandEditedFiles`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..analysis import analyze_detailed
from ..model import Problem
from .dependencies import Dependencies, resolve_dependencies
from .errors import ExportError
from .files import commit_staged, staging_dir, write_files
from .formatting import format_python_files, ruff_check, ruff_fix, ruff_format
from .gen_code import imported_modules, init_module, lib_module, pipeline_module, steps_module
from .gen_meta import pyproject_toml, readme_md
from .gen_params import main_module, params_module
from .gen_tests import fingerprint_helper, golden_json, tests_module
from .naming import check_package_name, default_package_name, unclashing_name
from .plan import make_plan
from .printing import prints_pandas
from .recorder import record_golden

__all__ = ["ExportResult", "PipelineRejected", "export_package", "render_package"]

PACKAGE_VERSION = "0.1.0"
_DIAGNOSTIC = re.compile(r"^(?P<path>[^:]+):\d+:\d+: (?P<code>[A-Z]+\d+) ")


class PipelineRejected(ExportError):
    """The analysis found errors: exporting would run differently from the notebook."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = [
            f"  cell {p.cell_id or '?'}" + (f", line {p.line}" if p.line else "") + f": {p.message}"
            for p in problems
        ]
        super().__init__("the notebook cannot be exported:\n" + "\n".join(lines))


@dataclass
class ExportResult:
    package: str
    directory: Path
    files: list[str]
    warnings: list[Problem] = field(default_factory=list)
    unresolved_imports: list[str] = field(default_factory=list)
    # rules of the package's ruff settings the notebook's own code breaks, per file
    verbatim_rule_breaks: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class _Rendered:
    package: str
    notebook: str
    deps: Dependencies
    files: dict[str, str]
    warnings: list[Problem]

    def pyproject(self, ignores: dict[str, list[str]] | None = None) -> str:
        return pyproject_toml(self.package, PACKAGE_VERSION, self.deps, self.notebook, ignores)


def render_package(
    nb: dict[str, Any], notebook: str, package: str | None = None, execute_in: Path | None = None
) -> _Rendered:
    """The package's files as text (relative path → content), before formatting.

    With ``execute_in`` (the notebook's folder) the notebook is run there first, and the
    fingerprints of its steps' outputs become the golden tests.
    """
    folder = str(execute_in) if execute_in is not None else None
    analysis = analyze_detailed(nb, notebook, folder)
    errors = [p for p in analysis.pipeline.problems if p.severity == "error"]
    if errors:
        raise PipelineRejected(errors)
    modules = imported_modules(analysis.imports)
    imported = {module.split(".")[0] for module in modules}
    default = analysis.default_exp or unclashing_name(default_package_name(notebook), imported)
    name = check_package_name(package or default, imported)
    plan = make_plan(analysis, name)
    deps = resolve_dependencies(modules, own=[name])
    pandas = prints_pandas(deps.requirements)
    golden = None
    if execute_in is not None:
        returns = {sp.step.name: list(sp.returns) for sp in plan.steps}
        golden = record_golden(nb, analysis, returns, execute_in)
    src = f"src/{name}"
    files = {
        "README.md": readme_md(name, analysis.pipeline, deps),
        f"{src}/__init__.py": init_module(plan),
        f"{src}/params.py": params_module(analysis.pipeline.parameters, notebook),
        f"{src}/lib.py": lib_module(plan),
        f"{src}/steps.py": steps_module(plan),
        f"{src}/pipeline.py": pipeline_module(plan),
        f"{src}/__main__.py": main_module(name, analysis.pipeline.parameters, pandas),
        "tests/fingerprints.py": fingerprint_helper(),
        "tests/test_pipeline.py": tests_module(plan, golden is not None, pandas),
    }
    if golden is not None:
        files["tests/golden.json"] = golden_json(*golden)
    warnings = [p for p in analysis.pipeline.problems if p.severity == "warning"]
    rendered = _Rendered(name, notebook, deps, files, warnings)
    files["pyproject.toml"] = rendered.pyproject()
    return rendered


def _verbatim_rule_breaks(diagnostics: list[str], package: str) -> dict[str, list[str]]:
    """Rule codes per file for lint left in notebook code; anything else is nbbridge's bug."""
    verbatim = {f"src/{package}/steps.py", f"src/{package}/lib.py", "tests/test_pipeline.py"}
    found: dict[str, set[str]] = {}
    for line in diagnostics:
        match = _DIAGNOSTIC.match(line)
        if not match or match["path"] not in verbatim:
            raise ExportError("the generated package is not ruff-clean:\n" + "\n".join(diagnostics))
        found.setdefault(match["path"], set()).add(match["code"])
    return {path: sorted(codes) for path, codes in sorted(found.items())}


def _format_staged(staging: Path, files: dict[str, str]) -> None:
    paths = [rel for rel in files if rel.endswith(".py")]
    sources = {rel: (staging / rel).read_text(encoding="utf-8") for rel in paths}
    for rel, text in format_python_files(sources).items():
        (staging / rel).write_text(text, encoding="utf-8")


def export_package(
    nb: dict[str, Any],
    notebook: str,
    out_dir: Path,
    *,
    package: str | None = None,
    force: bool = False,
    execute_in: Path | None = None,
) -> ExportResult:
    """Write the package of ``nb`` into ``out_dir``; see the module docstring for refusals."""
    rendered = render_package(nb, notebook, package, execute_in)
    files = rendered.files
    with staging_dir(out_dir) as staging:
        write_files(staging, files)
        # Fix first (sorted imports, unused ones dropped), format (ruff's fast cut, then black
        # has the final word), then check.
        ruff_fix(staging)
        ruff_format(staging)
        _format_staged(staging, files)
        breaks = _verbatim_rule_breaks(ruff_check(staging), rendered.package)
        if breaks:
            (staging / "pyproject.toml").write_text(rendered.pyproject(breaks), encoding="utf-8")
            left = ruff_check(staging)
            if left:
                raise ExportError("the generated package is not ruff-clean:\n" + "\n".join(left))
        written = commit_staged(staging, out_dir, sorted(files), force=force)
    return ExportResult(
        package=rendered.package,
        directory=out_dir,
        files=written,
        warnings=rendered.warnings,
        unresolved_imports=rendered.deps.unresolved,
        verbatim_rule_breaks=breaks,
    )
