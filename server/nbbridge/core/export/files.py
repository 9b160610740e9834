"""Write an exported package safely: nothing half-written, hand edits never lost, nothing outside.

Everything is generated, formatted and linted in a staging folder inside the target first; only
then are the files moved into place (``os.replace``, atomic per file). A manifest of the files'
hashes records what the export wrote, so the next export can tell a file an engineer edited by
hand (its hash changed) from one it may replace. Files the export never wrote are left alone.

The target's content is data, never trusted: every path read, written or deleted below the
target goes through :func:`nbbridge.core.paths.confine` (relative, no ``..``, no symbolic
links), so a planted manifest or a symlink in a cloned repository cannot make an export touch a
file outside its folder. Messages name paths relative to the target, never absolute ones.
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

from ..paths import PathError, confine
from .errors import ExportError, HandEditedFiles

__all__ = [
    "MANIFEST",
    "STAGING_PREFIX",
    "commit_staged",
    "hand_edited",
    "inside",
    "read_inside",
    "staging_dir",
    "write_files",
]

MANIFEST = ".nbbridge-export.json"
STAGING_PREFIX = ".nbbridge-staging-"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def inside(target: Path, rel: object, what: str = "file") -> Path:
    """``target / rel`` confined to ``target``; an ExportError (no absolute path in it) if not."""
    try:
        return confine(target, rel, what=what)
    except PathError as exc:
        raise ExportError(exc.message, field="output_dir") from None


def read_inside(target: Path, rel: str, what: str = "file") -> bytes | None:
    """The bytes of the regular file ``rel`` inside ``target``; None when there is none."""
    path = inside(target, rel, what)
    if not path.exists():
        return None
    if not path.is_file():
        raise ExportError(f"{what}: {rel!r} is not a regular file")
    return path.read_bytes()


def _read_manifest(target: Path) -> dict[str, str]:
    data = read_inside(target, MANIFEST, "manifest")
    if data is None:
        return {}
    try:
        files = json.loads(data)["files"]
        if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
            raise TypeError("'files' is not a mapping of paths to hashes")
    except (ValueError, KeyError, TypeError) as exc:
        raise ExportError(f"{MANIFEST} is damaged ({exc}); remove it to export again") from None
    for rel in files:
        # An entry no export writes (absolute, '..', through a symlink) means the manifest was
        # not written by nbbridge: refuse before anything is read, compared or deleted.
        try:
            confine(target, rel, what=f"{MANIFEST} entry")
        except PathError as exc:
            raise ExportError(
                f"{exc.message}; this manifest was not written by nbbridge: remove it to export "
                "again",
                field="output_dir",
            ) from None
    return dict(files)


def _own_entries(target: Path) -> list[Path]:
    return [p for p in target.iterdir() if not p.name.startswith(STAGING_PREFIX)]


def hand_edited(target: Path) -> list[str]:
    """Files the last export wrote whose content has changed since (deleted ones don't count)."""
    if not target.exists():
        return []
    manifest = _read_manifest(target)
    if not manifest and _own_entries(target):
        raise ExportError(
            f"the output folder is not empty and holds no earlier export ({MANIFEST} is "
            "missing); choose an empty or new folder",
            field="output_dir",
        )
    edited = []
    for rel, digest in manifest.items():
        path = target / rel  # confined by _read_manifest
        if path.is_file() and _digest(path.read_bytes()) != digest:
            edited.append(rel)
    return sorted(edited)


def write_files(root: Path, files: dict[str, str]) -> None:
    """Write ``files`` (relative path → text) under ``root``."""
    for rel, text in files.items():
        path = inside(root, rel, "generated file")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")


def _manifest_of(root: Path, rels: list[str]) -> str:
    digests = {rel: _digest((root / rel).read_bytes()) for rel in sorted(rels)}
    return json.dumps({"files": digests}, indent=2, sort_keys=True) + "\n"


def _missing_parents(target: Path) -> list[Path]:
    missing = []
    for folder in [target, *target.parents]:
        if folder.exists():
            break
        missing.append(folder)
    return missing


@contextmanager
def staging_dir(target: Path) -> Iterator[Path]:
    """A temporary folder inside the target (so the final moves are renames on one file system,
    and the staging stays inside whatever folder the target was confined to: beside it would
    be outside the server root when the target is the root itself).

    Folders created for the target are removed again when the export fails.
    """
    created = _missing_parents(target)
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target))
    committed = False
    try:
        yield staging
        committed = True
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if not committed:
            for folder in created:  # innermost first
                try:
                    folder.rmdir()
                except OSError:
                    break


def commit_staged(staging: Path, target: Path, rels: list[str], *, force: bool) -> list[str]:
    """Move the staged ``rels`` into ``target``; return the files written (manifest last).

    Refuses (raising HandEditedFiles, nothing moved) when the last export's files were edited by
    hand, unless ``force``; refuses (ExportError, nothing moved) when a destination is a
    symbolic link or passes through one. Files the previous export wrote but this one no longer
    does are removed only when untouched.
    """
    edited = hand_edited(target)
    if edited and not force:
        raise HandEditedFiles(edited)
    previous = _read_manifest(target) if target.exists() else {}
    destinations = {rel: inside(target, rel, "package file") for rel in [*sorted(rels), MANIFEST]}
    (staging / MANIFEST).write_text(_manifest_of(staging, rels), encoding="utf-8")
    for rel, destination in destinations.items():
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / rel, destination)
    for stale in sorted(set(previous) - set(rels) - {MANIFEST}):
        path = inside(target, stale, f"{MANIFEST} entry")
        if path.is_file() and (force or stale not in edited):
            path.unlink()
    return sorted(rels) + [MANIFEST]
