"""``POST /nbbridge/suggest``: propose steps for a notebook from its headings (thin over
:mod:`nbbridge.core.suggest`; nothing is written, the front end applies the tags itself)."""

from __future__ import annotations

from typing import Any

import tornado.web
from jupyter_server.auth.decorator import authorized

from .api import SuggestRequest, SuggestResponse
from .core.suggest import suggest_steps
from .handlers import NotebookAnalysisHandler

__all__ = ["SuggestHandler"]


class SuggestHandler(NotebookAnalysisHandler):
    """On the analysis thread, as ``/nbbridge/pipeline``: a proposal analyses the notebook a
    few times, and the analyzer's cache is never raced."""

    request_model = SuggestRequest

    @tornado.web.authenticated
    @authorized(action="read")
    async def post(self) -> None:
        await self.answer_off_the_loop()

    def answer(self, nb: dict[str, Any], name: str) -> str:
        suggestion = suggest_steps(nb, name, self.analyzer)
        return SuggestResponse.from_suggestion(suggestion).model_dump_json()
