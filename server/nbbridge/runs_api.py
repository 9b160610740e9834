"""Request bodies of ``/nbbridge/runs``: a notebook's runs, one run, compare, metric history.

The answers are the models of :mod:`nbbridge.core.tracking.views`. Every body names the notebook
(``path``, relative to the server root): its project's store holds the runs, its path in the
project is the experiment.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

__all__ = ["CompareRequest", "HistoryRequest", "RunRequest", "RunsRequest"]

# MLflow's run ids are 32 hex digits; other stores' ids are short words as well.
RunId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Path_ = Annotated[str, Field(description="Notebook path relative to the server root")]


def _unique(ids: list[str]) -> list[str]:
    if len(set(ids)) != len(ids):
        raise ValueError("a run is given twice")
    return ids


class RunsRequest(BaseModel):
    """``POST /nbbridge/runs``: a page of a notebook's runs."""

    model_config = ConfigDict(extra="forbid")

    path: Path_
    page_token: str | None = Field(default=None, max_length=4096)
    max_results: int = Field(default=50, ge=1, le=500)
    sort: str = Field(
        default="start_time",
        max_length=300,
        description="start_time, end_time, status, run_name, metrics.NAME or params.NAME",
    )
    order: Literal["asc", "desc"] = "desc"
    status: Literal["RUNNING", "FINISHED", "FAILED", "KILLED"] | None = None
    cell: str | None = Field(default=None, max_length=250, description="A %%track cell's id")
    step: str | None = Field(default=None, max_length=250, description="A step (or cell) name")
    search: str | None = Field(default=None, max_length=200, description="Text in NAME=VALUE")


class RunRequest(BaseModel):
    """``POST /nbbridge/runs/get``: one run of the notebook."""

    model_config = ConfigDict(extra="forbid")

    path: Path_
    run_id: RunId


class CompareRequest(BaseModel):
    """``POST /nbbridge/runs/compare``: two or more runs side by side (the first is the base)."""

    model_config = ConfigDict(extra="forbid")

    path: Path_
    run_ids: list[RunId] = Field(min_length=2, max_length=20)

    _check = field_validator("run_ids")(_unique)


class HistoryRequest(BaseModel):
    """``POST /nbbridge/runs/history``: every value of one metric (per step) in some runs."""

    model_config = ConfigDict(extra="forbid")

    path: Path_
    run_ids: list[RunId] = Field(min_length=1, max_length=20)
    key: str = Field(min_length=1, max_length=250, description="The metric's name")

    _check = field_validator("run_ids")(_unique)
