"""``%%track`` in real kernels: the run it logs, the widget's model, FAILED, KILLED, a dead kernel.

Each kernel (the venv's python) runs in a temporary project with ``JPY_SESSION_NAME`` set as
JupyterLab sets it, and gets ``metadata.cellId`` with each execute request as JupyterLab sends
it. Runs are read back from the project's sqlite store with MlflowClient; the widget's model is
read from the comm messages the front end would get.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from mlflow.tracking import MlflowClient

from nbbridge.core.tracking import drain
from nbbridge.core.tracking.outbox import Outbox

pytestmark = [pytest.mark.kernel, pytest.mark.timeout(300)]

WIDGET = "application/vnd.jupyter.widget-view+json"


class Kernel:
    def __init__(self, folder: Path, env: dict[str, str] | None = None) -> None:
        self.folder = folder
        spec_dir = folder / "kernels" / "nbbridge-test"
        spec_dir.mkdir(parents=True, exist_ok=True)
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        spec = {"argv": argv, "display_name": "nbbridge test", "language": "python"}
        (spec_dir / "kernel.json").write_text(json.dumps(spec))
        ksm = KernelSpecManager(kernel_dirs=[str(folder / "kernels")], ensure_native_kernel=False)
        self.km = KernelManager(kernel_name="nbbridge-test", kernel_spec_manager=ksm)
        base = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
        nb = str(folder / "nb.ipynb")
        self.km.start_kernel(cwd=str(folder), env={**base, "JPY_SESSION_NAME": nb, **(env or {})})
        self.client = self.km.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    def send(self, code: str, cell_id: str | None = None) -> str:
        content = {"code": code, "silent": False, "store_history": True, "allow_stdin": False}
        content.update(user_expressions={}, stop_on_error=True)
        metadata = {"cellId": cell_id} if cell_id else {}
        msg = self.client.session.msg("execute_request", content, metadata=metadata)
        self.client.shell_channel.send(msg)
        return msg["header"]["msg_id"]

    def collect(self, msg_id: str, timeout: float = 120) -> list[dict[str, Any]]:
        outputs = []
        while True:
            msg = self.client.get_iopub_msg(timeout=timeout)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return outputs
            outputs.append(msg)

    def run(self, code: str, cell_id: str | None = None) -> list[dict[str, Any]]:
        return self.collect(self.send(code, cell_id))

    def ok(self, code: str, cell_id: str | None = None) -> list[dict[str, Any]]:
        outputs = self.run(code, cell_id)
        errors = [m["content"] for m in outputs if m["msg_type"] == "error"]
        assert not errors, (code, errors)
        return outputs

    def stop(self) -> None:
        self.client.stop_channels()
        if self.km.is_alive():
            self.km.shutdown_kernel(now=True)


def summary_of(outputs: list[dict[str, Any]]) -> dict[str, Any]:
    """The last ``summary`` the widget's model was sent (comm_open, then updates)."""
    found = None
    for msg in outputs:
        if msg["msg_type"] in ("comm_open", "comm_msg"):
            state = msg["content"]["data"].get("state", {})
            if "summary" in state:
                found = state["summary"]
    assert found is not None, [m["msg_type"] for m in outputs]
    return found


def text_of(outputs: list[dict[str, Any]]) -> str:
    return "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")


def write_project(folder: Path) -> None:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("lr = 0.1\nepochs = 3", id="params")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("accuracy = 0.5", id="train")]
    nbformat.write(nb, folder / "nb.ipynb")
    (folder / "data.csv").write_text("a,b\n1,2\n")


