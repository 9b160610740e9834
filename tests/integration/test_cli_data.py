"""``nbbridge data add|status`` in a real git repository with a real DVC.

The version nbbridge reports is DVC's own md5 of the file (read back from ``PATH.dvc``); DVC is
initialised when the repository has none; what DVC prints stays out of nbbridge's output; outside
git the command refuses with exit code 2 and says why.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.timeout(300)


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "data").mkdir(parents=True)
    git(root, "init", "-q")
    git(root, "config", "user.email", "t@example.com")
    git(root, "config", "user.name", "T")
    (root / "data" / "iris.csv").write_text("a,b\n1,2\n")
    return root


def test_add_versions_the_file_with_dvc(repo: Path, cli) -> None:
    done = cli("data", "add", "data/iris.csv", "--json", cwd=repo)
    assert done.returncode == 0, done.stderr
    row = json.loads(done.stdout)  # nothing DVC printed got in the way
    expected = hashlib.md5(b"a,b\n1,2\n").hexdigest()
    assert row == {
        "path": "data/iris.csv",
        "md5": expected,
        "tracked_md5": expected,
        "changed": False,
    }
    record = yaml.safe_load((repo / "data" / "iris.csv.dvc").read_text())
    assert record["outs"][0]["md5"] == expected
    assert (repo / ".dvc").is_dir()
    staged = git(repo, "diff", "--cached", "--name-only").split()
    assert "data/iris.csv.dvc" in staged and "data/.gitignore" in staged
    assert "iris.csv" in (repo / "data" / ".gitignore").read_text()


def test_status_shows_a_changed_file(repo: Path, cli) -> None:
    assert cli("data", "add", "data/iris.csv", cwd=repo).returncode == 0
    clean = json.loads(cli("data", "status", "--json", cwd=repo).stdout)
    assert [(r["path"], r["changed"]) for r in clean] == [("data/iris.csv", False)]
    (repo / "data" / "iris.csv").write_text("a,b\n1,3\n")
    changed = cli("data", "status", cwd=repo)
    assert changed.returncode == 0
    assert "modified   data/iris.csv" in changed.stdout
    again = cli("data", "add", "data/iris.csv", "--json", cwd=repo)
    assert json.loads(again.stdout)["md5"] == hashlib.md5(b"a,b\n1,3\n").hexdigest()


@pytest.mark.parametrize(
    "args, words",
    [
        (["add", "data/missing.csv"], "no such file"),
        (["add", "data"], "not a file"),
    ],
)
def test_bad_paths_exit_2(repo: Path, cli, args, words) -> None:
    done = cli("data", *args, cwd=repo)
    assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr


def test_outside_git_it_refuses_and_says_why(tmp_path: Path, cli) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "x.csv").write_text("1\n")
    done = cli("data", "add", "x.csv", cwd=tmp_path / "plain")
    assert done.returncode == 2
    assert "not inside a git repository" in done.stderr and "git init" in done.stderr
    assert not (tmp_path / "plain" / ".dvc").exists()
