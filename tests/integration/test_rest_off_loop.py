"""``POST /nbbridge/pipeline`` analyses off the server's event loop.

The proof is an ordering, not a time: while a large unsaved notebook is being analysed,
``/api/status`` is answered before the analysis has parsed all of its cells. Were the analysis
on the event loop, the status request could only be answered after the last cell.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

pytestmark = pytest.mark.timeout(300)

CELLS = 20_000


def big_notebook() -> dict[str, Any]:
    cells = [
        {
            "cell_type": "code",
            "id": f"c{i}",
            "metadata": {"tags": ["step:s"]} if i == 0 else {},
            "outputs": [],
            "execution_count": None,
            "source": f"value_{i} = {i} * 2\nresult_{i} = [value_{i} + k for k in range(3)]",
        }
        for i in range(CELLS)
    ]
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}


async def test_the_server_answers_while_it_analyses(jp_fetch, jp_serverapp) -> None:
    analyzer = jp_serverapp.web_app.settings["nbbridge_analyzer"]
    start = analyzer.parsed
    body = json.dumps({"notebook": big_notebook()})
    analysis = asyncio.ensure_future(
        jp_fetch("nbbridge", "pipeline", method="POST", body=body, request_timeout=300)
    )
    while analyzer.parsed == start:  # the analysis has begun (its thread parses cells)
        assert not analysis.done()
        await asyncio.sleep(0.01)
    status = await jp_fetch("api", "status", method="GET")
    parsed_when_answered = analyzer.parsed - start
    assert status.code == 200
    assert parsed_when_answered < CELLS
    answer = await analysis
    assert len(json.loads(answer.body)["steps"]) == 1
    assert analyzer.parsed - start == CELLS
