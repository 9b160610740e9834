"""``%%track [--name NAME] [--metrics a,b] [--params x,y] [--minimize a,b]``: run the cell and
log it as one MLflow run, with a widget under the cell.

The run is MLflow's own active run (fluent API) while the cell runs, so ``mlflow.log_metric``
calls in the cell (a loop's ``step=`` values too) land in it. It is logged into the store
``nbbridge run`` uses (``.nbbridge/mlflow.db`` of the notebook's project, or
``MLFLOW_TRACKING_URI``) with the same tags: ``mlflow.source.name`` (the notebook's path in the
project, also the experiment), the cell's id and code hash, git lineage, data versions.

Never lost, never left RUNNING: before MLflow is called, a RUNNING record with the kernel's pid
goes to the outbox (``nbbridge.run_id`` is also on the MLflow run). A cell that ends removes it
after ending the run FINISHED, FAILED (an exception) or KILLED (an interrupt); a kernel that
dies leaves it, and the next drain (the server's runs list) ends the run KILLED. When MLflow
cannot take the run, the record is ended in the outbox and logged later; the widget says so.
Imported by the first ``%%track`` (with MLflow), never by ``%load_ext nbbridge``.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from pathlib import Path
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic_arguments import MagicArgumentParser

from ._version import __version__
from .core.runs.keys import data_inputs, file_digest
from .core.runs.project import project_root, state_dir
from .core.text import clip
from .core.tracking import tags as T
from .core.tracking.cell_runs import bound_names, compare_metrics, metric_value, parameter_names
from .core.tracking.lineage import git_tags, user
from .core.tracking.mlflow_backend import RUN_ID_TAG, MlflowBackend
from .core.tracking.outbox import Outbox
from .core.tracking.record import RunRecord, new_run_id
from .widgets import TrackWidget

__all__ = ["track_cell"]

_CELL_ID = re.compile(r"[\w-]{1,100}")  # nbformat's ids; anything else is not used in queries
TICK_S = 1.0  # how often the widget's elapsed time and live metrics are refreshed


def _parser() -> MagicArgumentParser:
    parser = MagicArgumentParser(prog="%%track", add_help=False)
    parser.add_argument("--name", help="The run's name (default: the cell's)")
    parser.add_argument("--metrics", default="", help="Comma-separated names to log as metrics")
    parser.add_argument("--params", default="", help="Comma-separated names to log as params")
    parser.add_argument("--minimize", default="", help="Metrics where lower is better")
    return parser


def _names(text: str) -> list[str]:
    return [n for n in (part.strip() for part in text.split(",")) if n]


def _cell_id(shell: Any) -> str | None:
    """The id JupyterLab sends with the execute request (``metadata.cellId``)."""
    kernel = getattr(shell, "kernel", None)
    try:
        parent = kernel.get_parent() if kernel is not None else {}
    except Exception:  # an older kernel without get_parent
        parent = getattr(shell, "parent_header", {}) or {}
    cell_id = (parent.get("metadata") or {}).get("cellId")
    return cell_id if isinstance(cell_id, str) and _CELL_ID.fullmatch(cell_id) else None


class _Store:
    """The project's MLflow store and the notebook's experiment, opened once per kernel."""

    def __init__(self, notebook: Path) -> None:
        self.notebook = notebook.resolve()
        self.root = project_root(self.notebook)
        self.state = state_dir(self.root)
        self.experiment = self.notebook.relative_to(self.root).as_posix()
        self.backend = MlflowBackend(self.state)
        self.client: Any = None
        self.experiment_id: str | None = None

    def open(self) -> None:
        if self.client is None:
            client = self.backend._ensure_store()  # created and migrated once, under a lock
            self.experiment_id = self.backend._experiment_id(client, self.experiment)
            self.client = client


_STORES: dict[tuple[Path, str], _Store] = {}
_PARAMS_CACHE: dict[Path, tuple[float, list[str]]] = {}
# (store, experiment, tag, value) → that cell's FINISHED runs, newest first
_EARLIER: dict[tuple[str, str, str, str], list[tuple[str, dict[str, float]]]] = {}


def _store_for(notebook: Path) -> _Store:
    from .core.tracking.mlflow_backend import default_uri

    key = (notebook, os.environ.get("MLFLOW_TRACKING_URI", ""))
    store = _STORES.get(key)
    if store is None or store.backend.uri != default_uri(store.state):
        store = _STORES[key] = _Store(notebook)
    return store


def _notebook_params(notebook: Path) -> list[str]:
    try:
        stamp = notebook.stat().st_mtime
    except OSError:
        return []
    known = _PARAMS_CACHE.get(notebook)
    if known is None or known[0] != stamp:
        known = _PARAMS_CACHE[notebook] = (stamp, parameter_names(notebook))
    return known[1]


def _text(value: Any) -> str:
    return clip(value if isinstance(value, str) else repr(value), 500)


class _TrackedCell:
    """One %%track execution: the record, the MLflow run, the widget and its ticker."""

    def __init__(self, shell: Any, args: Any, cell: str, notebook: Path | None) -> None:
        self.shell, self.args, self.cell = shell, args, cell
        self.notebook = notebook
        self.minimize = frozenset(_names(args.minimize))
        self.cell_id = _cell_id(shell)
        self.step = args.name or "cell"
        self.code_sha = hashlib.sha256(cell.encode("utf-8")).hexdigest()
        self.name = args.name or (f"cell {self.cell_id[:8]}" if self.cell_id else "cell")
        self.started = time.monotonic()
        self.store: _Store | None = None
        self.record: RunRecord | None = None
        self.run_id: str | None = None  # MLflow's
        self.outbox: Outbox | None = None
        self.summary: dict[str, Any] = {"status": "RUNNING", "name": self.name, "metrics": {}}
        self.summary["not_logged"] = []
        self.widget = TrackWidget()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        self.artifact_uri = ""

    # --- start ----------------------------------------------------------------------------------

    def start(self) -> None:
        from IPython.display import display

        self._show(elapsed_s=0.0)
        display(self.widget)
        try:
            self._start()
        except Exception as exc:
            self._warn(f"not logged: the run could not start ({type(exc).__name__}: {exc})")
        self._ticker = threading.Thread(target=self._tick, name="nbbridge-track", daemon=True)
        self._ticker.start()

    def _params(self) -> dict[str, str]:
        names = _names(self.args.params) or (
            _notebook_params(self.notebook) if self.notebook else []
        )
        ns = self.shell.user_ns
        return {name: _text(ns[name]) for name in names if name in ns}

    def _tags(self, store: _Store) -> dict[str, str]:
        tags = {
            "mlflow.source.name": store.experiment,
            "mlflow.source.type": "NOTEBOOK",
            "mlflow.user": user(),
            "nbbridge.version": __version__,
            T.SOURCE: "cell",
            T.CELL_CODE: self.code_sha,
            T.step_tag(self.step, "code_sha256"): self.code_sha,
            **git_tags(store.notebook),
        }
        if self.cell_id:
            tags[T.CELL_ID] = self.cell_id
            tags[T.step_tag(self.step, "cells")] = self.cell_id
        try:
            code = self.shell.transform_cell(self.cell)
            for path in data_inputs(code, Path.cwd()):
                try:
                    label = path.resolve().relative_to(store.root).as_posix()
                except ValueError:
                    label = path.name
                tags[T.data_tag(label)] = file_digest(path)
        except (SyntaxError, ValueError, OSError):
            pass  # a cell that does not parse reads no data files we can name
        return tags

    def _start(self) -> None:
        if self.notebook is None:
            raise RuntimeError("this kernel does not know its notebook (JPY_SESSION_NAME)")
        store = self.store = _store_for(self.notebook)
        params = self._params()
        self.summary["params"] = params
        run_tags = self._tags(store)
        self.record = RunRecord(
            experiment=store.experiment,
            run_name=self.name,
            run_id=new_run_id(),
            source_type="NOTEBOOK",
            params=params,
            tags=run_tags,
        )
        self.outbox = Outbox(store.state)
        self.outbox.put(self.record)  # from here on the run cannot be lost
        import mlflow

        store.open()
        if mlflow.get_tracking_uri() != store.backend.uri:
            mlflow.set_tracking_uri(store.backend.uri)
        from .core.tracking.run_context import SUPPRESSED

        suppressed = SUPPRESSED.set(True)  # its tags are in run_tags already
        try:
            run = mlflow.start_run(
                experiment_id=store.experiment_id,
                run_name=self.name,
                tags={**run_tags, RUN_ID_TAG: self.record.run_id},
                nested=mlflow.active_run() is not None,
            )
        finally:
            SUPPRESSED.reset(suppressed)
        self.run_id = run.info.run_id
        self.artifact_uri = run.info.artifact_uri
        if params:
            mlflow.log_params(params)
        self.summary["run_id"] = self.run_id

    # --- while it runs --------------------------------------------------------------------------

    def _tick(self) -> None:
        while not self._stop.wait(TICK_S):
            live: dict[str, Any] = {}
            if self.run_id and self.store is not None:
                try:
                    metrics = self.store.client.get_run(self.run_id).data.metrics
                    live = {k: {"value": v, "direction": "max"} for k, v in metrics.items()}
                except Exception:  # a busy database: the next tick shows them
                    live = self.summary.get("metrics", {})
            if not self._stop.is_set():
                self._show(elapsed_s=time.monotonic() - self.started, metrics=live)

    def _show(self, **changes: Any) -> None:
        self.summary = {**self.summary, **changes}
        self.widget.summary = self.summary

    def _warn(self, message: str) -> None:
        self._show(not_logged=[*self.summary.get("not_logged", []), clip(message, 400)])

    # --- end ------------------------------------------------------------------------------------

    def finish(self, status: str) -> None:
        """End the run as ``status``; never raises (what could not be logged is shown)."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=5)
        elapsed = time.monotonic() - self.started
        metrics = self._metrics() if status == "FINISHED" else {}
        rows: dict[str, Any] = {}
        try:
            rows = self._end(status, metrics)
        except Exception as exc:
            self._warn(f"not logged: the run's end ({type(exc).__name__}: {exc})")
            self._end_in_outbox(status, metrics)
            rows = compare_metrics(metrics, [], self.minimize)
        self._show(status=status, elapsed_s=elapsed, metrics=rows)

    def _metrics(self) -> dict[str, float]:
        ns = self.shell.user_ns
        wanted = _names(self.args.metrics)
        names = wanted or bound_names(self.cell)
        found = {}
        for name in names:
            value = metric_value(ns.get(name))
            if value is not None:
                found[name] = value
            elif wanted:
                self._warn(f"not logged: metric {name!r} is not a number in the kernel")
        return found

    def _end(self, status: str, metrics: dict[str, float]) -> dict[str, Any]:
        if self.run_id is None or self.store is None:
            if self.record is not None:
                self._end_in_outbox(status, metrics)
            return compare_metrics(metrics, [], self.minimize)
        import mlflow

        client = self.store.client
        logged = client.get_run(self.run_id).data.metrics
        fresh = {k: v for k, v in metrics.items() if k not in logged}  # the cell logged these
        if fresh:
            client.log_batch(self.run_id, metrics=_metric_rows(fresh))
        self._log_code()
        active = mlflow.active_run()
        if active is not None and active.info.run_id == self.run_id:
            mlflow.end_run(status)
        else:  # the cell ended or replaced the run itself
            client.set_terminated(self.run_id, status=status)
        record, outbox = self.record, self.outbox
        if outbox is not None and record is not None and outbox.claim(record.run_id):
            outbox.done(record.run_id)
        earlier = self._earlier()
        if status == "FINISHED":
            earlier.insert(0, (self.run_id, {**logged, **metrics}))
        return compare_metrics(
            {**logged, **metrics}, earlier[1:] if status == "FINISHED" else earlier, self.minimize
        )

    def _log_code(self) -> None:
        """The cell's code as ``steps/<name>.py``, straight into the run's artifact store
        (MlflowClient.log_text would read the run back first to find it)."""
        import tempfile

        from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository

        with tempfile.TemporaryDirectory(prefix="nbbridge-track-") as folder:
            path = Path(folder) / f"{self.step}.py"
            path.write_text(self.cell, encoding="utf-8")
            repository = get_artifact_repository(self.artifact_uri)
            repository.log_artifact(str(path), T.STEPS_ARTIFACTS)

    def _earlier(self) -> list[tuple[str, dict[str, float]]]:
        """This cell's earlier FINISHED runs, newest first (at most 500): read from the store
        on its first run in this kernel, then kept here (one query less per tracked cell)."""
        assert self.store is not None
        key, value = (T.CELL_ID, self.cell_id) if self.cell_id else (T.CELL_CODE, self.code_sha)
        cache_key = (self.store.backend.uri, self.store.experiment, key, value)
        known = _EARLIER.get(cache_key)
        if known is None:
            known = _EARLIER[cache_key] = self._search_earlier(key, value)
        return known

    def _search_earlier(self, key: str, value: str) -> list[tuple[str, dict[str, float]]]:
        assert self.store is not None
        runs = self.store.client.search_runs(
            [self.store.experiment_id],
            filter_string=f"tags.`{key}` = '{value}' and attributes.status = 'FINISHED'",
            max_results=500,
            order_by=["attributes.start_time DESC"],
        )
        return [(r.info.run_id, dict(r.data.metrics)) for r in runs if r.info.run_id != self.run_id]

    def _end_in_outbox(self, status: str, metrics: dict[str, float]) -> None:
        """MLflow did not take the run: the drainer logs it once the store does."""
        if self.outbox is None or self.record is None:
            return
        from .core.tracking.drain import spawn_drainer
        from .core.tracking.record import Artifact

        ended = self.record.ended_as(
            status,
            metrics=metrics,
            artifacts=(Artifact(path=f"{T.STEPS_ARTIFACTS}/{self.step}.py", text=self.cell),),
        )
        try:
            self.outbox.put(ended)
            spawn_drainer(self.outbox.folder.parent)
            self._warn("the run waits in .nbbridge/outbox and is logged once the store takes it")
        except OSError as exc:
            self._warn(f"not logged at all: the outbox cannot be written ({exc})")


def _metric_rows(metrics: dict[str, float]) -> list[Any]:
    from mlflow.entities import Metric

    now = int(time.time() * 1000)
    return [Metric(key, value, now, 0) for key, value in sorted(metrics.items())]


def track_cell(shell: Any, line: str, cell: str, notebook: Path | None, run_body: Any) -> Any:
    """Run ``cell`` with ``run_body`` as one tracked run (see the module's docstring)."""
    try:
        args = _parser().parse_args(_split(line))
    except SystemExit:  # argparse's way of saying the line is wrong
        raise UsageError(
            "usage: %%track [--name NAME] [--metrics a,b] [--params x,y] [--minimize a,b]"
        ) from None
    tracked = _TrackedCell(shell, args, cell, notebook)
    tracked.start()
    try:
        value = run_body(cell)
    except KeyboardInterrupt:
        tracked.finish("KILLED")
        raise
    except BaseException:
        tracked.finish("FAILED")
        raise
    tracked.finish("FINISHED")
    return value


def _split(line: str) -> list[str]:
    import shlex

    try:
        return shlex.split(line)
    except ValueError as exc:
        raise UsageError(f"%%track: {exc}") from None
