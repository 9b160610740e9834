"""A pipeline run as a tracked run: what ``nbbridge run`` hands the tracker (DESIGN.md §5).

The run's record is started before the first step (so a killed process leaves a RUNNING record
the next drain ends KILLED) and ended with the result: params, the metrics cell's values and
each step's duration, MLflow's system tags, and nbbridge's per step — code hash, cell ids, cache
hit, data versions (DVC's md5 of each file it read; tag names in ``tracking.tags``) — and artifacts: each step's code (runs can
be diffed without git) and the run's result JSON. Everything goes through the outbox; nothing
here imports MLflow.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..tracking import Tracker
from ..tracking.data_versions import file_md5
from ..tracking.record import RunRecord
from ..tracking.tags import SOURCE, data_tag, step_tag
from .keys import code_digest, data_inputs
from .plan import RunPlan
from .project import project_root, state_dir
from .result import RunResult

__all__ = ["finish", "start"]


def _experiment(source: Path, root: Path) -> str:
    try:
        return source.resolve().relative_to(root).as_posix()
    except ValueError:
        return source.name


def start(source: Path, plan: RunPlan, params: dict[str, Any]) -> tuple[Tracker, RunRecord]:
    """Open the project's tracker and record the run as started (RUNNING, owned by us)."""
    root = project_root(source)
    tracker = Tracker(state_dir(root))
    record = tracker.start(
        experiment=_experiment(source, root),
        run_name=f"{source.stem} run",
        source=source.resolve(),
        source_type="LOCAL",
        params=params,
        tags={SOURCE: "cli"},
    )
    return tracker, record


def _data_versions(plan: RunPlan, params: dict[str, Any], root: Path) -> dict[str, str]:
    """``nbbridge.data.<path>`` (relative to the project root) → the file's md5, DVC's hash."""
    tags: dict[str, str] = {}
    for step in plan.steps:
        for path in data_inputs(step.code, plan.folder, params):
            try:
                rel = os.path.relpath(Path(path).resolve(), root)
                tags[data_tag(Path(rel).as_posix())] = file_md5(path)
            except OSError:
                continue
    return tags


def finish(
    tracker: Tracker, record: RunRecord, plan: RunPlan, result: RunResult, params: dict[str, Any]
) -> RunRecord:
    """End ``record`` with ``result``; the result takes the run's id and the store's URI."""
    metrics = dict(result.metrics)
    tags = _data_versions(plan, params, project_root(Path(plan.label)))
    for step in result.steps:
        metrics[f"step.{step.name}.seconds"] = round(step.seconds, 4)
        tags[step_tag(step.name, "status")] = step.status
        tags[step_tag(step.name, "cache_hit")] = "true" if step.status == "cached" else "false"
        tags[step_tag(step.name, "duration_s")] = f"{step.seconds:.4f}"
        tags[step_tag(step.name, "cells")] = ",".join(step.cell_ids)
        if step.cache_key:
            tags[step_tag(step.name, "cache_key")] = step.cache_key
    artifacts = {}
    for step in plan.steps:
        tags[step_tag(step.name, "code_sha256")] = code_digest(step.code)
        artifacts[f"steps/{step.name}.py"] = step.code
    if result.error is not None:
        tags["nbbridge.error"] = f"{result.error.step}: {result.error.error}"[:5000]
    result.run_id = record.run_id
    result.tracking_uri = tracker.uri
    artifacts["run.json"] = result.model_dump_json(indent=2)
    return tracker.end(record, result.status, metrics=metrics, tags=tags, artifacts=artifacts)
