"""The outbox: run records waiting in ``.nbbridge/outbox/`` for the tracking backend.

Writing a record costs a file write (well under a millisecond), so a run never waits for MLflow
(its import alone is 0.65–2.9 s, DESIGN.md §8); the drainer logs records later and removes them.
Records are replaced atomically (temporary file, then rename), so a reader sees the old record
or the new one, never half of one. A record the drainer is logging is claimed by renaming it to
``<id>.claimed`` first: two drainers never log one record twice.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from .record import RunRecord

__all__ = ["Outbox"]

_SUFFIX = ".json"
_CLAIMED = ".claimed"


class Outbox:
    def __init__(self, state: Path) -> None:
        self.folder = state / "outbox"

    def put(self, record: RunRecord) -> Path:
        """Write (or replace) ``record``; return its path."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{record.run_id}{_SUFFIX}"
        temporary = self.folder / f".{record.run_id}.{os.getpid()}.tmp"
        temporary.write_text(record.to_json(), encoding="utf-8")
        os.replace(temporary, path)
        return path

    def get(self, run_id: str) -> RunRecord | None:
        return _load(self.folder / f"{run_id}{_SUFFIX}")

    def records(self) -> Iterator[RunRecord]:
        """Every readable record waiting (oldest first); unreadable files are skipped."""
        if not self.folder.is_dir():
            return
        dated = []
        for path in self.folder.glob(f"*{_SUFFIX}"):
            with contextlib.suppress(FileNotFoundError):  # claimed by a drainer meanwhile
                dated.append((path.stat().st_mtime, path))
        for _, path in sorted(dated):
            record = _load(path)
            if record is not None:
                yield record

    def claim(self, run_id: str) -> bool:
        """Take ``run_id`` for logging; False when another drainer took it first."""
        try:
            os.rename(self.folder / f"{run_id}{_SUFFIX}", self.folder / f"{run_id}{_CLAIMED}")
        except FileNotFoundError:
            return False
        return True

    def release(self, run_id: str) -> None:
        """Give a claimed record back (logging failed: try again later)."""
        with contextlib.suppress(FileNotFoundError):
            os.rename(self.folder / f"{run_id}{_CLAIMED}", self.folder / f"{run_id}{_SUFFIX}")

    def discard(self, run_id: str) -> None:
        """Remove a waiting record (a run that never ran)."""
        with contextlib.suppress(FileNotFoundError):
            (self.folder / f"{run_id}{_SUFFIX}").unlink()

    def done(self, run_id: str) -> None:
        """The record was logged: remove it."""
        with contextlib.suppress(FileNotFoundError):
            (self.folder / f"{run_id}{_CLAIMED}").unlink()


def _load(path: Path) -> RunRecord | None:
    try:
        return RunRecord.from_json(path.read_bytes())
    except (OSError, ValueError, TypeError):
        return None
