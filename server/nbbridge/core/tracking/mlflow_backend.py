"""The MLflow backend: logs ended run records into an MLflow tracking store.

The embedded default is MLflow's sqlite store ``.nbbridge/mlflow.db`` with artifacts in
``.nbbridge/mlartifacts``; ``MLFLOW_TRACKING_URI`` points it at any other store or a tracking
server instead. The sqlite database is created and migrated once, under a file lock: MLflow
migrates a fresh database on first use, and parallel first uses race (SETUP-NOTES.md).

MLflow is imported only here, and only when a record is logged: this runs in the drainer,
never on the path of a pipeline run. Records are logged in batches within MLflow's limits (100
params and 100 tags a batch, 1,000 entities); values too long for a param or tag go to an
artifact instead of being cut. Logging is idempotent: a run already created for a record (a
drainer that died half-way) is found by its ``nbbridge.run_id`` tag and completed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..._version import __version__
from .backends import TrackingError
from .record import RunRecord

__all__ = ["MlflowBackend", "RUN_ID_TAG", "default_uri"]

RUN_ID_TAG = "nbbridge.run_id"
_MAX_PARAMS, _MAX_TAGS, _MAX_METRICS = 100, 100, 1000
_MAX_PARAM_VALUE, _MAX_TAG_VALUE = 6000, 8000


def default_uri(state: Path) -> str:
    """``MLFLOW_TRACKING_URI`` when set, else the project's embedded sqlite store."""
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{state / 'mlflow.db'}"


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class MlflowBackend:
    def __init__(self, state: Path) -> None:
        self.state = state
        self.uri = default_uri(state)
        self._client: Any = None

    def _ensure_store(self) -> Any:
        if self._client is not None:
            return self._client
        from filelock import FileLock
        from mlflow.tracking import MlflowClient

        if self.uri.startswith("sqlite:///"):
            with FileLock(str(self.state / "mlflow.db.lock"), timeout=300):
                client = MlflowClient(tracking_uri=self.uri)
                client.search_experiments(max_results=1)  # creates and migrates, once
        else:
            client = MlflowClient(tracking_uri=self.uri)
        self._client = client
        return client

    def _experiment_id(self, client: Any, name: str) -> str:
        from mlflow.exceptions import MlflowException

        found = client.get_experiment_by_name(name)
        if found is not None:
            return found.experiment_id
        location = None
        if self.uri.startswith("sqlite:///"):
            location = (self.state / "mlartifacts").resolve().as_uri()
        try:
            return client.create_experiment(name, artifact_location=location)
        except MlflowException:  # created meanwhile by another drainer
            found = client.get_experiment_by_name(name)
            if found is None:
                raise
            return found.experiment_id

    def _existing(self, client: Any, experiment_id: str, run_id: str) -> str | None:
        runs = client.search_runs(
            [experiment_id], filter_string=f"tags.`{RUN_ID_TAG}` = '{run_id}'", max_results=1
        )
        return runs[0].info.run_id if runs else None

    def log(self, record: RunRecord) -> str:
        try:
            return self._log(record)
        except TrackingError:
            raise
        except Exception as exc:  # MLflow, SQLAlchemy, requests: all mean "not logged"
            raise TrackingError(f"MLflow at {self.uri}: {type(exc).__name__}: {exc}") from exc

    def _log(self, record: RunRecord) -> str:
        from mlflow.entities import Metric, Param, RunTag

        client = self._ensure_store()
        experiment_id = self._experiment_id(client, record.experiment)
        tags = {
            "mlflow.source.name": record.experiment,
            "mlflow.source.type": record.source_type,
            "mlflow.runName": record.run_name,
            "mlflow.user": record.tags.get("mlflow.user", ""),
            "nbbridge.version": __version__,
            **record.tags,
            RUN_ID_TAG: record.run_id,
        }
        artifacts = {a.path: a.text for a in record.artifacts}
        for key, value in list(tags.items()):
            if len(value) > _MAX_TAG_VALUE:
                artifacts[f"tags/{key}.txt"] = value
                tags[key] = value[:200] + f"… (whole value in artifact tags/{key}.txt)"
        params = dict(record.params)
        for key, value in list(params.items()):
            if len(value) > _MAX_PARAM_VALUE:
                artifacts[f"params/{key}.txt"] = value
                params[key] = value[:200] + f"… (whole value in artifact params/{key}.txt)"
        run_id = self._existing(client, experiment_id, record.run_id)
        if run_id is None:
            first = {RUN_ID_TAG: record.run_id, "mlflow.runName": record.run_name}
            run = client.create_run(
                experiment_id, start_time=record.start_ms, tags=first, run_name=record.run_name
            )
            run_id = run.info.run_id
        when = record.end_ms or record.start_ms
        metric_rows = [Metric(k, float(v), when, 0) for k, v in sorted(record.metrics.items())]
        for chunk in _chunks([Param(k, v) for k, v in sorted(params.items())], _MAX_PARAMS):
            client.log_batch(run_id, params=chunk)
        for chunk in _chunks([RunTag(k, v) for k, v in sorted(tags.items())], _MAX_TAGS):
            client.log_batch(run_id, tags=chunk)
        for chunk in _chunks(metric_rows, _MAX_METRICS):
            client.log_batch(run_id, metrics=chunk)
        for path, text in sorted(artifacts.items()):
            client.log_text(run_id, text, path)
        client.set_terminated(run_id, status=record.status, end_time=record.end_ms)
        return run_id
