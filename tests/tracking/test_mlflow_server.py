"""Tracking into a real ``mlflow server`` (sqlite behind it) on 127.0.0.1, via MLFLOW_TRACKING_URI.

The server comes from the ``mlflow_server`` fixture (tests/conftest.py); its artifacts are
proxied, so the step code logged as an artifact comes back through the server.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from nbbridge.core.tracking import Tracker, drain

pytestmark = pytest.mark.timeout(300)


def test_runs_reach_a_real_tracking_server(tmp_path: Path, mlflow_server: str, monkeypatch) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_server)
    state = tmp_path / "project" / ".nbbridge"
    state.mkdir(parents=True)
    (state.parent / "nb.ipynb").write_text("{}\n")
    tracker = Tracker(state, drain_in_background=False)
    assert tracker.uri == mlflow_server
    record = tracker.start(
        experiment="nb.ipynb", run_name="served", source=state.parent / "nb.ipynb", params={"k": 3}
    )
    tracker.end(record, "FINISHED", metrics={"score": 0.5}, artifacts={"steps/a.py": "a = 1\n"})
    report = drain(state)
    assert not report.failed, report.failed
    client = MlflowClient(tracking_uri=mlflow_server)
    run = client.get_run(report.logged[record.run_id])
    assert run.info.status == "FINISHED"
    assert run.data.params == {"k": "3"} and run.data.metrics == {"score": 0.5}
    assert not (state / "mlflow.db").exists()  # the embedded store was not used
    local = client.download_artifacts(run.info.run_id, "steps/a.py", str(tmp_path))
    assert Path(local).read_text() == "a = 1\n"
