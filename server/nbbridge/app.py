"""The nbbridge Jupyter server extension: registers the REST handlers under /nbbridge/."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jupyter_server.extension.application import ExtensionApp
from traitlets import Float, Integer, TraitError, validate

from ._version import __version__
from .core import Analyzer
from .core.export.deadline import DEFAULT_TIMEOUT, MAX_TIMEOUT
from .handlers import route_table

__all__ = ["NbbridgeApp"]


class NbbridgeApp(ExtensionApp):
    """Holds the state the handlers share: one Analyzer (its cell cache) and the root folder."""

    name = "nbbridge"
    version = __version__
    description = "nbbridge: notebooks as pipelines"

    max_notebook_bytes = Integer(
        64 * 1024 * 1024,
        config=True,
        help="Largest unsaved notebook (request body, outputs stripped) POST /nbbridge/pipeline "
        "analyses; larger bodies are refused with 413.",
    )
    analysis_cache_bytes = Integer(
        64 * 1024 * 1024,
        config=True,
        help="Source text the analysis keeps parsed between requests (oldest cells dropped first).",
    )

    execute_timeout = Float(
        DEFAULT_TIMEOUT,
        config=True,
        help="Seconds POST /nbbridge/export lets each run of the notebook (execute runs it 3 "
        "times) and, separately, the package's test run take before the kernel or pytest is "
        "killed with its children (422); for requests that send no timeout of their own.",
    )

    @validate("execute_timeout")
    def _check_execute_timeout(self, proposal: dict) -> float:
        value = proposal["value"]
        if not 0 < value <= MAX_TIMEOUT:
            raise TraitError(f"execute_timeout must be more than 0 and at most {MAX_TIMEOUT:.0f}")
        return value

    def initialize_settings(self) -> None:
        # One Analyzer for the whole server: re-analysing after an edit then costs one cell.
        self.analyzer = Analyzer(max_bytes=self.analysis_cache_bytes)
        # One thread for analyses: off the event loop, and the analyzer's cache is never raced.
        self.analysis_pool = ThreadPoolExecutor(1, thread_name_prefix="nbbridge-analysis")
        self.settings.update(
            nbbridge_analyzer=self.analyzer,
            nbbridge_analysis_pool=self.analysis_pool,
            nbbridge_max_notebook_bytes=self.max_notebook_bytes,
            nbbridge_root_dir=self.serverapp.root_dir,
            nbbridge_execute_timeout=self.execute_timeout,
        )
        self._drain_waiting_runs()

    def _drain_waiting_runs(self) -> None:
        """Runs left RUNNING by a process that is gone, or refused by a store that was down,
        are ended and logged now, by a detached drainer (MLflow stays out of the server)."""
        from .core.runs.project import STATE, project_root
        from .core.tracking.drain import spawn_drainer

        state = project_root(Path(self.serverapp.root_dir)) / STATE
        outbox = state / "outbox"
        if outbox.is_dir() and any(outbox.glob("*.json")):
            spawn_drainer(state)

    async def stop_extension(self) -> None:
        self.analysis_pool.shutdown(wait=False, cancel_futures=True)

    def initialize_handlers(self) -> None:
        self.handlers.extend(route_table())
