"""A pipeline run as a tracked run: what ``nbbridge run`` hands the tracker (DESIGN.md §5).

The run's record is started before the first step (so a killed process leaves a RUNNING record
the next drain ends KILLED) and ended with the result: params, the metrics cell's values and
each step's duration, MLflow's system tags, and nbbridge's per step — code hash, cell ids, cache
hit, data versions (DVC's md5 of each file it read) — and artifacts: each step's code (runs can
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
        tags={"nbbridge.source": "cli"},
    )
    return tracker, record


def _data_versions(plan: RunPlan, params: dict[str, Any]) -> dict[str, str]:
    tags: dict[str, str] = {}
    for step in plan.steps:
        versions = []
        for path in data_inputs(step.code, plan.folder, params):
            try:
                rel = os.path.relpath(path, plan.folder)
                versions.append(f"{rel}@{file_md5(path)}")
            except OSError:
                continue
        if versions:
            tags[f"nbbridge.step.{step.name}.data"] = ",".join(sorted(versions))
    return tags


def finish(
    tracker: Tracker, record: RunRecord, plan: RunPlan, result: RunResult, params: dict[str, Any]
) -> RunRecord:
    """End ``record`` with ``result``; the result takes the run's id and the store's URI."""
    metrics = dict(result.metrics)
    tags = _data_versions(plan, params)
    for step in result.steps:
        metrics[f"step.{step.name}.seconds"] = round(step.seconds, 4)
        prefix = f"nbbridge.step.{step.name}"
        tags[f"{prefix}.status"] = step.status
        tags[f"{prefix}.cache"] = "hit" if step.status == "cached" else "miss"
        tags[f"{prefix}.cells"] = ",".join(step.cell_ids)
        if step.cache_key:
            tags[f"{prefix}.key"] = step.cache_key
    artifacts = {}
    for step in plan.steps:
        tags[f"nbbridge.step.{step.name}.code_sha"] = code_digest(step.code)
        artifacts[f"steps/{step.name}.py"] = step.code
    if result.error is not None:
        tags["nbbridge.error"] = f"{result.error.step}: {result.error.error}"[:5000]
    result.run_id = record.run_id
    result.tracking_uri = tracker.uri
    artifacts["run.json"] = result.model_dump_json(indent=2)
    return tracker.end(record, result.status, metrics=metrics, tags=tags, artifacts=artifacts)
