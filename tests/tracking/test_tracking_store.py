"""Tracking into a real MLflow sqlite store: records, the outbox, the drainer, run statuses.

Every run is read back through ``MlflowClient``: params, metrics, MLflow's own system tags
(with git lineage from a real repository), artifacts, and a terminal status: FINISHED, FAILED
or KILLED — a run whose process was SIGKILLed is ended KILLED by the next drain.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from nbbridge.core.tracking import Tracker, drain
from nbbridge.core.tracking.mlflow_backend import RUN_ID_TAG, default_uri
from nbbridge.core.tracking.outbox import Outbox

pytestmark = pytest.mark.timeout(300)


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    root = tmp_path / "project"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "t@example.com")
    git(root, "config", "user.name", "T")
    git(root, "remote", "add", "origin", "https://example.com/team/project.git")
    (root / "nb.ipynb").write_text("{}\n")
    git(root, "add", "nb.ipynb")
    git(root, "commit", "-q", "-m", "first")
    return root


def state_of(root: Path) -> Path:
    state = root / ".nbbridge"
    state.mkdir(exist_ok=True)
    return state


def runs_of(state: Path) -> list:
    client = MlflowClient(tracking_uri=default_uri(state))
    experiments = client.search_experiments()
    return client.search_runs([e.experiment_id for e in experiments]) if experiments else []


def start(tracker: Tracker, root: Path, **extra):
    return tracker.start(
        experiment="nb.ipynb", run_name="nb run", source=root / "nb.ipynb", **extra
    )


def test_an_ended_run_is_logged_with_its_lineage(project: Path) -> None:
    state = state_of(project)
    tracker = Tracker(state, drain_in_background=False)
    (project / "nb.ipynb").write_text('{"changed": true}\n')  # an uncommitted edit
    record = start(tracker, project, params={"n": 5, "name": "x"}, tags={"nbbridge.step": "a"})
    tracker.end(
        record,
        "FINISHED",
        metrics={"accuracy": 0.93},
        artifacts={"steps/train.py": "def train(): ...\n"},
    )
    report = drain(state)
    assert list(report.logged) == [record.run_id] and not report.failed
    (run,) = runs_of(state)
    client = MlflowClient(tracking_uri=default_uri(state))
    assert run.info.status == "FINISHED"
    assert run.data.params == {"n": "5", "name": "x"}
    assert run.data.metrics == {"accuracy": 0.93}
    tags = run.data.tags
    assert tags["mlflow.source.name"] == "nb.ipynb"
    assert tags["mlflow.source.type"] == "LOCAL"
    assert tags["mlflow.runName"] == "nb run"
    assert tags["mlflow.source.git.commit"] == git(project, "rev-parse", "HEAD")
    assert tags["mlflow.source.git.branch"] == "main"
    assert tags["mlflow.source.git.repoURL"] == "https://example.com/team/project.git"
    assert tags["mlflow.source.git.dirty"] == "true"
    assert len(tags["nbbridge.git.diff_sha256"]) == 64
    assert tags[RUN_ID_TAG] == record.run_id and tags["nbbridge.step"] == "a"
    text = Path(client.download_artifacts(run.info.run_id, "steps/train.py")).read_text()
    assert text == "def train(): ...\n"
    assert list(Outbox(state).records()) == []


def test_exceptions_end_runs_failed_and_ctrl_c_killed(project: Path) -> None:
    state = state_of(project)
    tracker = Tracker(state, drain_in_background=False)
    source = project / "nb.ipynb"
    with (
        pytest.raises(ZeroDivisionError),
        tracker.run(experiment="nb.ipynb", run_name="boom", source=source),
    ):
        1 / 0  # noqa: B018
    with (
        pytest.raises(KeyboardInterrupt),
        tracker.run(experiment="nb.ipynb", run_name="stop", source=source),
    ):
        raise KeyboardInterrupt
    drain(state)
    statuses = {r.data.tags["mlflow.runName"]: r.info.status for r in runs_of(state)}
    assert statuses == {"boom": "FAILED", "stop": "KILLED"}


def test_a_sigkilled_run_is_ended_killed_by_the_next_drain(project: Path) -> None:
    state = state_of(project)
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from nbbridge.core.tracking import Tracker
        tracker = Tracker(Path({str(state)!r}), drain_in_background=False)
        record = tracker.start(experiment="nb.ipynb", run_name="doomed",
                               source=Path({str(project / "nb.ipynb")!r}))
        print(record.run_id, flush=True)
        time.sleep(600)
        """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    run_id = child.stdout.readline().strip()
    assert drain(state).logged == {}  # its owner is alive: still running, not logged
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    report = drain(state)
    assert report.killed == [run_id]
    (run,) = runs_of(state)
    assert run.info.status == "KILLED"
    assert run.data.tags["nbbridge.ended_by"] == "its process was gone"


