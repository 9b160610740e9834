"""Reading a notebook's runs back from MLflow for the Experiments panel: pages, one run, compare.

Every read is one or a few MLflow calls: a page is one ``search_runs`` with MLflow's own page
token (wrapped in nbbridge's, which also remembers how far into MLflow's page a text search
got), never all runs at once. A text search over params is matched here, scanning MLflow's pages
in batches (MLflow's filter language has no "any param"), bounded per request: a page may come
back short with a token to go on, but no run is skipped. MLflow is imported on first use.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import re
from pathlib import Path
from typing import Any

from .store import QueryError, StoreUnavailable, TrackingStore, call, display_uri
from .tags import CELL_ID, DATA_PREFIX, STEP_PREFIX, source_of
from .views import (
    ArtifactInfo,
    Figure,
    RunDetail,
    RunPage,
    RunSummary,
    StepInfo,
)

__all__ = [
    "QueryError",
    "RunQuery",
    "StoreUnavailable",
    "list_runs",
    "run_detail",
]

_SORT = re.compile(r"(start_time|end_time|status|run_name)|(metrics|params)\.([\w\-./ :]{1,250})")
_SAFE_VALUE = re.compile(r"[\w\-.:/ ]{1,250}")
_IMAGES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif"}
_IMAGES[".svg"] = "image/svg+xml"
SCAN_BATCH = 200  # runs per MLflow page while a text search scans
SCAN_LIMIT = 10  # MLflow pages one text-search request scans at most
MAX_FIGURES, MAX_FIGURE_BYTES = 8, 2_000_000


class RunQuery:
    """What a list request asks for (validated by the REST model, checked again here)."""

    def __init__(
        self,
        *,
        page_token: str | None = None,
        max_results: int = 50,
        sort: str = "start_time",
        order: str = "desc",
        status: str | None = None,
        cell: str | None = None,
        step: str | None = None,
        text: str | None = None,
    ) -> None:
        self.page_token, self.max_results = page_token, max_results
        self.sort, self.order, self.status = sort, order, status
        self.cell, self.step, self.text = cell, step, text


# --- page tokens: MLflow's token of the page being read, and how far into it we got --------


def _encode_token(mlflow_token: str | bytes | None, skip: int) -> str:
    if isinstance(mlflow_token, bytes):  # the sqlite store gives bytes, a server a string
        mlflow_token = mlflow_token.decode("ascii")
    raw = json.dumps({"m": mlflow_token, "s": skip}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(token: str) -> tuple[str | None, int]:
    bad = QueryError("page_token: not a page token this server gave", field="page_token")
    if len(token) > 4096:
        raise bad
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError):
        raise bad from None
    if not isinstance(data, dict) or set(data) != {"m", "s"}:
        raise bad
    inner, skip = data["m"], data["s"]
    if not (inner is None or isinstance(inner, str)) or type(skip) is not int:
        raise bad
    if not 0 <= skip < SCAN_BATCH:
        raise bad
    return inner, skip


def _text_token(token: str | bytes | None) -> str | None:
    return token.decode("ascii") if isinstance(token, bytes) else token


# --- MLflow's query language ------------------------------------------------------------------


def _quoted(value: str, field: str) -> str:
    if not _SAFE_VALUE.fullmatch(value):
        raise QueryError(
            f"{field}: only letters, digits and - _ . : / are allowed (at most 250)", field=field
        )
    return f"'{value}'"


def _filter(query: RunQuery) -> str:
    parts = []
    if query.status:
        parts.append(f"attributes.status = {_quoted(query.status, 'status')}")
    if query.cell:
        parts.append(f"tags.`{CELL_ID}` = {_quoted(query.cell, 'cell')}")
    if query.step:
        _quoted(query.step, "step")
        parts.append(f"tags.`{STEP_PREFIX}{query.step}.code_sha256` LIKE '%'")
    return " and ".join(parts)


def _order_by(query: RunQuery) -> list[str]:
    match = _SORT.fullmatch(query.sort)
    if match is None:
        raise QueryError(
            f"sort: unknown sort key {query.sort[:80]!r}; use start_time, end_time, status, "
            "run_name, metrics.NAME or params.NAME",
            field="sort",
        )
    direction = "ASC" if query.order == "asc" else "DESC"
    key = match.group(1) or f"{match.group(2)}.`{match.group(3)}`"
    first = f"attributes.{key}" if match.group(1) else key
    if match.group(1) == "start_time":
        return [f"{first} {direction}"]
    return [f"{first} {direction}", "attributes.start_time DESC"]


# --- summaries ----------------------------------------------------------------------------------


def summary(run: Any) -> RunSummary:
    info, data = run.info, run.data
    tags = dict(data.tags)
    steps = sorted(
        key[len(STEP_PREFIX) : -len(".code_sha256")]
        for key in tags
        if key.startswith(STEP_PREFIX) and key.endswith(".code_sha256")
    )
    end = info.end_time if info.status != "RUNNING" else None
    return RunSummary(
        run_id=info.run_id,
        name=info.run_name or tags.get("mlflow.runName", ""),
        status=info.status,
        source=source_of(tags),
        start_ms=info.start_time or 0,
        end_ms=end,
        duration_ms=(end - info.start_time) if end and info.start_time else None,
        cell_id=tags.get(CELL_ID),
        steps=steps,
        metrics=dict(data.metrics),
        params=dict(data.params),
    )


def _ui_url(store: TrackingStore, *parts: str) -> str | None:
    if not store.uri.startswith(("http://", "https://")):
        return None
    return display_uri(store.uri).rstrip("/") + "/#/" + "/".join(parts)


# --- the queries ------------------------------------------------------------------------------


def _matches(run: Any, needle: str) -> bool:
    return (
        any(needle in f"{key}={value}".lower() for key, value in run.data.params.items())
        or needle in (run.info.run_name or "").lower()
    )


def list_runs(store: TrackingStore, experiment: str, query: RunQuery) -> RunPage:
    """A page of the runs of ``experiment`` (the notebook's path in its project)."""
    inner, skip = _decode_token(query.page_token) if query.page_token else (None, 0)
    filter_string, order_by = _filter(query), _order_by(query)
    experiment_id = store.experiment_id(experiment)
    page = RunPage(
        experiment=experiment,
        runs=[],
        next_page_token=None,
        metric_keys=[],
        tracking_uri=display_uri(store.uri, store.root),
        mlflow_url=None,
    )
    if experiment_id is None:
        return page
    page.mlflow_url = _ui_url(store, "experiments", experiment_id)
    client = store.client()
    needle = (query.text or "").strip().lower()
    found: list[Any] = []
    next_token: str | None = None
    for scan in range(1, SCAN_LIMIT + 1):
        batch = call(
            store,
            client.search_runs,
            [experiment_id],
            filter_string=filter_string,
            max_results=SCAN_BATCH if needle else query.max_results,
            order_by=order_by,
            page_token=inner,
        )
        rows = list(batch)
        if not needle:
            found = rows[skip:]
            next_token = _encode_token(batch.token, 0) if batch.token else None
            break
        stopped = None
        for index in range(skip, len(rows)):
            if _matches(rows[index], needle):
                found.append(rows[index])
                if len(found) == query.max_results:
                    stopped = index + 1
                    break
        if stopped is not None and stopped < len(rows):
            next_token = _encode_token(inner, stopped)
            break
        inner, skip = _text_token(batch.token), 0
        if not inner:
            break
        if len(found) == query.max_results or scan == SCAN_LIMIT:
            next_token = _encode_token(inner, 0)
            break
    page.runs = [summary(run) for run in found]
    page.next_page_token = next_token
    page.metric_keys = sorted({key for run in page.runs for key in run.metrics})
    return page


def _get_run(store: TrackingStore, experiment_id: str | None, run_id: str, field: str) -> Any:
    missing = QueryError(
        f"{field}: no run {run_id[:40]!r} in this notebook", field=field, status=404
    )
    if experiment_id is None:
        raise missing
    try:
        run = call(store, store.client().get_run, run_id)
    except QueryError:
        raise missing from None
    if run.info.experiment_id != experiment_id:
        raise missing
    return run


def _artifacts(store: TrackingStore, run_id: str, limit: int = 200) -> list[ArtifactInfo]:
    client = store.client()
    found: list[ArtifactInfo] = []
    folders: list[str | None] = [None]
    while folders and len(found) < limit:
        folder = folders.pop(0)
        for entry in call(store, client.list_artifacts, run_id, folder):
            found.append(ArtifactInfo(path=entry.path, is_dir=entry.is_dir, size=entry.file_size))
            if entry.is_dir and entry.path.count("/") < 3:
                folders.append(entry.path)
    return found[:limit]


def _download(store: TrackingStore, run_id: str, path: str) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="nbbridge-artifact-") as folder:
        local = call(store, store.client().download_artifacts, run_id, path, folder)
        return Path(local).read_bytes()


