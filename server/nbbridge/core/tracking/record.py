"""One run as the tracking side sees it: a plain record, whatever made it (CLI, job, magic).

A record is written to the outbox when the run starts (status RUNNING, with the process that
owns it) and again when it ends; the drainer hands ended records to the tracking backend. It is
JSON on disk, so a record outlives the process that wrote it: a run whose process died
(SIGKILL, a dead kernel) is still there to be ended KILLED. A plain dataclass, not a pydantic
model: building a model class costs a run tens of milliseconds it has no need to pay.
"""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Artifact", "RunRecord", "RunState", "TERMINAL", "new_run_id", "now_ms"]

RunState = Literal["RUNNING", "FINISHED", "FAILED", "KILLED"]
TERMINAL = ("FINISHED", "FAILED", "KILLED")
_SOURCE_TYPES = ("NOTEBOOK", "JOB", "LOCAL", "PROJECT")


def now_ms() -> int:
    return int(time.time() * 1000)


def new_run_id() -> str:
    """nbbridge's own run id (MLflow's stores make theirs; ours is known before any store)."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Artifact:
    """A small text artifact (a step's code, the pipeline JSON) logged with the run."""

    path: str  # relative artifact path, e.g. steps/train.py
    text: str


@dataclass(frozen=True)
class RunRecord:
    experiment: str  # the experiment: the notebook's path in the project
    run_name: str
    run_id: str = field(default_factory=new_run_id)
    source_type: str = "LOCAL"  # MLflow's: NOTEBOOK, JOB, LOCAL, PROJECT
    status: RunState = "RUNNING"
    start_ms: int = field(default_factory=now_ms)
    end_ms: int | None = None
    params: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    artifacts: tuple[Artifact, ...] = ()
    pid: int = field(default_factory=os.getpid)
    host: str = field(default_factory=socket.gethostname)

    def __post_init__(self) -> None:
        if self.status not in ("RUNNING", *TERMINAL):
            raise ValueError(f"status {self.status!r} is not a run status")
        if self.source_type not in _SOURCE_TYPES:
            raise ValueError(f"source_type {self.source_type!r} is not one of {_SOURCE_TYPES}")

    @property
    def ended(self) -> bool:
        return self.status in TERMINAL

    def owner_alive(self) -> bool:
        """Whether the process that owns this running record still exists (on this host)."""
        if self.host != socket.gethostname():
            return True  # another machine's run: not ours to end
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def ended_as(self, status: RunState, **changes: Any) -> RunRecord:
        return dataclasses.replace(self, status=status, end_ms=now_ms(), **changes)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> RunRecord:
        """The record in ``text``; ValueError (or TypeError) when it is not one."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("a run record is a JSON object")
        artifacts = tuple(Artifact(**a) for a in data.pop("artifacts", ()))
        record = cls(**data, artifacts=artifacts)
        for name in ("params", "tags"):
            values = getattr(record, name)
            if not all(isinstance(k, str) and isinstance(v, str) for k, v in values.items()):
                raise ValueError(f"{name} must map names to strings")
        if not all(isinstance(v, int | float) for v in record.metrics.values()):
            raise ValueError("metrics must be numbers")
        return record
