"""Tracking into a real ``mlflow server`` (sqlite behind it) on 127.0.0.1, via MLFLOW_TRACKING_URI.

The server is started by the test and stopped at its end; its artifacts are proxied, so the
step code logged as an artifact comes back through the server.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from nbbridge.core.tracking import Tracker, drain

pytestmark = pytest.mark.timeout(300)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def mlflow_server(tmp_path: Path):
    mlflow = shutil.which("mlflow", path=str(Path(sys.executable).parent))
    assert mlflow, "the mlflow command is not installed next to this python"
    port = free_port()
    env = {**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    server = subprocess.Popen(
        [
            mlflow,
            "server",
            "--backend-store-uri",
            f"sqlite:///{tmp_path / 'server.db'}",
            "--artifacts-destination",
            str(tmp_path / "server-artifacts"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    uri = f"http://127.0.0.1:{port}"
    try:
        while True:  # pytest's timeout bounds the wait (10-23 s here)
            assert server.poll() is None, "mlflow server exited"
            try:
                with urllib.request.urlopen(f"{uri}/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        yield uri
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


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