def test_a_store_that_is_down_loses_no_run(project: Path, monkeypatch) -> None:
    state = state_of(project)
    tracker = Tracker(state, drain_in_background=False)
    record = start(tracker, project)
    tracker.end(record, "FINISHED", metrics={"m": 1.0})
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:9/")  # nothing listens there
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "5")
    report = drain(state)
    assert record.run_id in report.failed and "127.0.0.1:9" in report.failed[record.run_id]
    assert [r.run_id for r in Outbox(state).records()] == [record.run_id]
    warning = Tracker(state).pending_warning()
    assert warning is not None and "1 run(s) not logged yet" in warning
    monkeypatch.delenv("MLFLOW_TRACKING_URI")
    assert list(drain(state).logged) == [record.run_id]
    assert Tracker(state).pending_warning() is None
    assert [r.info.status for r in runs_of(state)] == ["FINISHED"]


def test_values_past_mlflow_limits_are_batched_and_kept_whole(project: Path) -> None:
    state = state_of(project)
    tracker = Tracker(state, drain_in_background=False)
    params = {f"p{i:03d}": i for i in range(250)}
    params["long"] = "x" * 10_000
    record = start(tracker, project, params=params)
    tracker.end(record, "FINISHED", metrics={f"m{i}": float(i) for i in range(1_200)})
    drain(state)
    (run,) = runs_of(state)
    assert len(run.data.params) == 251 and len(run.data.metrics) == 1_200
    assert run.data.params["long"].startswith("xxx") and "artifact params/long.txt" in (
        run.data.params["long"]
    )
    client = MlflowClient(tracking_uri=default_uri(state))
    whole = Path(client.download_artifacts(run.info.run_id, "params/long.txt")).read_text()
    assert whole == "x" * 10_000


def test_a_drainer_that_died_half_way_completes_the_same_run(project: Path) -> None:
    state = state_of(project)
    tracker = Tracker(state, drain_in_background=False)
    record = start(tracker, project)
    ended = tracker.end(record, "FINISHED", metrics={"m": 2.0})
    drain(state)
    Outbox(state).put(ended)  # as if the drainer had died before removing the record
    drain(state)
    assert len(runs_of(state)) == 1


def test_the_background_drainer_logs_the_run(project: Path) -> None:
    state = state_of(project)
    tracker = Tracker(state)
    record = start(tracker, project)
    tracker.end(record, "FINISHED")
    outbox = Outbox(state)
    while list(outbox.records()) or list(outbox.folder.glob("*.claimed")):
        pass  # the detached drainer is logging it (pytest's timeout bounds the wait)
    (run,) = runs_of(state)
    assert run.data.tags[RUN_ID_TAG] == record.run_id


def test_parallel_first_uses_of_a_fresh_store_both_log(project: Path) -> None:
    state = state_of(project)
    script = textwrap.dedent(f"""
        from pathlib import Path
        from nbbridge.core.tracking import Tracker, drain
        from nbbridge.core.tracking.mlflow_backend import MlflowBackend
        state = Path({str(state)!r})
        tracker = Tracker(state, drain_in_background=False)
        record = tracker.start(experiment="nb.ipynb", run_name="parallel",
                               source=Path({str(project / "nb.ipynb")!r}))
        ended = tracker.end(record, "FINISHED")
        print(MlflowBackend(state).log(ended))
        """)
    children = [
        subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [child.communicate()[0].strip() for child in children]
    assert [child.returncode for child in children] == [0, 0]
    assert len(set(outputs)) == 2
    assert len(runs_of(state)) == 2
