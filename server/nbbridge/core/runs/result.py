"""The result of a run: what ``nbbridge run --json`` prints and a tracking backend logs.

One pydantic model (DESIGN.md §7: bodies are pydantic models), so the REST API and the front
end can take it as it is, and a tracking backend (MLflow, later) receives one object with the
params, each step's status, cache key and printed text, the metrics and the warnings.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["RunFailure", "RunResult", "RunStatus", "StepResult", "StepStatus"]

RunStatus = Literal["FINISHED", "FAILED", "KILLED"]  # MLflow's terminal run statuses
StepStatus = Literal["ran", "cached", "failed", "not-run"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StepResult(_Model):
    name: str
    status: StepStatus
    seconds: float = Field(description="Time the step took (for a cached step: to load it)")
    cache_key: str | None = Field(description="The step's cache key; null when not computed")
    stdout: str = Field(description="What the step printed (a cached step: what it printed then)")
    cell_ids: list[str] = Field(default_factory=list)


class RunFailure(_Model):
    """Where a run failed: the step, and the cell and line in the notebook that raised."""

    step: str
    cell_id: str | None
    line: int | None = Field(description="1-based line in the cell's source")
    code: str | None = Field(default=None, description="That line's text")
    error: str = Field(description="The exception: type and message")
    traceback: str = ""


class RunResult(_Model):
    run_id: str
    status: RunStatus
    tracking_uri: str | None = None
    notebook: str
    params: dict[str, Any]
    steps: list[StepResult]
    metrics: dict[str, float]
    warnings: list[str]
    error: RunFailure | None = None