def _figures(store: TrackingStore, run_id: str, artifacts: list[ArtifactInfo]) -> list[Figure]:
    figures = []
    for entry in artifacts:
        mime = _IMAGES.get(Path(entry.path).suffix.lower())
        if entry.is_dir or mime is None or (entry.size or 0) > MAX_FIGURE_BYTES:
            continue
        data = _download(store, run_id, entry.path)
        figures.append(Figure(path=entry.path, mime=mime, data=base64.b64encode(data).decode()))
        if len(figures) == MAX_FIGURES:
            break
    return figures


def _steps(tags: dict[str, str]) -> list[StepInfo]:
    steps: dict[str, StepInfo] = {}
    for key, value in tags.items():
        if not key.startswith(STEP_PREFIX):
            continue
        name, _, what = key[len(STEP_PREFIX) :].rpartition(".")
        step = steps.setdefault(name, StepInfo(name=name))
        if what == "cache_hit":
            step.cache_hit = value == "true"
        elif what == "duration_s":
            with contextlib.suppress(ValueError):
                step.duration_s = float(value)
        elif what == "code_sha256":
            step.code_sha256 = value
        elif what == "cells":
            step.cells = [c for c in value.split(",") if c]
    return [steps[name] for name in sorted(steps)]


def _data_versions(tags: dict[str, str]) -> dict[str, str]:
    return {k[len(DATA_PREFIX) :]: v for k, v in sorted(tags.items()) if k.startswith(DATA_PREFIX)}


def run_detail(store: TrackingStore, experiment: str, run_id: str) -> RunDetail:
    experiment_id = store.experiment_id(experiment)
    run = _get_run(store, experiment_id, run_id, "run_id")
    tags = dict(run.data.tags)
    artifacts = _artifacts(store, run_id)
    return RunDetail(
        run=summary(run),
        tags=tags,
        steps=_steps(tags),
        data_versions=_data_versions(tags),
        artifacts=artifacts,
        figures=_figures(store, run_id, artifacts),
        mlflow_url=_ui_url(store, "experiments", experiment_id or "", "runs", run_id),
    )
