"""Write an exported package safely: nothing half-written, hand edits never lost.

Everything is generated, formatted and linted in a temporary folder beside the target first; only
then are the files moved into place (``os.replace``, atomic per file). A manifest of the files'
hashes records what the export wrote, so the next export can tell a file an engineer edited by
hand (its hash changed) from one it may replace. Files the export never wrote are left alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import ExportError, HandEditedFiles

__all__ = ["MANIFEST", "hand_edited", "staging_dir", "write_files", "commit_staged"]

MANIFEST = ".nbbridge-export.json"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(target: Path) -> dict[str, str]:
    path = target / MANIFEST
    if not path.exists():
        return {}
    try:
        files = json.loads(path.read_text())["files"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ExportError(f"{path} is damaged ({exc}); remove it to export again") from exc
    return dict(files)


def hand_edited(target: Path) -> list[str]:
    """Files the last export wrote whose content has changed since (deleted ones don't count)."""
    if not target.exists():
        return []
    manifest = _read_manifest(target)
    if not manifest and any(target.iterdir()):
        raise ExportError(
            f"{target} is not empty and holds no earlier export ({MANIFEST} is missing); "
            "choose an empty or new folder"
        )
    return sorted(
        rel
        for rel, digest in manifest.items()
        if (target / rel).is_file() and _digest((target / rel).read_bytes()) != digest
    )


def write_files(root: Path, files: dict[str, str]) -> None:
    """Write ``files`` (relative path → text) and their manifest under ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")


def _manifest_of(root: Path, rels: list[str]) -> str:
    digests = {rel: _digest((root / rel).read_bytes()) for rel in sorted(rels)}
    return json.dumps({"files": digests}, indent=2, sort_keys=True) + "\n"


@contextmanager
def staging_dir(target: Path) -> Iterator[Path]:
    """A temporary folder on the target's file system (so the final moves are renames)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.export-", dir=target.parent))
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def commit_staged(staging: Path, target: Path, rels: list[str], *, force: bool) -> list[str]:
    """Move the staged ``rels`` into ``target``; return the files written (manifest last).

    Refuses (raising HandEditedFiles, nothing moved) when the last export's files were edited by
    hand, unless ``force``. Files the previous export wrote but this one no longer does are removed
    only when untouched.
    """
    edited = hand_edited(target)
    if edited and not force:
        raise HandEditedFiles(edited)
    previous = _read_manifest(target) if target.exists() else {}
    (staging / MANIFEST).write_text(_manifest_of(staging, rels), encoding="utf-8")
    target.mkdir(parents=True, exist_ok=True)
    for rel in sorted(rels) + [MANIFEST]:
        destination = target / rel
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / rel, destination)
    for stale in sorted(set(previous) - set(rels)):
        path = target / stale
        if path.is_file() and (force or stale not in edited):
            path.unlink()
    return sorted(rels) + [MANIFEST]
