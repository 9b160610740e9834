"""What a runner calls: start a tracked run, end it, never wait for the store.

``Tracker.start`` writes a RUNNING record to the outbox (with git lineage and the user);
``Tracker.end`` writes the ended record and starts a detached drainer. Both are file writes, so
tracking costs a run milliseconds, not MLflow's import (DESIGN.md §8), and a run is never lost:
until the store takes it, the record waits in ``.nbbridge/outbox``. ``Tracker.run`` is the
context manager a runner uses so that an exception ends the run FAILED and Ctrl-C ends it
KILLED, never RUNNING.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .drain import last_error, spawn_drainer
from .lineage import git_tags, user
from .outbox import Outbox
from .record import Artifact, RunRecord, RunState

__all__ = ["Tracker"]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


class Tracker:
    def __init__(self, state: Path, *, drain_in_background: bool = True) -> None:
        self.state = state
        self.outbox = Outbox(state)
        self.drain_in_background = drain_in_background

    @property
    def uri(self) -> str:
        from .mlflow_backend import default_uri  # no MLflow import: a string

        return default_uri(self.state)

    def pending_warning(self) -> str | None:
        """A warning when earlier runs are still waiting because the store refused them."""
        error = last_error(self.state)
        waiting = sum(1 for r in self.outbox.records() if r.ended)
        if error is None or waiting == 0:
            return None
        return (
            f"tracking: {waiting} run(s) not logged yet ({error}); they wait in "
            f"{self.state.name}/outbox and are logged once the store takes them"
        )

    def start(
        self,
        *,
        experiment: str,
        run_name: str,
        source: Path,
        source_type: str = "LOCAL",
        params: dict[str, Any] | None = None,
        tags: dict[str, str] | None = None,
    ) -> RunRecord:
        record = RunRecord(
            experiment=experiment,
            run_name=run_name,
            source_type=source_type,
            params={k: _text(v) for k, v in (params or {}).items()},
            tags={"mlflow.user": user(), **git_tags(source), **(tags or {})},
        )
        self.outbox.put(record)
        return record

    def end(
        self,
        record: RunRecord,
        status: RunState,
        *,
        metrics: dict[str, float] | None = None,
        tags: dict[str, str] | None = None,
        artifacts: dict[str, str] | None = None,
    ) -> RunRecord:
        ended = record.ended_as(
            status,
            metrics={**record.metrics, **(metrics or {})},
            tags={**record.tags, **(tags or {})},
            artifacts=(
                *record.artifacts,
                *(Artifact(path=p, text=t) for p, t in sorted((artifacts or {}).items())),
            ),
        )
        self.outbox.put(ended)
        if self.drain_in_background:
            spawn_drainer(self.state)
        return ended

    def discard(self, record: RunRecord) -> None:
        """Forget a started run that never ran (its input was refused)."""
        self.outbox.discard(record.run_id)

    @contextmanager
    def run(self, **start: Any) -> Iterator[TrackedRun]:
        """A run that always ends: FINISHED unless the body set otherwise, FAILED on an
        exception, KILLED on Ctrl-C (the exception propagates)."""
        tracked = TrackedRun(self, self.start(**start))
        try:
            yield tracked
        except KeyboardInterrupt:
            tracked.finish("KILLED")
            raise
        except BaseException:
            tracked.finish("FAILED")
            raise
        tracked.finish(tracked.status)


class TrackedRun:
    """The handle a runner fills while it runs: status, metrics, tags, artifacts."""

    def __init__(self, tracker: Tracker, record: RunRecord) -> None:
        self.tracker = tracker
        self.record = record
        self.status: RunState = "FINISHED"
        self.metrics: dict[str, float] = {}
        self.tags: dict[str, str] = {}
        self.artifacts: dict[str, str] = {}
        self.ended: RunRecord | None = None

    @property
    def run_id(self) -> str:
        return self.record.run_id

    def finish(self, status: RunState) -> RunRecord:
        if self.ended is None:
            self.ended = self.tracker.end(
                self.record, status, metrics=self.metrics, tags=self.tags, artifacts=self.artifacts
            )
        return self.ended
