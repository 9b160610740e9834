"""``nbbridge run`` is tracked: every run one MLflow run, read back through ``MlflowClient``.

The demo notebook run twice with different ``-p`` values in a real git repository gives two
FINISHED runs with their params, the metrics cell's values, the git commit, each step's code
hash and code artifact; a failing step gives a FAILED run, Ctrl-C a KILLED one, ``--no-track``
none; a store that is down never fails the run, and the next run says what is waiting.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from nbbridge.core.tracking import drain
from nbbridge.core.tracking.outbox import Outbox

pytestmark = pytest.mark.timeout(600)

DEMO = Path(__file__).resolve().parents[2] / "notebooks" / "iris_pipeline.ipynb"
NBBRIDGE = shutil.which("nbbridge", path=str(Path(sys.executable).parent))


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(DEMO, root / "notebooks" / "iris.ipynb")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "t@example.com")
    git(root, "config", "user.name", "T")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "demo")
    return root


def nbbridge(root: Path, *args: str, env: dict[str, str] | None = None):
    environment = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    return subprocess.run(
        [NBBRIDGE, *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**environment, **(env or {})},
    )


def runs(root: Path, experiment: str = "notebooks/iris.ipynb") -> list:
    state = root / ".nbbridge"
    outbox = Outbox(state)
    # The run's own detached drainer may hold the lock: drain until nothing waits.
    while list(outbox.records()) or list(outbox.folder.glob("*.claimed")):
        report = drain(state)
        assert not report.failed, report.failed
        time.sleep(0.1)
    client = MlflowClient(tracking_uri=f"sqlite:///{state / 'mlflow.db'}")
    found = client.get_experiment_by_name(experiment)
    return client.search_runs([found.experiment_id]) if found else []


def test_two_runs_with_different_params_are_two_tracked_runs(project: Path) -> None:
    for n in ("10", "30"):
        done = nbbridge(project, "run", "notebooks/iris.ipynb", "-p", "n_estimators", n)
        assert done.returncode == 0, done.stderr
    tracked = sorted(runs(project), key=lambda r: r.data.params["n_estimators"])
    assert [r.info.status for r in tracked] == ["FINISHED", "FINISHED"]
    assert [r.data.params["n_estimators"] for r in tracked] == ["10", "30"]
    commit = git(project, "rev-parse", "HEAD")
    client = MlflowClient(tracking_uri=f"sqlite:///{project / '.nbbridge' / 'mlflow.db'}")
    for run in tracked:
        tags = run.data.tags
        assert 0 <= run.data.metrics["accuracy"] <= 1
        assert run.data.metrics["step.train.seconds"] >= 0
        assert tags["mlflow.source.git.commit"] == commit
        assert tags["mlflow.source.name"] == "notebooks/iris.ipynb"
        assert tags["mlflow.source.type"] == "LOCAL"
        assert len(tags["nbbridge.step.train.code_sha256"]) == 40
        assert tags["nbbridge.step.train.cells"]
        code = client.download_artifacts(run.info.run_id, "steps/train.py")
        assert "def train(" in Path(code).read_text()
    # the second run read load and split from the cache: its tags say so
    second = tracked[1].data.tags
    assert second["nbbridge.step.load.cache_hit"] == "true"
    assert second["nbbridge.step.train.cache_hit"] == "false"
    assert (
        tracked[0].data.tags["nbbridge.step.train.code_sha256"]
        == second["nbbridge.step.train.code_sha256"]
    )


def test_json_names_the_run_and_the_store(project: Path) -> None:
    import json

    done = nbbridge(project, "run", "notebooks/iris.ipynb", "--json")
    result = json.loads(done.stdout)
    assert result["tracking_uri"] == f"sqlite:///{project.resolve() / '.nbbridge' / 'mlflow.db'}"
    (run,) = runs(project)
    assert run.data.tags["nbbridge.run_id"] == result["run_id"]


def failing(root: Path) -> str:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook()
    nb.cells = [
        new_code_cell("values = [1, 0]", id="load", metadata={"tags": ["step:load"]}),
        new_code_cell("ratio = values[0] / values[1]", id="div", metadata={"tags": ["step:div"]}),
    ]
    nbformat.write(nb, root / "fails.ipynb")
    return "fails.ipynb"


def test_a_failing_step_is_a_failed_run_and_no_track_records_nothing(project: Path) -> None:
    name = failing(project)
    assert nbbridge(project, "run", name, "--no-track").returncode == 1
    assert list(Outbox(project / ".nbbridge").records()) == []
    assert nbbridge(project, "run", name).returncode == 1
    (run,) = runs(project, name)
    assert run.info.status == "FAILED"
    assert "ZeroDivisionError" in run.data.tags["nbbridge.error"]


def test_ctrl_c_is_a_killed_run(project: Path) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook()
    nb.cells = [
        new_code_cell(
            "import time\nprint('started', flush=True)\nwhile True:\n    time.sleep(0.1)",
            id="wait",
            metadata={"tags": ["step:wait"]},
        )
    ]
    nbformat.write(nb, project / "waits.ipynb")
    child = subprocess.Popen(
        [NBBRIDGE, "run", "waits.ipynb"], cwd=project, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().strip() == "started"
    child.send_signal(signal.SIGINT)
    assert child.wait() == 130
    (run,) = runs(project, "waits.ipynb")
    assert run.info.status == "KILLED"


def test_a_store_that_is_down_never_fails_the_run(project: Path) -> None:
    down = {"MLFLOW_TRACKING_URI": "http://127.0.0.1:9/", "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0"}
    first = nbbridge(project, "run", "notebooks/iris.ipynb", env=down)
    assert first.returncode == 0, first.stderr
    state = project / ".nbbridge"
    while (
        list(Outbox(state).folder.glob("*.claimed"))
        or not (Outbox(state).folder / "last-error").exists()
    ):
        pass  # the drainer tries the store and gives up (pytest's timeout bounds this)
    second = nbbridge(project, "run", "notebooks/iris.ipynb", env=down)
    assert second.returncode == 0
    assert "not logged yet" in second.stderr
    assert len(runs(project)) == 2  # the embedded store takes both once it is used
