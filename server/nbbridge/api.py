"""Request, response and error bodies of the REST API (the pipeline reuses nbbridge.core.model).

Declared once here; ``python -m nbbridge.schema`` writes their JSON Schema for the front end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .core.export.deadline import MAX_TIMEOUT
from .core.model import Pipeline, Problem

if TYPE_CHECKING:
    from .core.export.exporter import ExportResult
    from .core.export.summary import Refusal
    from .core.export.verify import TestReport
    from .core.suggest import Suggestion

__all__ = [
    "ErrorBody",
    "ExportRequest",
    "ExportResponse",
    "PipelineRequest",
    "SuggestRequest",
    "SuggestResponse",
    "SuggestedStepBody",
    "SuggestedTag",
    "TestSummary",
    "VersionBody",
]


class PipelineRequest(BaseModel):
    """Analyse a saved notebook (``path``, relative to the server root) or unsaved content."""

    model_config = ConfigDict(extra="forbid")

    path: str | None = Field(default=None, description="Notebook path relative to the server root")
    notebook: dict[str, Any] | None = Field(default=None, description="Unsaved notebook JSON")

    @model_validator(mode="after")
    def _exactly_one(self) -> PipelineRequest:
        if (self.path is None) == (self.notebook is None):
            raise ValueError(
                "give exactly one of 'path' (a saved notebook) or 'notebook' (its JSON)"
            )
        return self


class ErrorBody(BaseModel):
    """What every 4xx answer carries: a message naming the field or cell at fault."""

    message: str
    field: str | None = None
    cell_id: str | None = Field(default=None, description="The cell at fault (the first one)")
    problems: list[Problem] | None = Field(
        default=None, description="Every problem that refused an export, each with its cell"
    )
    files: list[str] | None = Field(
        default=None, description="Files edited by hand since the last export (kept)"
    )

    @classmethod
    def from_refusal(cls, refused: Refusal) -> ErrorBody:
        """The body for an export that did not happen: the cell at fault (the one that failed or
        was running, else the first problem's), all problems."""
        first = refused.problems[0].cell_id if refused.problems else None
        return cls(
            message=refused.message,
            field=refused.field,
            cell_id=refused.cell_id or first,
            problems=refused.problems or None,
            files=refused.files or None,
        )


class ExportRequest(BaseModel):
    """``POST /nbbridge/export``: export a saved notebook into a folder, both inside the root."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(description="Notebook path relative to the server root")
    output_dir: str = Field(description="Folder to write the package into, relative to the root")
    package: str | None = Field(default=None, description="Import name; default from the notebook")
    execute: bool = Field(default=False, description="Run the notebook to record golden tests")
    force: bool = Field(default=False, description="Replace files edited by hand")
    run_tests: bool = Field(default=True, description="Run the package's tests after export")
    target: str | None = Field(default=None, description="Export target: package (default), dvc")
    timeout: float | None = Field(
        default=None,
        gt=0,
        le=MAX_TIMEOUT,
        description=(
            "Seconds each run of the notebook (execute: it runs 3 times) and the test run may "
            "take before they are stopped; default: the server's NbbridgeApp.execute_timeout"
        ),
    )


class TestSummary(BaseModel):
    """The result of running the exported package's own tests."""

    __test__ = False  # not a pytest test class, whatever its name says

    ok: bool
    passed: int
    failed: int
    errors: int
    skipped: int
    output: str = Field(description="The last lines of pytest's report")

    @classmethod
    def from_report(cls, report: TestReport) -> TestSummary:
        return cls(
            ok=report.ok,
            passed=report.passed,
            failed=report.failed,
            errors=report.errors,
            skipped=report.skipped,
            output=report.output,
        )


class ExportResponse(BaseModel):
    """What an export wrote (the CLI's ``export --json`` prints the same shape)."""

    package: str
    target: str
    directory: str = Field(description="The output folder (relative to the root over REST)")
    files: list[str] = Field(description="Files written, relative to the output folder")
    warnings: list[Problem]
    unresolved_imports: list[str] = Field(description="Imports no installed distribution gives")
    verbatim_rule_breaks: dict[str, list[str]] = Field(
        description="Ruff rules the notebook's own code breaks, by file (kept as written)"
    )
    golden: bool = Field(description="Golden tests were recorded by running the notebook")
    tests: TestSummary | None = None

    @classmethod
    def from_result(
        cls,
        result: ExportResult,
        target: str,
        directory: str,
        tests: TestSummary | None = None,
    ) -> ExportResponse:
        """The response for ``result``; ``directory`` as the caller named the folder."""
        return cls(
            package=result.package,
            target=target,
            directory=directory,
            files=list(result.files),
            warnings=list(result.warnings),
            unresolved_imports=list(result.unresolved_imports),
            verbatim_rule_breaks=dict(result.verbatim_rule_breaks),
            golden="tests/golden.json" in result.files,
            tests=tests,
        )


class VersionBody(BaseModel):
    """``GET /nbbridge/version``: the server extension's version, for the front end to compare."""

    version: str


class SuggestRequest(PipelineRequest):
    """``POST /nbbridge/suggest``: propose steps for a saved notebook or unsaved content."""


class SuggestedStepBody(BaseModel):
    """A step of a proposal, as the analysis of the notebook tagged that way sees it."""

    name: str
    cell_ids: list[str]
    inputs: list[str]
    outputs: list[str]
    heading: str | None = Field(description="The heading it is named from; null if kept")
    new: bool = Field(description="Apply writes its step: tag (false: the notebook has it)")


class SuggestedTag(BaseModel):
    """One tag Apply adds: ``step:NAME`` on the cell that starts a step, or ``export`` on
    definitions kept library code."""

    cell_id: str
    tag: str


class SuggestResponse(BaseModel):
    """A proposal of steps (the CLI's ``suggest --json`` prints the same shape)."""

    steps: list[SuggestedStepBody]
    tags: list[SuggestedTag] = Field(description="What Apply writes, in notebook order")
    problems: list[Problem] = Field(description="Merges and why, then the proposal's problems")
    level: int | None = Field(description="The heading level split at (null: no split)")
    pipeline: Pipeline = Field(description="The analysis of the notebook tagged as proposed")

    @classmethod
    def from_suggestion(cls, suggestion: Suggestion) -> SuggestResponse:
        return cls(
            steps=[
                SuggestedStepBody(
                    name=s.name,
                    cell_ids=list(s.cell_ids),
                    inputs=list(s.inputs),
                    outputs=list(s.outputs),
                    heading=s.heading,
                    new=s.new,
                )
                for s in suggestion.steps
            ],
            tags=[SuggestedTag(cell_id=c, tag=t) for c, t in suggestion.tags],
            problems=list(suggestion.problems),
            level=suggestion.level,
            pipeline=suggestion.pipeline,
        )
