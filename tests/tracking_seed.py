"""Runs written straight into a project's tracking store, for tests and benchmarks of reading.

Real MLflow runs with the tags ``nbbridge run`` and ``%%track`` write, made with MlflowClient
(three calls a run: create, one log_batch, end): many runs in seconds. Tests of writing runs go
through the Tracker and the drainer or a real kernel instead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from nbbridge.core.tracking.mlflow_backend import RUN_ID_TAG, MlflowBackend

__all__ = ["Seeded", "seed_runs"]

BASE_MS = 1_780_000_000_000


class Seeded:
    def __init__(self, client: Any, experiment_id: str, run_ids: list[str]) -> None:
        self.client, self.experiment_id, self.run_ids = client, experiment_id, run_ids


def default_run(index: int) -> dict[str, Any]:
    return {
        "params": {"n_estimators": str(10 + index), "test_size": "0.3"},
        "metrics": {"accuracy": 0.5 + (index % 50) / 100, "loss": 1.0 / (index + 1)},
        "status": "FAILED" if index % 10 == 9 else "FINISHED",
        "tags": {},
        "steps": {},
    }


def seed_runs(
    state: Path,
    experiment: str,
    count: int,
    make: Callable[[int], dict[str, Any]] = default_run,
    *,
    first: int = 0,
) -> Seeded:
    """``count`` ended runs of ``experiment``; run ``i`` starts at BASE_MS + i seconds."""
    from mlflow.entities import Metric, Param, RunTag

    state.mkdir(parents=True, exist_ok=True)
    backend = MlflowBackend(state)
    client = backend._ensure_store()
    experiment_id = backend._experiment_id(client, experiment)
    run_ids = []
    for index in range(first, first + count):
        spec = {**default_run(index), **make(index)}
        start = BASE_MS + index * 1000
        tags = {
            "mlflow.source.name": experiment,
            "mlflow.source.type": "LOCAL",
            "nbbridge.source": "cli",
            RUN_ID_TAG: f"seed{index}",
            **spec["tags"],
        }
        run = client.create_run(experiment_id, start_time=start, run_name=f"run {index}")
        run_id = run.info.run_id
        client.log_batch(
            run_id,
            metrics=[Metric(k, float(v), start + 500, 0) for k, v in spec["metrics"].items()],
            params=[Param(k, v) for k, v in spec["params"].items()],
            tags=[RunTag(k, v) for k, v in tags.items()],
        )
        for step, code in spec["steps"].items():
            client.log_text(run_id, code, f"steps/{step}.py")
        client.set_terminated(run_id, status=spec["status"], end_time=start + 900)
        run_ids.append(run_id)
    return Seeded(client, experiment_id, run_ids)
