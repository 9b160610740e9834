"""The drainer: hands ended run records from the outbox to the tracking backend.

Started detached by every tracked run (``python -m nbbridge.core.tracking.drain STATE``), and
callable in-process (the server, tests). One drainer at a time per project (a lock file); it
passes over the outbox until nothing ended is left. A running record whose process is gone
(SIGKILL, a dead kernel) is ended KILLED here: MLflow never does that itself. A record the store
refuses stays in the outbox, and the reason in ``outbox/last-error`` for the next run to report.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .backends import DEFAULT, Backend, TrackingError, get
from .outbox import Outbox

__all__ = ["DrainReport", "drain", "last_error", "spawn_drainer"]

_LAST_ERROR = "last-error"


@dataclass
class DrainReport:
    logged: dict[str, str] = field(default_factory=dict)  # nbbridge run id → store run id
    killed: list[str] = field(default_factory=list)  # ended KILLED: their process was gone
    failed: dict[str, str] = field(default_factory=dict)  # run id → why it was not logged
    busy: bool = False  # another drainer held the lock


def _pass(outbox: Outbox, backend: Backend, report: DrainReport) -> bool:
    """One pass over the outbox; True when it logged or ended something."""
    progressed = False
    for record in list(outbox.records()):
        if record.run_id in report.failed:
            continue
        if not record.ended:
            if record.owner_alive():
                continue
            record = record.ended_as(
                "KILLED", tags={**record.tags, "nbbridge.ended_by": "its process was gone"}
            )
            outbox.put(record)
            report.killed.append(record.run_id)
        if not outbox.claim(record.run_id):
            continue
        try:
            report.logged[record.run_id] = backend.log(record)
        except TrackingError as exc:
            outbox.release(record.run_id)
            report.failed[record.run_id] = str(exc)
            continue
        outbox.done(record.run_id)
        progressed = True
    return progressed


def drain(state: Path, backend: str | Backend = DEFAULT) -> DrainReport:
    """Log every ended record of the project whose state folder is ``state``."""
    from filelock import FileLock, Timeout

    outbox = Outbox(state)
    report = DrainReport()
    if not outbox.folder.is_dir():
        return report
    lock = FileLock(str(outbox.folder / "drain.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        report.busy = True
        return report
    try:
        store = get(backend, state) if isinstance(backend, str) else backend
        while _pass(outbox, store, report):
            pass
        error_file = outbox.folder / _LAST_ERROR
        if report.failed:
            error_file.write_text(next(iter(report.failed.values())), encoding="utf-8")
        elif report.logged:
            with contextlib.suppress(FileNotFoundError):
                error_file.unlink()
    finally:
        lock.release()
    return report


def last_error(state: Path) -> str | None:
    """Why the last drain could not log a run, if it could not."""
    try:
        return (Outbox(state).folder / _LAST_ERROR).read_text(encoding="utf-8")
    except OSError:
        return None


def spawn_drainer(state: Path) -> None:
    """Start a detached drainer for ``state`` and return at once (it outlives the caller)."""
    subprocess.Popen(
        [sys.executable, "-m", "nbbridge.core.tracking.drain", str(state)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
    )


if __name__ == "__main__":  # pragma: no cover - run by spawn_drainer, tested through it
    drain(Path(sys.argv[1]))
