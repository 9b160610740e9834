"""What an export did, and why one was refused, in words: one text for the CLI and the magic.

:func:`render_result` summarises an :class:`~.exporter.ExportResult` (files, golden tests,
warnings, unresolved imports, lint); :func:`refusal` sorts an exception an export raised into the
few kinds a user acts on differently, each with its message, the problems (with their cells) and
the hand-edited files, so the CLI's exit code and the REST status come from one place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import NotebookError
from ..model import Problem
from .errors import ExecutionFailed, ExportError, HandEditedFiles
from .exporter import ExportResult, PipelineRejected
from .verify import TestReport

__all__ = [
    "GOLDEN_FILE",
    "Refusal",
    "notebook_label",
    "refusal",
    "render_result",
    "render_tests",
    "where",
]

GOLDEN_FILE = "tests/golden.json"


@dataclass(frozen=True)
class Refusal:
    """An export that did not happen. ``kind`` is one of:

    * ``rejected``: the analysis found errors (``problems``, each with its cell);
    * ``hand-edited``: files edited since the last export (``files``), kept; force replaces them;
    * ``invalid``: bad input (package name, folder, notebook file, target);
    * ``execution``: the notebook itself failed while running (``--execute``), or the user's
      code (the notebook, the package's tests) ran past its timeout or was cancelled and was
      stopped; ``cell_id`` names the cell that failed or was running, when known.
    """

    kind: str
    message: str
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    cell_id: str | None = None
    field: str | None = None  # the request field at fault, when one is

    @property
    def exit_code(self) -> int:
        """DESIGN §7: 1 when the user's notebook failed, 2 for bad input."""
        return 1 if self.kind == "execution" else 2


def _execution_error(exc: BaseException) -> bool:
    # A kernel that died or timed out while papermill ran the notebook is the notebook's
    # failure too; these classes come from nbclient, imported only by --execute.
    kinds = {"DeadKernelError", "CellTimeoutError", "PapermillExecutionError"}
    return type(exc).__name__ in kinds and type(exc).__module__.startswith(
        ("nbclient", "papermill")
    )


def refusal(exc: BaseException) -> Refusal | None:
    """The refusal ``exc`` stands for; None when it is not one (a bug: let it propagate)."""
    if isinstance(exc, PipelineRejected):
        return Refusal("rejected", str(exc), problems=list(exc.problems))
    if isinstance(exc, HandEditedFiles):
        return Refusal("hand-edited", str(exc), files=list(exc.files))
    if isinstance(exc, ExecutionFailed):  # ExecutionStopped too (timeout, cancel)
        return Refusal("execution", str(exc), cell_id=exc.cell_id)
    if isinstance(exc, ExportError):
        return Refusal("invalid", str(exc), field=exc.field)
    if isinstance(exc, NotebookError):
        return Refusal("invalid", str(exc))
    if _execution_error(exc):
        return Refusal("execution", f"the notebook failed while executing: {exc}")
    if type(exc).__name__ == "NoSuchKernel":
        return Refusal("invalid", f"the notebook's kernel is not installed here: {exc}")
    return None


def notebook_label(notebook: str | Path) -> str:
    """How generated files name the notebook: relative to the working folder, never absolute
    (an exported package should not carry the path of someone's home folder)."""
    relative = os.path.relpath(Path(notebook).resolve())
    return Path(notebook).name if relative.startswith("..") else Path(relative).as_posix()


def where(problem: Problem) -> str:
    """``cell ab12, line 3`` (or less, when the problem has no line or no cell)."""
    if problem.cell_id is None:
        return "notebook"
    return f"cell {problem.cell_id}" + (f", line {problem.line}" if problem.line else "")


def render_result(result: ExportResult, notebook: str, target: str = "package") -> str:
    """A few lines a user reads after an export: what was written and what to look at."""
    directory = Path(result.directory)
    shown_target = "" if target == "package" else f" (target: {target})"
    lines = [
        f"Exported {notebook} as package {result.package} into {directory}{shown_target}",
        f"Files written ({len(result.files)}):",
        *(f"  {name}" for name in result.files),
    ]
    if GOLDEN_FILE in result.files:
        lines.append(f"Golden tests: recorded by running the notebook ({GOLDEN_FILE}).")
    else:
        lines.append(
            "Golden tests: none (export with --execute to check each step's outputs against "
            "the notebook's)."
        )
    if result.warnings:
        lines.append(f"Warnings ({len(result.warnings)}):")
        lines += [f"  {where(p)}: {p.message}" for p in result.warnings]
    if result.unresolved_imports:
        lines.append(
            f"Unresolved imports: {', '.join(result.unresolved_imports)} (no installed "
            "distribution provides them; add their distributions to pyproject.toml by hand)"
        )
    if result.verbatim_rule_breaks:
        lines.append(
            "Lint: black-formatted and ruff clean; the notebook's own code breaks these rules, "
            "kept as written and ignored per file in pyproject.toml (fix the code, then drop "
            "the ignore):"
        )
        lines += [
            f"  {path}: {', '.join(codes)}" for path, codes in result.verbatim_rule_breaks.items()
        ]
    else:
        lines.append("Lint: black-formatted and ruff clean.")
    lines.append(f"Next: cd {directory} && pip install -e '.[test]' && pytest")
    if target == "dvc":
        lines.append("      dvc repro  (inside a DVC repository: git init && dvc init)")
    return "\n".join(lines)


def render_tests(report: TestReport) -> str:
    """One line for the generated tests' result, then pytest's own tail when they failed."""
    verdict = "passed" if report.ok else "FAILED"
    counts = f"{report.passed} passed, {report.failed} failed, {report.errors} errors"
    if report.skipped:
        counts += f", {report.skipped} skipped"
    text = f"Generated tests {verdict}: {counts}."
    return text if report.ok else f"{text}\n{report.output}"
