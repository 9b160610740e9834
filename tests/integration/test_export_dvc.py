"""``nbbridge export --target dvc`` in a real DVC repository (git init, dvc init, dvc repro).

The demo notebook's stages all run once; a second ``dvc repro`` runs nothing; a parameter only
the train step reads re-runs train and what its output feeds; an edit to one cell of the notebook
(then re-export) or to one step function re-runs that step only. The DVC files are guarded like
the package's, and params.yaml values set by hand survive a re-export.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml

from nbbridge.core.export.target_dvc import merge_params
from nbbridge.core.model import Parameter

pytestmark = pytest.mark.timeout(900)

DEMO = Path(__file__).resolve().parents[2] / "notebooks" / "iris_pipeline.ipynb"
BIN = Path(sys.executable).parent
STEPS = ["load", "split", "train", "evaluate"]


def run(args: list[str | Path], cwd: Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    # The venv first on PATH: the stages' `python` is the one that has the package's imports.
    env = {**os.environ, "DVC_NO_ANALYTICS": "1", "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if ok:
        assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result


def ran(result: subprocess.CompletedProcess[str]) -> set[str]:
    """The stages a ``dvc repro`` ran (it prints ``Running stage 'NAME':``)."""
    return set(re.findall(r"Running stage '([^']+)'", result.stdout + result.stderr))


@pytest.fixture
def repo(tmp_path) -> Path:
    """A git + DVC repository holding a copy of the demo notebook."""
    root = tmp_path / "repo"
    root.mkdir()
    if shutil.which("git") is None:  # pragma: no cover - git is part of the test stack
        pytest.skip("git is not installed")
    run(["git", "init", "-q"], root)
    run(["git", "config", "user.name", "nbbridge tests"], root)
    run(["git", "config", "user.email", "tests@nbbridge.invalid"], root)
    run([BIN / "dvc", "init", "-q"], root)
    (root / "notebooks").mkdir()
    shutil.copy(DEMO, root / "notebooks" / "iris_pipeline.ipynb")
    return root


def export(repo: Path, *extra: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    notebook = Path("notebooks") / "iris_pipeline.ipynb"
    args = [BIN / "nbbridge", "export", notebook, "-o", "iris", "--target", "dvc", *extra]
    return run(args, repo, ok=ok)


def repro(folder: Path) -> subprocess.CompletedProcess[str]:
    return run([BIN / "dvc", "repro"], folder)


def edit_cell(notebook: Path, cell_id: str, old: str, new: str) -> None:
    nb = nbformat.read(notebook, as_version=4)
    [cell] = [c for c in nb.cells if c.get("id") == cell_id]
    assert old in cell.source
    cell.source = cell.source.replace(old, new)
    nbformat.write(nb, notebook)


def test_dvc_yaml_has_one_stage_per_step_with_its_params_deps_and_outs(repo):
    result = export(repo, "--json")
    files = json.loads(result.stdout)["files"]
    assert {"dvc.yaml", "params.yaml", "dvc_stage.py", ".nbbridge-dvc.json"} <= set(files)
    folder = repo / "iris"
    stages = yaml.safe_load((folder / "dvc.yaml").read_text())["stages"]
    assert list(stages) == ["step-code", *STEPS]
    assert stages["load"].get("params") is None
    assert stages["split"]["params"] == ["random_state", "test_size"]
    assert stages["train"]["params"] == ["max_depth", "n_estimators", "random_state"]
    assert stages["evaluate"].get("params") is None
    assert ".nbbridge/stages/train/model.pkl" in stages["evaluate"]["deps"]
    assert ".nbbridge/stages/split/X_test.pkl" in stages["evaluate"]["deps"]
    assert stages["train"]["outs"] == [".nbbridge/stages/train/model.pkl"]
    assert stages["evaluate"]["metrics"] == [
        {".nbbridge/stages/evaluate/metrics.json": {"cache": False}}
    ]
    for step in STEPS:
        assert f".nbbridge/code/{step}.sha256" in stages[step]["deps"]
    assert "src/iris_pipeline/steps.py" in stages["step-code"]["deps"]
    params = yaml.safe_load((folder / "params.yaml").read_text())
    assert params == {"test_size": 0.25, "n_estimators": 100, "max_depth": 3, "random_state": 42}
    # the stage runner is held to the package's own lint settings
    run([BIN / "ruff", "check", "--no-cache", "dvc_stage.py"], folder)
    run([BIN / "black", "--check", "-q", "dvc_stage.py"], folder)
    assert "PACKAGE = 'iris_pipeline'" in (folder / "dvc_stage.py").read_text().replace('"', "'")


def test_dvc_repro_re_runs_only_what_changed(repo):
    export(repo)
    folder = repo / "iris"
    first = repro(folder)
    assert ran(first) == {"step-code", *STEPS}
    assert "accuracy=0.921" in first.stdout  # what the notebook prints, from the evaluate stage
    metrics = json.loads(run([BIN / "dvc", "metrics", "show", "--json"], folder).stdout)
    assert "0.921" in json.dumps(metrics)

    assert ran(repro(folder)) == set(), "nothing changed: nothing may run"
    assert "up to date" in run([BIN / "dvc", "status"], folder).stdout

    # A parameter only `train` reads: train, and evaluate (its input changed), nothing else.
    params = folder / "params.yaml"
    params.write_text(params.read_text().replace("n_estimators: 100", "n_estimators: 7"))
    status = run([BIN / "dvc", "status"], folder).stdout
    assert "train:" in status and "n_estimators" in status
    assert "split:" not in status and "load:" not in status
    assert ran(repro(folder)) == {"train", "evaluate"}
    assert ran(repro(folder)) == set()

    # Re-exporting the same notebook changes nothing DVC looks at (and keeps the hand-set value).
    again = export(repo)
    assert "n_estimators = 7 was set by hand and is kept" in again.stdout
    assert "n_estimators: 7" in params.read_text()
    assert ran(repro(folder)) == set()

    # Edit one cell of the notebook, re-export: only that step's stage runs.
    notebook = repo / "notebooks" / "iris_pipeline.ipynb"
    edit_cell(notebook, "824ce5ef", 'average="macro"', 'average="weighted"')
    export(repo)
    assert ran(repro(folder)) == {"step-code", "evaluate"}

    # Edit one step function by hand without changing its output: that stage runs, and since
    # its output is the same, nothing downstream does.
    steps = folder / "src" / "iris_pipeline" / "steps.py"
    text = steps.read_text()
    marker = "    iris = load_iris(as_frame=True)\n"
    assert marker in text
    steps.write_text(text.replace(marker, marker + '    print("loading again")\n'))
    rerun = repro(folder)
    assert ran(rerun) == {"step-code", "load"}
    assert "loading again" in rerun.stdout

    # The hand edit is kept and reported until --force puts the exported code back.
    refused = export(repo, ok=False)
    assert refused.returncode == 2
    assert "src/iris_pipeline/steps.py" in refused.stderr and "--force" in refused.stderr
    assert "loading again" in steps.read_text()
    export(repo, "--force")
    assert "loading again" not in steps.read_text()
    # Back to code DVC has run before: its run cache restores load's outputs without running it.
    restored = repro(folder)
    assert ran(restored) == {"step-code"}
    assert "Stage 'load' is cached" in restored.stdout + restored.stderr


def test_dvc_files_edited_by_hand_are_kept_until_force(repo):
    export(repo)
    dvc_yaml = repo / "iris" / "dvc.yaml"
    original = dvc_yaml.read_text()
    dvc_yaml.write_text(original + "# my own note\n")
    refused = export(repo, ok=False)
    assert refused.returncode == 2
    assert "dvc.yaml" in refused.stderr and "--force" in refused.stderr
    assert dvc_yaml.read_text().endswith("# my own note\n")
    export(repo, "--force")
    assert dvc_yaml.read_text() == original


def test_broken_params_yaml_is_refused_then_rewritten_with_force(repo):
    export(repo)
    params = repo / "iris" / "params.yaml"
    params.write_text("test_size: [unclosed\n")
    refused = export(repo, ok=False)
    assert refused.returncode == 2 and "params.yaml is not valid YAML" in refused.stderr
    export(repo, "--force")
    assert yaml.safe_load(params.read_text())["test_size"] == 0.25


def _parameter(name: str, default: Any) -> Parameter:
    kind = type(default).__name__
    return Parameter(name=name, type=kind, default=default, cell_id="params")


def test_params_merge_keeps_hand_set_values_and_follows_the_notebook_otherwise():
    parameters = [_parameter("rate", 0.5), _parameter("depth", 4), _parameter("fresh", "x")]
    current = {"rate": 0.1, "depth": 3, "mine": True}  # rate set by hand; depth as last written
    last = {"rate": 0.5, "depth": 3}
    values, warnings = merge_params(parameters, current, last)
    assert values == {"rate": 0.1, "depth": 4, "fresh": "x", "mine": True}
    assert list(values) == ["rate", "depth", "fresh", "mine"]
    [warning] = warnings
    assert warning.cell_id == "params" and "rate = 0.1" in warning.message
    assert merge_params(parameters, None, {})[0] == {"rate": 0.5, "depth": 4, "fresh": "x"}
