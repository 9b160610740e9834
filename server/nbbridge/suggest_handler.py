"""``POST /nbbridge/suggest``: propose steps for a notebook from its headings (thin over
:mod:`nbbridge.core.suggest`; nothing is written, the front end applies the tags itself)."""

from __future__ import annotations

import asyncio

import tornado.web
from jupyter_server.auth.decorator import authorized

from .api import ErrorBody, SuggestRequest, SuggestResponse
from .core import load_notebook_json, read_notebook
from .core.paths import resolve_notebook
from .core.suggest import suggest_steps
from .handlers import NbbridgeHandler, Refused

__all__ = ["SuggestHandler"]


class SuggestHandler(NbbridgeHandler):
    """Parse, read and analyse on the analysis thread (as ``/nbbridge/pipeline`` does): a
    proposal analyses the notebook a few times, and the analyzer's cache is never raced."""

    auth_resource = "contents"

    @tornado.web.authenticated
    @authorized(action="read")
    async def post(self) -> None:
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
        answer = await loop.run_in_executor(pool, self._suggest, body)
        self.finish(answer)

    def _suggest(self, body: bytes) -> str:
        request = SuggestRequest.model_validate_json(body)
        if request.path is not None:
            notebook = resolve_notebook(self.root_dir, request.path)
            nb = read_notebook(notebook, label=request.path)
            name = request.path
        else:
            nb = load_notebook_json(request.notebook)
            name = ""
        suggestion = suggest_steps(nb, name, self.analyzer)
        return SuggestResponse.from_suggestion(suggestion).model_dump_json()
