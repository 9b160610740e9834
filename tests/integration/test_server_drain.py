"""The server, at start, ends the runs a dead process left RUNNING (KILLED) and logs them.

A kernel killed with its ``%%track`` cell running, or a SIGKILLed ``nbbridge run``, leaves a
RUNNING record in the project's outbox; MLflow would keep such a run RUNNING for ever.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from nbbridge.core.tracking.mlflow_backend import default_uri
from nbbridge.core.tracking.outbox import Outbox
from nbbridge.core.tracking.record import RunRecord

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def orphan(jp_root_dir: Path, monkeypatch: pytest.MonkeyPatch) -> RunRecord:
    """A RUNNING record whose process has exited, planted before the server starts."""
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    record = RunRecord(experiment="nb.ipynb", run_name="orphan", pid=gone.pid)
    Outbox(jp_root_dir / ".nbbridge").put(record)
    return record


async def test_a_run_left_running_by_a_dead_process_ends_killed(orphan, jp_serverapp, jp_root_dir):
    state = jp_root_dir / ".nbbridge"
    outbox = Outbox(state)
    while list(outbox.records()) or list(outbox.folder.glob("*.claimed")):
        pass  # the drainer the server started is logging it (pytest's timeout bounds this)
    client = MlflowClient(tracking_uri=default_uri(state))
    experiment = client.get_experiment_by_name("nb.ipynb")
    (run,) = client.search_runs([experiment.experiment_id])
    assert run.info.status == "KILLED"
    assert run.data.tags["nbbridge.run_id"] == orphan.run_id
