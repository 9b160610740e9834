"""The inline pipeline output (``application/vnd.nbbridge.pipeline+json``) draws the DAG."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from lab_server import LabServer
from playwright.sync_api import Page, expect
from ui_helpers import cell_with, open_notebook, screenshot, select_cell

# A hang guard, not a timing check: each test takes seconds.
pytestmark = [pytest.mark.ui, pytest.mark.timeout(300)]

MIME = "application/vnd.nbbridge.pipeline+json"
OUTPUT = ".nbbridge-PipelineOutput"


def _pipeline_of(lab: LabServer, path: str) -> dict:
    """The pipeline of a saved notebook, from the server's REST API."""
    request = urllib.request.Request(
        f"{lab.url}nbbridge/pipeline",
        data=json.dumps({"path": path}).encode(),
        headers={"Authorization": f"token {lab.token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def test_a_saved_pipeline_output_renders_as_a_dag(
    page: Page, lab: LabServer, demo: str, artifacts: Path
) -> None:
    pipeline = _pipeline_of(lab, demo)
    steps = [step["name"] for step in pipeline["steps"]]
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {
                "id": "dag",
                "cell_type": "code",
                "metadata": {},
                "source": "%nbbridge dag",
                "execution_count": 1,
                "outputs": [
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {MIME: pipeline, "text/plain": "pipeline (text fallback)"},
                    }
                ],
            }
        ],
    }
    path = lab.write_notebook(notebook, "saved_output.ipynb")
    open_notebook(page, lab, path)

    output = page.locator(OUTPUT)
    expect(output.locator("svg [data-nbbridge-node]")).to_have_count(len(steps))
    names = output.locator("svg [data-nbbridge-node]").evaluate_all(
        "ns => ns.map(n => n.dataset.nbbridgeNode)"
    )
    assert sorted(names) == sorted(steps)
    expect(output).to_contain_text(f"{len(steps)} steps")
    # The renderer took the output, not the text fallback.
    expect(page.get_by_text("pipeline (text fallback)")).to_have_count(0)
    screenshot(page, artifacts, "output-saved")


def test_nbbridge_dag_magic_draws_inline_in_a_live_kernel(
    page: Page, lab: LabServer, demo: str, artifacts: Path
) -> None:
    open_notebook(page, lab, demo)
    # A cell run before the kernel is up is not executed: wait as a user waits for "Idle".
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel?.status"
        " === 'idle'",
        timeout=90_000,
    )
    last = cell_with(page, "assert accuracy > 0.8")
    select_cell(last)
    page.keyboard.press("b")  # a new cell below, in command mode
    page.keyboard.press("Enter")
    page.keyboard.type("%load_ext nbbridge\n%nbbridge dag")
    page.keyboard.press("Shift+Enter")

    output = page.locator(OUTPUT)
    expect(output.locator("svg [data-nbbridge-node]")).to_have_count(4, timeout=90_000)
    expect(output.locator('svg [data-nbbridge-node="train"]')).to_have_count(1)
    output.scroll_into_view_if_needed()
    screenshot(page, artifacts, "output-magic")
