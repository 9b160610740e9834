"""``/nbbridge/runs``: a notebook's runs for the Experiments panel (thin over
:mod:`nbbridge.core.tracking.queries`).

Each body names a notebook inside the server root; its project's tracking store (the embedded
sqlite store or ``MLFLOW_TRACKING_URI``) is read in a worker thread, never on the event loop,
and MLflow is imported there on the first request (starting the server imports none of it).
A list first hands the outbox to the drainer: a run whose kernel died is ended KILLED then.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import tornado.web
from jupyter_server.auth.decorator import authorized
from pydantic import BaseModel

from .api import ErrorBody
from .core.paths import resolve_notebook
from .handlers import NbbridgeHandler, Refused
from .runs_api import CompareRequest, HistoryRequest, RunRequest, RunsRequest

__all__ = ["RunCompareHandler", "RunHandler", "RunHistoryHandler", "RunsHandler", "routes"]

_POOL: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    """Threads of their own: a long export in the default pool never holds up the panel."""
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(2, thread_name_prefix="nbbridge-runs")
    return _POOL


def _project(root_dir: str, path: str) -> tuple[Any, str]:
    """The store of the notebook's project and the notebook's experiment name."""
    from .core.runs.project import STATE, project_root
    from .core.tracking.store import TrackingStore

    notebook = resolve_notebook(root_dir, path)
    root = project_root(notebook)
    return TrackingStore(root / STATE), notebook.relative_to(root).as_posix()


def _drain_dead(state: Path) -> None:
    """End the runs of processes that are gone (a kernel that died mid-cell) and log waiting
    records; a no-op without records, and when another drainer is at it."""
    outbox = state / "outbox"
    if outbox.is_dir() and any(outbox.glob("*.json")):
        from .core.tracking.drain import drain

        drain(state)


class _RunsBase(NbbridgeHandler):
    auth_resource = "contents"
    model: type[BaseModel]

    async def _answer(self, work: Callable[[Any, Any, str], BaseModel]) -> None:
        request = self.model.model_validate_json(self.request.body or b"")
        loop = asyncio.get_running_loop()
        job = functools.partial(self._work, work, request)
        answer = await loop.run_in_executor(_pool(), job)
        self.finish(answer)

    def _work(self, work: Callable[[Any, Any, str], BaseModel], request: Any) -> str:
        from .core.tracking.store import QueryError, StoreUnavailable

        store, experiment = _project(self.root_dir, request.path)
        try:
            return work(request, store, experiment).model_dump_json()
        except QueryError as exc:
            raise Refused(exc.status, ErrorBody(message=exc.message, field=exc.field)) from None
        except StoreUnavailable as exc:
            raise Refused(503, ErrorBody(message=exc.message, field="path")) from None


def _list(request: RunsRequest, store: Any, experiment: str) -> BaseModel:
    from .core.tracking.queries import RunQuery, list_runs

    _drain_dead(store.state)
    query = RunQuery(
        page_token=request.page_token,
        max_results=request.max_results,
        sort=request.sort,
        order=request.order,
        status=request.status,
        cell=request.cell,
        step=request.step,
        text=request.search,
    )
    return list_runs(store, experiment, query)


class RunsHandler(_RunsBase):
    """``POST /nbbridge/runs``: a page of the notebook's runs (``RunPage``)."""

    model = RunsRequest

    @tornado.web.authenticated
    @authorized(action="read")
    async def post(self) -> None:
        await self._answer(_list)


class RunHandler(_RunsBase):
    """``POST /nbbridge/runs/get``: one run in detail (``RunDetail``)."""

    model = RunRequest

    @tornado.web.authenticated
    @authorized(action="read")
    async def post(self) -> None:
        from .core.tracking.queries import run_detail

        await self._answer(lambda r, store, exp: run_detail(store, exp, r.run_id))


class RunCompareHandler(_RunsBase):
    """``POST /nbbridge/runs/compare``: runs side by side (``CompareResponse``)."""

    model = CompareRequest

    @tornado.web.authenticated
    @authorized(action="read")
    async def post(self) -> None:
        from .core.tracking.compare import compare_runs

        await self._answer(lambda r, store, exp: compare_runs(store, exp, r.run_ids))


class RunHistoryHandler(_RunsBase):
    """``POST /nbbridge/runs/history``: a metric's values per step (``MetricHistory``)."""

    model = HistoryRequest

    @tornado.web.authenticated
    @authorized(action="read")
    async def post(self) -> None:
        from .core.tracking.compare import metric_history

        await self._answer(lambda r, store, exp: metric_history(store, exp, r.run_ids, r.key))


def routes() -> list[tuple[str, type[NbbridgeHandler]]]:
    return [
        (r"/nbbridge/runs", RunsHandler),
        (r"/nbbridge/runs/get", RunHandler),
        (r"/nbbridge/runs/compare", RunCompareHandler),
        (r"/nbbridge/runs/history", RunHistoryHandler),
    ]
