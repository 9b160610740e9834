"""REST handlers under /nbbridge/: thin wrappers over nbbridge.core.

Each verb parses its body with a pydantic model, calls the core and writes the answer. Bad input
is not handled in the verbs: the exceptions the core and pydantic raise for it propagate, and
``NbbridgeHandler.write_error`` turns them into one 4xx JSON shape (``ErrorBody``). Anything else
is a bug and stays a 500 (logged with its traceback on the server, never sent to the client).
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from pydantic import ValidationError

from ._version import __version__
from .api import (
    ErrorBody,
    ExportRequest,
    ExportResponse,
    PipelineRequest,
    TestSummary,
    VersionBody,
)
from .core import NotebookError, load_notebook_json, read_notebook
from .core.paths import (
    PathError,
    PathEscapeError,
    PathNotFoundError,
    resolve_inside,
    resolve_notebook,
)
from .core.text import clip, quoted

__all__ = [
    "ExportHandler",
    "NbbridgeHandler",
    "NotebookAnalysisHandler",
    "PipelineHandler",
    "Refused",
    "VersionHandler",
    "error_answer",
    "route_table",
]


# Escapes are forbidden whatever exists behind them; a missing file is a plain 404.
_PATH_STATUS: dict[type[PathError], int] = {PathEscapeError: 403, PathNotFoundError: 404}


def _validation_answer(exc: ValidationError) -> ErrorBody:
    """One message naming every offending field of a request body, e.g. ``path: Input should...``."""
    messages: list[str] = []
    fields: list[str] = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(part) for part in err["loc"])
        if err["type"] == "json_invalid":
            messages.append(f"the request body is not valid JSON ({err['ctx']['error']})")
            continue
        # A model-level validator has no location; its own message names the fields.
        text = str(err["ctx"]["error"]) if err["type"] == "value_error" else err["msg"]
        if loc:
            fields.append(loc)
            messages.append(f"{loc}: {text}")
        else:
            messages.append(f"request body: {text}")
    return ErrorBody(message="; ".join(messages), field=fields[0] if fields else None)


class Refused(Exception):
    """A request refused with a ready answer (an export the core declined, say)."""

    def __init__(self, status: int, body: ErrorBody) -> None:
        super().__init__(body.message)
        self.status = status
        self.body = body


# Long enough for every message nbbridge writes; what is cut is an echo of the input.
MAX_MESSAGE = 2_000


def _private(body: ErrorBody, root: str) -> ErrorBody:
    """``body`` with the server's own folders taken out and echoed input cut short.

    Messages are written to name paths relative to the root already; this is the last line of
    defence for the ones that come from elsewhere (a library's exception text, say).
    """
    real = str(Path(root).resolve())

    def clean(text: str, limit: int) -> str:
        for folder in sorted({real, str(root)}, key=len, reverse=True):
            text = text.replace(folder + "/", "").replace(folder, ".")
        return clip(text, limit)

    problems = body.problems
    if problems:
        problems = [p.model_copy(update={"message": clean(p.message, 500)}) for p in problems]
    return body.model_copy(
        update={
            "message": clean(body.message, MAX_MESSAGE),
            "problems": problems,
            "files": [clean(f, 500) for f in body.files] if body.files else body.files,
        }
    )


def error_answer(exc: BaseException | None) -> tuple[int, ErrorBody] | None:
    """The status and body for an exception caused by bad input; None for anything else."""
    if isinstance(exc, Refused):
        return exc.status, exc.body
    if isinstance(exc, ValidationError):
        return 400, _validation_answer(exc)
    if isinstance(exc, PathError):
        status = _PATH_STATUS.get(type(exc), 400)
        return status, ErrorBody(message=exc.message, field=exc.field)
    if isinstance(exc, NotebookError):
        return 400, ErrorBody(
            message=str(exc),
            field=getattr(exc, "field", None),
            cell_id=getattr(exc, "cell_id", None),
        )
    return None


class NbbridgeHandler(APIHandler):
    """Base of every nbbridge handler: bad input becomes a 4xx ``ErrorBody``, never a 500."""

    @property
    def analyzer(self) -> Any:
        """The server-wide Analyzer (its per-cell cache outlives a request)."""
        return self.settings["nbbridge_analyzer"]

    @property
    def root_dir(self) -> str:
        """The folder every request path is confined to (the server's root_dir)."""
        return self.settings["nbbridge_root_dir"]

    def log_exception(self, typ, value, tb) -> None:  # noqa: ANN001 - tornado's signature
        # Bad input is the client's mistake: one info line, not an "Uncaught exception" trace.
        if error_answer(value) is not None:
            self.log.info(
                "nbbridge: %s %s refused: %s", self.request.method, self.request.uri, value
            )
            return
        super().log_exception(typ, value, tb)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc_info = kwargs.get("exc_info")
        answer = error_answer(exc_info[1]) if exc_info else None
        if answer is None:
            super().write_error(status_code, **kwargs)
            return
        status, body = answer
        body = _private(body, self.root_dir)
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(body.model_dump_json(exclude_none=True))


class NotebookAnalysisHandler(NbbridgeHandler):
    """Base of the routes that analyse a saved notebook (``path``) or unsaved content.

    Parsing the body, reading the notebook and the analysis run on the analysis thread (one, so
    the analyzer's cell cache is never raced), never on the event loop: a 20,000-cell notebook
    must not stall kernel messages and every other request. Bodies over
    ``NbbridgeApp.max_notebook_bytes`` are refused with 413 before anything is parsed.
    Subclasses say what to answer in :meth:`answer`.
    """

    auth_resource = "contents"
    request_model: type[PipelineRequest] = PipelineRequest

    def answer(self, nb: dict[str, Any], name: str) -> str:
        """The JSON answer for the checked notebook ``nb`` (``name``: its path, or "")."""
        raise NotImplementedError

    async def answer_off_the_loop(self) -> None:
        body = self.request.body or b""
        limit = self.settings["nbbridge_max_notebook_bytes"]
        if len(body) > limit:
            message = (
                f"request body: {len(body):,} bytes is more than the {limit:,} this server "
                "analyses (NbbridgeApp.max_notebook_bytes)"
            )
            raise Refused(413, ErrorBody(message=message, field="notebook"))
        pool = self.settings["nbbridge_analysis_pool"]
        loop = asyncio.get_running_loop()
        self.finish(await loop.run_in_executor(pool, self._answer, body))

    def _answer(self, body: bytes) -> str:
        request = self.request_model.model_validate_json(body)
        if request.path is not None:
            notebook = resolve_notebook(self.root_dir, request.path)
            return self.answer(read_notebook(notebook, label=request.path), request.path)
        return self.answer(load_notebook_json(request.notebook), "")


class PipelineHandler(NotebookAnalysisHandler):
    """``POST /nbbridge/pipeline``: a saved notebook (``path``) or unsaved JSON → its Pipeline."""

    @tornado.web.authenticated
    @authorized(action="read")
    async def post(self) -> None:
        await self.answer_off_the_loop()

    def answer(self, nb: dict[str, Any], name: str) -> str:
        return self.analyzer.analyze(nb, name).model_dump_json()


# Refusal kinds (nbbridge.core.export.summary) → HTTP status. The notebook failing under
# --execute is the client's input failing, not the server: 422 as well.
_REFUSAL_STATUS = {"rejected": 422, "hand-edited": 409, "invalid": 400, "execution": 422}


async def _in_thread(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run blocking work in the default thread pool, outside the server's context.

    Not ``asyncio.to_thread``: that copies the caller's context variables, and jupyter_core keeps
    "the event loop of this thread" in one; papermill (``--execute``) would then find the
    server's running loop in the worker thread and fail. ``run_in_executor`` copies nothing, so
    each worker thread gets a loop of its own.
    """
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(function, *args, **kwargs))


def _output_dir(root: str, relpath: str) -> Path:
    target = resolve_inside(root, relpath, field="output_dir")
    if target.exists() and not target.is_dir():
        raise PathError(f"output_dir: {relpath!r} is a file, not a folder", field="output_dir")
    return target


class ExportHandler(NbbridgeHandler):
    """``POST /nbbridge/export``: write a saved notebook's package, then run its tests.

    The export (black, ruff, maybe papermill) and the tests run in worker threads so the server
    keeps answering; two exports into one folder wait for each other. The notebook's runs and
    the test run are each bounded by ``timeout`` (default ``NbbridgeApp.execute_timeout``), and
    stopped when the client goes away: the kernel or pytest is killed with its children, the
    folder's lock is released, and the answer is a 422 naming the cell or test that was running.
    """

    auth_resource = "contents"

    @functools.cached_property
    def _cancel(self) -> threading.Event:
        """Set when the client goes away; the core watches it while user code runs."""
        return threading.Event()

    def on_connection_close(self) -> None:
        self._cancel.set()
        super().on_connection_close()

    def _lock(self, folder: Path) -> asyncio.Lock:
        locks = self.settings.setdefault("nbbridge_export_locks", {})
        return locks.setdefault(folder, asyncio.Lock())

    @tornado.web.authenticated
    @authorized(action="write")
    async def post(self) -> None:
        request = ExportRequest.model_validate_json(self.request.body or b"")
        notebook = resolve_notebook(self.root_dir, request.path)
        out_dir = _output_dir(self.root_dir, request.output_dir)
        # Imported on first export: black, papermill and the generators stay out of start-up.
        from .core.export import deadline, targets
        from .core.export.errors import ExportError
        from .core.export.naming import check_package_name
        from .core.export.summary import refusal
        from .core.export.verify import run_package_tests

        target = request.target or targets.DEFAULT
        if target not in targets.names():
            choices = ", ".join(targets.names())
            message = f"target: unknown export target {target!r}; choose one of: {choices}"
            raise Refused(400, ErrorBody(message=message, field="target"))
        writer = targets.get(target)
        if request.package is not None:
            try:
                check_package_name(request.package)
            except ExportError as exc:
                raise Refused(400, ErrorBody(message=f"package: {exc}", field="package")) from None
        nb = read_notebook(notebook, label=request.path)
        timeout = request.timeout or self.settings.get("nbbridge_execute_timeout")
        limits = deadline.Limits(timeout or deadline.DEFAULT_TIMEOUT, self._cancel)
        async with self._lock(out_dir):
            if self._cancel.is_set():
                self.log.info("nbbridge: export into %s not started: the client went away", out_dir)
                return
            try:
                result = await _in_thread(
                    deadline.run_with,
                    limits,
                    writer,
                    nb,
                    request.path,
                    out_dir,
                    package=request.package,
                    force=request.force,
                    execute_in=notebook.parent if request.execute else None,
                )
                tests = None
                if request.run_tests:
                    report = await _in_thread(deadline.run_with, limits, run_package_tests, out_dir)
                    tests = TestSummary.from_report(report)
            except Exception as exc:
                # Timeouts and cancels too: ExecutionStopped is an "execution" refusal (422).
                refused = refusal(exc)
                if refused is None:
                    raise
                body = ErrorBody.from_refusal(refused)
                if refused.field == "output_dir":  # the core names paths inside the folder only
                    body.message = f"output_dir {quoted(request.output_dir)}: {body.message}"
                raise Refused(_REFUSAL_STATUS[refused.kind], body) from None
        directory = out_dir.relative_to(Path(self.root_dir).resolve()).as_posix()
        response = ExportResponse.from_result(result, target, directory, tests)
        self.finish(response.model_dump_json())


class VersionHandler(NbbridgeHandler):
    """``GET /nbbridge/version``: the server extension's version."""

    @tornado.web.authenticated
    def get(self) -> None:
        self.finish(VersionBody(version=__version__).model_dump_json())


def route_table() -> list[tuple[str, type[NbbridgeHandler]]]:
    """URL patterns (below the server's base_url) and their handlers."""
    from .runs_handler import routes as runs_routes  # they build on this module's base handler
    from .suggest_handler import SuggestHandler

    return [
        (r"/nbbridge/pipeline", PipelineHandler),
        (r"/nbbridge/suggest", SuggestHandler),
        (r"/nbbridge/export", ExportHandler),
        (r"/nbbridge/version", VersionHandler),
        *runs_routes(),
    ]
