"""Experiment tracking (DESIGN.md §5): run records, an outbox, and backends (MLflow built in).

A run is recorded by :class:`Tracker` as files in ``.nbbridge/outbox`` and logged to the store
by the drainer, off the run's critical path; MLflow is imported only by the drainer.
"""

from __future__ import annotations

from .backends import Backend, TrackingError, register
from .drain import DrainReport, drain
from .record import RunRecord
from .tracker import TrackedRun, Tracker

__all__ = [
    "Backend",
    "DrainReport",
    "RunRecord",
    "TrackedRun",
    "Tracker",
    "TrackingError",
    "drain",
    "register",
]
