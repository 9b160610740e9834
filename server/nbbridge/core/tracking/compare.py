"""Runs side by side for the compare view, and a metric's per-step history (over MLflow).

Params, metrics and data versions of two to twenty runs, one ``search_runs`` for all of them;
the code diff of each step between the first two runs, from their ``steps/<name>.py``
artifacts (so it works without git); their figures.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from .queries import _artifacts, _data_versions, _download, _figures, _quoted, summary
from .store import QueryError, TrackingStore, call
from .tags import STEPS_ARTIFACTS
from .views import (
    CompareResponse,
    CompareRow,
    MetricHistory,
    MetricPoint,
    RunSeries,
    StepDiff,
)

__all__ = ["compare_runs", "metric_history"]

MAX_CODE_BYTES = 1_000_000


def _rows(columns: list[dict[str, Any]]) -> list[CompareRow]:
    keys = sorted({key for column in columns for key in column})
    rows = []
    for key in keys:
        values = [column.get(key) for column in columns]
        rows.append(CompareRow(key=key, values=values, differs=len({repr(v) for v in values}) > 1))
    return rows


def _step_code(store: TrackingStore, run_id: str) -> dict[str, str]:
    code = {}
    for entry in call(store, store.client().list_artifacts, run_id, STEPS_ARTIFACTS):
        if entry.is_dir or not entry.path.endswith(".py"):
            continue
        if (entry.file_size or 0) > MAX_CODE_BYTES:
            continue
        name = Path(entry.path).stem
        code[name] = _download(store, run_id, entry.path).decode("utf-8", errors="replace")
    return code


def _diffs(store: TrackingStore, base: str, other: str) -> list[StepDiff]:
    before, after = _step_code(store, base), _step_code(store, other)
    diffs = []
    for step in sorted(set(before) | set(after)):
        if step not in after or step not in before:
            only = base if step in before else other
            diffs.append(StepDiff(step=step, changed=True, diff="", only_in=only))
            continue
        lines = difflib.unified_diff(
            before[step].splitlines(keepends=True),
            after[step].splitlines(keepends=True),
            fromfile=f"{base[:8]}/steps/{step}.py",
            tofile=f"{other[:8]}/steps/{step}.py",
        )
        text = "".join(lines)
        diffs.append(StepDiff(step=step, changed=bool(text), diff=text))
    return diffs


def _runs_by_id(store: TrackingStore, experiment: str, run_ids: list[str]) -> list[Any]:
    experiment_id = store.experiment_id(experiment)
    if experiment_id is None:
        raise QueryError("run_ids: this notebook has no runs", field="run_ids", status=404)
    listed = ", ".join(_quoted(run_id, "run_ids") for run_id in run_ids)
    found = call(
        store,
        store.client().search_runs,
        [experiment_id],
        filter_string=f"attributes.run_id IN ({listed})",
        max_results=len(run_ids),
    )
    by_id = {run.info.run_id: run for run in found}
    missing = [run_id for run_id in run_ids if run_id not in by_id]
    if missing:
        shown = ", ".join(repr(m[:40]) for m in missing[:3])
        raise QueryError(f"run_ids: no run {shown} in this notebook", field="run_ids", status=404)
    return [by_id[run_id] for run_id in run_ids]


def compare_runs(store: TrackingStore, experiment: str, run_ids: list[str]) -> CompareResponse:
    """Params, metrics and data versions side by side, the code diffs of the first two runs."""
    runs = _runs_by_id(store, experiment, run_ids)
    summaries = [summary(run) for run in runs]
    figures = {}
    for run in runs:
        run_id = run.info.run_id
        artifacts = [a for a in _artifacts(store, run_id, limit=50) if not a.is_dir]
        figures[run_id] = _figures(store, run_id, artifacts)[:4]
    return CompareResponse(
        runs=summaries,
        params=_rows([s.params for s in summaries]),
        metrics=_rows([s.metrics for s in summaries]),
        data_versions=_rows([_data_versions(dict(run.data.tags)) for run in runs]),
        code_base=run_ids[0],
        code_other=run_ids[1],
        code_diffs=_diffs(store, run_ids[0], run_ids[1]),
        figures=figures,
    )


def metric_history(
    store: TrackingStore, experiment: str, run_ids: list[str], key: str
) -> MetricHistory:
    """Every logged value of metric ``key`` (per step) in each run."""
    _quoted(key, "key")
    runs = _runs_by_id(store, experiment, run_ids)
    client = store.client()
    series = []
    for run in runs:
        points = call(store, client.get_metric_history, run.info.run_id, key)
        series.append(
            RunSeries(
                run_id=run.info.run_id,
                name=run.info.run_name or "",
                points=[
                    MetricPoint(step=p.step, value=p.value, timestamp=p.timestamp)
                    for p in sorted(points, key=lambda p: (p.step, p.timestamp))[:10_000]
                ],
            )
        )
    return MetricHistory(key=key, series=series)
