"""Where a run's code came from: git commit, branch, remote, dirtiness, a hash of the diff.

MLflow reads none of this inside a kernel (it looks at ``sys.argv[0]``, ``ipykernel_launcher``),
so nbbridge records it itself, with MLflow's own tag names so the MLflow UI shows them. Two or
three ``git`` calls (a few milliseconds each); outside a git repository there are no git tags.
"""

from __future__ import annotations

import getpass
import hashlib
import subprocess
from pathlib import Path

__all__ = ["GIT_BRANCH", "GIT_COMMIT", "GIT_DIRTY", "GIT_REPO_URL", "git_tags", "user"]

GIT_COMMIT = "mlflow.source.git.commit"
GIT_BRANCH = "mlflow.source.git.branch"
GIT_REPO_URL = "mlflow.source.git.repoURL"
GIT_DIRTY = "mlflow.source.git.dirty"
DIFF_HASH = "nbbridge.git.diff_sha256"  # of the uncommitted change to the source file


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=folder, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def git_tags(source: Path) -> dict[str, str]:
    """MLflow's git tags for the file ``source`` (empty outside a git repository)."""
    folder = source.parent if not source.is_dir() else source
    status = _git(folder, "status", "--porcelain=v2", "--branch", "--untracked-files=no")
    if status is None:
        return {}
    tags: dict[str, str] = {}
    dirty = False
    for line in status.splitlines():
        if line.startswith("# branch.oid ") and line.split()[-1] != "(initial)":
            tags[GIT_COMMIT] = line.split()[-1]
        elif line.startswith("# branch.head ") and line.split()[-1] != "(detached)":
            tags[GIT_BRANCH] = line.split()[-1]
        elif not line.startswith("#"):
            dirty = True
    tags[GIT_DIRTY] = "true" if dirty else "false"
    remote = _git(folder, "config", "--get", "remote.origin.url")
    if remote and remote.strip():
        tags[GIT_REPO_URL] = remote.strip()
    if dirty and source.is_file() and GIT_COMMIT in tags:
        diff = _git(folder, "diff", "HEAD", "--", source.name)
        if diff:
            tags[DIFF_HASH] = hashlib.sha256(diff.encode("utf-8")).hexdigest()
    return tags


def user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name for this uid (a container)
        return "unknown"
