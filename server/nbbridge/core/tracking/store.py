"""The project's tracking store, opened for reading (the Experiments panel, ``%%track``'s deltas).

The same store the drainer logs into (:func:`.mlflow_backend.default_uri`): the embedded sqlite
``.nbbridge/mlflow.db`` or ``MLFLOW_TRACKING_URI``. Reading never creates it: a project without
runs has no database, and a list of its runs is empty. One MLflow client per URI, made on first
use (MLflow is imported then, never at import time of this module).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..text import clip
from .mlflow_backend import default_uri

__all__ = ["QueryError", "StoreUnavailable", "TrackingStore", "call", "display_uri"]

_CLIENTS: dict[str, Any] = {}
_CLIENTS_LOCK = threading.Lock()


class QueryError(ValueError):
    """Bad input to a query (a sort key, a token, a run id): 4xx, ``field`` names it."""

    def __init__(self, message: str, *, field: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.field, self.status = message, field, status


class StoreUnavailable(RuntimeError):
    """The tracking store cannot answer (a server down, a locked database): 503."""

    status = 503

    def __init__(self, label: str, exc: BaseException) -> None:
        self.message = clip(
            f"the tracking store {label} cannot answer: {type(exc).__name__}: {exc}"
        )
        super().__init__(self.message)


def display_uri(uri: str, root: Path | None = None) -> str:
    """The tracking URI with any password taken out and a sqlite path relative to ``root``."""
    if uri.startswith("sqlite:///"):
        path = Path(uri[len("sqlite:///") :])
        if root is not None and path.is_relative_to(root):
            return f"sqlite:///{path.relative_to(root).as_posix()}"
        return f"sqlite:///…/{path.name}"
    parts = urlsplit(uri)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class TrackingStore:
    """The store of the project whose state folder is ``state`` (its root: ``state.parent``)."""

    def __init__(self, state: Path, uri: str | None = None) -> None:
        self.state = state
        self.root = state.parent
        self.uri = uri or default_uri(state)
        self.label = display_uri(self.uri, self.root)

    def exists(self) -> bool:
        """False for an embedded store no run has created yet."""
        if self.uri.startswith("sqlite:///"):
            return Path(self.uri[len("sqlite:///") :]).is_file()
        return True

    def client(self) -> Any:
        with _CLIENTS_LOCK:
            client = _CLIENTS.get(self.uri)
            if client is None:
                from mlflow.tracking import MlflowClient

                client = _CLIENTS[self.uri] = MlflowClient(tracking_uri=self.uri)
            return client

    def experiment_id(self, name: str) -> str | None:
        """The id of experiment ``name`` (a notebook's path), None when it has no runs yet."""
        if not self.exists():
            return None
        found = call(self, self.client().get_experiment_by_name, name)
        return None if found is None else found.experiment_id


def call(store: TrackingStore, function: Any, *args: Any, **kwargs: Any) -> Any:
    """Call MLflow; its refusals of our input become QueryErrors, a store down 503."""
    from mlflow.exceptions import MlflowException

    try:
        return function(*args, **kwargs)
    except MlflowException as exc:
        code = getattr(exc, "error_code", "")
        if code == "RESOURCE_DOES_NOT_EXIST":
            raise QueryError("run_id: no such run", field="run_id", status=404) from None
        if exc.get_http_status_code() < 500:
            if "token" in str(exc).lower():
                raise QueryError(
                    "page_token: not a page token this server gave", field="page_token"
                ) from None
            raise QueryError(f"sort: {clip(str(exc))}", field="sort") from None
        raise StoreUnavailable(store.label, exc) from None
    except (QueryError, StoreUnavailable):
        raise
    except Exception as exc:  # requests, SQLAlchemy: the store cannot answer
        raise StoreUnavailable(store.label, exc) from None