def runs(folder: Path, **filters: str) -> list[Any]:
    client = MlflowClient(tracking_uri=f"sqlite:///{folder / '.nbbridge' / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("nb.ipynb")
    found = client.search_runs([experiment.experiment_id], order_by=["attributes.start_time DESC"])
    return [r for r in found if all(r.data.tags.get(k) == v for k, v in filters.items())]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("track")
    write_project(folder)
    return folder


@pytest.fixture(scope="module")
def kernel(project: Path) -> Any:
    k = Kernel(project)
    try:
        k.ok("import sys\n%load_ext nbbridge")
        yield k
    finally:
        k.stop()


TRAIN = """\
import mlflow
accuracy = 0.8 + lr
loss = 0.5 - lr
label = "not a metric"
for epoch in range(3):
    mlflow.log_metric("epoch_loss", 1.0 / (epoch + 1), step=epoch)
print("trained", accuracy)
"""


def test_loading_imports_no_mlflow_the_first_track_does(kernel: Kernel) -> None:
    assert text_of(kernel.ok("print('mlflow' in sys.modules)")) == "False\n"
    outputs = kernel.ok("%%track --name warm\nx = 1", cell_id="warm")
    assert summary_of(outputs)["status"] == "FINISHED"
    assert text_of(kernel.ok("print('mlflow' in sys.modules)")) == "True\n"


def test_a_tracked_cell_logs_params_metrics_tags_and_code(kernel: Kernel, project: Path) -> None:
    kernel.ok("lr = 0.1\nepochs = 3")
    outputs = kernel.ok("%%track\n" + TRAIN, cell_id="train")
    assert "trained 0.9" in text_of(outputs)
    assert any(WIDGET in m["content"].get("data", {}) for m in outputs if "data" in m["content"])
    (run,) = runs(project, **{"nbbridge.cell_id": "train"})
    assert run.info.status == "FINISHED"
    assert run.data.params == {"lr": "0.1", "epochs": "3"}
    assert run.data.metrics["accuracy"] == pytest.approx(0.9)
    assert run.data.metrics["loss"] == pytest.approx(0.4)
    assert "label" not in run.data.metrics and "epoch" not in run.data.metrics
    tags = run.data.tags
    assert tags["mlflow.source.name"] == "nb.ipynb" and tags["mlflow.source.type"] == "NOTEBOOK"
    assert tags["nbbridge.source"] == "cell" and len(tags["nbbridge.cell.code_sha256"]) == 64
    client = MlflowClient(tracking_uri=f"sqlite:///{project / '.nbbridge' / 'mlflow.db'}")
    history = client.get_metric_history(run.info.run_id, "epoch_loss")
    assert sorted(p.step for p in history) == [0, 1, 2]
    artifacts = [a.path for a in client.list_artifacts(run.info.run_id, "steps")]
    assert artifacts == ["steps/cell.py"]
    assert list(Outbox(project / ".nbbridge").records()) == []


def test_the_widget_holds_the_change_against_previous_and_best(
    kernel: Kernel, project: Path
) -> None:
    kernel.ok("lr = 0.05")
    summary_of(kernel.ok("%%track\n" + TRAIN, cell_id="deltas"))  # accuracy 0.85, loss 0.45
    kernel.ok("lr = 0.15")
    best = summary_of(kernel.ok("%%track\n" + TRAIN, cell_id="deltas"))  # 0.95, 0.35
    kernel.ok("lr = 0.1")
    summary = summary_of(kernel.ok("%%track\n" + TRAIN, cell_id="deltas"))  # 0.9, 0.4
    accuracy, loss = summary["metrics"]["accuracy"], summary["metrics"]["loss"]
    assert accuracy["direction"] == "max" and loss["direction"] == "min"
    assert accuracy["delta_previous"] == pytest.approx(-0.05)
    assert accuracy["previous_run"] == best["run_id"] and accuracy["best_run"] == best["run_id"]
    assert accuracy["delta_best"] == pytest.approx(-0.05) and not accuracy["is_best"]
    assert loss["delta_previous"] == pytest.approx(0.05) and loss["best"] == pytest.approx(0.35)
    assert summary["params"] == {"lr": "0.1", "epochs": "3"}
    assert best["metrics"]["accuracy"]["is_best"]
    # The HTML the user sees says the same: the link and the changes.
    shown = summary_html(kernel)
    assert f'data-nbbridge-open-run="{summary["run_id"]}"' in shown
    assert 'data-nbbridge-delta-previous="-0.05' in shown


def summary_html(kernel: Kernel) -> str:
    code = (
        "import ipywidgets\n"
        "from nbbridge.widgets import TrackWidget\n"
        "print([w.value for w in ipywidgets.Widget.widgets.values()"
        " if isinstance(w, TrackWidget)][-1])"
    )
    return text_of(kernel.ok(code))


def test_named_metrics_and_params_and_minimize(kernel: Kernel, project: Path) -> None:
    kernel.ok("seed = 7")
    code = "%%track --name named --metrics score --params seed --minimize score\nscore = 3\nz = 4"
    summary = summary_of(kernel.ok(code, cell_id="named"))
    assert summary["name"] == "named" and summary["params"] == {"seed": "7"}
    assert list(summary["metrics"]) == ["score"]
    assert summary["metrics"]["score"]["direction"] == "min"
    (run,) = runs(project, **{"nbbridge.cell_id": "named"})
    assert run.info.run_name == "named" and run.data.metrics == {"score": 3.0}


def test_a_cell_that_raises_leaves_a_failed_run(kernel: Kernel, project: Path) -> None:
    outputs = kernel.run("%%track\nvalue = 1\nraise ValueError('bad data')", cell_id="fails")
    (error,) = [m["content"] for m in outputs if m["msg_type"] == "error"]
    assert error["ename"] == "ValueError" and error["evalue"] == "bad data"
    assert "raise ValueError('bad data')" in "\n".join(error["traceback"])
    assert summary_of(outputs)["status"] == "FAILED"
    (run,) = runs(project, **{"nbbridge.cell_id": "fails"})
    assert run.info.status == "FAILED"


def test_an_interrupt_leaves_a_killed_run(kernel: Kernel, project: Path) -> None:
    msg_id = kernel.send("%%track\nimport time\nfor i in range(600):\n    time.sleep(0.1)", "stops")
    seen = []
    while not any(m["msg_type"] == "comm_open" for m in seen):  # the widget is up: it runs
        msg = kernel.client.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") == msg_id:
            seen.append(msg)
    time.sleep(0.5)
    kernel.km.interrupt_kernel()
    outputs = seen + kernel.collect(msg_id)
    (error,) = [m["content"] for m in outputs if m["msg_type"] == "error"]
    assert error["ename"] == "KeyboardInterrupt"
    assert summary_of(outputs)["status"] == "KILLED"
    (run,) = runs(project, **{"nbbridge.cell_id": "stops"})
    assert run.info.status == "KILLED"


def test_tracking_that_fails_never_breaks_the_cell(tmp_path: Path) -> None:
    write_project(tmp_path)
    env = {"MLFLOW_TRACKING_URI": "http://127.0.0.1:9", "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0"}
    env["MLFLOW_HTTP_REQUEST_TIMEOUT"] = "5"
    k = Kernel(tmp_path, env)
    try:
        k.ok("%load_ext nbbridge")
        outputs = k.ok("%%track\nresult = 6 * 7\nprint(result)", cell_id="down")
        assert text_of(outputs) == "42\n"
        summary = summary_of(outputs)
        assert summary["status"] == "FINISHED"
        assert any("not logged" in m for m in summary["not_logged"]), summary
        (waiting,) = list(Outbox(tmp_path / ".nbbridge").records())
        assert waiting.status == "FINISHED" and waiting.metrics == {"result": 42.0}
    finally:
        k.stop()


def test_a_kernel_that_dies_leaves_a_run_the_next_drain_ends_killed(tmp_path: Path) -> None:
    write_project(tmp_path)
    k = Kernel(tmp_path)
    try:
        k.ok("%load_ext nbbridge")
        # SIGKILL, as the OOM killer would: nothing in the kernel runs after it.
        k.send(
            "%%track\nimport os, signal, time\ntime.sleep(1)\nos.kill(os.getpid(), signal.SIGKILL)",
            "dies",
        )
        while k.km.is_alive():  # is_alive reaps the dead kernel
            time.sleep(0.2)
    finally:
        k.stop()
    (run,) = runs(tmp_path, **{"nbbridge.cell_id": "dies"})
    assert run.info.status == "RUNNING"
    report = drain(tmp_path / ".nbbridge")
    assert len(report.killed) == 1
    (run,) = runs(tmp_path, **{"nbbridge.cell_id": "dies"})
    assert run.info.status == "KILLED"


def test_a_tracked_cell_in_a_git_project_has_its_commit(tmp_path: Path) -> None:
    import subprocess

    root = tmp_path / "repo"
    (root / "notebooks").mkdir(parents=True)
    write_project(root / "notebooks")
    for args in (["init", "-q", "-b", "main"], ["config", "user.email", "t@example.com"]):
        subprocess.run(["git", *args], cwd=root, check=True)
    subprocess.run(["git", "config", "user.name", "T"], cwd=root, check=True)
    subprocess.run(["git", "add", "."], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "c"], cwd=root, check=True)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()
    k = Kernel(root / "notebooks")
    try:
        k.ok("%load_ext nbbridge")
        k.ok("%%track\nrows = open('data.csv').read().count('\\n')\nscore = 1.5", cell_id="git")
    finally:
        k.stop()
    client = MlflowClient(tracking_uri=f"sqlite:///{root / '.nbbridge' / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("notebooks/nb.ipynb")
    (run,) = client.search_runs([experiment.experiment_id])
    tags = run.data.tags
    assert tags["mlflow.source.name"] == "notebooks/nb.ipynb"  # relative to the project root
    assert tags["mlflow.source.git.commit"] == head and tags["mlflow.source.git.branch"] == "main"
    assert run.data.metrics == {"score": 1.5, "rows": 2.0}
    # The data file the cell reads, by content, under its path in the project.
    assert len(tags["nbbridge.data.notebooks/data.csv"]) == 40
