"""With nbbridge installed, a plain ``mlflow.start_run()`` in a notebook kernel gets lineage.

MLflow alone records no git commit inside a kernel (it looks at ``sys.argv[0]``). nbbridge's
``mlflow.run_context_provider`` entry point adds the notebook path (from ``JPY_SESSION_NAME``,
which Jupyter server sets for each kernel), source type NOTEBOOK and the git tags. Checked in a
fresh interpreter, the way a kernel would run it; and tracking itself imports no MLflow.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(300)


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_a_plain_mlflow_run_in_a_notebook_gets_path_and_git(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    (root / "notebooks").mkdir(parents=True)
    git(root, "init", "-q", "-b", "trunk")
    git(root, "config", "user.email", "t@example.com")
    git(root, "config", "user.name", "T")
    notebook = root / "notebooks" / "train.ipynb"
    notebook.write_text("{}\n")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "c")
    script = textwrap.dedent(f"""
        import json, mlflow
        mlflow.set_tracking_uri("sqlite:///{tmp_path / 'mlflow.db'}")
        with mlflow.start_run() as run:
            pass
        print(json.dumps(mlflow.get_run(run.info.run_id).data.tags))
        """)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "JPY_SESSION_NAME": str(notebook)}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=notebook.parent,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    tags = json.loads(done.stdout.strip().splitlines()[-1])
    assert tags["mlflow.source.name"] == str(notebook)
    assert tags["mlflow.source.type"] == "NOTEBOOK"
    assert tags["mlflow.source.git.commit"] == git(root, "rev-parse", "HEAD")
    assert tags["mlflow.source.git.branch"] == "trunk"
    assert tags["mlflow.source.git.dirty"] == "false"


def test_tracking_and_the_cli_import_no_mlflow() -> None:
    script = (
        "import sys, nbbridge.core.tracking, nbbridge.cli, nbbridge.magics;"
        "print([m for m in sys.modules if m == 'mlflow' or m.startswith('mlflow.')])"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
