"""One run as the tracking side sees it: a plain record, whatever made it (CLI, job, magic).

A record is written to the outbox when the run starts (status RUNNING, with the process that
owns it) and again when it ends; the drainer hands finished records to the tracking backend.
It is JSON on disk, so a record outlives the process that wrote it: a run whose process died
(SIGKILL, a dead kernel) is still there to be ended KILLED.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Artifact", "RunRecord", "RunState", "new_run_id", "now_ms"]

RunState = Literal["RUNNING", "FINISHED", "FAILED", "KILLED"]
TERMINAL = ("FINISHED", "FAILED", "KILLED")


def now_ms() -> int:
    return int(time.time() * 1000)


def new_run_id() -> str:
    """nbbridge's own run id (MLflow's stores make theirs; ours is known before any store)."""
    return uuid.uuid4().hex


class Artifact(BaseModel):
    """A small text artifact (a step's code, the pipeline JSON) logged with the run."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(description="Relative artifact path, e.g. steps/train.py")
    text: str


class RunRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    run_id: str = Field(default_factory=new_run_id)
    experiment: str = Field(description="Experiment name: the notebook's path in the project")
    run_name: str
    source_type: Literal["NOTEBOOK", "JOB", "LOCAL", "PROJECT"] = "LOCAL"
    status: RunState = "RUNNING"
    start_ms: int = Field(default_factory=now_ms)
    end_ms: int | None = None
    params: dict[str, str] = Field(default_factory=dict)
    metrics: dict[str, float] = Field(default_factory=dict)
    tags: dict[str, str] = Field(default_factory=dict)
    artifacts: list[Artifact] = Field(default_factory=list)
    pid: int = Field(default_factory=os.getpid)
    host: str = Field(default_factory=socket.gethostname)

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
        return self.model_copy(update={"status": status, "end_ms": now_ms(), **changes})
