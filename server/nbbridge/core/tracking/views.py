"""What the Experiments panel reads about runs: pydantic models built from MLflow's entities.

Declared once here (the REST answers are these models; their JSON Schema makes the TypeScript
types), filled by :mod:`.queries`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

__all__ = [
    "ArtifactInfo",
    "CompareResponse",
    "CompareRow",
    "Figure",
    "MetricHistory",
    "MetricPoint",
    "RunDetail",
    "RunPage",
    "RunSeries",
    "RunSummary",
    "StepDiff",
    "StepInfo",
]

Status = Literal["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"]


class RunSummary(BaseModel):
    """One row of the runs list."""

    run_id: str
    name: str
    status: Status
    source: str = Field(description="cli, cell, job, magic or other")
    start_ms: int
    end_ms: int | None = None
    duration_ms: int | None = Field(default=None, description="null while it runs")
    cell_id: str | None = Field(default=None, description="The %%track cell, if one made it")
    steps: list[str] = Field(default_factory=list, description="Step names of a pipeline run")
    metrics: dict[str, float] = Field(default_factory=dict, description="Latest value of each")
    params: dict[str, str] = Field(default_factory=dict)


class RunPage(BaseModel):
    """A page of a notebook's runs, newest first unless sorted otherwise."""

    experiment: str = Field(description="The notebook's path in its project (the experiment)")
    runs: list[RunSummary]
    next_page_token: str | None = Field(description="Give it back for the next page; null: end")
    metric_keys: list[str] = Field(description="Metric names of this page's runs, sorted")
    tracking_uri: str = Field(description="The store, with any password taken out")
    mlflow_url: str | None = Field(description="The MLflow UI's experiment page, when http(s)")


class StepInfo(BaseModel):
    name: str
    cache_hit: bool | None = None
    duration_s: float | None = None
    code_sha256: str | None = None
    cells: list[str] = Field(default_factory=list)


class ArtifactInfo(BaseModel):
    path: str
    is_dir: bool
    size: int | None = None


class Figure(BaseModel):
    """An image artifact, inline (data URL), for the detail and compare views."""

    path: str
    mime: str
    data: str = Field(description="base64 of the file")


class RunDetail(BaseModel):
    run: RunSummary
    tags: dict[str, str]
    steps: list[StepInfo]
    data_versions: dict[str, str] = Field(description="Data file (relative path) → digest")
    artifacts: list[ArtifactInfo]
    figures: list[Figure]
    mlflow_url: str | None = Field(description="The run's page in the MLflow UI, when http(s)")


class CompareRow(BaseModel):
    """One param, metric or data file across the compared runs (null: the run has none)."""

    key: str
    values: list[str | float | None]
    differs: bool


class StepDiff(BaseModel):
    """A step's code in two runs, from their ``steps/<name>.py`` artifacts."""

    step: str
    changed: bool
    diff: str = Field(description="Unified diff, empty when the code is the same")
    only_in: str | None = Field(default=None, description="The one run that has the step")


class CompareResponse(BaseModel):
    runs: list[RunSummary]
    params: list[CompareRow]
    metrics: list[CompareRow]
    data_versions: list[CompareRow]
    code_base: str = Field(description="The run the code diffs start from (the first given)")
    code_other: str = Field(description="The run they go to (the second given)")
    code_diffs: list[StepDiff]
    figures: dict[str, list[Figure]] = Field(description="Run id → its figures")


class MetricPoint(BaseModel):
    step: int
    value: float
    timestamp: int


class RunSeries(BaseModel):
    run_id: str
    name: str
    points: list[MetricPoint]


class MetricHistory(BaseModel):
    key: str
    series: list[RunSeries]
