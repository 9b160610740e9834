"""Tracking backends by name, as papermill registers its engines: ``mlflow`` built in.

A backend logs finished :class:`~.record.RunRecord` objects somewhere and returns the id the
store gave the run. Other distributions add backends through the ``nbbridge.tracking_backends``
entry-point group (loaded on first look-up); a built-in name cannot be replaced by a plugin.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from .record import RunRecord

__all__ = ["DEFAULT", "ENTRY_POINT_GROUP", "Backend", "TrackingError", "get", "names", "register"]

DEFAULT = "mlflow"
ENTRY_POINT_GROUP = "nbbridge.tracking_backends"


class TrackingError(RuntimeError):
    """The store could not take the run (down, locked, refused); the message says why."""


class Backend(Protocol):
    uri: str

    def log(self, record: RunRecord) -> str:
        """Log the ended ``record``; return the store's run id. TrackingError on failure."""
        ...


Factory = Callable[[Path], Backend]  # the project's .nbbridge folder → a backend

_BACKENDS: dict[str, Factory] = {}
_loaded = False


def register(name: str, factory: Factory) -> None:
    """Make ``factory`` available as the tracking backend ``name``."""
    _BACKENDS[name] = factory


def _load_entry_points() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    from importlib.metadata import entry_points  # 40 ms: only when a backend is looked up

    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name not in _BACKENDS:
            _BACKENDS[entry.name] = entry.load()


def names() -> list[str]:
    _load_entry_points()
    return sorted(_BACKENDS)


def get(name: str, state: Path) -> Backend:
    """The backend ``name`` for the project whose state folder is ``state``."""
    _load_entry_points()
    if name not in _BACKENDS:
        raise TrackingError(f"unknown tracking backend {name!r}; known: {', '.join(names())}")
    return _BACKENDS[name](state)


def _mlflow(state: Path) -> Backend:
    from .mlflow_backend import MlflowBackend  # imports nothing of MLflow until it logs

    return MlflowBackend(state)


register(DEFAULT, _mlflow)
