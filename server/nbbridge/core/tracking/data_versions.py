"""Data versions with DVC: ``nbbridge data add PATH`` and ``nbbridge data status``.

A data file is versioned in a real DVC repository (``dvc init`` when the git repository has
none; outside git a clear error: DVC keeps its ``.dvc`` files in git). A file's version is the
md5 of its content, DVC's own hash for a file (DVC 3), so the version nbbridge records for a run
and the one DVC writes into ``PATH.dvc`` are the same string. DVC is imported only by ``add``
and ``status``; what DVC prints is kept out of nbbridge's own output (``--json`` stays JSON).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

__all__ = ["DataError", "DataVersion", "add", "file_md5", "status", "version"]

_CHUNK = 1 << 20


class DataError(ValueError):
    """A data path nbbridge cannot version; the message names it and says what to do."""


@dataclass(frozen=True)
class DataVersion:
    path: str  # relative to the repository root, POSIX
    md5: str | None  # of the content now (None: the file is gone)
    tracked_md5: str | None  # what PATH.dvc records (None: not tracked by DVC)

    @property
    def tracked(self) -> bool:
        return self.tracked_md5 is not None

    @property
    def changed(self) -> bool:
        return self.tracked and self.md5 != self.tracked_md5


def file_md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _git_root(path: Path) -> Path:
    folder = path if path.is_dir() else path.parent
    done = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise DataError(
            f"{path.name}: not inside a git repository; DVC keeps its .dvc files in git: run "
            "`git init` in the project first"
        )
    return Path(done.stdout.strip()).resolve()


def _tracked_md5(file: Path) -> str | None:
    record = file.with_name(file.name + ".dvc")
    if not record.is_file():
        return None
    try:
        outs = (yaml.safe_load(record.read_text(encoding="utf-8")) or {}).get("outs") or []
    except (yaml.YAMLError, OSError, AttributeError):
        return None
    for out in outs:
        if isinstance(out, dict) and out.get("path") == file.name:
            md5 = out.get("md5")
            return md5 if isinstance(md5, str) else None
    return None


def _existing_file(path: Path) -> Path:
    if not path.exists():
        raise DataError(f"{path}: no such file")
    if not path.is_file():
        raise DataError(f"{path}: not a file (nbbridge versions data files one by one)")
    return path.resolve()


def version(path: Path) -> DataVersion:
    """The version of the data file ``path`` now, and what DVC records for it (if anything)."""
    file = _existing_file(path)
    root = _git_root(file)
    return DataVersion(file.relative_to(root).as_posix(), file_md5(file), _tracked_md5(file))


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    # DVC talks to the terminal through its logger ("To track the changes with git, run: ...",
    # on a stream it took at import); nbbridge says what matters itself, and --json stays JSON.
    dvc_logger = logging.getLogger("dvc")
    level = dvc_logger.level
    dvc_logger.setLevel(logging.WARNING)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        dvc_logger.setLevel(level)


def add(path: Path) -> DataVersion:
    """Version the data file ``path`` with DVC (initialising DVC in its git repository when it
    has none) and stage the ``.dvc`` file and ``.gitignore`` in git, as DVC's autostage does."""
    file = _existing_file(path)
    root = _git_root(file)
    os.environ.setdefault("DVC_NO_ANALYTICS", "1")
    from dvc.exceptions import DvcException
    from dvc.repo import Repo

    try:
        with _quiet():
            repo = Repo(str(root)) if (root / ".dvc").is_dir() else Repo.init(str(root))
            with repo:
                repo.add(str(file))
    except DvcException as exc:
        raise DataError(f"{file.relative_to(root).as_posix()}: DVC refused it ({exc})") from None
    staged = [file.with_name(file.name + ".dvc"), file.with_name(".gitignore")]
    subprocess.run(
        ["git", "add", "--", *(str(p) for p in staged if p.exists())],
        cwd=root,
        capture_output=True,
        check=False,
    )
    return version(file)


def status(path: Path) -> list[DataVersion]:
    """Every file DVC tracks in the git repository of ``path``: recorded and current versions."""
    root = _git_root(path.resolve())
    # git's own listing (committed or not, never ignored): no walk through .venv or data dirs.
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.dvc"],
        cwd=root,
        capture_output=True,
        text=True,
    ).stdout
    found = []
    for rel in sorted(set(filter(None, listed.split("\0")))):
        record = root / rel
        if ".dvc" in Path(rel).parts[:-1] or not record.is_file():
            continue
        file = record.with_name(record.name[: -len(".dvc")])
        md5 = file_md5(file) if file.is_file() else None
        tracked = _tracked_md5(file)
        if tracked is not None:
            found.append(DataVersion(file.relative_to(root).as_posix(), md5, tracked))
    return found
