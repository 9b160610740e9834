"""REST handlers under /nbbridge/: thin wrappers over nbbridge.core.

Each verb parses its body with a pydantic model, calls the core and writes the answer. Bad input
is not handled in the verbs: the exceptions the core and pydantic raise for it propagate, and
``NbbridgeHandler.write_error`` turns them into one 4xx JSON shape (``ErrorBody``). Anything else
is a bug and stays a 500 (logged with its traceback on the server, never sent to the client).
"""

from __future__ import annotations

from typing import Any

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from pydantic import ValidationError

from ._version import __version__
from .api import ErrorBody, PipelineRequest, VersionBody
from .core import NotebookError, load_notebook_json, read_notebook
from .core.paths import PathError, PathEscapeError, PathNotFoundError, resolve_notebook

__all__ = ["NbbridgeHandler", "PipelineHandler", "VersionHandler", "error_answer", "route_table"]


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


def error_answer(exc: BaseException | None) -> tuple[int, ErrorBody] | None:
    """The status and body for an exception caused by bad input; None for anything else."""
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
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(body.model_dump_json(exclude_none=True))


class PipelineHandler(NbbridgeHandler):
    """``POST /nbbridge/pipeline``: a saved notebook (``path``) or unsaved JSON → its Pipeline."""

    auth_resource = "contents"

    @tornado.web.authenticated
    @authorized(action="read")
    def post(self) -> None:
        request = PipelineRequest.model_validate_json(self.request.body or b"")
        if request.path is not None:
            nb = read_notebook(resolve_notebook(self.root_dir, request.path))
            name = request.path
        else:
            nb = load_notebook_json(request.notebook)
            name = ""
        pipeline = self.analyzer.analyze(nb, name)
        self.finish(pipeline.model_dump_json())


class VersionHandler(NbbridgeHandler):
    """``GET /nbbridge/version``: the server extension's version."""

    @tornado.web.authenticated
    def get(self) -> None:
        self.finish(VersionBody(version=__version__).model_dump_json())


def route_table() -> list[tuple[str, type[NbbridgeHandler]]]:
    """URL patterns (below the server's base_url) and their handlers."""
    return [
        (r"/nbbridge/pipeline", PipelineHandler),
        (r"/nbbridge/version", VersionHandler),
    ]
